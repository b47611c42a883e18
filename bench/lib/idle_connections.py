#!/usr/bin/env python3
"""Opens COUNT keep-alive connections to HOST:PORT, one GET PATH on each (every
answer must be 200); prints "ready COUNT" once all are open and answered, then
holds them idle until killed.
Usage: idle_connections.py HOST PORT COUNT PATH"""
import signal
import socket
import sys


def main():
    host, port, count, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    connections = []
    for i in range(count):
        connection = socket.create_connection((host, port), timeout=10)
        connection.sendall(request)
        answer = connection.recv(65536)
        if not answer.startswith(b"HTTP/1.1 200"):
            sys.exit(f"connection {i + 1}: {answer[:80]!r}")
        connections.append(connection)
    print(f"ready {len(connections)}", flush=True)
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
