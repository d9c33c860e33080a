"""The FastAPI application: :func:`create_app` builds it, :func:`serve` runs it with uvicorn.

Our error tree is mapped to status codes in one place (:data:`STATUS_OF`); every error answer is
``{"detail": "..."}``. Adding an area is one more router in :func:`create_app`; a state-changing
route is protected by :class:`TokenMiddleware` without further code.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import socket
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from polymarket_ml import __version__
from polymarket_ml.api.allow import install_allow_header
from polymarket_ml.api.dashboard import mount_dashboard
from polymarket_ml.api.metrics import HttpMetrics, HttpMetricsMiddleware, render_metrics
from polymarket_ml.api.routes import admin, database, executor, markets, monitoring, strategies
from polymarket_ml.api.security import TokenMiddleware
from polymarket_ml.api.state import ApiState
from polymarket_ml.core.errors import (
    ConfigError,
    ConflictError,
    DatabaseNotReadyError,
    DataError,
    InvalidInputError,
    NotFoundError,
    PmmlError,
    SourceError,
    StorageError,
)
from polymarket_ml.settings import ApiSettings

log = logging.getLogger(__name__)

STATUS_OF: tuple[tuple[type[PmmlError], int], ...] = (
    (NotFoundError, 404),
    (InvalidInputError, 422),
    (ConflictError, 409),
    (DatabaseNotReadyError, 503),
    (StorageError, 503),  # the database is down or refused: try again later
    (SourceError, 502),  # the exchange failed us
    (DataError, 502),
    (ConfigError, 500),
)
"""Status code of each error class; the first match wins, anything else is 500."""

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def status_of(exc: PmmlError) -> int:
    for cls, status in STATUS_OF:
        if isinstance(exc, cls):
            return status
    return 500


def create_app(state: ApiState) -> FastAPI:
    """The API over ``state``: monitoring, database browser, admin, ``/metrics``, ``/docs``."""
    app = FastAPI(
        title="polymarket-ml",
        version=__version__,
        description="Monitoring, data and trading of a polymarket-ml deployment.",
    )
    app.state.api = state
    http_metrics = HttpMetrics()
    app.include_router(monitoring.router)
    app.include_router(database.router)
    app.include_router(admin.router)
    app.include_router(markets.router)
    app.include_router(executor.router)
    app.include_router(strategies.router)

    @app.get(
        "/metrics",
        response_class=Response,
        tags=["metrics"],
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    async def get_metrics() -> Response:
        """Prometheus exposition: HTTP, collector, breakers, tasks of the last hour."""
        body = await render_metrics(state.monitoring, http_metrics)
        return Response(body, media_type=PROMETHEUS_CONTENT_TYPE)

    install_allow_header(app)  # a 405 names every method of the path

    @app.exception_handler(PmmlError)
    async def pmml_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, PmmlError)
        status = status_of(exc)
        if status >= 500:
            log.error("%s: %s", type(exc).__name__, exc)
        return JSONResponse({"detail": str(exc)}, status_code=status)

    # the token check wraps everything, the metrics middleware sees every answer (401s too)
    app.add_middleware(TokenMiddleware, token=state.api_token)
    app.add_middleware(HttpMetricsMiddleware, metrics=http_metrics)
    mount_dashboard(app)  # dashboard/dist at /, when built: what no route answers
    return app


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the process that embeds it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(app: FastAPI, settings: ApiSettings, stop: asyncio.Event) -> None:
    """Serve ``app`` on ``settings.api_host:api_port`` (127.0.0.1 by default) until ``stop``.

    Performs network I/O. Signals are the caller's business (``pmml up`` sets ``stop``).
    """
    config = uvicorn.Config(
        app,
        host=settings.api_host,
        port=settings.api_port,
        lifespan="off",
        access_log=False,
        log_level="warning",
    )
    server = _EmbeddedServer(config)
    sock = listen(settings.api_host, settings.api_port)
    # What start-up built (modules, the app, its routes and schemas: ~250,000 objects) lives as
    # long as the process: out of the collector's generations, a full collection no longer walks
    # it (before, each one stopped every request for 50-300 ms under load: the API's p99).
    gc.freeze()
    task = asyncio.create_task(server.serve(sockets=[sock]), name="api-server")
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        server.should_exit = True
        stopping.cancel()
        await task
        sock.close()


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one); ConfigError if it is taken.

    Bound here rather than by uvicorn, which exits the process when it cannot bind.
    """
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say so, and
        # without it a small keep-alive answer waits for the client's delayed ACK (~40 ms)
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(2048)
        except OSError:
            sock.close()
            raise
        return sock
    except OSError as exc:
        raise ConfigError(
            f"PMML_API_HOST={host!r} PMML_API_PORT={port}: cannot listen there: {exc}"
        ) from exc
