#!/usr/bin/env python3
"""`notes serve` on PostgreSQL under a concurrent write load while the
database fails under it, on a PostgreSQL server of its own (a throwaway one,
as scripts/test starts):
  1. the server restarted with `pg_ctl restart -m immediate` (a crash and recovery),
  2. every connection of the app killed with pg_terminate_backend,
  3. the pool exhausted: the notes table locked for 3 s, so that the writes
     on the app's two connections wait past DATABASE_STATEMENT_TIMEOUT_MS and
     those queued behind them past DATABASE_POOL_TIMEOUT_MS.
In each: every answer is a 2xx or a 503 with Retry-After (never a 500, never a
hang past 10 s), the app answers 2xx again without a restart, and every note
acknowledged with a 2xx is in the database at the end. A lock outlasting both
timeouts must give 503s; the slowest answer is reported.
Usage: fault_postgres_check.py <notes binary>"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from notes_process import Load, free_port, start_notes, stop_notes

PG_BIN = "/usr/lib/postgresql/15/bin"
WRITERS = 8
WARM_UP_WRITES = 200
POOL_TIMEOUT_MS = 500
STATEMENT_TIMEOUT_MS = 1000
LOCK_SECONDS = 3


def as_postgres(command, **kwargs):
    # PostgreSQL refuses to run as root.
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--"] + command
    return subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)


class Postgres:
    def __init__(self, work):
        self.dir = os.path.join(work, "pg")
        os.mkdir(self.dir)
        if os.getuid() == 0:
            shutil.chown(self.dir, user="postgres")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        as_postgres([f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8"])

    def pg_ctl(self, action, *extra):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        as_postgres([f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-o", options,
                     action, *extra])

    def sql(self, statement):
        as_postgres(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                     "-v", "ON_ERROR_STOP=1", "-c", statement])

    def stored_texts(self):
        command = ["psql", "-X", "-At", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                   "-c", "SELECT text FROM notes"]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--"] + command
        return set(subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines())

    def stop(self):
        try:
            self.pg_ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass

    @property
    def url(self):
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"


def scenario(notes_port, name, fault):
    load = Load(notes_port, name, WRITERS)
    # Under load, not after a fixed time: CI machines are busy.
    if not load.wait_until(acknowledged=WARM_UP_WRITES):
        load.stop()
        sys.exit(f"{name}: only {load.counts()[0]} writes acknowledged in 60 s before the fault ({load.failures[:1]})")
    fault()
    healed_at = time.monotonic()
    recovered = load.recovery_time(healed_at)
    time.sleep(0.5)
    load.stop()
    if load.failures:
        sys.exit(f"{name}: {len(load.failures)} bad answers, first: {load.failures[0]}")
    if recovered is None:
        sys.exit(f"{name}: no 2xx within 15 s of the database being back")
    return load, recovered


def main():
    notes = os.path.realpath(sys.argv[1])
    if not os.path.exists(f"{PG_BIN}/initdb"):
        print("SKIP: PostgreSQL 15 server binaries are not installed")
        sys.exit(77)  # ctest's SKIP_RETURN_CODE
    with tempfile.TemporaryDirectory(prefix="notes-pgfault.") as work:
        if os.getuid() == 0:
            shutil.chown(work, user="postgres")
        log = open(os.path.join(work, "server.log"), "w")
        postgres, server = None, None
        try:
            postgres = Postgres(work)
            postgres.pg_ctl("start")  # after the assignment: a failed start is stopped below too
            server, port = start_notes(notes, postgres.url, log,
                                       {"DATABASE_POOL_TIMEOUT_MS": str(POOL_TIMEOUT_MS), "DATABASE_POOL_SIZE": "2",
                                        "DATABASE_STATEMENT_TIMEOUT_MS": str(STATEMENT_TIMEOUT_MS)})
            results = []
            restart = lambda: postgres.pg_ctl("restart", "-m", "immediate")
            results.append(("restart -m immediate",) + scenario(port, "restart", restart))
            def terminate():  # five times, 100 ms apart: some of them in the middle of a statement
                for _ in range(5):
                    postgres.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'")
                    time.sleep(0.1)
            results.append(("pg_terminate_backend",) + scenario(port, "terminate", terminate))
            lock = lambda: postgres.sql(
                f"BEGIN; LOCK TABLE notes IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep({LOCK_SECONDS}); COMMIT;")
            results.append((f"table locked {LOCK_SECONDS} s",) + scenario(port, "exhausted", lock))
            stored = postgres.stored_texts()
            for fault, load, recovered in results:
                lost = load.acknowledged - stored
                if lost:
                    sys.exit(f"{fault}: {len(lost)} acknowledged writes lost, e.g. {sorted(lost)[:3]}")
                print(f"{fault}: {len(load.acknowledged)} acknowledged, none lost; {len(load.refused)} answered 503 "
                      f"with Retry-After; slowest answer {load.slowest:.2f} s; 2xx again {recovered:.2f} s after "
                      f"the database was back")
            if not any(load.refused for _, load, _ in results):
                sys.exit("no fault produced a single 503: the faults did not reach the app")
            locked = results[-1][1]
            if not locked.refused:
                sys.exit(f"a lock held {LOCK_SECONDS} s, past the statement and pool timeouts, gave no 503")
        finally:
            try:
                if server:
                    stop_notes(server)
            finally:
                log.close()
                if postgres:
                    postgres.stop()


if __name__ == "__main__":
    main()
