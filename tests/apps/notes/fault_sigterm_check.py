#!/usr/bin/env python3
"""`notes serve` on a SQLite file, sent SIGTERM in the middle of 16 concurrent
writers: the requests in flight finish with whole responses, new connections
are refused, the process exits 0 within its shutdown timeout, and it closed
its pool (SQLite removes the -wal file when its last connection closes).
Each request is counted: answered whole, refused (refused at connect, or reset
before any byte of an answer: still in the listen queue when it closed), or
cut (part of an answer, then nothing): there must be none of the last kind,
and every acknowledged note is stored. Four more requests are surely in the
app at the signal: each sent its head with `Expect: 100-continue` and had its
`100 Continue` (the endpoint began reading its body) before it, and sends
its body after it; each must be answered 2xx.
Usage: fault_sigterm_check.py <notes binary> [rounds]"""
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from notes_process import start_notes

WRITERS = 16
SHUTDOWN_LIMIT_SECONDS = 10  # ServerOptions::shutdown_timeout's default


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.answered, self.refused, self.cut = 0, 0, []
        self.answered_after_signal = 0
        self.acknowledged = set()


def post(port, text, between=None):
    """('answered', status) | ('refused', None) | ('cut', what was read).
    `between`: called once the server said 100 Continue, before the body is sent."""
    try:
        connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    except ConnectionRefusedError:
        return "refused", None
    body = json.dumps({"text": text, "completed": False}).encode()
    head = (f"POST /notes HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode()
    received = b""
    try:
        if between:
            connection.sendall(head.replace(b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n"))
            while b"\r\n\r\n" not in received:
                data = connection.recv(65536)
                if not data:
                    return "refused", None
                received += data
            if not received.startswith(b"HTTP/1.1 100"):
                return "cut", received
            received = b""
            between()
            connection.sendall(body)
        else:
            connection.sendall(head + body)
        while True:
            data = connection.recv(65536)
            if not data:
                break
            received += data
    except (ConnectionResetError, BrokenPipeError):
        pass
    finally:
        connection.close()
    if not received:
        return "refused", None  # reset before any answer: still in the listen queue when it closed
    head_end = received.find(b"\r\n\r\n")
    if head_end < 0:
        return "cut", received
    status = int(received.split(b" ", 2)[1])
    length = next((int(line.split(b":", 1)[1]) for line in received[:head_end].split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), None)
    if length is None or len(received) - head_end - 4 != length:
        return "cut", received
    return "answered", status


def write(port, writer, counts, stop, signalled):
    for n in range(1_000_000):
        if stop.is_set():
            return
        text = f"sigterm {writer}-{n}"
        kind, detail = post(port, text)
        with counts.lock:
            if kind == "answered":
                counts.answered += 1
                if signalled.is_set():
                    counts.answered_after_signal += 1
                if 200 <= detail < 300:
                    counts.acknowledged.add(text)
            elif kind == "refused":
                counts.refused += 1
            else:
                counts.cut.append(detail[:200])
        if kind == "refused" and signalled.is_set():
            return  # the server is going: nothing more to count


def held(port, number, ready, signalled, results):
    """A request in the app at SIGTERM: its body sent only after the signal."""
    def wait_for_the_signal():
        ready.release()
        signalled.wait(timeout=60)
        time.sleep(0.2)  # the server is draining now
    try:
        results.append(post(port, f"held {number}", between=wait_for_the_signal) + (f"held {number}",))
    except Exception as error:  # counted below as a held request that was not answered
        results.append(("failed", repr(error), f"held {number}"))
    finally:
        ready.release()  # twice at most: the waiter takes one per holder


def one_round(notes, work, log, round_number):
    database = os.path.join(work, f"notes{round_number}.db")
    server, port = start_notes(notes, f"sqlite:///{database}", log)
    counts, stop, signalled = Counts(), threading.Event(), threading.Event()
    writers = [threading.Thread(target=write, args=(port, i, counts, stop, signalled)) for i in range(WRITERS)]
    for writer in writers:
        writer.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with counts.lock:
                if counts.answered >= 300:
                    break
            time.sleep(0.005)
        ready, held_results = threading.Semaphore(0), []
        holders = [threading.Thread(target=held, args=(port, i, ready, signalled, held_results)) for i in range(4)]
        for holder in holders:
            holder.start()
        for _ in holders:
            if not ready.acquire(timeout=30):
                sys.exit(f"round {round_number}: a held request never got its 100 Continue")
        signalled.set()
        signalled_at = time.monotonic()
        server.send_signal(signal.SIGTERM)
        for holder in holders:
            holder.join()
        try:
            code = server.wait(timeout=SHUTDOWN_LIMIT_SECONDS + 5)
        except subprocess.TimeoutExpired:
            server.kill()
            sys.exit(f"round {round_number}: still running {SHUTDOWN_LIMIT_SECONDS + 5} s after SIGTERM")
        exited_after = time.monotonic() - signalled_at
    finally:
        stop.set()
        for writer in writers:
            writer.join()
        if server.poll() is None:
            server.kill()
    if code != 0:
        sys.exit(f"round {round_number}: exited {code} after SIGTERM")
    if len(held_results) != 4:
        sys.exit(f"round {round_number}: {len(held_results)} of 4 held requests came back")
    for kind, status, text in held_results:
        if kind != "answered" or not 200 <= status < 300:
            sys.exit(f"round {round_number}: a request in the app at SIGTERM got {kind} {status}, not a 2xx")
        counts.acknowledged.add(text)
    if counts.cut:
        sys.exit(f"round {round_number}: {len(counts.cut)} answers cut short, e.g. {counts.cut[0]!r}")
    if os.path.exists(database + "-wal"):
        sys.exit(f"round {round_number}: the -wal file is still there: the pool was not closed")
    with sqlite3.connect(database) as check:
        stored = {row[0] for row in check.execute("SELECT text FROM notes")}
    lost = counts.acknowledged - stored
    if lost:
        sys.exit(f"round {round_number}: {len(lost)} acknowledged notes lost, e.g. {sorted(lost)[:3]}")
    return counts, exited_after


def main():
    notes = os.path.realpath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    drained = 0
    with tempfile.TemporaryDirectory(prefix="notes-sigterm.") as work:
        log = open(os.path.join(work, "server.log"), "w")
        for round_number in range(rounds):
            counts, exited_after = one_round(notes, work, log, round_number)
            drained += counts.answered_after_signal
            print(f"round {round_number}: 4 of 4 requests in the app at SIGTERM answered 2xx; {counts.answered} "
                  f"others answered whole ({counts.answered_after_signal} after SIGTERM), {counts.refused} refused, "
                  f"0 cut; exit 0 {exited_after:.2f} s after SIGTERM; -wal removed; no acknowledged note lost")
        log.close()
    if drained == 0:
        sys.exit("no request was answered after SIGTERM in any round: nothing was in flight to drain")


if __name__ == "__main__":
    main()
