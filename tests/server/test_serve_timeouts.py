"""Issue 22: `grade serve` closes idle connections (each holds a thread of the threaded server)."""
from __future__ import annotations

import socket
import time
import urllib.request

from tests.server.test_serve import start_serve, stop

IDLE = 40


def test_grade_serve_closes_connections_that_send_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_SERVE_READ_TIMEOUT", "1")
    process, url = start_serve(tmp_path, tmp_path / "serve.log", "--workers", "0")
    idle = []
    try:
        port = int(url.rsplit(":", 1)[1])
        idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(IDLE)]
        half = socket.create_connection(("127.0.0.1", port), timeout=10)
        half.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")        # a request that never ends
        idle.append(half)
        deadline = time.monotonic() + 8          # the timeout is 1 s; the machine may be busy
        still_open = 0
        for connection in idle:                  # read until the server closes it (recv gives b"")
            connection.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                while connection.recv(4096):
                    pass
            except TimeoutError:
                still_open += 1
        assert still_open == 0, f"{still_open} of {len(idle)} idle connections still open after 8 s"
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:     # and it still serves
            assert response.status == 200
    finally:
        for connection in idle:
            connection.close()
        stop(process)
