"""After a crash, the journal gives back the trades that were received but never stored."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from uuid import UUID

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

from polymarket_ml.collection.collector import Collector
from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.journal import JournalWriter, journal_files, read_journal
from polymarket_ml.collection.metrics import InProcessTradeMetrics
from polymarket_ml.collection.replay import JournalReplayer
from polymarket_ml.core.clock import FakeClock
from polymarket_ml.settings import CollectionSettings
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.gamma import GammaClient
from polymarket_ml.sources.polymarket.market_data import MarketData
from polymarket_ml.storage.engine import make_engine, make_session_factory
from polymarket_ml.storage.models import TradeRow
from polymarket_ml.storage.repositories import MarketRepository

REPO = Path(__file__).resolve().parents[2]


def stored_keys(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        keys = conn.scalars(select(TradeRow.dedup_key))
        return [UUID(str(k)).hex for k in keys]  # read back as a dashed UUID


def trade_count(engine: Engine) -> int:
    """Trades stored so far (0 while the other process is still creating the schema)."""
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(TradeRow)) or 0)
    except OperationalError:
        return 0


def run_and_kill(data_dir: Path, engine: Engine) -> None:
    """Collect in another process until trades were written once, then SIGKILL it mid-batch."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.collection.crash_collector", str(data_dir)],
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if not k.startswith("PMML_")},
    )
    try:
        deadline = time.monotonic() + 25
        while time.monotonic() < deadline and proc.poll() is None:
            if trade_count(engine) > 0:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the collector stored no trade in time")
        time.sleep(1.0)  # halfway to the next 2 s batch: those trades are only in the journal
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)


def test_trades_lost_in_a_crash_are_stored_once_from_the_journal_at_restart(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'collect.sqlite3'}")
    try:
        run_and_kill(tmp_path, engine)
        before = stored_keys(engine)

        # what the journal holds: every trade of a known market
        files = journal_files(tmp_path / "journal")
        entries = list(read_journal(files))
        with make_session_factory(engine)() as s:
            known = MarketRepository(s).market_ids_by_token()
        journaled = {t.dedup_key for t in JournalReplayer().replay(entries) if t.token_id in known}
        lost = journaled - set(before)
        assert lost, "the crash lost no trade: the test proves nothing"

        # start again (on the clock where the journal ends), stop at once
        clock = FakeClock(entries[-1].received_at)
        collector = Collector(
            CollectionContext(
                settings=CollectionSettings(),
                engine=engine,
                market_data=MarketData(
                    GammaClient("http://127.0.0.1:9/gamma"), ClobClient("http://127.0.0.1:9/clob")
                ),
                clock=clock,
                metrics=InProcessTradeMetrics(),
            ),
            "ws://127.0.0.1:9/ws/market",
            journal=JournalWriter(tmp_path / "journal", clock),
        )
        stop = asyncio.Event()
        stop.set()
        asyncio.run(asyncio.wait_for(collector.run(stop), 30))

        after = stored_keys(engine)
    finally:
        engine.dispose()

    assert collector.stats.trades_recovered == len(lost)
    assert len(after) == len(set(after))  # each trade stored once
    assert journaled <= set(after)
    assert set(after) == set(before) | journaled
    assert collector.recovery is not None
    assert collector.recovery.read.truncated_files <= 1  # the killed run's file, read to its end
