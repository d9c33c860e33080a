"""``pmml collector``: the long-running WebSocket process of the distributed deployment.

Not a Celery task: it holds sockets open for hours. It follows the markets the workers' tier
updates put in the WebSocket tiers (read from the shared database), stores trades in it, and
keeps the live trade metrics in Redis (``ws:*`` keys) where the snapshot workers read them.
The clock comes from ``PMML_CLOCK_SPEED``/``PMML_CLOCK_ORIGIN`` so that it agrees with the
workers on an accelerated run. SIGINT/SIGTERM stop it cleanly, writing buffered trades.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable

import redis

from polymarket_ml.collection.collector import Collector
from polymarket_ml.collection.redis_metrics import RedisTradeMetrics
from polymarket_ml.runtime.clock import clock_from_settings
from polymarket_ml.runtime.shutdown import stop_on_signals
from polymarket_ml.runtime.wiring import collection_context, open_database, open_exchange
from polymarket_ml.settings import Settings


async def run_collector(
    settings: Settings, *, stop: asyncio.Event | None = None, echo: Callable[[str], None] = print
) -> None:
    stop = stop or stop_on_signals()
    clock = clock_from_settings(settings.runtime, shared=True)
    engine = await asyncio.to_thread(open_database, settings, migrate=False)
    client = redis.Redis.from_url(settings.distributed.redis_url)
    c = settings.collection
    metrics = RedisTradeMetrics(
        client, (c.whale_tier_1_usd, c.whale_tier_2_usd, c.whale_tier_3_usd)
    )
    try:
        async with open_exchange(settings, clock) as exchange:
            ctx = collection_context(settings, engine, exchange, clock, metrics)
            collector = Collector(ctx, settings.sources.ws_market_url, refresh_secs=5.0)
            # Trade windows survive a restart in Redis; only tokens no longer wanted are dropped.
            wanted = await asyncio.to_thread(collector.wanted_tokens)
            metrics.unfollow(set(metrics.followed()) - set(wanted))
            echo(f"collector: {settings.sources.ws_market_url}")
            gc.freeze()  # start-up objects leave the GC's generations: cheaper hot path
            echo(f"trade metrics in {settings.distributed.redis_url}")
            await collector.run(stop)
            echo(f"collector stopped: {collector.stats.trades_stored} trades stored this run")
    finally:
        client.close()
        engine.dispose()
