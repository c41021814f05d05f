"""Serving the web app from one or several worker processes.

One process runs Python on one core at a time, so on a machine with more cores `peoplealign serve
--workers N` runs N of them behind one listening socket. Each worker builds its own app from the
environment (`app_from_environment`): its own database pool, its own caches of aggregates (so memory
grows with N and each worker warms its caches at start-up) and its own scheduled jobs (retention and
the audit verification are safe to run more than once).
"""

from __future__ import annotations

import os
import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

URL_VARIABLE = "PEOPLEALIGN_SERVE_DB_URL"
INSECURE_COOKIES_VARIABLE = "PEOPLEALIGN_SERVE_INSECURE_COOKIES"
FACTORY = f"{__name__}:app_from_environment"


def app_from_environment() -> Any:
    """The app as `peoplealign serve` runs it, for the database and cookie setting it put in the
    environment (each worker process builds one)."""
    from peoplealign.web.app import create_app

    insecure = os.environ.get(INSECURE_COOKIES_VARIABLE) == "1"
    return create_app(os.environ[URL_VARIABLE], secure_cookies=not insecure, run_scheduled_jobs=True)


class _TcpConfig(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        """The shared socket of several workers, as a TCP socket asyncio recognises.

        uvicorn creates it without `IPPROTO_TCP`, and asyncio sets TCP_NODELAY only on accepted
        sockets whose protocol says TCP: every response after the first on a kept-alive connection
        then waits ~40 ms for the client's delayed acknowledgement (Kludex/uvicorn#3149, open in
        uvicorn 0.54). Rebuilt from the same descriptor, the socket reports its real protocol."""
        bound = super().bind_socket()
        if bound.family not in (socket.AF_INET, socket.AF_INET6):
            return bound
        tcp = socket.socket(fileno=bound.detach())
        tcp.set_inheritable(True)
        return tcp


def serve(
    factory: str,
    *,
    host: str,
    port: int,
    workers: int = 1,
    log_level: str = "info",
    access_log: bool = True,
) -> None:
    """Run the app `factory` ("module:function") builds in `workers` processes until interrupted."""
    config = _TcpConfig(
        factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=access_log,
        proxy_headers=False,
    )
    if workers == 1:
        uvicorn.Server(config).run()
    else:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
