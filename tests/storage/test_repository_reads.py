"""The lists of signals, positions, orders and fills are read as plain rows of the columns their
core types need (not as ORM objects): every field must still be what the stored row holds, and
the ``*_with_questions`` reads must join the right market's question. On both backends."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Engine, select
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
from polymarket_ml.core.types import EquityPoint, Fill, Order, Position, Signal
from polymarket_ml.executor import control
from polymarket_ml.executor.config import parse_executor_config
from polymarket_ml.storage.engine import (
    for_reads,
    make_read_session_factory,
    make_session_factory,
)
from polymarket_ml.storage.executor_repositories import (
    ExecutorRepository,
    OrderRepository,
    PositionRepository,
    SignalRepository,
)
from polymarket_ml.storage.models import FillRow, OrderRow, PositionRow, SignalRow
from tests.storage.conftest import NOW, add_market

PAPER, LIVE = ExecutionMode.PAPER, ExecutionMode.LIVE


def _seed(engine: Engine) -> tuple[int, int]:
    """Two markets; signals, orders, fills and positions in both modes, with every optional
    field both set and empty, and values that differ between columns of the same type."""
    m1, m2 = add_market(engine, "0x1"), add_market(engine, "0x2")
    with make_session_factory(engine).begin() as s:
        signals, orders, positions = SignalRepository(s), OrderRepository(s), PositionRepository(s)
        for k in range(6):
            market_id = (m1, m2)[k % 2]
            signal_id = signals.add(
                Signal(
                    strategy=f"strategy_{k % 3}",
                    market_id=market_id,
                    token_id=f"tok-{k}",
                    side=(Side.BUY, Side.SELL)[k % 2],
                    reason=f"reason {k}",
                    created_at=NOW + timedelta(minutes=k),
                    price_at_signal=Decimal("0.9") + Decimal(k) / 100,
                    edge=None if k == 3 else 0.01 * k,
                    confidence=None if k == 2 else 0.5 + k / 100,
                    suggested_size_usd=None if k == 1 else Decimal("25.5") + k,
                    outcome=(Outcome.YES, Outcome.NO, None)[k % 3],
                    is_exit=k == 4,
                    risk_reasons=("max exposure", f"limit {k}") if k % 2 else (),
                )
            )
            if k % 3 == 0:
                signals.set_status(signal_id, SignalStatus.REJECTED, now=NOW, reasons=["no"])
            mode = (PAPER, LIVE)[k // 4]
            order_id = orders.add(
                Order(
                    client_order_id=f"c-{k}",
                    market_id=market_id,
                    token_id=f"tok-{k}",
                    side=(Side.BUY, Side.SELL)[k % 2],
                    price=Decimal("0.95") - Decimal(k) / 100,
                    size=Decimal("10.123456") + k,
                    order_type=(OrderType.GTC, OrderType.FAK)[k % 2],
                    mode=mode,
                    status=(OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)[k % 2],
                    created_at=NOW + timedelta(minutes=k),
                    updated_at=NOW + timedelta(minutes=k, seconds=30),
                    filled_size=Decimal(k),
                    exchange_order_id=None if k % 2 else f"x-{k}",
                    signal_id=signal_id,
                    strategy=None if k == 5 else f"strategy_{k % 3}",
                    post_only=k == 2,
                    expires_at=None if k % 2 else NOW + timedelta(hours=k),
                    reject_reason=None if k else "why not",
                )
            )
            orders.add_fill(
                Fill(
                    order_id=order_id,
                    market_id=market_id,
                    token_id=f"tok-{k}",
                    side=(Side.BUY, Side.SELL)[k % 2],
                    price=Decimal("0.94") - Decimal(k) / 100,
                    size=Decimal("4.5") + k,
                    fee_usd=Decimal("0.0019") * (k + 1),
                    filled_at=NOW + timedelta(minutes=k, seconds=10),
                    mode=mode,
                    is_maker=k == 1,
                    exchange_trade_id=None if k % 2 else f"t-{k}",
                    slippage=None if k == 3 else Decimal("0.001") * k,
                    received_at=NOW + timedelta(minutes=k, seconds=11),
                )
            )
            is_open = k % 2 == 0
            positions.save(
                Position(
                    market_id=market_id,
                    token_id=f"tok-{k}",
                    outcome=(Outcome.YES, Outcome.NO)[k % 2],
                    strategy=f"strategy_{k % 3}",
                    mode=mode,
                    size=Decimal("26.315789") + k,
                    entry_price=Decimal("0.95") - Decimal(k) / 100,
                    cost_basis_usd=Decimal("25") + k,
                    opened_at=NOW + timedelta(minutes=k),
                    status=PositionStatus.OPEN if is_open else PositionStatus.CLOSED,
                    current_price=None if k == 2 else Decimal("0.96") - Decimal(k) / 100,
                    realized_pnl_usd=Decimal(0) if is_open else Decimal("1.25") * k,
                    fees_usd=Decimal("0.05") * k,
                    closed_at=None if is_open else NOW + timedelta(hours=1, minutes=k),
                    exit_reason=None if is_open else "take_profit",
                    exit_price=None if is_open else Decimal("0.99"),
                ),
                now=NOW,
            )
    return m1, m2


def _stored(value: Any) -> Any:
    """A core value as its column stores it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):  # risk reasons: a JSON list, NULL when there are none
        return list(value) or None
    return value


