"""The journal against the simulator: a recorded stream replays to the same books and trades;
``pmml replay``; a connection whose trades dry up is reconnected, one at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from polymarket_ml.cli.main import app
from polymarket_ml.collection.collector import Collector
from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.discovery import discover
from polymarket_ml.collection.journal import JournalWriter, journal_files, read_journal
from polymarket_ml.collection.metrics import InProcessTradeMetrics
from polymarket_ml.collection.replay import JournalReplayer, classify_trade
from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.events import MarketEvent, TradeEvent
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.core.types import Trade
from polymarket_ml.features.trades import WHALE_THRESHOLDS_USD
from polymarket_ml.settings import CollectionSettings
from polymarket_ml.sim import SimConfig, SimServer
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.gamma import GammaClient
from polymarket_ml.sources.polymarket.market_data import MarketData
from polymarket_ml.sources.polymarket.ws_policy import MarketStreamConfig
from polymarket_ml.sources.polymarket.ws_pool import MarketStreamPool
from polymarket_ml.storage.engine import make_engine
from polymarket_ml.storage.migrate import upgrade
from tests.sim.conftest import START


async def pump_until(sim: SimServer, done: Callable[[], bool], timeout: float = 10.0) -> None:
    """Move the simulated market one second at a time until ``done()``."""
    clock = sim.clock
    assert isinstance(clock, FakeClock)

    async def loop() -> None:
        while not done():
            clock.advance(timedelta(seconds=1))
            sim.pump()
            await asyncio.sleep(0.01)

    await asyncio.wait_for(loop(), timeout)


async def wait_until(done: Callable[[], bool], timeout: float = 10.0) -> None:
    async def loop() -> None:
        while not done():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(loop(), timeout)


def test_a_recorded_journal_replays_to_the_live_books_and_trades(tmp_path: Path) -> None:
    journal_dir = tmp_path / "journal"
    live_trades: list[Trade] = []
    books = BookRegistry()
    live_books: dict[str, tuple[bool, object, object]] = {}

    async def consume(event: MarketEvent) -> None:
        if isinstance(event, TradeEvent):  # classified as the collector does it
            book = books.get(event.trade.token_id)
            live_trades.append(classify_trade(event.trade, book, WHALE_THRESHOLDS_USD))

    async def scenario() -> None:
        clock = FakeClock(START)
        config = SimConfig(port=0, markets=12, seed=9, clock=clock, step_interval_s=0.02)
        async with SimServer(config) as sim:
            tokens = [t for m in sim.engine.markets.values() if not m.closed for t in m.token_ids]
            with JournalWriter(journal_dir, clock) as journal:
                pool = MarketStreamPool(
                    sim.urls["ws_market"], consume, connections=2, books=books,
                    clock=clock, frame_sink=journal.write,
                )  # fmt: skip
                async with pool:
                    await pool.subscribe(tokens)
                    await pump_until(sim, lambda: len(live_trades) >= 40)
                    await asyncio.sleep(0.1)  # let the last frames in
                    # before the sockets close (which makes every book stale)
                    live_books.update(
                        {b.token_id: (b.synced, b.best_bid_price, b.best_ask_price) for b in books}
                    )

    asyncio.run(asyncio.wait_for(scenario(), 30))

    replayer = JournalReplayer()
    replayed = list(replayer.replay(read_journal(journal_files(journal_dir))))

    assert replayed == live_trades
    assert {e.conn for e in read_journal(journal_files(journal_dir))} == {"market-0", "market-1"}
    replay_books = {
        b.token_id: (b.synced, b.best_bid_price, b.best_ask_price) for b in replayer.books
    }
    assert replay_books == live_books
    assert sum(synced for synced, _, _ in live_books.values()) >= 5
    assert replayer.decoder.bad_frames == 0

    # the command line: a summary, and --store skips trades of markets it does not know
    runner = CliRunner()
    assert "Rebuild books and trades" in runner.invoke(app, ["replay", "--help"]).output
    url = f"sqlite:///{tmp_path / 'replay.sqlite3'}"
    result = runner.invoke(app, ["replay", str(journal_dir), "--store"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert f"trades: {len(live_trades)}" in result.output
    assert f"stored: 0 new trades ({len(live_trades)} trades of unknown tokens skipped)" in (
        result.output
    )
    assert "BookEvent" in result.output
    missing = runner.invoke(app, ["replay", str(tmp_path / "nope.jsonl.gz")])
    assert missing.exit_code == 2


def test_connections_whose_trades_dry_up_are_reconnected_one_at_a_time(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'collect.sqlite3'}")
    upgrade(engine)
    # windows of 1 s and 10 s stand for 5 minutes and an hour; the floor is 1 trade a minute
    stream = MarketStreamConfig(
        trade_rate_recent_secs=1, trade_rate_usual_secs=10, idle_timeout_secs=30.0,
        reconnect_base_secs=0.01, reconnect_cap_secs=0.05, close_timeout_secs=0.2,
    )  # fmt: skip

    async def scenario(engine: Engine) -> list[str | None]:
        clock = FakeClock(START)
        config = SimConfig(port=0, markets=40, seed=11, clock=clock, step_interval_s=0.02)
        async with (
            SimServer(config) as sim,
            GammaClient(sim.urls["gamma"], clock=clock) as gamma,
            ClobClient(sim.urls["clob"], clock=clock) as clob,
        ):
            ctx = CollectionContext(
                settings=CollectionSettings(
                    ml_volume_threshold=0, min_trades_per_minute=1, websocket_num_connections=2
                ),
                engine=engine,
                market_data=MarketData(gamma, clob, clock),
                clock=clock,
                metrics=InProcessTradeMetrics(),
            )
            sim.pump()
            await discover(ctx)
            collector = Collector(
                ctx, sim.urls["ws_market"], refresh_secs=3600, stream_config=stream
            )
            conns = collector.pool.connections
            stop = asyncio.Event()
            task = asyncio.create_task(collector.run(stop))

            def trading() -> bool:  # both sockets: a usual rate, and trades in the recent window
                return all(
                    c.connected
                    and c.health().usual_trades_per_min
                    and c.health().recent_trades_per_min >= 1
                    for c in conns
                )

            # trades flow for a while on both sockets; nothing is reconnected
            await pump_until(sim, trading)
            assert await collector.check_trade_rates() is None

            # the market goes quiet (the sockets stay open): the first one is reconnected...
            await asyncio.sleep(1.2)
            first = await collector.check_trade_rates()
            # ...and the other waits while that one is still on its way back
            second = await collector.check_trade_rates()
            assert not any(c.connected for c in conns if c.name == first)
            await wait_until(lambda: all(c.connected and not c.unsynced_assets() for c in conns))
            third = await collector.check_trade_rates()

            stop.set()
            await asyncio.wait_for(task, 10)
            assert collector.stats.forced_reconnects == 2
            reasons = [c.health().last_disconnect_reason or "" for c in conns]
            assert all(r.startswith("forced reconnect: 0.0 trades/min") for r in reasons), reasons
            return [first, second, third]

    try:
        first, second, third = asyncio.run(asyncio.wait_for(scenario(engine), 40))
    finally:
        engine.dispose()
    assert first in {"market-0", "market-1"}
    assert second is None
    assert third in {"market-0", "market-1"} - {first}
