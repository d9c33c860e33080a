"""The collector from socket to stored trades and live metrics, fed as fast as a server can send.

A separate process serves a recorded market-channel stream (the mix of ``bench_market_stream``:
70% price changes, 20% trades, 10% books over 200 tokens) on a real WebSocket; the collector of
``pmml up`` follows those tokens, applies every message to its books, feeds the trade windows and
writes the trades to SQLite. Reported: messages/s sustained end to end, the queue's high-water
mark (a backlog that keeps growing would show there) and the resident memory. Target: 20,000
messages/s on one core. The baseline in the same run is the bare decode + apply of the same frames
(``bench_market_stream``'s full path), i.e. the ceiling of the collector's own work.

The server sends without permessage-deflate: with it, inflating every frame costs the collector
about 40% of its throughput (measured: 9,700 against 24,000 messages/s on the quick run).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

import msgspec
from websockets.asyncio.server import serve

from benchmarks.bench_market_stream import _decode_and_apply, build_stream
from polymarket_ml.collection.collector import Collector
from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.metrics import InProcessTradeMetrics
from polymarket_ml.core.clock import SystemClock
from polymarket_ml.core.enums import Tier
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.core.types import Market
from polymarket_ml.settings import CollectionSettings
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.gamma import GammaClient
from polymarket_ml.sources.polymarket.market_data import MarketData
from polymarket_ml.storage.engine import make_engine, make_session_factory
from polymarket_ml.storage.migrate import upgrade
from polymarket_ml.storage.repositories import MarketRepository


def _serve(frames: list[bytes], port_out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    async def handler(ws) -> None:  # type: ignore[no-untyped-def]
        await ws.recv()  # the subscribe message
        for start in range(0, len(frames), 500):
            for frame in frames[start : start + 500]:
                await ws.send(frame.decode())
            await asyncio.sleep(0)
        await ws.wait_closed()

    async def main() -> None:
        async with serve(handler, "127.0.0.1", 0, max_size=None, compression=None) as server:
            port_out.put(server.sockets[0].getsockname()[1])
            await asyncio.Future()

    asyncio.run(main())


def _tokens(frames: list[bytes]) -> list[str]:
    seen: dict[str, None] = {}
    for frame in frames[:400]:
        msg = msgspec.json.decode(frame)
        for m in msg if isinstance(msg, list) else [msg]:
            if m.get("event_type") == "book":
                seen[m["asset_id"]] = None
    return list(seen)


async def _collect(url: str, db: Path, tokens: list[str], n_frames: int) -> tuple[float, int, int]:
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    with make_session_factory(engine).begin() as s:
        repo = MarketRepository(s)
        for i in range(0, len(tokens), 2):
            repo.upsert(
                Market(condition_id=f"0x{i:064x}", question="?", yes_token_id=tokens[i],
                       no_token_id=tokens[i + 1] if i + 1 < len(tokens) else None, tier=Tier.T3),
                now=SystemClock().now(),
            )  # fmt: skip
    nowhere = "http://127.0.0.1:9"  # REST resyncs are not expected: books come in the stream
    ctx = CollectionContext(
        settings=CollectionSettings(websocket_num_connections=1),
        engine=engine,
        market_data=MarketData(GammaClient(nowhere), ClobClient(nowhere)),
        clock=SystemClock(),
        metrics=InProcessTradeMetrics(),
    )
    collector = Collector(ctx, url, refresh_secs=3600, flush_secs=0.25)
    stop = asyncio.Event()
    task = asyncio.create_task(collector.run(stop))
    high_water = 0
    started = None
    expected_trades = None
    while True:
        await asyncio.sleep(0.05)
        high_water = max(high_water, collector.queue_depth)
        health = collector.pool.health()
        messages = sum(h.frames for h in health) if health else 0
        if started is None and messages:
            started = time.perf_counter()
        if messages >= n_frames and expected_trades is None:
            expected_trades = collector.stats.trades_seen
        if expected_trades is not None and collector.stats.trades_stored >= expected_trades:
            break
    elapsed = time.perf_counter() - (started or time.perf_counter())
    stop.set()
    await task
    engine.dispose()
    return elapsed, high_water, collector.stats.trades_stored


def run(quick: bool = False) -> list[str]:
    n = 40_000 if quick else 400_000
    frames = build_stream(n)
    ceiling = _decode_and_apply(frames, BookRegistry())
    ports: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.get_context("fork").Process(
        target=_serve, args=(frames, ports), daemon=True
    )
    server.start()
    try:
        url = f"ws://127.0.0.1:{ports.get(timeout=30)}"
        with tempfile.TemporaryDirectory() as tmp:
            elapsed, high_water, stored = asyncio.run(
                _collect(url, Path(tmp) / "bench.sqlite3", _tokens(frames), n)
            )
    finally:
        server.terminate()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = n / elapsed
    return [
        f"collector: {n:,} messages in {elapsed:.2f} s = {rate:,.0f} messages/s end to end"
        f" ({stored:,} trades stored); target 20,000/s",
        f"baseline (decode + apply only, same frames): {n / ceiling:,.0f} messages/s;"
        f" collector at {rate / (n / ceiling):.0%} of it",
        f"trade queue high-water mark: {high_water:,}; peak RSS {rss_mb:,.0f} MB",
    ]
