"""``pmml up``: the whole system in one process on one machine.

The scheduler (discovery, tier updates, the five snapshot tiers, cleanup) and the WebSocket
collector share one event loop, one database (SQLite under ``--data-dir`` unless ``DATABASE_URL``
says otherwise) and in-process trade metrics; the API (monitoring, ``/metrics``, ``/docs``)
serves on ``--port``, bound to ``PMML_API_HOST`` (127.0.0.1 by default). With ``--sim`` the
simulator runs in the same process and everything points at it; ``--speed N`` runs simulated
time N times faster (markets resolve, tiers change and snapshots fire N times as often). Raw
frames are journaled under ``<data-dir>/journal`` unless ``PMML_JOURNAL_ENABLED=false``. The
executor scans on the same loop, trading on the collector's books and trades (paper mode unless
``executor_config.yaml`` says live).
SIGINT/SIGTERM stop it cleanly: runs in flight finish and buffered trades are written.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import Engine

from polymarket_ml.api.app import create_app, serve
from polymarket_ml.api.state import ApiState
from polymarket_ml.collection.collector import Collector
from polymarket_ml.collection.journal import JournalWriter
from polymarket_ml.collection.metrics import InProcessTradeMetrics
from polymarket_ml.core.clock import Clock, SpeedClock, SystemClock
from polymarket_ml.core.enums import Tier
from polymarket_ml.executor.engine import Executor
from polymarket_ml.runtime.executor_process import (
    close_execution,
    executor_for_up,
    following,
    scan_period_secs,
)
from polymarket_ml.runtime.jobs import run_job
from polymarket_ml.runtime.schedule import build_schedule
from polymarket_ml.runtime.scheduler import Scheduler
from polymarket_ml.runtime.shutdown import stop_on_signals
from polymarket_ml.runtime.wiring import (
    Exchange,
    collection_context,
    open_database,
    open_exchange,
)
from polymarket_ml.settings import Settings
from polymarket_ml.storage.repositories import MarketRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpOptions:
    sim: bool = False
    speed: float = 1.0
    port: int | None = None  # None: PMML_API_PORT (8000 by default)
    sim_markets: int = 200
    sim_seed: int = 7
    status_every_secs: float = 30.0


def sim_overrides(sim_urls: dict[str, str]) -> dict[str, str]:
    """The ``sources`` settings that point every client at a running simulator."""
    return {
        "gamma_url": sim_urls["gamma"],
        "clob_url": sim_urls["clob"],
        "data_api_url": sim_urls["data"],
        "ws_market_url": sim_urls["ws_market"],
        "ws_user_url": sim_urls["ws_user"],
    }


async def run_up(
    settings: Settings,
    options: UpOptions,
    *,
    stop: asyncio.Event | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    """Run until ``stop`` is set (or SIGINT/SIGTERM when ``stop`` is None)."""
    stop = stop or stop_on_signals()
    clock: Clock = SpeedClock(options.speed) if options.sim else SystemClock()
    async with AsyncExitStack() as stack:
        if options.sim:
            from polymarket_ml.sim.config import SimConfig
            from polymarket_ml.sim.server import SimServer

            sim = await stack.enter_async_context(
                SimServer(
                    SimConfig(
                        port=0, markets=options.sim_markets, seed=options.sim_seed, clock=clock
                    )
                )
            )
            sources = settings.sources.model_copy(update=sim_overrides(sim.urls))
            settings = settings.model_copy(update={"sources": sources})
            echo(f"simulator: {sim.base_url} ({options.sim_markets} markets, {options.speed:g}x)")
        engine = await asyncio.to_thread(open_database, settings)
        stack.callback(engine.dispose)
        echo(f"database: {engine.url.render_as_string(hide_password=True)}")
        exchange = await stack.enter_async_context(open_exchange(settings, clock))
        metrics = InProcessTradeMetrics(
            (
                settings.collection.whale_tier_1_usd,
                settings.collection.whale_tier_2_usd,
                settings.collection.whale_tier_3_usd,
            )
        )
        ctx = collection_context(settings, engine, exchange, clock, metrics)
        refresh = max(0.5, min(5.0, settings.collection.tier_update_interval_secs / options.speed))
        journal = None
        if settings.collection.journal_enabled:
            journal = JournalWriter(journal_dir(settings.general.data_dir), clock)
            echo(f"journal: {journal.directory}")
        collector = Collector(
            ctx, settings.sources.ws_market_url, refresh_secs=refresh, journal=journal
        )
        scheduler = Scheduler(
            build_schedule(settings.collection), partial(run_job, ctx), speed=options.speed
        )
        executor = executor_for_up(settings, engine, clock, collector)
        period = scan_period_secs(executor.config, clock)
        echo(f"executor: {executor.mode.value} trading, a scan every {period:g} s")
        echo("collecting; Ctrl-C stops cleanly")
        gc.freeze()  # start-up objects leave the GC's generations: cheaper hot path
        tasks = [
            asyncio.create_task(scheduler.run(stop), name="scheduler"),
            asyncio.create_task(collector.run(stop), name="collector"),
            asyncio.create_task(
                executor.run(stop, period_secs=period, config_source=following(settings)),
                name="executor",
            ),
            asyncio.create_task(_report(collector, stop, options, echo), name="status"),
            asyncio.create_task(
                _serve_api(
                    settings,
                    options,
                    engine,
                    clock,
                    collector,
                    exchange,
                    scheduler,
                    echo,
                    stop,
                    executor=executor,
                ),
                name="api",
            ),
        ]
        try:
            await asyncio.gather(*tasks)
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            close_execution(executor)
            echo(f"stopped: {collector.stats.trades_stored} trades stored this run")


async def _serve_api(
    settings: Settings,
    options: UpOptions,
    engine: Engine,
    clock: Clock,
    collector: Collector,
    exchange: Exchange,
    scheduler: Scheduler,
    echo: Callable[[str], None],
    stop: asyncio.Event,
    executor: Executor | None = None,
) -> None:
    """The API on ``options.port`` or ``PMML_API_PORT`` (bound to ``PMML_API_HOST``, 127.0.0.1
    by default)."""
    if options.port is not None:
        settings = settings.model_copy(
            update={"api": settings.api.model_copy(update={"api_port": options.port})}
        )
    state = ApiState(
        settings=settings,
        engine=engine,
        clock=clock,
        collector=collector,
        breakers=exchange.breakers,
        scheduler=scheduler,
        executor=executor,
    )
    api = settings.api
    echo(f"dashboard: http://{api.api_host}:{api.api_port}/  (API docs at /docs)")
    await serve(create_app(state), api, stop)


async def _report(
    collector: Collector,
    stop: asyncio.Event,
    options: UpOptions,
    echo: Callable[[str], None],
) -> None:
    """A status line now and then, so a person sees collection progress."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), options.status_every_secs)
        tiers = await asyncio.to_thread(_tier_counts, collector)
        shown = " ".join(f"T{int(t)}={n}" for t, n in sorted(tiers.items()))
        echo(
            f"markets {shown or 'none yet'} | following {collector.stats.subscribed} tokens"
            f" | trades stored {collector.stats.trades_stored} | queue {collector.queue_depth}"
        )


def _tier_counts(collector: Collector) -> dict[Tier, int]:
    with collector.ctx.sessions() as s:
        return MarketRepository(s).count_by_tier()


def journal_dir(data_dir: Path) -> Path:
    """Where the raw-frame journal of the collector lives."""
    return data_dir / "journal"


def default_sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'polymarket_ml.sqlite3'}"
