"""End to end: MarketConnection against the simulator's market channel and CLOB, with faults."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.events import BookEvent, MarketEvent, PriceChange, TickSizeChange
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.sim import FaultKind, FaultRule, SimConfig, SimServer
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.gamma import GammaClient
from polymarket_ml.sources.polymarket.market_data import MarketData
from polymarket_ml.sources.polymarket.ws import MarketConnection
from polymarket_ml.sources.polymarket.ws_policy import MarketStreamConfig
from polymarket_ml.sources.polymarket.ws_pool import MarketStreamPool
from tests.sim.conftest import START
from tests.sources.polymarket.ws_server import within

CONFIG = MarketStreamConfig(
    ping_interval_secs=0.2,
    idle_timeout_secs=1.0,
    reconnect_base_secs=0.01,
    reconnect_cap_secs=0.05,
    close_timeout_secs=0.2,
    resync_grace_secs=0.2,
    resync_check_secs=0.05,
)


async def pump_until(sim: SimServer, done: Callable[[], bool], timeout: float = 8.0) -> None:
    """Move the simulated market one second at a time until ``done()``."""
    clock = sim.clock
    assert isinstance(clock, FakeClock)

    async def loop() -> None:
        while not done():
            clock.advance(timedelta(seconds=1))
            sim.pump()
            await asyncio.sleep(0.02)

    await within(loop(), timeout)


def test_the_stream_survives_malformed_frames_drops_and_stalls_with_books_resynced() -> None:
    async def scenario() -> None:
        events: list[MarketEvent] = []

        async def consume(event: MarketEvent) -> None:
            events.append(event)

        config = SimConfig(port=0, markets=6, seed=5, clock=FakeClock(START), step_interval_s=0.02)
        async with (
            SimServer(config) as sim,
            GammaClient(sim.urls["gamma"]) as gamma,
            ClobClient(sim.urls["clob"]) as clob,
        ):
            markets = [m for m in sim.engine.markets.values() if not m.closed][:4]
            tokens = [t for m in markets for t in m.token_ids]
            books = BookRegistry()
            conn = MarketConnection(
                sim.urls["ws_market"], consume, assets=tokens, config=CONFIG, books=books,
                fetch_books=MarketData(gamma, clob).books,
            )  # fmt: skip

            def all_synced() -> bool:
                return conn.connected and not conn.unsynced_assets()

            async with conn:
                # the initial dump brings every book
                await pump_until(sim, all_synced)
                assert {e.token_id for e in events if isinstance(e, BookEvent)} == set(tokens)

                # deltas flow and the books follow them
                await pump_until(sim, lambda: any(isinstance(e, PriceChange) for e in events))
                await pump_until(sim, all_synced)

                # a malformed frame is counted; books that missed its deltas are resynced
                sim.faults.add(FaultRule(FaultKind.WS_MALFORMED, count=1))
                await pump_until(sim, lambda: conn.health().bad_frames == 1)
                await pump_until(sim, all_synced)

                # a dropped socket reconnects, resubscribes and gets fresh books
                drops = conn.health().disconnects
                sim.faults.add(FaultRule(FaultKind.WS_DROP, count=1))
                await pump_until(sim, lambda: conn.health().disconnects > drops)
                await pump_until(sim, all_synced)

                # a stalled socket (no data, no PONG) trips the idle timeout
                idles = conn.health().idle_timeouts
                sim.faults.add(FaultRule(FaultKind.WS_STALL, count=1, duration_s=30))
                await pump_until(sim, lambda: conn.health().idle_timeouts > idles)
                await pump_until(sim, all_synced)
                health = conn.health()

            assert health.reconnects >= 2
            assert health.bad_frames == 1
            assert health.subscribed_assets == len(tokens)

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_a_pool_splitting_a_markets_tokens_over_sockets_keeps_every_book_in_step() -> None:
    """A ``price_change`` carries both tokens of a market and reaches every socket that follows
    either. Each socket applies (and delivers) only the changes of its own tokens: two sockets
    applying the same book's changes each in its own order would put an older change after a
    newer one, and the book would disagree with the exchange and be reset."""

    async def scenario() -> None:
        delivered: list[PriceChange] = []
        ticks: Counter[str] = Counter()

        async def consume(event: MarketEvent) -> None:
            if isinstance(event, PriceChange):
                delivered.append(event)
            elif isinstance(event, TickSizeChange):
                ticks[event.token_id] += 1  # a reset that must happen

        config = SimConfig(port=0, markets=8, seed=5, clock=FakeClock(START), step_interval_s=0.02)
        async with (
            SimServer(config) as sim,
            GammaClient(sim.urls["gamma"]) as gamma,
            ClobClient(sim.urls["clob"]) as clob,
        ):
            markets = [m for m in sim.engine.markets.values() if not m.closed][:6]
            tokens = [t for m in markets for t in m.token_ids]  # round-robin: YES and NO apart
            books = BookRegistry()
            pool = MarketStreamPool(
                sim.urls["ws_market"], consume, connections=2, config=CONFIG, books=books,
                fetch_books=MarketData(gamma, clob).books,
            )  # fmt: skip
            async with pool:
                await pool.subscribe(tokens)
                first, second = pool.connections
                assert first.assets & set(markets[0].token_ids)
                assert second.assets & set(markets[0].token_ids)

                def synced() -> bool:
                    return all(c.connected and not c.unsynced_assets() for c in pool.connections)

                await pump_until(sim, synced)
                await pump_until(sim, lambda: len(delivered) > 300, timeout=15)
                health = pool.health()
                resets = {b.token_id: b.resyncs for b in books if b.resyncs}  # before closing
        assert resets == dict(ticks)
        assert sum(h.rest_resyncs for h in health) == 0
        for event in delivered:  # each change once, by the socket that follows its token
            owners = {pool.connection_for(c.token_id) for c in event.changes}
            assert len(owners) == 1

    asyncio.run(asyncio.wait_for(scenario(), 40))
