"""Repositories: take a session, speak in core types.

No business rules live here (when a tier changes is the collector's decision); repositories only
turn rows into domain values and back, and run the queries the rest of the system needs with the
indexes that make them fast. The caller owns the transaction (``with factory.begin() as s``).
The executor's repositories (signals, positions, orders and fills, its state and equity) are in
:mod:`polymarket_ml.storage.executor_repositories`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from polymarket_ml.core.enums import (
    DeactivationReason,
    Outcome,
    PositionStatus,
    Resolution,
    Side,
    TaskStatus,
    Tier,
    WhaleTier,
)
from polymarket_ml.core.snapshot import SNAPSHOT_COLUMNS, FeatureSnapshot
from polymarket_ml.core.types import (
    Level,
    Market,
    OrderbookSnapshot,
    TaskRun,
    TierTransition,
    Trade,
)
from polymarket_ml.storage.models import (
    MarketRow,
    OrderbookSnapshotRow,
    PositionRow,
    SnapshotRow,
    TaskRunRow,
    TierTransitionRow,
    TradeRow,
)

# Market fields refreshed from Gamma on every discovery pass (tracking state is left alone).
_MARKET_METADATA = (
    "gamma_id",
    "slug",
    "question",
    "event_id",
    "event_slug",
    "event_title",
    "yes_token_id",
    "no_token_id",
    "category",
    "neg_risk",
    "start_date",
    "end_date",
    "closed",
    "accepting_orders",
    "tick_size",
    "min_order_size",
)


# Stored value -> member, for the rows read many at a time (a dict lookup is ~15x cheaper than
# calling the enum).


def _opt_tier(value: int | None) -> Tier | None:
    return None if value is None else Tier(value)


class MarketRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert(self, market: Market, *, now: datetime) -> Market:
        """Insert a new market, or refresh the Gamma metadata of a known one."""
        row = self.session.scalar(
            select(MarketRow).where(MarketRow.condition_id == market.condition_id)
        )
        if row is None:
            row = MarketRow(
                condition_id=market.condition_id,
                outcomes=list(market.outcomes),
                initial_price=market.initial_price,
                initial_volume=market.initial_volume,
                initial_liquidity=market.initial_liquidity,
                tier=int(market.tier),
                active=market.active,
                tracking_started_at=market.tracking_started_at or now,
                first_seen_at=now,
                snapshot_count=0,
                resolved=False,
            )
            self.session.add(row)
        for name in _MARKET_METADATA:
            setattr(row, name, getattr(market, name))
        row.updated_at = now
        self.session.flush()
        return market_from_row(row)

    def get(self, condition_id: str) -> Market | None:
        row = self.session.scalar(select(MarketRow).where(MarketRow.condition_id == condition_id))
        return None if row is None else market_from_row(row)

    def get_by_id(self, market_id: int) -> Market | None:
        row = self.session.get(MarketRow, market_id)
        return None if row is None else market_from_row(row)

    def list_active(self, tier: Tier | None = None) -> list[Market]:
        query = select(MarketRow).where(MarketRow.active.is_(True))
        if tier is not None:
            query = query.where(MarketRow.tier == int(tier))
        return [market_from_row(r) for r in self.session.scalars(query.order_by(MarketRow.id))]

    def held_awaiting_outcome(self) -> list[Market]:
        """Markets no longer tracked (expired, silent, delisted) whose outcome is not known yet
        and in which an executor still holds an open position: checked until it is known."""
        held = select(PositionRow.market_id).where(PositionRow.status == PositionStatus.OPEN.value)
        query = select(MarketRow).where(
            MarketRow.active.is_(False), MarketRow.resolved.is_not(True), MarketRow.id.in_(held)
        )
        return [market_from_row(r) for r in self.session.scalars(query.order_by(MarketRow.id))]

    def market_ids_by_token(self) -> dict[str, int]:
        """Our market id of every known token (both outcomes, active or not)."""
        rows = self.session.execute(
            select(MarketRow.id, MarketRow.yes_token_id, MarketRow.no_token_id)
        )
        out: dict[str, int] = {}
        for market_id, yes, no in rows:
            for token in (yes, no):
                if token:
                    out[token] = market_id
        return out

    def count_by_tier(self) -> dict[Tier, int]:
        """Active markets per tier."""
        rows = self.session.execute(
            select(MarketRow.tier, func.count())
            .where(MarketRow.active.is_(True))
            .group_by(MarketRow.tier)
        )
        return {Tier(tier): int(n) for tier, n in rows}

    def set_tier(self, market_id: int, tier: Tier, *, now: datetime) -> None:
        self.session.execute(
            update(MarketRow)
            .where(MarketRow.id == market_id)
            .values(tier=int(tier), updated_at=now)
        )

    def deactivate(self, market_id: int, reason: DeactivationReason, *, now: datetime) -> None:
        self.session.execute(
            update(MarketRow)
            .where(MarketRow.id == market_id)
            .values(
                active=False, deactivated_at=now, deactivation_reason=reason.value, updated_at=now
            )
        )

    def mark_closed(self, market_id: int, *, now: datetime) -> None:
        """Closed for trading on the exchange; snapshots stop, the outcome is still awaited."""
        self.session.execute(
            update(MarketRow).where(MarketRow.id == market_id).values(closed=True, updated_at=now)
        )

    def touch_snapshots(self, market_ids: Sequence[int], *, now: datetime) -> None:
        """Count one more snapshot for each market and remember when it was taken.

        The rows are locked in id order first, the order every writer of many market rows
        follows, so concurrent tasks never deadlock (``FOR UPDATE`` is a no-op on SQLite).
        """
        if market_ids:
            self.session.execute(
                select(MarketRow.id)
                .where(MarketRow.id.in_(market_ids))
                .order_by(MarketRow.id)
                .with_for_update()
            )
            self.session.execute(
                update(MarketRow)
                .where(MarketRow.id.in_(market_ids))
                .values(last_snapshot_at=now, snapshot_count=MarketRow.snapshot_count + 1)
            )

    def record_last_trades(self, last_trade_at: dict[int, datetime]) -> None:
        """Remember the newest trade seen per market (never moves backwards).

        Rows are updated in id order, as by every writer of many market rows (no deadlocks).
        """
        for market_id, when in sorted(last_trade_at.items()):
            self.session.execute(
                update(MarketRow)
                .where(
                    MarketRow.id == market_id,
                    (MarketRow.last_trade_at.is_(None)) | (MarketRow.last_trade_at < when),
                )
                .values(last_trade_at=when)
            )

    def trade_activity(self, followed_tiers: Collection[Tier]) -> dict[int, TradeActivity]:
        """For active markets in ``followed_tiers``: the last trade seen, and since when the
        market has been in those tiers (its latest move into one of them)."""
        tiers = [int(t) for t in followed_tiers]
        rows = self.session.execute(
            select(MarketRow.id, MarketRow.last_trade_at).where(
                MarketRow.active.is_(True), MarketRow.tier.in_(tiers)
            )
        ).all()
        entered: dict[int, datetime] = dict(
            self.session.execute(
                select(TierTransitionRow.market_id, func.max(TierTransitionRow.transitioned_at))
                .where(TierTransitionRow.to_tier.in_(tiers))
                .group_by(TierTransitionRow.market_id)
            ).all()  # a Result has keys(): dict() would take it for a mapping
        )
        return {mid: TradeActivity(last, entered.get(mid)) for mid, last in rows}

    def record_resolution(
        self, market_id: int, resolution: Resolution, *, resolved_at: datetime, now: datetime
    ) -> None:
        self.session.execute(
            update(MarketRow)
            .where(MarketRow.id == market_id)
            .values(
                resolved=True, outcome=resolution.value, resolved_at=resolved_at, updated_at=now
            )
        )


class TradeActivity(NamedTuple):
    last_trade_at: datetime | None
    followed_since: datetime | None


def market_from_row(row: MarketRow) -> Market:
    return Market(
        id=row.id,
        condition_id=row.condition_id,
        question=row.question,
        slug=row.slug,
        gamma_id=row.gamma_id,
        event_id=row.event_id,
        event_slug=row.event_slug,
        event_title=row.event_title,
        yes_token_id=row.yes_token_id,
        no_token_id=row.no_token_id,
        outcomes=tuple(row.outcomes or ("Yes", "No")),
        category=row.category,
        neg_risk=row.neg_risk,
        start_date=row.start_date,
        end_date=row.end_date,
        closed=row.closed,
        accepting_orders=row.accepting_orders,
        tick_size=row.tick_size,
        min_order_size=row.min_order_size,
        initial_price=row.initial_price,
        initial_volume=row.initial_volume,
        initial_liquidity=row.initial_liquidity,
        tracking_started_at=row.tracking_started_at,
        tier=Tier(row.tier),
        active=row.active,
        resolution=Resolution(row.outcome) if row.outcome else None,
        resolved_at=row.resolved_at,
        deactivation_reason=DeactivationReason(row.deactivation_reason)
        if row.deactivation_reason
        else None,
    )


class SnapshotRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def latest_per_market(
        self, market_ids: Sequence[int] | None = None
    ) -> dict[int, FeatureSnapshot]:
        """The newest snapshot of each market (uses the (market_id, timestamp) index)."""
        newest = select(
            SnapshotRow.market_id, func.max(SnapshotRow.timestamp).label("ts")
        ).group_by(SnapshotRow.market_id)
        if market_ids is not None:
            newest = newest.where(SnapshotRow.market_id.in_(market_ids))
        sub = newest.subquery()
        query = select(SnapshotRow).join(
            sub, (SnapshotRow.market_id == sub.c.market_id) & (SnapshotRow.timestamp == sub.c.ts)
        )
        return {row.market_id: snapshot_from_row(row) for row in self.session.scalars(query)}

    def since(self, start: datetime) -> list[FeatureSnapshot]:
        """Every snapshot taken after ``start``, oldest first (the executor's incremental read)."""
        query = (
            select(SnapshotRow)
            .where(SnapshotRow.timestamp > start)
            .order_by(SnapshotRow.timestamp, SnapshotRow.id)
        )
        return [snapshot_from_row(r) for r in self.session.scalars(query)]

    def for_market(
        self, market_id: int, *, since: datetime | None = None, limit: int = 1000
    ) -> list[FeatureSnapshot]:
        query = select(SnapshotRow).where(SnapshotRow.market_id == market_id)
        if since is not None:
            query = query.where(SnapshotRow.timestamp >= since)
        query = query.order_by(SnapshotRow.timestamp.desc()).limit(limit)
        return [snapshot_from_row(r) for r in self.session.scalars(query)]


def snapshot_from_row(row: SnapshotRow) -> FeatureSnapshot:
    values = {name: getattr(row, name) for name in SNAPSHOT_COLUMNS}
    values["tier"] = Tier(values["tier"])
    return FeatureSnapshot(**values)


class TradeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def in_window(self, market_id: int, start: datetime, end: datetime) -> list[tuple[int, Trade]]:
        """Trades of a market with ``start < timestamp <= end``, oldest first."""
        query = (
            select(TradeRow)
            .where(
                TradeRow.market_id == market_id,
                TradeRow.timestamp > start,
                TradeRow.timestamp <= end,
            )
            .order_by(TradeRow.timestamp, TradeRow.id)
        )
        return [(r.market_id, trade_from_row(r)) for r in self.session.scalars(query)]

    def after_id(self, last_id: int, *, limit: int = 50_000) -> list[tuple[int, int, Trade]]:
        """Trades stored after row ``last_id`` as (row id, market id, trade), in storage order."""
        query = select(TradeRow).where(TradeRow.id > last_id).order_by(TradeRow.id).limit(limit)
        return [(r.id, r.market_id, trade_from_row(r)) for r in self.session.scalars(query)]

    def last_id(self) -> int:
        return int(self.session.scalar(select(func.max(TradeRow.id))) or 0)

    def count(self, market_id: int | None = None) -> int:
        query = select(func.count()).select_from(TradeRow)
        if market_id is not None:
            query = query.where(TradeRow.market_id == market_id)
        return int(self.session.scalar(query) or 0)


def trade_from_row(row: TradeRow) -> Trade:
    return Trade(
        token_id=row.token_id,
        condition_id="",
        price=row.price,
        size=row.size,
        side=Side(row.side),
        exchange_ts=row.timestamp,
        received_at=row.received_at,
        outcome=Outcome(row.outcome) if row.outcome else None,
        fee_rate_bps=row.fee_rate_bps,
        transaction_hash=row.transaction_hash,
        whale_tier=WhaleTier(row.whale_tier),
        best_bid=row.best_bid,
        best_ask=row.best_ask,
    )


class OrderbookRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def latest_per_token(self, since: datetime) -> dict[str, OrderbookSnapshot]:
        """The newest stored book of each token taken after ``since``."""
        newest = (
            select(
                OrderbookSnapshotRow.token_id, func.max(OrderbookSnapshotRow.timestamp).label("ts")
            )
            .where(OrderbookSnapshotRow.timestamp > since)
            .group_by(OrderbookSnapshotRow.token_id)
            .subquery()
        )
        query = select(OrderbookSnapshotRow).join(
            newest,
            (OrderbookSnapshotRow.token_id == newest.c.token_id)
            & (OrderbookSnapshotRow.timestamp == newest.c.ts),
        )
        return {r.token_id: orderbook_from_row(r) for r in self.session.scalars(query)}


def orderbook_from_row(r: OrderbookSnapshotRow) -> OrderbookSnapshot:
    return OrderbookSnapshot(
        market_id=r.market_id,
        token_id=r.token_id,
        timestamp=r.timestamp,
        bids=tuple(Level(Decimal(p), Decimal(q)) for p, q in r.bids),
        asks=tuple(Level(Decimal(p), Decimal(q)) for p, q in r.asks),
        exchange_ts=r.exchange_ts,
        tier=_opt_tier(r.tier),
    )


class TierTransitionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, transition: TierTransition, *, market_slug: str | None = None) -> None:
        self.session.add(
            TierTransitionRow(
                market_id=transition.market_id,
                condition_id=transition.condition_id,
                market_slug=market_slug,
                from_tier=None if transition.from_tier is None else int(transition.from_tier),
                to_tier=None if transition.to_tier is None else int(transition.to_tier),
                transitioned_at=transition.transitioned_at,
                hours_to_close=transition.hours_to_close,
                reason=transition.reason,
            )
        )

    def since(self, start: datetime) -> list[TierTransition]:
        query = (
            select(TierTransitionRow)
            .where(TierTransitionRow.transitioned_at >= start)
            .order_by(TierTransitionRow.transitioned_at, TierTransitionRow.id)
        )
        return [
            TierTransition(
                market_id=r.market_id,
                from_tier=_opt_tier(r.from_tier),
                to_tier=_opt_tier(r.to_tier),
                transitioned_at=r.transitioned_at,
                hours_to_close=r.hours_to_close,
                reason=r.reason,
                condition_id=r.condition_id,
            )
            for r in self.session.scalars(query)
        ]


class TaskRunRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def start(
        self, task_name: str, task_id: str, *, now: datetime, tier: Tier | None = None
    ) -> int:
        row = TaskRunRow(
            task_name=task_name,
            task_id=task_id,
            tier=None if tier is None else int(tier),
            started_at=now,
            status=TaskStatus.RUNNING.value,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def finish(
        self,
        run_id: int,
        status: TaskStatus,
        *,
        now: datetime,
        markets_processed: int | None = None,
        rows_inserted: int | None = None,
        error_message: str | None = None,
        error_traceback: str | None = None,
    ) -> None:
        row = self.session.get_one(TaskRunRow, run_id)
        row.status = status.value
        row.finished_at = now
        row.duration_ms = int((now - row.started_at).total_seconds() * 1000)
        row.markets_processed = markets_processed
        row.rows_inserted = rows_inserted
        row.error_message = error_message
        row.error_traceback = error_traceback

    def recent(self, limit: int = 100, task_name: str | None = None) -> list[TaskRun]:
        query = select(TaskRunRow)
        if task_name is not None:
            query = query.where(TaskRunRow.task_name == task_name)
        query = query.order_by(TaskRunRow.started_at.desc(), TaskRunRow.id.desc()).limit(limit)
        return [
            TaskRun(
                id=r.id,
                task_name=r.task_name,
                task_id=r.task_id,
                started_at=r.started_at,
                status=TaskStatus(r.status),
                tier=_opt_tier(r.tier),
                finished_at=r.finished_at,
                duration_ms=r.duration_ms,
                markets_processed=r.markets_processed,
                rows_inserted=r.rows_inserted,
                error_message=r.error_message,
                error_traceback=r.error_traceback,
            )
            for r in self.session.scalars(query)
        ]
