"""Repositories: take a session, speak in core types.

No business rules live here (when a tier changes is the collector's decision); repositories only
turn rows into domain values and back, and run the queries the rest of the system needs with the
indexes that make them fast. The caller owns the transaction (``with factory.begin() as s``).

Lists of signals, positions, orders and fills are read as plain rows of the columns their core
type needs (``select(*_SIGNAL_COLUMNS)``), not as ORM objects: the dashboard reads them many times
a second, and loading ORM objects (identity map, instance state, reference cycles the garbage
collector has to find) cost several times the query. ``*_with_questions`` join each row's market
question in the same query. Their statements are built once per shape (``functools.cache``, the
values as bound parameters): building a statement and its cache key cost SQLAlchemy ~0.3 ms, as
much as running a small query.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from polymarket_ml.core.enums import (
    DeactivationReason,
    ExecutionMode,
    OrderStatus,
    OrderType,
    Outcome,
    PositionStatus,
    Resolution,
    Side,
    SignalStatus,
    TaskStatus,
    Tier,
    WhaleTier,
)
from polymarket_ml.core.snapshot import SNAPSHOT_COLUMNS, FeatureSnapshot
from polymarket_ml.core.types import (
    EquityPoint,
    Fill,
    Level,
    Market,
    Order,
    OrderbookSnapshot,
    Position,
    Signal,
    TaskRun,
    TierTransition,
    Trade,
)
from polymarket_ml.storage.models import (
    EquityHistoryRow,
    ExecutorStateRow,
    FillRow,
    MarketRow,
    OrderbookSnapshotRow,
    OrderRow,
    PositionRow,
    SignalRow,
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
_SIDES = {m.value: m for m in Side}
_OUTCOMES = {m.value: m for m in Outcome}
_MODES = {m.value: m for m in ExecutionMode}
_SIGNAL_STATUSES = {m.value: m for m in SignalStatus}
_POSITION_STATUSES = {m.value: m for m in PositionStatus}


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


class SignalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, signal: Signal) -> int:
        row = SignalRow(
            strategy=signal.strategy,
            market_id=signal.market_id,
            token_id=signal.token_id,
            outcome=signal.outcome.value if signal.outcome else None,
            side=signal.side.value,
            is_exit=signal.is_exit,
            reason=signal.reason,
            edge=signal.edge,
            confidence=signal.confidence,
            price_at_signal=signal.price_at_signal,
            suggested_size_usd=signal.suggested_size_usd,
            status=signal.status.value,
            risk_reasons=list(signal.risk_reasons) or None,
            created_at=signal.created_at,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def set_status(
        self, signal_id: int, status: SignalStatus, *, now: datetime, reasons: Sequence[str] = ()
    ) -> None:
        row = self.session.get_one(SignalRow, signal_id)
        row.status = status.value
        row.decided_at = now
        if reasons:
            row.risk_reasons = list(reasons)

    def recent(
        self,
        limit: int = 100,
        *,
        status: SignalStatus | None = None,
        strategy: str | None = None,
    ) -> list[Signal]:
        query, params = _recent_signals(False, limit, status, strategy)
        return [signal_from_row(r) for r in self.session.execute(query, params)]

    def recent_with_questions(
        self,
        limit: int = 100,
        *,
        status: SignalStatus | None = None,
        strategy: str | None = None,
    ) -> list[tuple[Signal, str | None]]:
        """:meth:`recent`, each with its market's question (one query)."""
        query, params = _recent_signals(True, limit, status, strategy)
        return [(signal_from_row(r), r.question) for r in self.session.execute(query, params)]

    def with_status(self, status: SignalStatus) -> list[Signal]:
        """Every signal in ``status``, oldest first (approved ones wait for their orders)."""
        query = (
            select(*_SIGNAL_COLUMNS).where(SignalRow.status == status.value).order_by(SignalRow.id)
        )
        return [signal_from_row(r) for r in self.session.execute(query)]

    def counts(self) -> dict[tuple[str, SignalStatus], int]:
        """Signals per (strategy, status)."""
        rows = self.session.execute(
            select(SignalRow.strategy, SignalRow.status, func.count()).group_by(
                SignalRow.strategy, SignalRow.status
            )
        )
        return {(strategy, SignalStatus(status)): int(n) for strategy, status, n in rows}


