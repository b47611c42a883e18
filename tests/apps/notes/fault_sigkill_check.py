#!/usr/bin/env python3
"""`notes serve` on a SQLite file, killed with SIGKILL in the middle of a
concurrent write load: every note acknowledged with a 2xx is in the database
afterwards, the file passes PRAGMA integrity_check, and a new server on it
serves and takes writes again. Several rounds, each killed at another moment.
Usage: fault_sigkill_check.py <notes binary> [rounds]"""
import os
import random
import sqlite3
import sys
import tempfile

from notes_process import Load, request, start_notes, stop_notes

WRITERS = 8
LOAD_DEADLINE_SECONDS = 60


def one_round(notes, database, log, name, kill_at):
    """Kills the server once `kill_at` writes are acknowledged: a count, not a
    time, so that a busy CI machine still kills it mid-load."""
    server, port = start_notes(notes, f"sqlite:///{database}", log)
    load = None
    try:
        load = Load(port, name, WRITERS, until_gone=True)
        load.wait_until(acknowledged=kill_at, limit=LOAD_DEADLINE_SECONDS)
    finally:
        server.kill()  # SIGKILL: no shutdown hook, no flush, mid-transaction for some writers
        server.wait()
        if load:
            load.stop()
    if load.failures:
        sys.exit(load.failures[0])
    return load.acknowledged


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
            acknowledged = one_round(notes, database, log, f"round{round_number}", kill_at)
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
