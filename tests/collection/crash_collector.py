"""A collector against an in-process simulator, run as its own process by the crash test.

``python -m tests.collection.crash_collector DATA_DIR``: discovers markets, then collects with
the journal on (flushed every 50 ms) and trades written only every 2 s, until it is killed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from polymarket_ml.collection.collector import Collector
from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.discovery import discover
from polymarket_ml.collection.journal import JournalWriter
from polymarket_ml.collection.metrics import InProcessTradeMetrics
from polymarket_ml.core.clock import SpeedClock
from polymarket_ml.settings import CollectionSettings
from polymarket_ml.sim import SimConfig, SimServer
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.gamma import GammaClient
from polymarket_ml.sources.polymarket.market_data import MarketData
from polymarket_ml.storage.engine import make_engine
from polymarket_ml.storage.migrate import upgrade


async def collect(data_dir: Path) -> None:
    clock = SpeedClock(20)
    engine = make_engine(f"sqlite:///{data_dir / 'collect.sqlite3'}")
    upgrade(engine)
    config = SimConfig(port=0, markets=40, seed=3, clock=clock, step_interval_s=0.05)
    async with (
        SimServer(config) as sim,
        GammaClient(sim.urls["gamma"], clock=clock) as gamma,
        ClobClient(sim.urls["clob"], clock=clock) as clob,
    ):
        ctx = CollectionContext(
            settings=CollectionSettings(ml_volume_threshold=0),
            engine=engine,
            market_data=MarketData(gamma, clob, clock),
            clock=clock,
            metrics=InProcessTradeMetrics(),
        )
        await discover(ctx)
        journal = JournalWriter(data_dir / "journal", clock, flush_secs=0.05)
        collector = Collector(
            ctx, sim.urls["ws_market"], refresh_secs=0.5, flush_secs=2.0, journal=journal
        )
        print("collecting", flush=True)
        await collector.run(asyncio.Event())


if __name__ == "__main__":
    asyncio.run(collect(Path(sys.argv[1])))
