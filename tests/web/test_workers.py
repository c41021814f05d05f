"""`peoplealign serve --workers N`: several processes behind one socket, a TCP socket asyncio sets
TCP_NODELAY on (without it every kept-alive response waits ~40 ms for a delayed acknowledgement)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

from peoplealign.web.workers import FACTORY, _TcpConfig


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_shared_socket_says_it_is_tcp() -> None:
    bound = _TcpConfig(FACTORY, factory=True, host="127.0.0.1", port=0, workers=2).bind_socket()
    with bound:
        assert bound.proto == socket.IPPROTO_TCP and bound.get_inheritable()


def test_serve_runs_several_workers_behind_one_port(sqlite_url: str) -> None:
    port = _free_port()
    command = ["serve", "--workers", "2", "--port", str(port), "--db", sqlite_url]
    server = subprocess.Popen(
        [sys.executable, "-m", "peoplealign", *command],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, server.communicate()[1]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the workers did not start"
                time.sleep(0.3)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            assert all(client.get("/healthz").json()["status"] == "ok" for _ in range(5))
    finally:
        server.terminate()
        _, log = server.communicate(timeout=30)
    assert log.count("Started server process") == 2, log
