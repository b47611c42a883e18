#!/usr/bin/env python3
"""A soak run of `notes serve`: mixed reads and writes from steady clients, a
slow client mix (heads sent a few bytes at a time, responses read slowly,
idle keep-alive connections), for MINUTES. Each second it samples the
server's RSS, open file descriptors and database connections; after the
warm-up (a fifth of the run, at least 10 s) none may grow beyond its bound.
Usage: soak.py <notes binary> <minutes> <DATABASE_URL>"""
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time

RSS_GROWTH_LIMIT_KIB = 16 * 1024  # after warm-up; allocator caches settle well within it
FD_GROWTH_LIMIT = 16              # sockets of clients that come and go
STEADY_CLIENTS = 6
SLOW_CLIENTS = 4


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Client:
    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            self.connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = self.connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # reconnects at the next request
            raise


def steady(port, number, stop, errors, completed):
    client = Client(port)
    mine = []
    rng = random.Random(number)
    while not stop.is_set():
        roll = rng.random()
        try:
            if roll < 0.6 or not mine:
                status, _ = client.call("GET", f"/notes?limit=20&offset={rng.randint(0, 50)}")
            elif roll < 0.8:
                status, body = client.call("POST", "/notes", {"text": f"soak {number} {rng.random()}", "completed": False})
                if 200 <= status < 300:
                    mine.append(json.loads(body)["id"])
            elif roll < 0.9:
                status, _ = client.call("PATCH", f"/notes/{rng.choice(mine)}", {"completed": True})
            else:
                status, _ = client.call("DELETE", f"/notes/{mine.pop()}")
            if status >= 500:
                errors.append(f"{status} from a steady client")
            completed[number] += 1
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"steady client: {error!r}")
            time.sleep(0.1)


def slow(port, number, stop, errors):
    rng = random.Random(1000 + number)
    while not stop.is_set():
        kind = rng.choice(["trickle", "slow_reader", "idle"])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                if kind == "trickle":  # a head a few bytes at a time, well inside the header timeout
                    head = b"GET /notes?limit=5 HTTP/1.1\r\nHost: soak\r\n\r\n"
                    for i in range(0, len(head), 4):
                        raw.sendall(head[i:i + 4])
                        time.sleep(0.02)
                    raw.recv(65536)
                elif kind == "slow_reader":  # asks for a page and reads it a little at a time
                    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                    raw.sendall(b"GET /notes?limit=100 HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n")
                    while raw.recv(512):
                        time.sleep(0.005)
                else:  # connects, says nothing, and leaves before the server's timeout
                    time.sleep(rng.uniform(0.5, 2.0))
        except OSError as error:
            errors.append(f"slow client ({kind}): {error!r}")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1))


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def database_connections(pid, url):
    # PostgreSQL: established TCP connections to its port in this network
    # namespace (the soak's own server has no other clients).
    if url.startswith("sqlite"):
        # One descriptor per open SQLite file (the database, its -wal, its -shm) per connection.
        count = 0
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if ".db" in os.readlink(f"/proc/{pid}/fd/{fd}"):
                    count += 1
            except OSError:
                pass
        return count
    port = re.search(r":(\d+)/", url).group(1)
    with open(f"/proc/{pid}/net/tcp") as table:
        remote = f":{int(port):04X}"
        return sum(1 for line in table.readlines()[1:] if line.split()[2].endswith(remote) and line.split()[3] == "01")


def main():
    notes, minutes, url = os.path.realpath(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    duration = minutes * 60
    warm_up = max(10.0, duration / 5)
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": url, "LOG_LEVEL": "warning", "ACCESS_LOG": "false"}
    log = open(f"/tmp/soak-{port}.log", "w")
    server = subprocess.Popen([notes, "serve", "--port", str(port), "--threads", "2", "--migrate"], env=env,
                              stdout=log, stderr=log)
    stop, errors, threads = threading.Event(), [], []
    completed = [0] * STEADY_CLIENTS
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                if Client(port).call("GET", "/health")[0] == 200:
                    break
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                sys.exit("notes serve did not answer /health within 15 s")
            time.sleep(0.05)
        threads = [threading.Thread(target=steady, args=(port, i, stop, errors, completed))
                   for i in range(STEADY_CLIENTS)]
        threads += [threading.Thread(target=slow, args=(port, i, stop, errors)) for i in range(SLOW_CLIENTS)]
        for thread in threads:
            thread.start()
        samples = []
        started = time.monotonic()
        while time.monotonic() - started < duration:
            time.sleep(1)
            if server.poll() is not None:
                sys.exit(f"the server exited with {server.returncode} during the soak")
            samples.append((time.monotonic() - started, rss_kib(server.pid), open_fds(server.pid),
                            database_connections(server.pid, url)))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        server.terminate()
        server.wait(timeout=20)
    settled = [s for s in samples if s[0] >= warm_up]
    base = settled[0]
    peak = tuple(max(s[i] for s in settled) for i in range(4))
    last = samples[-1]
    print(f"soak {minutes:g} min on {url.split(':')[0]}: {len(samples)} samples, warm-up {warm_up:.0f} s")
    print(f"  RSS KiB  first {samples[0][1]}  after warm-up {base[1]}  peak {peak[1]}  last {last[1]}")
    print(f"  fds      first {samples[0][2]}  after warm-up {base[2]}  peak {peak[2]}  last {last[2]}")
    print(f"  db conns first {samples[0][3]}  after warm-up {base[3]}  peak {peak[3]}  last {last[3]}")
    print(f"  requests {sum(completed)} from the steady clients ({sum(completed) / duration:.0f}/s), errors {len(errors)}")
    problems = [] if sum(completed) else ["no request completed"]
    if errors:
        problems.append(f"{len(errors)} client errors, first: {errors[0]}")
    if last[1] - base[1] > RSS_GROWTH_LIMIT_KIB:
        problems.append(f"RSS grew {last[1] - base[1]} KiB after warm-up (limit {RSS_GROWTH_LIMIT_KIB})")
    if peak[2] - base[2] > FD_GROWTH_LIMIT:
        problems.append(f"open descriptors grew by {peak[2] - base[2]} after warm-up (limit {FD_GROWTH_LIMIT})")
    if last[3] > base[3] + 2 and last[3] > 12:
        problems.append(f"database connections grew from {base[3]} to {last[3]}")
    if problems:
        sys.exit("soak failed: " + "; ".join(problems))


if __name__ == "__main__":
    main()
