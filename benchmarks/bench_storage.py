"""Bulk writes of trades and snapshots on SQLite and PostgreSQL, beside a naive ORM baseline.

Full size: 1,000,000 trades and 100,000 snapshots per backend. The baseline (``session.add_all``
of ORM objects, one commit per batch) is measured on a smaller sample in the same run, since it
would take minutes at full size; both figures are rows per second.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
from sqlalchemy import Engine

from polymarket_ml.core.enums import Outcome, Side, Tier, WhaleTier
from polymarket_ml.core.snapshot import FEATURES, FeatureSnapshot
from polymarket_ml.core.types import Market, Trade
from polymarket_ml.storage.bulk import TradeRecord, write_snapshots, write_trades
from polymarket_ml.storage.engine import make_engine, make_session_factory
from polymarket_ml.storage.migrate import upgrade
from polymarket_ml.storage.models import SnapshotRow, TradeRow
from polymarket_ml.storage.repositories import MarketRepository

ADMIN_URL = os.environ.get(
    "PMML_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
MARKETS = 200


def make_trades(n: int, market_ids: list[int], seed: int = 1) -> list[TradeRecord]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        market_id = market_ids[i % len(market_ids)]
        ts = T0 + timedelta(milliseconds=i * 7)
        out.append(
            (
                market_id,
                Trade(
                    token_id=f"{market_id:078d}",
                    condition_id=f"0x{market_id:064x}",
                    price=Decimal(rng.randrange(1, 1000)) / 1000,
                    size=Decimal(rng.randrange(1, 10_000_000)) / 100,
                    side=Side.BUY if rng.random() < 0.5 else Side.SELL,
                    exchange_ts=ts,
                    received_at=ts + timedelta(milliseconds=35),
                    outcome=Outcome.YES,
                    fee_rate_bps=0,
                    whale_tier=WhaleTier.NONE,
                ),
            )
        )
    return out


def make_snapshots(n: int, market_ids: list[int], seed: int = 2) -> list[FeatureSnapshot]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        values: dict[str, object] = {}
        for spec in FEATURES:
            if spec.kind is float:
                values[spec.name] = rng.random()
            elif spec.kind is int:
                values[spec.name] = rng.randrange(100)
            elif spec.kind is bool:
                values[spec.name] = rng.random() < 0.5
            else:
                values[spec.name] = "Politics"
        out.append(
            FeatureSnapshot(
                market_id=market_ids[i % len(market_ids)],
                timestamp=T0 + timedelta(seconds=15 * (i // len(market_ids))),
                tier=Tier.T4,
                **values,  # type: ignore[arg-type]
            )
        )
    return out


def seed_markets(engine: Engine) -> list[int]:
    with make_session_factory(engine).begin() as s:
        repo = MarketRepository(s)
        return [
            repo.upsert(Market(condition_id=f"0x{i:064x}", question=f"Q{i}?"), now=T0).id or 0
            for i in range(MARKETS)
        ]


def naive_orm_trades(engine: Engine, records: list[TradeRecord]) -> None:
    factory = make_session_factory(engine)
    for start in range(0, len(records), 1000):
        with factory.begin() as s:
            s.add_all(
                TradeRow(
                    market_id=m,
                    token_id=t.token_id,
                    outcome=t.outcome.value if t.outcome else None,
                    timestamp=t.exchange_ts,
                    received_at=t.received_at,
                    price=t.price,
                    size=t.size,
                    notional_usd=t.notional,
                    side=t.side.value,
                    whale_tier=int(t.whale_tier),
                    fee_rate_bps=t.fee_rate_bps,
                    dedup_key=t.dedup_key,
                )
                for m, t in records[start : start + 1000]
            )


def naive_orm_snapshots(engine: Engine, snapshots: list[FeatureSnapshot]) -> None:
    factory = make_session_factory(engine)
    names = [f.name for f in FEATURES]
    for start in range(0, len(snapshots), 1000):
        with factory.begin() as s:
            s.add_all(
                SnapshotRow(
                    market_id=x.market_id,
                    timestamp=x.timestamp,
                    tier=int(x.tier),
                    **{n: getattr(x, n) for n in names},
                )
                for x in snapshots[start : start + 1000]
            )


def rate(n: int, func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return n / (time.perf_counter() - started)


@contextmanager
def sqlite_engine() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade(engine)
        yield engine
        engine.dispose()


@contextmanager
def postgres_engine() -> Iterator[Engine]:
    name = f"pmml_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_backend(
    label: str, engine_cm: Callable[[], object], n_trades: int, n_snaps: int, n_base: int
) -> list[str]:
    lines = []
    with engine_cm() as engine:  # type: ignore[attr-defined]
        market_ids = seed_markets(engine)
        trades = make_trades(n_trades, market_ids)
        snaps = make_snapshots(n_snaps, market_ids)
        base_trades = make_trades(n_base, market_ids, seed=9)
        base_snaps = make_snapshots(n_base, market_ids, seed=10)
        # shift the baseline's snapshot times so they do not collide with the bulk rows
        base_snaps = [
            FeatureSnapshot(
                **{
                    **{k: getattr(s, k) for k in s.__dataclass_fields__},
                    "timestamp": s.timestamp + timedelta(days=400),
                }
            )
            for s in base_snaps
        ]

        bulk_trades = rate(n_trades, lambda: write_trades(engine, trades))
        again = rate(n_trades, lambda: write_trades(engine, trades))  # all duplicates
        orm_trades = rate(n_base, lambda: naive_orm_trades(engine, base_trades))
        bulk_snaps = rate(n_snaps, lambda: write_snapshots(engine, snaps))
        orm_snaps = rate(n_base, lambda: naive_orm_snapshots(engine, base_snaps))

    lines.append(_line(label, "trades", bulk_trades, n_trades, orm_trades, n_base))
    lines.append(
        f"{label:<10} trades    rewrite of the same rows (all duplicates): {again:,.0f} rows/s"
    )
    lines.append(_line(label, "snapshots", bulk_snaps, n_snaps, orm_snaps, n_base))
    return lines


def _line(label: str, table: str, bulk: float, n: int, orm: float, n_orm: int) -> str:
    return (
        f"{label:<10} {table:<9} bulk {bulk:>10,.0f} rows/s ({n:,} rows)  "
        f"naive ORM {orm:>8,.0f} rows/s ({n_orm:,} rows)  ratio {bulk / orm:5.1f}x"
    )


def run(quick: bool = False) -> list[str]:
    n_trades, n_snaps, n_base = (20_000, 5_000, 2_000) if quick else (1_000_000, 100_000, 20_000)
    lines = [
        "targets: PostgreSQL >= 100,000 trade rows/s and >= 10x the ORM;"
        " SQLite >= 50,000 trade rows/s"
    ]
    lines += bench_backend("sqlite", sqlite_engine, n_trades, n_snaps, n_base)
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            pass
    except psycopg.Error as exc:
        lines.append(f"postgresql skipped: {ADMIN_URL} not reachable ({exc})")
        return lines
    lines += bench_backend("postgresql", postgres_engine, n_trades, n_snaps, n_base)
    return lines
