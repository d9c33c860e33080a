"""The executor's repositories: signals, positions, orders and fills, its state and its equity
curve; as :mod:`polymarket_ml.storage.repositories`, they take a session and speak in core types.

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
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from polymarket_ml.core.enums import (
    ExecutionMode,
    OrderStatus,
    OrderType,
    Outcome,
    PositionStatus,
    Side,
    SignalStatus,
)
from polymarket_ml.core.types import (
    EquityPoint,
    Fill,
    Order,
    Position,
    Signal,
)
from polymarket_ml.storage.models import (
    EquityHistoryRow,
    ExecutorStateRow,
    FillRow,
    MarketRow,
    OrderRow,
    PositionRow,
    SignalRow,
)

# Stored value -> member, for the rows read many at a time (a dict lookup is ~15x cheaper than
# calling the enum).
_SIDES = {m.value: m for m in Side}
_OUTCOMES = {m.value: m for m in Outcome}
_MODES = {m.value: m for m in ExecutionMode}
_SIGNAL_STATUSES = {m.value: m for m in SignalStatus}
_POSITION_STATUSES = {m.value: m for m in PositionStatus}


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