_SIGNAL_COLUMNS = (
    SignalRow.id,
    SignalRow.strategy,
    SignalRow.market_id,
    SignalRow.token_id,
    SignalRow.side,
    SignalRow.reason,
    SignalRow.created_at,
    SignalRow.price_at_signal,
    SignalRow.edge,
    SignalRow.confidence,
    SignalRow.suggested_size_usd,
    SignalRow.outcome,
    SignalRow.is_exit,
    SignalRow.status,
    SignalRow.risk_reasons,
)
"""What :func:`signal_from_row` reads."""


def _recent_signals(
    with_question: bool, limit: int, status: SignalStatus | None, strategy: str | None
) -> tuple[Select[*tuple[Any, ...]], dict[str, Any]]:
    params: dict[str, Any] = {"limit": limit}
    if status is not None:
        params["status"] = status.value
    if strategy is not None:
        params["strategy"] = strategy
    return _recent_signals_query(with_question, status is not None, strategy is not None), params


@functools.cache
def _recent_signals_query(
    with_question: bool, by_status: bool, by_strategy: bool
) -> Select[*tuple[Any, ...]]:
    query = (
        _with_question(_SIGNAL_COLUMNS, SignalRow.market_id)
        if with_question
        else select(*_SIGNAL_COLUMNS)
    )
    if by_status:
        query = query.where(SignalRow.status == bindparam("status"))
    if by_strategy:
        query = query.where(SignalRow.strategy == bindparam("strategy"))
    order = (SignalRow.created_at.desc(), SignalRow.id.desc())
    return query.order_by(*order).limit(bindparam("limit"))


def _with_question(columns: Sequence[Any], market_id: Any) -> Select[*tuple[Any, ...]]:
    """``columns``, and the question of the market ``market_id`` (a column among them) names."""
    return select(*columns, MarketRow.question).outerjoin(MarketRow, MarketRow.id == market_id)


def signal_from_row(row: Sequence[Any]) -> Signal:
    """A row that starts with :data:`_SIGNAL_COLUMNS`, in their order."""
    (
        id_,
        strategy,
        market_id,
        token_id,
        side,
        reason,
        created_at,
        price_at_signal,
        edge,
        confidence,
        suggested_size_usd,
        outcome,
        is_exit,
        status,
        risk_reasons,
    ) = row[: len(_SIGNAL_COLUMNS)]
    return Signal(
        id=id_,
        strategy=strategy,
        market_id=market_id,
        token_id=token_id,
        side=_SIDES[side],
        reason=reason,
        created_at=created_at,
        price_at_signal=price_at_signal,
        edge=edge,
        confidence=confidence,
        suggested_size_usd=suggested_size_usd,
        outcome=_OUTCOMES[outcome] if outcome else None,
        is_exit=is_exit,
        status=_SIGNAL_STATUSES[status],
        risk_reasons=tuple(risk_reasons or ()),
    )


class PositionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, position: Position, *, now: datetime) -> Position:
        """Insert a new position (``id`` None) or update the stored one; return it with its id."""
        row = (
            PositionRow() if position.id is None else self.session.get_one(PositionRow, position.id)
        )
        row.market_id = position.market_id
        row.token_id = position.token_id
        row.outcome = position.outcome.value
        row.strategy = position.strategy
        row.mode = position.mode.value
        row.status = position.status.value
        row.size = position.size
        row.entry_price = position.entry_price
        row.cost_basis_usd = position.cost_basis_usd
        row.current_price = position.current_price
        row.current_value_usd = position.current_value_usd
        row.unrealized_pnl_usd = position.unrealized_pnl_usd
        row.realized_pnl_usd = position.realized_pnl_usd
        row.fees_usd = position.fees_usd
        row.opened_at = position.opened_at
        row.closed_at = position.closed_at
        row.exit_reason = position.exit_reason
        row.exit_price = position.exit_price
        row.updated_at = now
        if position.id is None:
            self.session.add(row)
        self.session.flush()
        return replace(position, id=row.id)  # what position_from_row(row) would give

    def open_positions(self, mode: ExecutionMode | None = None) -> list[Position]:
        query = _open_positions_query(mode is not None)
        params = {} if mode is None else {"mode": mode.value}
        return [position_from_row(r) for r in self.session.execute(query, params)]

    def recent(
        self, mode: ExecutionMode | None = None, *, include_closed: bool = True, limit: int = 100
    ) -> list[Position]:
        """Positions, newest first; only the open ones unless ``include_closed``."""
        query, params = _recent_positions(False, mode, include_closed, limit)
        return [position_from_row(r) for r in self.session.execute(query, params)]

    def recent_with_questions(
        self, mode: ExecutionMode | None = None, *, include_closed: bool = True, limit: int = 100
    ) -> list[tuple[Position, str | None]]:
        """:meth:`recent`, each with its market's question (one query)."""
        query, params = _recent_positions(True, mode, include_closed, limit)
        return [(position_from_row(r), r.question) for r in self.session.execute(query, params)]

    def totals(self, mode: ExecutionMode) -> tuple[Decimal, Decimal]:
        """Realized P&L and fees summed over every position of ``mode`` (open or not).

        Summed by PostgreSQL (``NUMERIC`` sums are exact); on SQLite in Python, since SQLite
        adds NUMERIC values as floats, which is not exact.
        """
        params = {"mode": mode.value}
        if self.session.get_bind().dialect.name == "postgresql":
            realized, fees = self.session.execute(_POSITION_SUMS, params).one()
            return Decimal(realized), Decimal(fees)
        rows = self.session.execute(_POSITION_AMOUNTS, params).all()
        return (
            sum((r for r, _ in rows), Decimal(0)),
            sum((f for _, f in rows), Decimal(0)),
        )


_POSITION_COLUMNS = (
    PositionRow.id,
    PositionRow.market_id,
    PositionRow.token_id,
    PositionRow.outcome,
    PositionRow.strategy,
    PositionRow.mode,
    PositionRow.size,
    PositionRow.entry_price,
    PositionRow.cost_basis_usd,
    PositionRow.opened_at,
    PositionRow.status,
    PositionRow.current_price,
    PositionRow.realized_pnl_usd,
    PositionRow.fees_usd,
    PositionRow.closed_at,
    PositionRow.exit_reason,
    PositionRow.exit_price,
)
"""What :func:`position_from_row` reads."""


def _recent_positions(
    with_question: bool, mode: ExecutionMode | None, include_closed: bool, limit: int
) -> tuple[Select[*tuple[Any, ...]], dict[str, Any]]:
    params: dict[str, Any] = {"limit": limit}
    if mode is not None:
        params["mode"] = mode.value
    return _recent_positions_query(with_question, mode is not None, include_closed), params


@functools.cache
def _recent_positions_query(
    with_question: bool, by_mode: bool, include_closed: bool
) -> Select[*tuple[Any, ...]]:
    query = (
        _with_question(_POSITION_COLUMNS, PositionRow.market_id)
        if with_question
        else select(*_POSITION_COLUMNS)
    )
    if by_mode:
        query = query.where(PositionRow.mode == bindparam("mode"))
    if not include_closed:
        query = query.where(PositionRow.status == PositionStatus.OPEN.value)
    order = (PositionRow.opened_at.desc(), PositionRow.id.desc())
    return query.order_by(*order).limit(bindparam("limit"))


@functools.cache
def _open_positions_query(by_mode: bool) -> Select[*tuple[Any, ...]]:
    query = select(*_POSITION_COLUMNS).where(PositionRow.status == PositionStatus.OPEN.value)
    if by_mode:
        query = query.where(PositionRow.mode == bindparam("mode"))
    return query.order_by(PositionRow.id)


_POSITION_SUMS = select(
    func.coalesce(func.sum(PositionRow.realized_pnl_usd), 0),
    func.coalesce(func.sum(PositionRow.fees_usd), 0),
).where(PositionRow.mode == bindparam("mode"))
_POSITION_AMOUNTS = select(PositionRow.realized_pnl_usd, PositionRow.fees_usd).where(
    PositionRow.mode == bindparam("mode")
)


