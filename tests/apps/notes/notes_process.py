"""What the notes fault checks share: a free port, one HTTP request, a
`notes serve` process started on a database and stopped again, and a write
load that keeps what the server acknowledged and what it refused."""
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port, method, path, body=None, timeout=10):
    """(status, Retry-After or None, body) of one request on a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Retry-After"), response.read()
    finally:
        connection.close()


def start_notes(notes, database_url, log, settings=None, user=None):
    """`notes serve --migrate` on a free port, once /health answers 200: (process, port).
    `user`: a pwd entry to run it as (when root)."""
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": database_url, "LOG_LEVEL": "warning", **(settings or {})}

    def become_user():
        os.setgroups([])
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)

    server = subprocess.Popen([notes, "serve", "--port", str(port), "--threads", "2", "--migrate"], env=env,
                              stdout=log, stderr=log, preexec_fn=become_user if user else None)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if request(port, "GET", "/health", timeout=1)[0] == 200:
                return server, port
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
    server.kill()
    server.wait()
    sys.exit(f"notes serve did not answer /health within 15 s, or exited {server.returncode} (log: {log.name})")


def stop_notes(server):
    """SIGTERM, and SIGKILL if it has not exited 15 s later."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class Load:
    """Writers that POST notes named "<name> <writer>-<n>" until stopped. A 2xx
    is acknowledged, a 503 with Retry-After and a JSON `detail` is refused (the
    writer backs off 50 ms); any other answer, or none, is a failure, unless
    `until_gone`: then no answer ends the writer (the server was killed)."""

    def __init__(self, port, name, writers=8, until_gone=False):
        self.port, self.name, self.until_gone = port, name, until_gone
        self.acknowledged, self.refused, self.failures = set(), set(), []
        self.slowest = 0.0
        self.last_success = time.monotonic()
        self.lock, self.stopping = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self._write, args=(i,)) for i in range(writers)]
        for thread in self.threads:
            thread.start()

    def _write(self, writer):
        for n in range(1_000_000):
            if self.stopping.is_set():
                return
            text = f"{self.name} {writer}-{n}"
            started = time.monotonic()
            try:
                status, retry_after, body = request(self.port, "POST", "/notes", {"text": text, "completed": False})
            except (OSError, http.client.HTTPException) as error:
                if not self.until_gone:
                    self._fail(f"POST /notes got no answer after {time.monotonic() - started:.1f} s: {error!r}")
                return  # the server is gone: this write was never acknowledged
            with self.lock:
                self.slowest = max(self.slowest, time.monotonic() - started)
                if 200 <= status < 300:
                    self.acknowledged.add(text)
                    self.last_success = time.monotonic()
                elif status == 503 and retry_after and b'"detail"' in body:
                    self.refused.add(text)
                else:
                    self.failures.append(f"POST /notes answered {status} (Retry-After {retry_after}): {body[:200]!r}")
                    return
            if status == 503:
                time.sleep(0.05)

    def _fail(self, message):
        with self.lock:
            self.failures.append(message)

    def counts(self):
        """(acknowledged, refused) so far."""
        with self.lock:
            return len(self.acknowledged), len(self.refused)

    def wait_until(self, acknowledged=0, refused=0, limit=60):
        """Whether the counts reached these within `limit` seconds (a failure ends the wait)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and not self.failures:
            done = self.counts()
            if done[0] >= acknowledged and done[1] >= refused:
                return True
            time.sleep(0.005)
        return False

    def recovery_time(self, since, limit=15):
        """Seconds from `since` to the first 2xx after it, or None past `limit`."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self.lock:
                if self.last_success > since:
                    return self.last_success - since
            time.sleep(0.02)
        return None

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join()
