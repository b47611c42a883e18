#!/usr/bin/env python3
"""The techempower app on a fresh database, checked by bench/verify: on a
SQLite file, or on a PostgreSQL database of its own (made on the server of
STARLING_TEST_POSTGRES_URL and dropped after; SKIP without it).
Usage: techempower_check.py <techempower binary> sqlite|postgresql"""
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

VERIFY = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "bench", "verify")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def psql(server_url, statement):
    subprocess.run(["psql", "-X", "-q", server_url, "-c", statement], check=True)


def serve_and_verify(binary, database_url, work):
    port = free_port()
    log_path = os.path.join(work, "server.log")
    with open(log_path, "w") as log:
        server = subprocess.Popen([binary, "--port", str(port), "--threads", "2", "--database-url", database_url],
                                  stdout=log, stderr=log, cwd=work)
    try:
        deadline = time.monotonic() + 60  # it seeds 10,000 rows first
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/plaintext", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"techempower did not start: {open(log_path).read()[-2000:]}")
                time.sleep(0.1)
        result = subprocess.run([sys.executable, VERIFY, f"http://127.0.0.1:{port}", "--database-url", database_url])
    finally:
        server.terminate()
        try:
            code = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            sys.exit("techempower was still running 30 s after SIGTERM")
    if code != 0:
        sys.exit(f"techempower exited {code} after SIGTERM")
    sys.exit(result.returncode)


def main():
    binary, backend = os.path.realpath(sys.argv[1]), sys.argv[2]
    if backend not in ("sqlite", "postgresql"):
        sys.exit(f"no backend {backend!r}: sqlite or postgresql")
    with tempfile.TemporaryDirectory(prefix="techempower.") as work:
        if backend == "sqlite":
            serve_and_verify(binary, f"sqlite:///{work}/techempower.db", work)
        server_url = os.environ.get("STARLING_TEST_POSTGRES_URL")
        if not server_url:
            print("SKIP: STARLING_TEST_POSTGRES_URL is not set")
            sys.exit(77)
        name = "starling_techempower_" + uuid.uuid4().hex[:12]
        psql(server_url, f"CREATE DATABASE {name}")
        try:
            serve_and_verify(binary, server_url.rsplit("/", 1)[0] + "/" + name, work)
        finally:
            psql(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
