"""The executor as a runtime task: inside ``pmml up``, or alone as ``pmml executor``.

In ``pmml up`` it reads the collector's live books and receives its trades (resting paper
orders fill from them). Alone (the distributed deployment), it reads the latest stored books
and the trades stored since its last scan from the shared database. Either way it scans every
``scanner.interval_secs`` of (possibly sped-up) time. SIGINT/SIGTERM stop it after the scan in
flight; its state is in the database, so the next start resumes it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from functools import partial

import redis
from sqlalchemy import Engine

from polymarket_ml.collection.collector import Collector
from polymarket_ml.core.clock import Clock, SpeedClock
from polymarket_ml.core.enums import ExecutionMode
from polymarket_ml.executor.config import ExecutorConfig
from polymarket_ml.executor.engine import Executor
from polymarket_ml.executor.events import REDIS_CHANNEL, ExecutorEvent
from polymarket_ml.executor.live import LiveExecution, open_live_execution
from polymarket_ml.executor.overrides import (
    describe_overrides,
    effective_executor_config,
    overrides_path,
)
from polymarket_ml.executor.paper import LiveBooks
from polymarket_ml.runtime.clock import clock_from_settings
from polymarket_ml.runtime.shutdown import stop_on_signals
from polymarket_ml.runtime.wiring import open_database
from polymarket_ml.settings import Settings

log = logging.getLogger(__name__)


def executor_for_up(
    settings: Settings, engine: Engine, clock: Clock, collector: Collector
) -> Executor:
    """The executor of ``pmml up``, fed by ``collector``'s books and trades."""
    config = executor_config(settings)
    execution = _live_execution(settings, config, clock)
    executor = Executor(
        engine, config, clock, books=LiveBooks(collector.books), execution=execution
    )
    collector.trade_listeners.append(executor.feed_trade)
    return executor


def publish_event(client: redis.Redis, event: ExecutorEvent) -> None:
    """Publish ``event`` for the API processes (they relay it on ``WS /api/executor/ws``)."""
    client.publish(REDIS_CHANNEL, json.dumps(event.to_json()))


def executor_config(settings: Settings) -> ExecutorConfig:
    """``executor_config.yaml`` with the changes made through the API (logged when any)."""
    config = effective_executor_config(settings)
    changes = describe_overrides(settings)
    if changes:
        log.warning("executor: %d setting(s) changed through the API apply from %s (delete it to"
                    " use executor_config.yaml alone): %s", len(changes),
                    overrides_path(settings), "; ".join(changes))  # fmt: skip
    return config


def following(settings: Settings) -> Callable[[], ExecutorConfig]:
    """What a running executor follows: the file and the changes made through the API (which
    ``pmml executor`` sees because it shares the data directory with the API)."""
    return partial(effective_executor_config, settings)


def _live_execution(
    settings: Settings, config: ExecutorConfig, clock: Clock
) -> LiveExecution | None:
    """Live mode connects through the SDK after checking the credentials and the config
    (a ``ConfigError`` naming what is wrong); paper mode needs nothing. Performs network I/O."""
    if config.mode is not ExecutionMode.LIVE:
        return None
    return open_live_execution(settings, config, clock)


def close_execution(executor: Executor) -> None:
    """Stop the live execution's threads; resting orders stay (the exchange cancels them once
    heartbeats stop)."""
    if isinstance(executor.execution, LiveExecution):
        executor.execution.close()


def scan_period_secs(config: ExecutorConfig, clock: Clock) -> float:
    """Real seconds between scans: the configured interval divided by the clock's speed."""
    speed = clock.speed if isinstance(clock, SpeedClock) else 1.0
    return config.scanner.interval_secs / speed


async def run_executor(
    settings: Settings, *, stop: asyncio.Event | None = None, echo: Callable[[str], None] = print
) -> None:
    """``pmml executor``: scan until stopped, with books and trades from the database."""
    stop = stop or stop_on_signals()
    config = executor_config(settings)
    clock = clock_from_settings(settings.runtime, shared=True)
    engine = await asyncio.to_thread(open_database, settings, migrate=False)
    try:
        execution = await asyncio.to_thread(_live_execution, settings, config, clock)
        executor = Executor(engine, config, clock, execution=execution)
        relay = redis.Redis.from_url(settings.distributed.redis_url, socket_timeout=2)
        executor.events.add_sink(partial(publish_event, relay))
        try:
            period = scan_period_secs(config, clock)
            echo(f"executor ({config.mode.value}): scanning every {period:g} s")
            await executor.run(stop, period_secs=period, config_source=following(settings))
            echo(f"executor stopped after {executor.stats.scans} scans")
        finally:
            close_execution(executor)
            relay.close()
    finally:
        engine.dispose()
