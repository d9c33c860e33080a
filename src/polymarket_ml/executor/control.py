"""What a person does to a running executor, through the database: kill, resume, look.

The CLI (and the API) call these; a running executor sees the change on its next scan:
``kill`` sets ``halted`` and cancels every open order (the executor cancels them in its
execution too and trades nothing, exits included, until resumed); ``resume`` clears
``halted`` and the drawdown latch and resets the peak equity to the current equity.
Performs database I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine

from polymarket_ml.core.enums import ExecutionMode, SignalStatus
from polymarket_ml.core.types import EquityPoint, Fill, Order, Position, Signal
from polymarket_ml.executor.config import ExecutorConfig
from polymarket_ml.executor.portfolio import value_of
from polymarket_ml.storage.engine import make_read_session_factory, make_session_factory
from polymarket_ml.storage.executor_repositories import (
    ExecutorRepository,
    OrderRepository,
    PositionRepository,
    SignalRepository,
)

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ExecutorStatus:
    """The executor of one mode as stored."""

    mode: ExecutionMode
    started: bool  # has an executor of this mode ever stored its state
    halted: bool
    halted_reason: str | None
    entries_paused: bool
    starting_balance_usd: Decimal
    cash_usd: Decimal
    positions_value_usd: Decimal
    peak_equity_usd: Decimal
    realized_pnl_usd: Decimal
    fees_usd: Decimal
    open_positions: tuple[Position, ...]
    open_orders: tuple[Order, ...]
    signals: dict[tuple[str, SignalStatus], int]
    last_equity: EquityPoint | None

    @property
    def equity_usd(self) -> Decimal:
        return self.cash_usd + self.positions_value_usd

    @property
    def unrealized_pnl_usd(self) -> Decimal:
        return self.positions_value_usd - sum(
            (p.cost_basis_usd for p in self.open_positions), _ZERO
        )

    @property
    def drawdown_pct(self) -> Decimal:
        if self.peak_equity_usd <= 0:
            return _ZERO
        return max(self.peak_equity_usd - self.equity_usd, _ZERO) / self.peak_equity_usd * 100


def executor_status(
    engine: Engine,
    config: ExecutorConfig,
    *,
    signal_counts: Callable[[], dict[tuple[str, SignalStatus], int]] | None = None,
    with_last_equity: bool = True,
) -> ExecutorStatus:
    """The executor's state as stored. ``signal_counts``: where the signal counts come from
    (default: counted now, over every signal stored — the costly part, which the API takes from
    its short-lived summaries instead). ``with_last_equity=False``: ``last_equity`` is None
    (one query fewer, for callers that do not show it)."""
    mode = config.mode
    with make_read_session_factory(engine)() as s:
        state = ExecutorRepository(s).state(mode)
        last = ExecutorRepository(s).latest_equity(mode) if with_last_equity else None
        positions = tuple(PositionRepository(s).open_positions(mode))
        realized, fees = PositionRepository(s).totals(mode)
        orders = tuple(OrderRepository(s).open_orders(mode))
        signals = SignalRepository(s).counts() if signal_counts is None else signal_counts()
    start = config.paper.starting_balance_usd
    value = sum((value_of(p) for p in positions), _ZERO)
    if state is None:
        return ExecutorStatus(
            mode, False, False, None, False, start, start, value, start, realized, fees,
            positions, orders, signals, last,
        )  # fmt: skip
    return ExecutorStatus(
        mode=mode,
        started=True,
        halted=state.halted,
        halted_reason=state.halted_reason,
        entries_paused=state.entries_paused,
        starting_balance_usd=state.starting_balance_usd,
        cash_usd=state.cash_usd,
        positions_value_usd=value,
        peak_equity_usd=state.peak_equity_usd,
        realized_pnl_usd=realized,
        fees_usd=fees,
        open_positions=positions,
        open_orders=orders,
        signals=signals,
        last_equity=last,
    )


def signal_counts(engine: Engine) -> dict[tuple[str, SignalStatus], int]:
    """Stored signals per (strategy, status)."""
    with make_read_session_factory(engine)() as s:
        return SignalRepository(s).counts()


@dataclass(frozen=True, slots=True)
class KillResult:
    cancelled_orders: int
    halted: bool


def kill(engine: Engine, config: ExecutorConfig, *, now: datetime, reason: str) -> KillResult:
    """Halt the executor of the configured mode and cancel every open order of it."""
    mode = config.mode
    with make_session_factory(engine).begin() as s:
        repo = ExecutorRepository(s)
        if repo.state(mode) is None:  # never ran: store the halt for when it starts
            start = config.paper.starting_balance_usd
            repo.save_balances(
                mode,
                starting_balance_usd=start,
                cash_usd=start,
                peak_equity_usd=start,
                entries_paused=False,
                now=now,
            )
        repo.set_halted(mode, True, reason=reason, now=now)
        cancelled = OrderRepository(s).cancel_open(mode, now=now, reason=f"kill: {reason}")
    return KillResult(cancelled, True)


def resume(engine: Engine, config: ExecutorConfig, *, now: datetime) -> Decimal | None:
    """Clear the kill switch and the drawdown latch; the peak becomes the current equity
    (cash + open positions at their last mark), which is returned. ``None``: never ran."""
    mode = config.mode
    with make_session_factory(engine).begin() as s:
        repo = ExecutorRepository(s)
        state = repo.state(mode)
        if state is None:
            return None
        positions = PositionRepository(s).open_positions(mode)
        equity = state.cash_usd + sum((value_of(p) for p in positions), _ZERO)
        repo.mark_resumed(mode, peak_equity_usd=equity, now=now)
    return equity


def recent_signals(
    engine: Engine, *, limit: int, status: SignalStatus | None = None, strategy: str | None = None
) -> list[Signal]:
    with make_read_session_factory(engine)() as s:
        return SignalRepository(s).recent(limit, status=status, strategy=strategy)


def recent_positions(
    engine: Engine, mode: ExecutionMode, *, include_closed: bool, limit: int
) -> list[Position]:
    with make_read_session_factory(engine)() as s:
        return PositionRepository(s).recent(mode, include_closed=include_closed, limit=limit)


@dataclass(frozen=True, slots=True)
class PositionsOverview:
    """Positions, each with its market's question."""

    recent: list[tuple[Position, str | None]]
    """The newest positions, any status."""
    open: list[tuple[Position, str | None]]


