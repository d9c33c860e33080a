"""``/api/executor``: status, positions, trades, signals, equity, configuration, the kill switch,
and ``/ws``, the events of the executor as they happen (of the one running in this process, or,
in the distributed deployment, relayed from ``pmml executor`` through Redis).

Reads work with or without an executor in this process (they read what it stores); a
configuration change is stored in the overrides file, which the executor follows (at once in
this process, at the next scan of ``pmml executor``); kill and resume act through the database
like ``pmml kill``/``pmml resume``. Every POST needs the bearer token (:mod:`..security`); the
WebSocket does not (it only tells what happened, as the reads do).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Query, Security, WebSocket, WebSocketDisconnect
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from polymarket_ml.api.deps import ERRORS, ErrorBody, Monitoring
from polymarket_ml.api.security import bearer_scheme
from polymarket_ml.core.enums import SignalStatus
from polymarket_ml.executor.events import REDIS_CHANNEL
from polymarket_ml.monitoring import executor as service
from polymarket_ml.monitoring.context import MonitoringContext
from polymarket_ml.monitoring.executor_reports import (
    ControlReport,
    EquityReport,
    ExecutorConfigChange,
    ExecutorConfigReport,
    ExecutorStatusReport,
    KillRequest,
    PositionsReport,
    SignalsReport,
    TradesReport,
)

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/executor", tags=["executor"])

Limit = Annotated[int, Query(ge=1, le=1000, description="Rows listed, newest first")]
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body could not be read"},
    401: {"model": ErrorBody, "description": "Missing or wrong bearer token"},
    **ERRORS,
}
CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "A value is invalid (the message names the key)"},
    **WRITE_ERRORS,
}


@router.get("/status", response_model=ExecutorStatusReport, responses=ERRORS)
def get_status(ctx: Monitoring) -> ExecutorStatusReport:
    """Mode, balances, P&L, drawdown, the kill switch and the drawdown latch, counts; scans
    when the executor runs in this process."""
    return service.status_report(ctx, service.executor_config(ctx))


@router.get("/positions", response_model=PositionsReport, responses=ERRORS)
def get_positions(ctx: Monitoring, limit: Limit = 50) -> PositionsReport:
    """Every open position, and the most recently closed or settled ones."""
    return service.positions_report(ctx, service.executor_config(ctx), limit=limit)


@router.get("/trades", response_model=TradesReport, responses=ERRORS)
def get_trades(ctx: Monitoring, limit: Limit = 100) -> TradesReport:
    """Our fills, newest first."""
    return service.trades_report(ctx, service.executor_config(ctx), limit=limit)


@router.get("/signals", response_model=SignalsReport, responses=ERRORS)
def get_signals(
    ctx: Monitoring,
    limit: Limit = 100,
    status: SignalStatus | None = None,
    strategy: Annotated[str | None, Query(max_length=100)] = None,
) -> SignalsReport:
    """Recent signals with their status and, when rejected or expired, the reasons."""
    return service.signals_report(ctx, limit=limit, status=status, strategy=strategy)


@router.get("/equity", response_model=EquityReport, responses=ERRORS)
def get_equity(
    ctx: Monitoring,
    hours: Annotated[float, Query(gt=0, le=24 * 365, description="Window back from now")] = 24,
    max_points: Annotated[int, Query(ge=2, le=5000)] = 500,
) -> EquityReport:
    """The equity curve (one stored point per scan, thinned)."""
    config = service.executor_config(ctx)
    return service.equity_report(ctx, config, hours=hours, max_points=max_points)


@router.get("/config", response_model=ExecutorConfigReport)
def get_config(ctx: Monitoring) -> ExecutorConfigReport:
    """The configuration in effect (the running executor's, else executor_config.yaml)."""
    return service.config_report(ctx)


@router.post(
    "/config",
    response_model=ExecutorConfigReport,
    responses=CHANGE_ERRORS,
    dependencies=[Security(bearer_scheme)],
)
async def post_config(ctx: Monitoring, body: ExecutorConfigChange) -> ExecutorConfigReport:
    """Change risk, sizing or execution keys; the whole result is validated and a bad key
    answers 422 naming it. Kept across restarts; the executor of this process takes it at once,
    ``pmml executor`` at its next scan."""
    return service.update_config(ctx, body)  # on the loop: where the executor runs


@router.post(
    "/kill",
    response_model=ControlReport,
    responses=WRITE_ERRORS,
    dependencies=[Security(bearer_scheme)],
)
def post_kill(ctx: Monitoring, body: KillRequest) -> ControlReport:
    """The kill switch, as ``pmml kill``: halt trading and cancel every open order."""
    return service.kill(ctx, service.executor_config(ctx), reason=body.reason)


@router.post(
    "/resume",
    response_model=ControlReport,
    responses=WRITE_ERRORS,
    dependencies=[Security(bearer_scheme)],
)
def post_resume(ctx: Monitoring) -> ControlReport:
    """As ``pmml resume``: clear the kill switch and the drawdown latch, reset the peak."""
    return service.resume(ctx, service.executor_config(ctx))


@router.websocket("/ws")
async def executor_events(websocket: WebSocket) -> None:
    """JSON events: ``fill``, ``position`` (opened, changed, closed, settled), ``signal`` and
    ``alert`` (halted, entries paused), each ``{"type", "at", ...}``; first a ``hello`` saying
    whether an executor runs here. Without one, the API of the distributed deployment (it has
    Redis) relays those of ``pmml executor`` and says ``"relayed": true``; otherwise the socket
    closes after the hello."""
    ctx: MonitoringContext = websocket.app.state.api.monitoring
    await websocket.accept()
    ex = ctx.executor
    if ex is None and ctx.redis is not None:  # distributed: relay what `pmml executor` publishes
        await _relay(websocket, ctx.settings.distributed.redis_url)
        return
    if ex is None:
        await websocket.send_json({"type": "hello", "running": False})
        await websocket.close(code=1000, reason="no executor runs in this process")
        return
    with ex.events.subscribe() as sub:  # before the hello: nothing after it is missed
        await websocket.send_json({"type": "hello", "running": True})

        async def next_event() -> str:
            return json.dumps((await sub.get()).to_json())

        await _forward(websocket, next_event)


async def _relay(websocket: WebSocket, redis_url: str) -> None:
    """The events ``pmml executor`` publishes on Redis, as they come; ``hello`` says
    ``relayed`` (``running`` is about this process)."""
    client = aioredis.Redis.from_url(redis_url, socket_timeout=5)
    pubsub = client.pubsub()
    try:
        try:
            await pubsub.subscribe(REDIS_CHANNEL)
        except RedisError as exc:
            await websocket.send_json({"type": "hello", "running": False})
            await websocket.close(code=1011, reason=f"Redis unreachable: {type(exc).__name__}")
            return
        await websocket.send_json({"type": "hello", "running": False, "relayed": True})

        async def next_published() -> str | None:  # None: nothing within the timeout
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is None or message["type"] != "message":
                return None
            return bytes(message["data"]).decode()

        with contextlib.suppress(RedisError):  # Redis went away: the client reconnects
            await _forward(websocket, next_published)
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await client.aclose()


Receive = Callable[[], Coroutine[Any, Any, str | None]]


async def _forward(websocket: WebSocket, receive: Receive) -> None:
    """Send what ``receive`` returns (JSON text; ``None``: nothing yet) until the client goes."""
    closed = asyncio.create_task(_until_closed(websocket))
    try:
        while not closed.done():
            get = asyncio.create_task(receive())
            await asyncio.wait({get, closed}, return_when=asyncio.FIRST_COMPLETED)
            if not get.done():
                get.cancel()
                break
            text = get.result()
            if text is not None:
                await websocket.send_text(text)
    except (WebSocketDisconnect, RuntimeError):
        pass  # the client went away mid-send
    finally:
        closed.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await closed


async def _until_closed(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
