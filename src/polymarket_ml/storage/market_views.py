"""Read-only queries behind the market views of the API: one market, its history, its trades.

Each query is shaped for an index: markets by ``(active, tier)``, snapshots by the unique
``(market_id, timestamp)``, trades by ``(market_id, timestamp)``, tier transitions by
``market_id``. SQLAlchemy errors become :class:`StorageError`. Performs database I/O (blocking:
call from a worker thread).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Engine, func, or_, select

from polymarket_ml.storage.models import MarketRow, SnapshotRow, TierTransitionRow, TradeRow
from polymarket_ml.storage.monitoring import TransitionRecord, translated_errors

MarketSort = Literal[
    "id", "tier", "end_date", "last_snapshot_at", "snapshot_count", "last_trade_at"
]
SortOrder = Literal["asc", "desc"]

SNAPSHOT_SERIES = (
    "price",
    "best_bid",
    "best_ask",
    "spread",
    "mid_price",
    "last_trade_price",
    "bid_depth_5",
    "bid_depth_10",
    "bid_depth_20",
    "ask_depth_5",
    "ask_depth_10",
    "ask_depth_20",
    "book_imbalance",
    "volume_1h",
    "volume_24h",
    "liquidity",
    "trade_count_1h",
    "hours_to_close",
)
"""The snapshot columns a market's history carries (of the 65): price, book and activity."""

USD_QUANTUM = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class MarketRecord:
    """A ``markets`` row as the market views show it."""

    id: int
    condition_id: str
    slug: str | None
    question: str
    event_title: str | None
    category: str | None
    yes_token_id: str | None
    no_token_id: str | None
    tier: int
    active: bool
    closed: bool
    resolved: bool
    outcome: str | None
    end_date: datetime | None
    tick_size: Decimal | None
    neg_risk: bool
    tracking_started_at: datetime
    last_snapshot_at: datetime | None
    snapshot_count: int
    last_trade_at: datetime | None
    deactivated_at: datetime | None
    deactivation_reason: str | None
    initial_price: Decimal | None


@dataclass(frozen=True, slots=True)
class SnapshotValues:
    market_id: int
    timestamp: datetime
    tier: int
    values: dict[str, Any]  # SNAPSHOT_SERIES -> value (None where unknown)


@dataclass(frozen=True, slots=True)
class TradeRecord:
    timestamp: datetime
    received_at: datetime
    token_id: str
    outcome: str | None
    side: str
    price: Decimal
    size: Decimal
    notional_usd: Decimal
    whale_tier: int


@dataclass(frozen=True, slots=True)
class TradeTotals:
    count: int
    notional_usd: Decimal


_MARKET_COLUMNS = [
    getattr(MarketRow, f)
    for f in MarketRecord.__dataclass_fields__  # same names as the table
]


def _market(row: Any) -> MarketRecord:
    return MarketRecord(**dict(row._mapping))


