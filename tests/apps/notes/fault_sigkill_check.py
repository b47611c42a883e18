#!/usr/bin/env python3
"""`notes serve` on a SQLite file, killed with SIGKILL in the middle of a
concurrent write load: every note acknowledged with a 2xx is in the database
afterwards, the file passes PRAGMA integrity_check, and a new server on it
serves and takes writes again. Several rounds, each killed at another moment.
Usage: fault_sigkill_check.py <notes binary> [rounds]"""
import http.client
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time

from notes_process import request, start_notes, stop_notes

WRITERS = 8
LOAD_DEADLINE_SECONDS = 60


def write_until_refused(port, writer, acknowledged, failures, lock):
    for n in range(1_000_000):
        text = f"round-note {writer}-{n}"
        try:
            status, _, _ = request(port, "POST", "/notes", {"text": text, "completed": n % 2 == 0})
        except (OSError, http.client.HTTPException):
            return  # the server is gone: this write was never acknowledged
        if 200 <= status < 300:
            with lock:
                acknowledged.add(text)
        elif status != 503:
            with lock:  # sys.exit in a thread would end only the thread
                failures.append(f"POST /notes answered {status} under load")
            return


def one_round(notes, database, log, kill_at):
    """Kills the server once `kill_at` writes are acknowledged: a count, not a
    time, so that a busy CI machine still kills it mid-load."""
    server, port = start_notes(notes, f"sqlite:///{database}", log)
    acknowledged, failures, lock = set(), [], threading.Lock()
    try:
        writers = [threading.Thread(target=write_until_refused, args=(port, i, acknowledged, failures, lock))
                   for i in range(WRITERS)]
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + LOAD_DEADLINE_SECONDS
        while time.monotonic() < deadline and not failures:
            with lock:
                if len(acknowledged) >= kill_at:
                    break
            time.sleep(0.002)
    finally:
        server.kill()  # SIGKILL: no shutdown hook, no flush, mid-transaction for some writers
        server.wait()
    for writer in writers:
        writer.join()
    if failures:
        sys.exit(failures[0])
    return acknowledged


def main():
    notes = os.path.realpath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    random.seed(7)
    with tempfile.TemporaryDirectory(prefix="notes-sigkill.") as work:
        database = os.path.join(work, "notes.db")
        log = open(os.path.join(work, "server.log"), "w")
        total = 0
        for round_number in range(rounds):
            kill_at = random.randint(200, 2000)
            acknowledged = one_round(notes, database, log, kill_at)
            if len(acknowledged) < kill_at:
                sys.exit(f"round {round_number}: only {len(acknowledged)} of {kill_at} writes acknowledged "
                         f"within {LOAD_DEADLINE_SECONDS} s: no load to speak of")
            with sqlite3.connect(database) as check:
                integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
                stored = {row[0] for row in check.execute("SELECT text FROM notes")}
            if integrity != "ok":
                sys.exit(f"round {round_number}: integrity_check says {integrity}")
            lost = acknowledged - stored
            if lost:
                sys.exit(f"round {round_number}: {len(lost)} acknowledged writes lost, e.g. {sorted(lost)[:3]}")
            total += len(acknowledged)
            print(f"round {round_number}: killed at {kill_at} acknowledgements, {len(acknowledged)} acknowledged writes, "
                  f"none lost, integrity ok")
        # Service is back on the same file: it reads and takes writes.
        server, port = start_notes(notes, f"sqlite:///{database}", log)
        try:
            status, _, _ = request(port, "POST", "/notes", {"text": "after the kills", "completed": False})
            if status != 201 and status != 200:
                sys.exit(f"POST /notes after the kills answered {status}")
            status, _, _ = request(port, "GET", "/notes?limit=1")
            if status != 200:
                sys.exit(f"GET /notes after the kills answered {status}")
        finally:
            stop_notes(server)
        print(f"{rounds} SIGKILLs under {WRITERS} writers: {total} acknowledged writes, none lost")


if __name__ == "__main__":
    main()