def position_from_row(row: Sequence[Any]) -> Position:
    """A row that starts with :data:`_POSITION_COLUMNS`, in their order."""
    (
        id_,
        market_id,
        token_id,
        outcome,
        strategy,
        mode,
        size,
        entry_price,
        cost_basis_usd,
        opened_at,
        status,
        current_price,
        realized_pnl_usd,
        fees_usd,
        closed_at,
        exit_reason,
        exit_price,
    ) = row[: len(_POSITION_COLUMNS)]
    return Position(
        id=id_,
        market_id=market_id,
        token_id=token_id,
        outcome=_OUTCOMES[outcome],
        strategy=strategy,
        mode=_MODES[mode],
        size=size,
        entry_price=entry_price,
        cost_basis_usd=cost_basis_usd,
        opened_at=opened_at,
        status=_POSITION_STATUSES[status],
        current_price=current_price,
        realized_pnl_usd=realized_pnl_usd,
        fees_usd=fees_usd,
        closed_at=closed_at,
        exit_reason=exit_reason,
        exit_price=exit_price,
    )


class OrderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, order: Order) -> int:
        row = OrderRow(
            client_order_id=order.client_order_id,
            exchange_order_id=order.exchange_order_id,
            signal_id=order.signal_id,
            market_id=order.market_id,
            token_id=order.token_id,
            strategy=order.strategy,
            mode=order.mode.value,
            side=order.side.value,
            order_type=order.order_type.value,
            post_only=order.post_only,
            price=order.price,
            size=order.size,
            filled_size=order.filled_size,
            status=order.status.value,
            reject_reason=order.reject_reason,
            created_at=order.created_at,
            updated_at=order.updated_at,
            expires_at=order.expires_at,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def update_status(
        self,
        order_id: int,
        status: OrderStatus,
        *,
        filled_size: Decimal,
        now: datetime,
        avg_fill_price: Decimal | None = None,
        reject_reason: str | None = None,
    ) -> None:
        row = self.session.get_one(OrderRow, order_id)
        row.status = status.value
        row.filled_size = filled_size
        row.updated_at = now
        if avg_fill_price is not None:
            row.avg_fill_price = avg_fill_price
        if reject_reason is not None:
            row.reject_reason = reject_reason

    def open_orders(self, mode: ExecutionMode | None = None) -> list[Order]:
        query = _open_orders_query(mode is not None)
        params = {} if mode is None else {"mode": mode.value}
        return [order_from_row(r) for r in self.session.execute(query, params)]

    def cancel_open(self, mode: ExecutionMode, *, now: datetime, reason: str) -> int:
        """Mark every open order of ``mode`` cancelled; return how many were."""
        result = self.session.execute(
            update(OrderRow)
            .where(OrderRow.mode == mode.value, OrderRow.status.in_(_LIVE_ORDER_STATUSES))
            .values(status=OrderStatus.CANCELLED.value, reject_reason=reason, updated_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def add_fill(self, fill: Fill) -> int:
        row = FillRow(
            order_id=fill.order_id,
            market_id=fill.market_id,
            token_id=fill.token_id,
            mode=fill.mode.value,
            side=fill.side.value,
            price=fill.price,
            size=fill.size,
            fee_usd=fill.fee_usd,
            is_maker=fill.is_maker,
            slippage=fill.slippage,
            exchange_trade_id=fill.exchange_trade_id,
            filled_at=fill.filled_at,
            received_at=fill.received_at or fill.filled_at,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def fills(self, order_id: int) -> list[Fill]:
        query = select(*_FILL_COLUMNS).where(FillRow.order_id == order_id).order_by(FillRow.id)
        return [fill_from_row(r) for r in self.session.execute(query)]

    def recent_fills(self, mode: ExecutionMode, *, limit: int) -> list[tuple[Fill, str | None]]:
        """Our fills of ``mode``, newest first, each with its order's strategy."""
        params = {"mode": mode.value, "limit": limit}
        query = _recent_fills_query(with_question=False)
        return [(fill_from_row(r), r.strategy) for r in self.session.execute(query, params)]

    def recent_fills_with_questions(
        self, mode: ExecutionMode, *, limit: int
    ) -> list[tuple[Fill, str | None, str | None]]:
        """:meth:`recent_fills`: each fill, its order's strategy and its market's question (one
        query)."""
        params = {"mode": mode.value, "limit": limit}
        query = _recent_fills_query(with_question=True)
        return [
            (fill_from_row(r), r.strategy, r.question) for r in self.session.execute(query, params)
        ]


_FILL_COLUMNS = (
    FillRow.id,
    FillRow.order_id,
    FillRow.market_id,
    FillRow.token_id,
    FillRow.side,
    FillRow.price,
    FillRow.size,
    FillRow.fee_usd,
    FillRow.filled_at,
    FillRow.mode,
    FillRow.is_maker,
    FillRow.exchange_trade_id,
    FillRow.slippage,
    FillRow.received_at,
)
"""What :func:`fill_from_row` reads."""


@functools.cache
def _recent_fills_query(*, with_question: bool) -> Select[*tuple[Any, ...]]:
    columns = (*_FILL_COLUMNS, OrderRow.strategy)
    query = _with_question(columns, FillRow.market_id) if with_question else select(*columns)
    return (
        query.join(OrderRow, OrderRow.id == FillRow.order_id)
        .where(FillRow.mode == bindparam("mode"))
        .order_by(FillRow.filled_at.desc(), FillRow.id.desc())
        .limit(bindparam("limit"))
    )


def fill_from_row(row: Sequence[Any]) -> Fill:
    """A row that starts with :data:`_FILL_COLUMNS`, in their order."""
    (
        id_,
        order_id,
        market_id,
        token_id,
        side,
        price,
        size,
        fee_usd,
        filled_at,
        mode,
        is_maker,
        exchange_trade_id,
        slippage,
        received_at,
    ) = row[: len(_FILL_COLUMNS)]
    return Fill(
        id=id_,
        order_id=order_id,
        market_id=market_id,
        token_id=token_id,
        side=_SIDES[side],
        price=price,
        size=size,
        fee_usd=fee_usd,
        filled_at=filled_at,
        mode=_MODES[mode],
        is_maker=is_maker,
        exchange_trade_id=exchange_trade_id,
        slippage=slippage,
        received_at=received_at,
    )


_LIVE_ORDER_STATUSES = (
    OrderStatus.OPEN.value,
    OrderStatus.PARTIALLY_FILLED.value,
    OrderStatus.PENDING.value,
)


@functools.cache
def _open_orders_query(by_mode: bool) -> Select[*tuple[Any, ...]]:
    query = select(*_ORDER_COLUMNS).where(OrderRow.status.in_(_LIVE_ORDER_STATUSES))
    if by_mode:
        query = query.where(OrderRow.mode == bindparam("mode"))
    return query.order_by(OrderRow.id)


_ORDER_COLUMNS = (
    OrderRow.id,
    OrderRow.client_order_id,
    OrderRow.market_id,
    OrderRow.token_id,
    OrderRow.side,
    OrderRow.price,
    OrderRow.size,
    OrderRow.order_type,
    OrderRow.mode,
    OrderRow.status,
    OrderRow.created_at,
    OrderRow.updated_at,
    OrderRow.filled_size,
    OrderRow.exchange_order_id,
    OrderRow.signal_id,
    OrderRow.strategy,
    OrderRow.post_only,
    OrderRow.expires_at,
    OrderRow.reject_reason,
)
"""What :func:`order_from_row` reads."""


def order_from_row(row: Sequence[Any]) -> Order:
    """A row that starts with :data:`_ORDER_COLUMNS`, in their order."""
    (
        id_,
        client_order_id,
        market_id,
        token_id,
        side,
        price,
        size,
        order_type,
        mode,
        status,
        created_at,
        updated_at,
        filled_size,
        exchange_order_id,
        signal_id,
        strategy,
        post_only,
        expires_at,
        reject_reason,
    ) = row[: len(_ORDER_COLUMNS)]
    return Order(
        id=id_,
        client_order_id=client_order_id,
        market_id=market_id,
        token_id=token_id,
        side=_SIDES[side],
        price=price,
        size=size,
        order_type=OrderType(order_type),
        mode=_MODES[mode],
        status=OrderStatus(status),
        created_at=created_at,
        updated_at=updated_at,
        filled_size=filled_size,
        exchange_order_id=exchange_order_id,
        signal_id=signal_id,
        strategy=strategy,
        post_only=post_only,
        expires_at=expires_at,
        reject_reason=reject_reason,
    )


class ExecutorRepository:
    """Balance/equity history and the executor's durable state (halted or not, cash)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append_equity(self, point: EquityPoint) -> None:
        self.session.add(
            EquityHistoryRow(
                timestamp=point.timestamp,
                mode=point.mode.value,
                cash_usd=point.cash_usd,
                positions_value_usd=point.positions_value_usd,
                equity_usd=point.equity_usd,
                realized_pnl_usd=point.realized_pnl_usd,
                unrealized_pnl_usd=point.unrealized_pnl_usd,
                fees_usd=point.fees_usd,
                peak_equity_usd=point.peak_equity_usd,
                drawdown_pct=point.drawdown_pct.quantize(Decimal("0.000001")),
                halted=point.halted,
            )
        )

    def equity_history(
        self, mode: ExecutionMode, *, since: datetime | None = None
    ) -> list[EquityPoint]:
        query = select(EquityHistoryRow).where(EquityHistoryRow.mode == mode.value)
        if since is not None:
            query = query.where(EquityHistoryRow.timestamp >= since)
        query = query.order_by(EquityHistoryRow.timestamp, EquityHistoryRow.id)
        return [_equity_from_row(r) for r in self.session.scalars(query)]

    def state(self, mode: ExecutionMode) -> ExecutorStateRow | None:
        return self.session.get(ExecutorStateRow, mode.value)

    def latest_equity(self, mode: ExecutionMode) -> EquityPoint | None:
        row = self.session.scalars(
            select(EquityHistoryRow)
            .where(EquityHistoryRow.mode == mode.value)
            .order_by(EquityHistoryRow.timestamp.desc(), EquityHistoryRow.id.desc())
            .limit(1)
        ).first()
        return None if row is None else _equity_from_row(row)

    def save_balances(
        self,
        mode: ExecutionMode,
        *,
        starting_balance_usd: Decimal,
        cash_usd: Decimal,
        peak_equity_usd: Decimal,
        entries_paused: bool,
        now: datetime,
    ) -> None:
        """The executor's own figures; ``halted`` (a person's switch) is left as it is."""
        row = self.session.get(ExecutorStateRow, mode.value)
        if row is None:
            row = ExecutorStateRow(mode=mode.value, halted=False)
            self.session.add(row)
        row.starting_balance_usd = starting_balance_usd
        row.cash_usd = cash_usd
        row.peak_equity_usd = peak_equity_usd
        row.entries_paused = entries_paused
        row.updated_at = now

    def set_halted(
        self, mode: ExecutionMode, halted: bool, *, reason: str | None, now: datetime
    ) -> bool:
        """Switch the kill switch; False when the executor of ``mode`` never ran (no state)."""
        row = self.session.get(ExecutorStateRow, mode.value)
        if row is None:
            return False
        if halted and not row.halted:
            row.halted_at = now
        row.halted = halted
        row.halted_reason = reason
        row.updated_at = now
        return True

    def mark_resumed(self, mode: ExecutionMode, *, peak_equity_usd: Decimal, now: datetime) -> bool:
        """Clear the kill switch and the drawdown latch, reset the peak; False without state."""
        row = self.session.get(ExecutorStateRow, mode.value)
        if row is None:
            return False
        row.halted = False
        row.halted_reason = None
        row.entries_paused = False
        row.peak_equity_usd = peak_equity_usd
        row.resumed_at = now
        row.updated_at = now
        return True

    def save_state(
        self,
        mode: ExecutionMode,
        *,
        starting_balance_usd: Decimal,
        cash_usd: Decimal,
        peak_equity_usd: Decimal,
        halted: bool,
        halted_reason: str | None,
        now: datetime,
    ) -> None:
        row = self.session.get(ExecutorStateRow, mode.value)
        if row is None:
            row = ExecutorStateRow(mode=mode.value)
            self.session.add(row)
        row.starting_balance_usd = starting_balance_usd
        row.cash_usd = cash_usd
        row.peak_equity_usd = peak_equity_usd
        if halted and not row.halted:
            row.halted_at = now
        row.halted = halted
        row.halted_reason = halted_reason
        row.updated_at = now


def _equity_from_row(r: EquityHistoryRow) -> EquityPoint:
    return EquityPoint(
        timestamp=r.timestamp,
        mode=ExecutionMode(r.mode),
        cash_usd=r.cash_usd,
        positions_value_usd=r.positions_value_usd,
        realized_pnl_usd=r.realized_pnl_usd,
        unrealized_pnl_usd=r.unrealized_pnl_usd,
        fees_usd=r.fees_usd,
        peak_equity_usd=r.peak_equity_usd,
        halted=r.halted,
    )
