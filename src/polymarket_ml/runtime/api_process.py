"""``pmml api``: the API (and dashboard) alone, for the distributed deployment.

It reads the shared database, and Redis for its statistics; the collector, the scheduler and the
executor run in other processes, so their live views come from what those write (task runs,
snapshots, ``ws:*`` keys). SIGINT/SIGTERM stop it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import redis

from polymarket_ml.api.app import create_app, serve
from polymarket_ml.api.state import ApiState
from polymarket_ml.runtime.clock import clock_from_settings
from polymarket_ml.runtime.shutdown import stop_on_signals
from polymarket_ml.runtime.wiring import open_database
from polymarket_ml.settings import Settings


async def run_api(
    settings: Settings, *, stop: asyncio.Event | None = None, echo: Callable[[str], None] = print
) -> None:
    stop = stop or stop_on_signals()
    engine = await asyncio.to_thread(open_database, settings, migrate=False)
    client = redis.Redis.from_url(settings.distributed.redis_url, socket_timeout=2)
    try:
        state = ApiState(
            settings=settings,
            engine=engine,
            clock=clock_from_settings(settings.runtime, shared=True),
            redis=client,
        )
        echo(f"api: http://{settings.api.api_host}:{settings.api.api_port}/docs")
        await serve(create_app(state), settings.api, stop)
    finally:
        client.close()
        engine.dispose()
