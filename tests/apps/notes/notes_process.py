"""What the notes fault checks share: a free port, one HTTP request, and a
`notes serve` process started on a database and stopped again."""
import http.client
import json
import os
import socket
import subprocess
import sys
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


def start_notes(notes, database_url, log, settings=None):
    """`notes serve --migrate` on a free port, once /health answers 200: (process, port)."""
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": database_url, "LOG_LEVEL": "warning", **(settings or {})}
    server = subprocess.Popen([notes, "serve", "--port", str(port), "--threads", "2", "--migrate"], env=env,
                              stdout=log, stderr=log)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/health", timeout=1)[0] == 200:
                return server, port
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
    server.kill()
    sys.exit(f"notes serve did not answer /health within 15 s (log: {log.name})")


def stop_notes(server):
    """SIGTERM, and SIGKILL if it has not exited 15 s later."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