def positions_overview(engine: Engine, mode: ExecutionMode, *, limit: int) -> PositionsOverview:
    """The newest ``limit`` positions of ``mode`` and every open one, each with its market's
    question (one session)."""
    with make_read_session_factory(engine)() as s:
        repo = PositionRepository(s)
        recent = repo.recent_with_questions(mode, include_closed=True, limit=limit)
        open_ = repo.recent_with_questions(mode, include_closed=False, limit=10_000)
    return PositionsOverview(recent, open_)


def recent_fills(
    engine: Engine, mode: ExecutionMode, *, limit: int
) -> list[tuple[Fill, str | None, str | None]]:
    """Our fills, newest first, each with the strategy of its order and its market's question."""
    with make_read_session_factory(engine)() as s:
        return OrderRepository(s).recent_fills_with_questions(mode, limit=limit)


def recent_signals_with_questions(
    engine: Engine, *, limit: int, status: SignalStatus | None = None, strategy: str | None = None
) -> list[tuple[Signal, str | None]]:
    """:func:`recent_signals`, each with its market's question."""
    with make_read_session_factory(engine)() as s:
        return SignalRepository(s).recent_with_questions(limit, status=status, strategy=strategy)


def equity_history(
    engine: Engine, mode: ExecutionMode, *, since: datetime | None = None
) -> list[EquityPoint]:
    """Stored equity points of ``mode``, oldest first."""
    with make_read_session_factory(engine)() as s:
        return ExecutorRepository(s).equity_history(mode, since=since)