def list_markets(
    engine: Engine,
    *,
    tier: int | None,
    active: bool | None,
    search: str | None,
    page: int,
    page_size: int,
    sort: MarketSort = "id",
    order: SortOrder = "asc",
) -> tuple[int, list[MarketRecord]]:
    """The total of markets matching the filters, and one page of them."""
    conditions = []
    if tier is not None:
        conditions.append(MarketRow.tier == tier)
    if active is not None:
        conditions.append(MarketRow.active.is_(active))
    if search:
        pattern = f"%{search.lower()}%"
        conditions.append(
            or_(
                func.lower(MarketRow.question).like(pattern),
                func.lower(MarketRow.slug).like(pattern),
                func.lower(MarketRow.condition_id).like(pattern),
            )
        )
    column = getattr(MarketRow, sort)
    ordering = column.desc() if order == "desc" else column.asc()
    # NULLs last either way, then the id so that pages are stable
    query = (
        select(*_MARKET_COLUMNS)
        .where(*conditions)
        .order_by(column.is_(None), ordering, MarketRow.id.asc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    count = select(func.count()).select_from(MarketRow).where(*conditions)
    with translated_errors("list markets"), engine.connect() as conn:
        total = int(conn.scalar(count) or 0)
        return total, [_market(r) for r in conn.execute(query)]


def get_market(engine: Engine, market_id: int) -> MarketRecord | None:
    query = select(*_MARKET_COLUMNS).where(MarketRow.id == market_id)
    with translated_errors("read a market"), engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else _market(row)


def _series_columns() -> list[Any]:
    return [
        SnapshotRow.market_id,
        SnapshotRow.timestamp,
        SnapshotRow.tier,
        *(getattr(SnapshotRow, name) for name in SNAPSHOT_SERIES),
    ]


def _snapshot(row: Any) -> SnapshotValues:
    m = row._mapping
    return SnapshotValues(
        market_id=m["market_id"],
        timestamp=m["timestamp"],
        tier=m["tier"],
        values={name: m[name] for name in SNAPSHOT_SERIES},
    )


def latest_snapshots(engine: Engine, market_ids: Sequence[int]) -> dict[int, SnapshotValues]:
    """The newest snapshot of each of ``market_ids`` that has one."""
    if not market_ids:
        return {}
    newest = (
        select(SnapshotRow.market_id, func.max(SnapshotRow.timestamp).label("ts"))
        .where(SnapshotRow.market_id.in_(list(market_ids)))
        .group_by(SnapshotRow.market_id)
        .subquery()
    )
    query = select(*_series_columns()).join(
        newest,
        (SnapshotRow.market_id == newest.c.market_id) & (SnapshotRow.timestamp == newest.c.ts),
    )
    with translated_errors("read the latest snapshots"), engine.connect() as conn:
        return {s.market_id: s for s in map(_snapshot, conn.execute(query))}


def snapshot_series(engine: Engine, market_id: int, since: datetime) -> list[SnapshotValues]:
    """Every snapshot of a market at or after ``since``, oldest first."""
    query = (
        select(*_series_columns())
        .where(SnapshotRow.market_id == market_id, SnapshotRow.timestamp >= since)
        .order_by(SnapshotRow.timestamp)
    )
    with translated_errors("read a market's snapshots"), engine.connect() as conn:
        return [_snapshot(r) for r in conn.execute(query)]


def recent_trades(
    engine: Engine, market_id: int, since: datetime, limit: int
) -> tuple[TradeTotals, list[TradeRecord]]:
    """Totals of a market's trades at or after ``since``, and the newest ``limit`` of them."""
    t = TradeRow
    window = (t.market_id == market_id, t.timestamp >= since)
    totals = select(func.count(), func.coalesce(func.sum(t.notional_usd), 0)).where(*window)
    query = (
        select(
            t.timestamp,
            t.received_at,
            t.token_id,
            t.outcome,
            t.side,
            t.price,
            t.size,
            t.notional_usd,
            t.whale_tier,
        )
        .where(*window)
        .order_by(t.timestamp.desc(), t.id.desc())
        .limit(limit)
    )
    with translated_errors("read a market's trades"), engine.connect() as conn:
        count, notional = conn.execute(totals).one()
        trades = [TradeRecord(**dict(r._mapping)) for r in conn.execute(query)]
    # SQLite sums NUMERIC as floats: back to the 6 decimals of USD amounts
    total = Decimal(repr(notional) if isinstance(notional, float) else str(notional))
    return TradeTotals(int(count), total.quantize(USD_QUANTUM)), trades


def market_tier_transitions(engine: Engine, market_id: int) -> list[TransitionRecord]:
    """Every tier change of a market, oldest first (discovery to deactivation)."""
    t = TierTransitionRow
    query = select(t).where(t.market_id == market_id).order_by(t.transitioned_at, t.id)
    with translated_errors("read a market's tier transitions"), engine.connect() as conn:
        return [
            TransitionRecord(
                market_id=r.market_id,
                condition_id=r.condition_id,
                market_slug=r.market_slug,
                from_tier=r.from_tier,
                to_tier=r.to_tier,
                transitioned_at=r.transitioned_at,
                hours_to_close=r.hours_to_close,
                reason=r.reason,
            )
            for r in conn.execute(query)
        ]