def _assert_same(found: list[Any], rows: list[Any], skip: tuple[str, ...] = ()) -> None:
    """Each core value has, field by field, what its ORM row holds."""
    assert [x.id for x in found] == [r.id for r in rows]
    for value, row in zip(found, rows, strict=True):
        for f in fields(value):
            if f.name not in skip:
                assert _stored(getattr(value, f.name)) == getattr(row, f.name), f.name


def _orm(s: Session, model: type[Any], *order_by: Any, **where: Any) -> list[Any]:
    query = select(model).filter_by(**where).order_by(*order_by)
    return list(s.scalars(query))


def test_signals_read_as_rows_hold_every_stored_field(engine: Engine) -> None:
    m1, m2 = _seed(engine)
    with make_session_factory(engine)() as s:
        newest_first = (SignalRow.created_at.desc(), SignalRow.id.desc())
        repo = SignalRepository(s)
        _assert_same(repo.recent(), _orm(s, SignalRow, *newest_first), skip=("leg_of",))
        _assert_same(
            repo.recent(2, status=SignalStatus.REJECTED, strategy="strategy_0"),
            _orm(s, SignalRow, *newest_first, status="rejected", strategy="strategy_0")[:2],
            skip=("leg_of",),
        )
        _assert_same(
            repo.with_status(SignalStatus.PENDING),
            _orm(s, SignalRow, SignalRow.id, status="pending"),
            skip=("leg_of",),
        )
        with_questions = repo.recent_with_questions(4)
        assert [x for x, _ in with_questions] == repo.recent(4)
    questions = {m1: "Question 0x1?", m2: "Question 0x2?"}
    assert [q for _, q in with_questions] == [questions[x.market_id] for x, _ in with_questions]


def test_positions_read_as_rows_hold_every_stored_field(engine: Engine) -> None:
    m1, _ = _seed(engine)
    with make_session_factory(engine)() as s:
        newest_first = (PositionRow.opened_at.desc(), PositionRow.id.desc())
        repo = PositionRepository(s)
        _assert_same(repo.recent(), _orm(s, PositionRow, *newest_first))
        _assert_same(
            repo.recent(PAPER, include_closed=False),
            _orm(s, PositionRow, *newest_first, mode="paper", status="open"),
        )
        _assert_same(
            repo.open_positions(PAPER),
            _orm(s, PositionRow, PositionRow.id, mode="paper", status="open"),
        )
        [(position, question)] = repo.recent_with_questions(LIVE, include_closed=False)
        assert [position] == repo.recent(LIVE, include_closed=False)
    assert (position.market_id, question) == (m1, "Question 0x1?")  # k = 4


