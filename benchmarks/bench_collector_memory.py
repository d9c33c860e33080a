"""Memory of the collector following ~4,000 tokens for one hour of simulated time.

The simulator (2,000 markets, so 4,000 tokens) runs in another process on a clock 60 times
faster than the wall clock, with its message rate scaled down (``activity``) so that one core can
keep up at that speed; the collector of ``pmml up`` follows every token (all tiers) and writes to
SQLite. The resident memory of the collector's process is sampled through the simulated hour:
it must level off (trade windows drop what is older than an hour, books keep only live levels).
Quick mode: 400 markets, ten simulated minutes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from polymarket_ml.collection.collector import Collector
from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.discovery import discover
from polymarket_ml.collection.metrics import InProcessTradeMetrics
from polymarket_ml.core.clock import SpeedClock
from polymarket_ml.core.enums import Tier
from polymarket_ml.settings import CollectionSettings
from polymarket_ml.sim.config import SimConfig
from polymarket_ml.sim.server import SimServer
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.gamma import GammaClient
from polymarket_ml.sources.polymarket.market_data import MarketData
from polymarket_ml.storage.engine import make_engine
from polymarket_ml.storage.migrate import upgrade

SPEED = 60.0


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _run_sim(
    markets: int, origin: datetime, activity: float, port_out: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    async def main() -> None:
        clock = SpeedClock(SPEED, origin=origin)
        config = SimConfig(port=0, markets=markets, seed=3, clock=clock, activity=activity)
        async with SimServer(config) as sim:
            port_out.put(sim.port)
            await asyncio.Future()

    asyncio.run(main())


async def _collect(
    port: int, origin: datetime, db: Path, real_secs: float
) -> list[tuple[float, float, int, int]]:
    clock = SpeedClock(SPEED, origin=origin)
    base = f"http://127.0.0.1:{port}"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    gamma, clob = GammaClient(f"{base}/gamma", clock=clock), ClobClient(f"{base}/clob", clock=clock)
    ctx = CollectionContext(
        settings=CollectionSettings(ml_volume_threshold=0, websocket_enabled_tiers=list(Tier)),
        engine=engine,
        market_data=MarketData(gamma, clob, clock),
        clock=clock,
        metrics=InProcessTradeMetrics(),
    )
    await discover(ctx)
    collector = Collector(ctx, f"ws://127.0.0.1:{port}/ws/market", refresh_secs=5.0)
    stop = asyncio.Event()
    task = asyncio.create_task(collector.run(stop))
    samples = []
    started = time.monotonic()
    for _ in range(12):
        await asyncio.sleep(real_secs / 12)
        elapsed = time.monotonic() - started
        samples.append(
            (
                elapsed * SPEED / 60,
                _rss_mb(),
                collector.stats.subscribed,
                collector.stats.trades_stored,
            )
        )
    stop.set()
    await task
    await gamma.aclose()
    await clob.aclose()
    engine.dispose()
    return samples


def run(quick: bool = False) -> list[str]:
    markets, real_secs, activity = (400, 10.0, 0.2) if quick else (2000, 60.0, 0.05)
    origin = datetime.now(UTC)
    ctx = multiprocessing.get_context("spawn")  # a clean process: its memory is not ours
    ports = ctx.Queue()
    sim = ctx.Process(target=_run_sim, args=(markets, origin, activity, ports), daemon=True)
    sim.start()
    try:
        port = ports.get(timeout=120)
        with tempfile.TemporaryDirectory() as tmp:
            samples = asyncio.run(_collect(port, origin, Path(tmp) / "mem.sqlite3", real_secs))
    finally:
        sim.terminate()
    lines = [
        f"collector memory, {markets:,} markets, {real_secs * SPEED / 60:.0f} simulated minutes:"
    ]
    for minute, rss, tokens, trades in samples:
        lines.append(
            f"  t={minute:5.1f} min  RSS {rss:7.1f} MB  tokens {tokens:,}  trades {trades:,}"
        )
    half = samples[len(samples) // 2][1]
    lines.append(f"growth over the second half: {samples[-1][1] - half:+.1f} MB")
    return lines
