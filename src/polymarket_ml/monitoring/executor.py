"""The executor and its strategies as the API (and the dashboard) sees them, and what a person
changes on them.

Reads come from the database (what the executor stores every scan, so they work whether the
executor runs in this process, in ``pmml executor`` elsewhere, or not at all), plus the live
counters of an executor running in this process (``pmml up``). Kill and resume go through the
database like the CLI's (:mod:`polymarket_ml.executor.control`): any executor sees them on its
next scan.

Changing the configuration or a strategy is validated against the configuration in effect and
stored in the overrides file (:mod:`polymarket_ml.executor.overrides`); an executor running in
this process takes it at once, ``pmml executor`` (which follows that file) at its next scan, a
stopped one at its next start. ``executor_config.yaml`` is never rewritten. A bad value raises
:class:`~polymarket_ml.core.errors.InvalidInputError` (422) naming the key; nothing changes.

Live components are read and changed on the event loop (the executor's loop in ``pmml up``);
the database is read in worker threads by the callers (sync functions here).
Performs database I/O.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from polymarket_ml.core.enums import PositionStatus, SignalStatus
from polymarket_ml.core.errors import (
    ConfigError,
    InvalidInputError,
    NotFoundError,
)
from polymarket_ml.core.types import EquityPoint, Fill, Position, Signal
from polymarket_ml.executor import control
from polymarket_ml.executor.config import (
    ExecutorConfig,
    dump_executor_config,
    parse_executor_config,
)
from polymarket_ml.executor.overrides import effective_executor_config, remember
from polymarket_ml.executor.strategies.registry import BUILT_IN, StrategyRegistry
from polymarket_ml.monitoring.context import MonitoringContext
from polymarket_ml.monitoring.executor_reports import (
    ControlReport,
    EquityItem,
    EquityReport,
    ExecutorConfigChange,
    ExecutorConfigReport,
    ExecutorStatusReport,
    PositionItem,
    PositionsReport,
    SignalItem,
    SignalsReport,
    StrategiesReport,
    StrategyItem,
    TradeItem,
    TradesReport,
)

CHANGEABLE_SECTIONS = ("risk", "sizing", "execution")
"""What ``POST /api/executor/config`` changes at runtime: the engine reads these on every scan
(the scan interval, the mode and the starting balance are fixed at start)."""


def executor_config(ctx: MonitoringContext) -> ExecutorConfig:
    """The configuration in effect: the running executor's (with its strategies' current
    parameters), else ``executor_config.yaml``."""
    ex = ctx.executor
    if ex is None:
        return effective_executor_config(ctx.settings)
    return ex.config.model_copy(update={"strategies": ex.registry.config})


# -- reads -----------------------------------------------------------------------------------


def status_report(ctx: MonitoringContext, config: ExecutorConfig) -> ExecutorStatusReport:
    """Balances, P&L, drawdown and switches as stored; live counters when running here. The
    signal counts (a count over every signal ever stored) are at most
    ``api_summary_max_age_secs`` old (:mod:`.summary_cache`); the rest is read now."""
    counts = partial(
        ctx.summaries.get, ("signal_counts",), partial(control.signal_counts, ctx.engine)
    )
    st = control.executor_status(ctx.engine, config, signal_counts=counts, with_last_equity=False)
    ex = ctx.executor
    signals: dict[str, int] = {}
    for (_, status), n in st.signals.items():
        signals[status.value] = signals.get(status.value, 0) + n
    stats = ex.stats if ex is not None else None
    return ExecutorStatusReport(
        mode=st.mode.value,
        running=ex is not None,
        started=st.started,
        halted=st.halted,
        halted_reason=st.halted_reason,
        entries_paused=st.entries_paused,
        starting_balance_usd=st.starting_balance_usd,
        cash_usd=st.cash_usd,
        positions_value_usd=st.positions_value_usd,
        equity_usd=st.equity_usd,
        peak_equity_usd=st.peak_equity_usd,
        drawdown_pct=st.drawdown_pct.quantize(Decimal("0.0001")),
        realized_pnl_usd=st.realized_pnl_usd,
        unrealized_pnl_usd=st.unrealized_pnl_usd,
        fees_usd=st.fees_usd,
        total_pnl_usd=st.equity_usd - st.starting_balance_usd,
        open_positions=len(st.open_positions),
        open_orders=len(st.open_orders),
        signals=signals,
        scans=stats.scans if stats else None,
        last_scan_at=stats.last_scan_at if stats else None,
        last_scan_ms=round(stats.last_scan_ms, 3) if stats else None,
        strategy_errors=stats.strategy_errors if stats else None,
    )


def positions_report(
    ctx: MonitoringContext, config: ExecutorConfig, *, limit: int
) -> PositionsReport:
    found = control.positions_overview(ctx.engine, config.mode, limit=limit)
    return PositionsReport(
        open=[_position(p, question) for p, question in found.open],
        closed=[_position(p, q) for p, q in found.recent if p.status is not PositionStatus.OPEN],
    )


def trades_report(ctx: MonitoringContext, config: ExecutorConfig, *, limit: int) -> TradesReport:
    fills = control.recent_fills(ctx.engine, config.mode, limit=limit)
    return TradesReport(trades=[_trade(f, strategy, question) for f, strategy, question in fills])


def signals_report(
    ctx: MonitoringContext,
    *,
    limit: int,
    status: SignalStatus | None = None,
    strategy: str | None = None,
) -> SignalsReport:
    found = control.recent_signals_with_questions(
        ctx.engine, limit=limit, status=status, strategy=strategy
    )
    return SignalsReport(signals=[_signal(s, question) for s, question in found])


def equity_report(
    ctx: MonitoringContext, config: ExecutorConfig, *, hours: float, max_points: int
) -> EquityReport:
    """The equity curve of the window, evenly thinned (the newest point always kept)."""
    since = ctx.clock.now() - timedelta(hours=hours)
    points = control.equity_history(ctx.engine, config.mode, since=since)
    return EquityReport(
        mode=config.mode.value,
        points=[_equity(p) for p in thin(points, max_points)],
        total_points=len(points),
    )


def thin(points: list[EquityPoint], max_points: int) -> list[EquityPoint]:
    if len(points) <= max_points or max_points < 2:
        return points[-max_points:] if max_points > 0 else []
    step = (len(points) - 1) / (max_points - 1)
    return [points[round(i * step)] for i in range(max_points)]


def config_report(ctx: MonitoringContext) -> ExecutorConfigReport:
    return ExecutorConfigReport(
        running=ctx.executor is not None,
        changeable=list(CHANGEABLE_SECTIONS),
        config=dump_executor_config(executor_config(ctx)),
    )


def strategies_report(ctx: MonitoringContext) -> StrategiesReport:
    ex = ctx.executor
    registry = ex.registry if ex is not None else StrategyRegistry.from_config(executor_config(ctx))
    return StrategiesReport(
        running=ex is not None,
        strategies=[
            StrategyItem(
                name=name,
                description=cls.description,
                version=cls.version,
                enabled=bool(registry.params(name).model_dump()["enabled"]),
                params=registry.params(name).model_dump(mode="json"),
            )
            for name, cls in BUILT_IN.items()
        ],
    )


# -- changes (on the event loop) ---------------------------------------------------------------


def update_config(ctx: MonitoringContext, change: ExecutorConfigChange) -> ExecutorConfigReport:
    """Apply a partial change of the risk, sizing or execution sections, validated as a whole
    (see the module doc for where it goes)."""
    ex = ctx.executor
    current = dump_executor_config(executor_config(ctx))
    merged: dict[str, Any] = dict(current)
    for section, values in change.model_dump(exclude_none=True).items():
        merged[section] = {**current[section], **values}
    try:
        new = parse_executor_config(merged, source="the executor configuration")
    except ConfigError as exc:  # its message names each bad key
        raise InvalidInputError(str(exc)) from None
    stored = change.model_dump(mode="json", exclude_none=True)
    remember(ctx.settings, stored, required=ex is None)
    if ex is not None:
        ex.config = ex.config.model_copy(update={s: getattr(new, s) for s in CHANGEABLE_SECTIONS})
    return config_report(ctx)


def set_strategy_enabled(ctx: MonitoringContext, name: str, enabled: bool) -> StrategyItem:
    return update_strategy(ctx, name, {"enabled": enabled})


def update_strategy(ctx: MonitoringContext, name: str, changes: dict[str, Any]) -> StrategyItem:
    """Re-parameterise a strategy (only the keys given change; see the module doc for where
    the change goes)."""
    _check_strategy(name)
    ex = ctx.executor
    registry = ex.registry if ex is not None else StrategyRegistry.from_config(executor_config(ctx))
    try:  # without an executor here, the registry is a copy: it validates and answers
        registry.update(name, changes)
    except ConfigError as exc:  # naming strategies.<name>.<key>
        raise InvalidInputError(str(exc)) from None
    remember(ctx.settings, {"strategies": {name: changes}}, required=ex is None)
    return _strategy_item(registry, name)


def kill(ctx: MonitoringContext, config: ExecutorConfig, *, reason: str) -> ControlReport:
    """The kill switch (as ``pmml kill``): halted, every open order cancelled."""
    result = control.kill(ctx.engine, config, now=ctx.clock.now(), reason=reason)
    return ControlReport(
        halted=True,
        cancelled_orders=result.cancelled_orders,
        detail=f"halted ({reason}); {result.cancelled_orders} open orders cancelled",
    )


def resume(ctx: MonitoringContext, config: ExecutorConfig) -> ControlReport:
    """As ``pmml resume``: kill switch and drawdown latch cleared, the peak reset."""
    equity = control.resume(ctx.engine, config, now=ctx.clock.now())
    if equity is None:
        return ControlReport(halted=False, detail="the executor never ran: nothing to resume")
    return ControlReport(
        halted=False, peak_equity_usd=equity, detail=f"resumed; peak equity reset to {equity}"
    )


# -- helpers ---------------------------------------------------------------------------------


def _check_strategy(name: str) -> None:
    if name not in BUILT_IN:
        raise NotFoundError(f"no strategy {name!r}; known: {', '.join(BUILT_IN)}")


def _strategy_item(registry: StrategyRegistry, name: str) -> StrategyItem:
    cls = BUILT_IN[name]
    params = registry.params(name)
    return StrategyItem(
        name=name,
        description=cls.description,
        version=cls.version,
        enabled=bool(params.model_dump()["enabled"]),
        params=params.model_dump(mode="json"),
    )


def _position(p: Position, question: str | None) -> PositionItem:
    return PositionItem(
        id=p.id,
        market_id=p.market_id,
        question=question,
        token_id=p.token_id,
        outcome=p.outcome.value,
        strategy=p.strategy,
        status=p.status.value,
        size=p.size,
        entry_price=p.entry_price,
        cost_basis_usd=p.cost_basis_usd,
        current_price=p.current_price,
        current_value_usd=p.current_value_usd,
        unrealized_pnl_usd=p.unrealized_pnl_usd,
        realized_pnl_usd=p.realized_pnl_usd,
        fees_usd=p.fees_usd,
        opened_at=p.opened_at,
        closed_at=p.closed_at,
        exit_reason=p.exit_reason,
        exit_price=p.exit_price,
    )


def _trade(f: Fill, strategy: str | None, question: str | None) -> TradeItem:
    return TradeItem(
        id=f.id,
        order_id=f.order_id,
        market_id=f.market_id,
        question=question,
        token_id=f.token_id,
        strategy=strategy,
        side=f.side.value,
        price=f.price,
        size=f.size,
        notional_usd=f.price * f.size,
        fee_usd=f.fee_usd,
        is_maker=f.is_maker,
        slippage=f.slippage,
        filled_at=f.filled_at,
    )


def _signal(s: Signal, question: str | None) -> SignalItem:
    return SignalItem(
        id=s.id,
        strategy=s.strategy,
        market_id=s.market_id,
        question=question,
        token_id=s.token_id,
        side=s.side.value,
        outcome=s.outcome.value if s.outcome else None,
        is_exit=s.is_exit,
        reason=s.reason,
        price_at_signal=s.price_at_signal,
        edge=s.edge,
        suggested_size_usd=s.suggested_size_usd,
        status=s.status.value,
        risk_reasons=list(s.risk_reasons),
        created_at=s.created_at,
    )


def _equity(p: EquityPoint) -> EquityItem:
    return EquityItem(
        timestamp=p.timestamp,
        equity_usd=p.equity_usd,
        cash_usd=p.cash_usd,
        realized_pnl_usd=p.realized_pnl_usd,
        unrealized_pnl_usd=p.unrealized_pnl_usd,
        drawdown_pct=p.drawdown_pct.quantize(Decimal("0.0001")),
        halted=p.halted,
    )