def test_orders_and_fills_read_as_rows_hold_every_stored_field(engine: Engine) -> None:
    _seed(engine)
    with make_session_factory(engine)() as s:
        repo = OrderRepository(s)
        _assert_same(repo.open_orders(PAPER), _orm(s, OrderRow, OrderRow.id, mode="paper"))
        order = repo.open_orders(LIVE)[0]
        _assert_same(repo.fills(order.id or 0), _orm(s, FillRow, FillRow.id, order_id=order.id))
        newest_first = (FillRow.filled_at.desc(), FillRow.id.desc())
        fills = repo.recent_fills(PAPER, limit=3)
        _assert_same([f for f, _ in fills], _orm(s, FillRow, *newest_first, mode="paper")[:3])
        strategies = {o.id: o.strategy for o in _orm(s, OrderRow, OrderRow.id)}
        assert [strategy for _, strategy in fills] == [strategies[f.order_id] for f, _ in fills]
        with_questions = repo.recent_fills_with_questions(PAPER, limit=3)
    assert [(f, strategy) for f, strategy, _ in with_questions] == fills
    assert {q for _, _, q in with_questions} == {"Question 0x1?", "Question 0x2?"}


def test_executor_overviews_pair_each_row_with_its_market_question(engine: Engine) -> None:
    m1, m2 = _seed(engine)
    questions = {m1: "Question 0x1?", m2: "Question 0x2?"}
    overview = control.positions_overview(engine, PAPER, limit=2)
    assert (len(overview.recent), len(overview.open)) == (2, 2)  # k = 3, 2; k = 2, 0
    for position, question in [*overview.recent, *overview.open]:
        assert (position.mode, question) == (PAPER, questions[position.market_id])
    fills = control.recent_fills(engine, LIVE, limit=10)
    assert [strategy for _, strategy, _ in fills] == [None, "strategy_1"]  # k = 5, 4
    assert all(q == questions[f.market_id] for f, _, q in fills)
    signals = control.recent_signals_with_questions(engine, limit=3, status=SignalStatus.PENDING)
    assert [s.status for s, _ in signals] == [SignalStatus.PENDING] * 3
    assert all(q == questions[s.market_id] for s, q in signals)


def test_executor_status_can_leave_out_the_last_equity_point(engine: Engine) -> None:
    _seed(engine)
    point = EquityPoint(
        NOW, PAPER, Decimal(900), Decimal(60), Decimal(5), Decimal(-2), Decimal(1), Decimal(970)
    )
    with make_session_factory(engine).begin() as s:
        ExecutorRepository(s).append_equity(point)
    config = parse_executor_config({})
    full = control.executor_status(engine, config)
    lean = control.executor_status(engine, config, with_last_equity=False)
    assert full.last_equity == point
    assert lean == replace(full, last_equity=None)
    assert (len(lean.open_positions), len(lean.open_orders)) == (2, 4)  # paper: k = 0..3


def test_read_sessions_leave_no_transaction_open(engine: Engine) -> None:
    """Each read commits on its own: no BEGIN and no ROLLBACK round trip around it."""
    _seed(engine)
    with make_read_session_factory(engine)() as s:
        assert len(SignalRepository(s).recent()) == 6
        raw = s.connection().connection.dbapi_connection
        if engine.dialect.name == "postgresql":
            assert raw.info.transaction_status.name == "IDLE"  # type: ignore[union-attr]
        else:
            assert raw.in_transaction is False  # type: ignore[union-attr]
    with for_reads(engine).connect() as conn:
        conn.execute(select(SignalRow.id)).all()
        raw = conn.connection.dbapi_connection
        if engine.dialect.name == "postgresql":
            assert raw.info.transaction_status.name == "IDLE"  # type: ignore[union-attr]
        else:
            assert raw.in_transaction is False  # type: ignore[union-attr]
    with make_session_factory(engine)() as s:  # sessions that write still run in one
        SignalRepository(s).recent()
        raw = s.connection().connection.dbapi_connection
        if engine.dialect.name == "postgresql":
            assert raw.info.transaction_status.name == "INTRANS"  # type: ignore[union-attr]
