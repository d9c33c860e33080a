"""One snapshot pass over 2,000 T2 markets whose data is already fetched: features + writes.

The pass is what ``collection.snapshots.take_snapshots`` does after its network calls: build one
row per market from its Gamma figures, YES and NO books (50 levels a side) and trade window, then
bulk-write the rows and the 4,000 books. Target: under 1 s on PostgreSQL. The baseline measured in
the same run writes the same rows one by one through the ORM.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from sqlalchemy import Engine

from benchmarks.bench_features import NOW, TICK, _book, _trades
from benchmarks.bench_storage import postgres_engine, sqlite_engine
from polymarket_ml.core.enums import Tier
from polymarket_ml.core.gamma import GammaMarketStats
from polymarket_ml.core.snapshot import FEATURE_NAMES
from polymarket_ml.core.types import Market, OrderbookSnapshot
from polymarket_ml.features.snapshot import build_snapshot
from polymarket_ml.features.trade_window import TradeWindow
from polymarket_ml.storage.bulk import levels_json, write_orderbook_snapshots, write_snapshots
from polymarket_ml.storage.engine import make_session_factory
from polymarket_ml.storage.models import OrderbookSnapshotRow, SnapshotRow
from polymarket_ml.storage.repositories import MarketRepository


def _inputs(n: int) -> list[tuple[Market, GammaMarketStats, object, object, TradeWindow]]:
    rng = random.Random(7)
    out = []
    for i in range(n):
        mid = rng.randint(100, 900) * TICK
        yes, no = _book(rng, f"y{i}", mid, 50), _book(rng, f"n{i}", 1 - mid, 50)
        window = TradeWindow()
        for trade in _trades(rng, f"y{i}", 200):
            window.add_trade(trade)
        market = Market(
            condition_id=f"0x{i:064x}",
            question="?",
            yes_token_id=f"y{i}",
            no_token_id=f"n{i}",
            end_date=NOW + timedelta(hours=6),
            tracking_started_at=NOW - timedelta(days=2),
            tier=Tier.T2,
        )
        gamma = GammaMarketStats(
            condition_id=market.condition_id,
            price=float(mid),
            best_bid=float(mid) - 0.001,
            best_ask=float(mid) + 0.001,
        )
        out.append((market, gamma, yes, no, window))
    return out


def _seed(
    engine: Engine, inputs: list[tuple[Market, GammaMarketStats, object, object, TradeWindow]]
) -> list[int]:
    with make_session_factory(engine).begin() as s:
        repo = MarketRepository(s)
        return [repo.upsert(m, now=NOW).id or 0 for m, *_ in inputs]


def _pass(engine: Engine, ids: list[int], inputs: list, when: object) -> float:
    started = time.perf_counter()
    rows, books = [], []
    for market_id, (market, gamma, yes, no, window) in zip(ids, inputs, strict=True):
        rows.append(
            build_snapshot(
                market_id=market_id, now=when, tier=Tier.T2, market=market, gamma=gamma,
                book=yes, no_book=no, trades=window.features(when),
            )
        )  # fmt: skip
        for b in (yes, no):
            books.append(
                OrderbookSnapshot(
                    market_id, b.token_id, when, b.bids, b.asks, b.exchange_ts, Tier.T2
                )
            )
    write_snapshots(engine, rows)
    write_orderbook_snapshots(engine, books)
    return time.perf_counter() - started


def _orm_pass(engine: Engine, ids: list[int], inputs: list, when: object) -> float:
    started = time.perf_counter()
    factory = make_session_factory(engine)
    with factory.begin() as s:
        for market_id, (market, gamma, yes, no, window) in zip(ids, inputs, strict=True):
            snap = build_snapshot(
                market_id=market_id, now=when, tier=Tier.T2, market=market, gamma=gamma,
                book=yes, no_book=no, trades=window.features(when),
            )  # fmt: skip
            row = SnapshotRow(market_id=market_id, timestamp=when, tier=2)
            for name in FEATURE_NAMES:
                setattr(row, name, getattr(snap, name))
            s.add(row)
            for b in (yes, no):
                s.add(
                    OrderbookSnapshotRow(
                        market_id=market_id, token_id=b.token_id, timestamp=when, tier=2,
                        bids=levels_json(b.bids), asks=levels_json(b.asks),
                        total_bid_depth=sum(x.size for x in b.bids),
                        total_ask_depth=sum(x.size for x in b.asks),
                        num_bid_levels=len(b.bids), num_ask_levels=len(b.asks),
                    )
                )  # fmt: skip
    return time.perf_counter() - started


def run(quick: bool = False) -> list[str]:
    n = 200 if quick else 2000
    inputs = _inputs(n)
    lines = [
        f"snapshot pass over {n:,} T2 markets (50-level YES and NO books, 200 trades/h);"
        " target < 1 s"
    ]
    backends = [("sqlite", sqlite_engine), ("postgresql", postgres_engine)]
    for label, factory in backends:
        try:
            with factory() as engine:
                ids = _seed(engine, inputs)
                bulk = _pass(engine, ids, inputs, NOW)
                orm = _orm_pass(engine, ids, inputs, NOW + timedelta(minutes=1))
        except Exception as exc:  # PostgreSQL not reachable
            lines.append(f"{label:<10} skipped: {exc}")
            continue
        lines.append(
            f"{label:<10} {bulk:6.3f} s = {n / bulk:8,.0f} markets/s (rows + {2 * n:,} books)"
            f"   naive ORM: {n / orm:7,.0f} markets/s   ratio {orm / bulk:4.1f}x"
        )
    return lines
