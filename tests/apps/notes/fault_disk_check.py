#!/usr/bin/env python3
"""`notes serve` on SQLite when the disk fills up and when its database file
is read-only:
  1. disk full: the database on a 16 MiB tmpfs that a file then fills, under
     a concurrent write load. Writes are refused with 503, Retry-After and a
     JSON body, and a log line says why; reads go on; once the file is
     removed, writes are acknowledged again without a restart.
  2. read-only file: the server started on a database file it may not write
     (mode 0444, the server not root). Reads answer 200, writes 503 with a
     log line that says the file is read-only. SQLite makes the -wal and -shm
     files read-only too and keeps them while a connection is open, so service
     comes back with a restart once the files are writable.
In both, the file passes PRAGMA integrity_check afterwards, every acknowledged
note is in it and no refused one (nothing half-written).
The disk-full part needs a mount namespace of its own (root, or unprivileged
user namespaces): the script runs that part again inside `unshare`.
Usage: fault_disk_check.py <notes binary> [--disk-full-inside]"""
import os
import pwd
import sqlite3
import subprocess
import sys
import tempfile
import time

from notes_process import Load, request, start_notes, stop_notes

WRITERS = 4
TMPFS_SIZE = "16m"


def check_stored(database, load, what):
    with sqlite3.connect(database) as check:
        integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
        stored = {row[0] for row in check.execute("SELECT text FROM notes")}
    if integrity != "ok":
        sys.exit(f"{what}: integrity_check says {integrity}")
    lost = load.acknowledged - stored
    if lost:
        sys.exit(f"{what}: {len(lost)} acknowledged writes lost, e.g. {sorted(lost)[:3]}")
    half_written = load.refused & stored
    if half_written:
        sys.exit(f"{what}: {len(half_written)} refused writes were stored, e.g. {sorted(half_written)[:3]}")


def log_says(log_path, words):
    with open(log_path) as log:
        return any(words in line for line in log)


def fill(path):
    """Writes `path` until the file system is full."""
    with open(path, "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError:
            pass  # ENOSPC: full


def disk_full(notes, work):
    disk = os.path.join(work, "disk")
    os.mkdir(disk)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", disk], check=True)
    try:
        fill_the_disk_under_load(notes, work, disk)
    finally:
        subprocess.run(["umount", "--lazy", disk])  # the namespace goes anyway: no error to hide another


def fill_the_disk_under_load(notes, work, disk):
    database = os.path.join(disk, "notes.db")
    log_path = os.path.join(work, "disk-full.log")
    log = open(log_path, "w")
    server, port = start_notes(notes, f"sqlite:///{database}", log)
    load = None
    try:
        load = Load(port, "full", WRITERS)
        if not load.wait_until(acknowledged=200):
            sys.exit(f"disk full: no load before the disk filled ({load.failures[:1]})")
        filled_at = time.monotonic()
        fill(os.path.join(disk, "filler"))
        # The WAL may still have room for a few hundred writes before one needs more.
        if not load.wait_until(refused=20):
            sys.exit(f"disk full: {load.counts()[1]} writes refused in 60 s on a full disk ({load.failures[:1]})")
        first_refusals = time.monotonic() - filled_at
        status, _, _ = request(port, "GET", "/notes?limit=5")
        if status != 200:
            sys.exit(f"disk full: GET /notes answered {status}")
        os.remove(os.path.join(disk, "filler"))
        freed_at = time.monotonic()
        recovered = load.recovery_time(freed_at)
        if recovered is None:
            sys.exit("disk full: no write acknowledged within 15 s of the space coming back")
        acknowledged_before = load.counts()[0]
        if not load.wait_until(acknowledged=acknowledged_before + 100):
            sys.exit("disk full: writes did not go on after the space came back")
    finally:
        if load:
            load.stop()
        stop_notes(server)
        log.close()
    if load.failures:
        sys.exit(f"disk full: {load.failures[0]}")
    if not log_says(log_path, "disk is full"):
        sys.exit(f"disk full: no log line says the disk is full ({log_path})")
    check_stored(database, load, "disk full")
    print(f"disk full: {len(load.acknowledged)} acknowledged, {len(load.refused)} refused with 503 (the first "
          f"{first_refusals:.2f} s after the disk filled), none lost, none half-written, reads answered 200; "
          f"writes acknowledged again {recovered:.2f} s after the space came back")


def read_only_file(notes, work):
    # Root writes any file: the server then runs as nobody, in a folder of its own.
    user = pwd.getpwnam("nobody") if os.getuid() == 0 else None
    folder = os.path.join(work, "read-only")
    os.mkdir(folder)
    if user:
        os.chown(folder, user.pw_uid, user.pw_gid)
    database = os.path.join(folder, "notes.db")
    log_path = os.path.join(work, "read-only.log")
    log = open(log_path, "w")
    server, port = start_notes(notes, f"sqlite:///{database}", log, user=user)
    load = Load(port, "writable", WRITERS)
    try:
        if not load.wait_until(acknowledged=50) or load.failures:
            sys.exit(f"read-only file: writes failed while the file was writable ({load.failures[:1]})")
    finally:
        load.stop()
        stop_notes(server)
    os.chmod(database, 0o444)
    server, port = start_notes(notes, f"sqlite:///{database}", log, user=user)
    try:
        status, _, _ = request(port, "GET", "/notes?limit=5")
        if status != 200:
            sys.exit(f"read-only file: GET /notes answered {status}")
        refused = Load(port, "read-only", 1)
        reached = refused.wait_until(refused=5, limit=15)
        refused.stop()
        if not reached or refused.acknowledged or refused.failures:
            sys.exit(f"read-only file: writes were not refused with 503 ({refused.counts()}, {refused.failures[:1]})")
    finally:
        stop_notes(server)
    for name in os.listdir(folder):
        os.chmod(os.path.join(folder, name), 0o644)
    server, port = start_notes(notes, f"sqlite:///{database}", log, user=user)
    try:
        status, _, body = request(port, "POST", "/notes", {"text": "writable again", "completed": False})
        if not 200 <= status < 300:
            sys.exit(f"read-only file: a write once the files were writable answered {status}: {body[:200]!r}")
    finally:
        stop_notes(server)
        log.close()
    if not log_says(log_path, "read-only"):
        sys.exit(f"read-only file: no log line says the file is read-only ({log_path})")
    load.refused |= refused.refused
    check_stored(database, load, "read-only file")
    print(f"read-only file: reads 200, {len(refused.refused)} writes refused with 503 and a log line, none stored; "
          f"writes acknowledged after a restart on writable files")


def main():
    notes = os.path.realpath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="notes-disk.") as work:
        os.chmod(work, 0o755)  # the server may run as nobody
        if sys.argv[2:] == ["--disk-full-inside"]:
            disk_full(notes, work)
            return
        read_only_file(notes, work)
    # A mount namespace of its own: the tmpfs is gone with it, whatever happens.
    unshare = ["unshare", "--mount", "--propagation", "private"]
    if os.getuid() != 0:
        unshare.append("--map-root-user")
    if subprocess.run(unshare + ["true"], stderr=subprocess.DEVNULL).returncode != 0:
        print("SKIP (disk full): cannot make a mount namespace here (needs root or user namespaces)")
        sys.exit(77)
    sys.exit(subprocess.run(unshare + [sys.executable, os.path.realpath(__file__), notes, "--disk-full-inside"],
                            cwd=os.path.dirname(os.path.realpath(__file__))).returncode)


if __name__ == "__main__":
    main()
