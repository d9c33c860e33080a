"""``pmml executor``, ``pmml executor status``, ``pmml positions``, ``pmml signals``,
``pmml kill`` and ``pmml resume``: thin commands over :mod:`polymarket_ml.executor.control`.

They work on the database of ``pmml up`` (a SQLite file under the data directory) unless
``DATABASE_URL`` names another, and on the mode of ``executor_config.yaml``. ``kill`` and
``resume`` change the stored state; a running executor follows it on its next scan.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from sqlalchemy import Engine

from polymarket_ml.core.clock import SystemClock
from polymarket_ml.core.enums import SignalStatus
from polymarket_ml.executor import control
from polymarket_ml.executor.config import ExecutorConfig
from polymarket_ml.executor.overrides import effective_executor_config
from polymarket_ml.monitoring.log_level import configure_logging
from polymarket_ml.runtime.up import default_sqlite_url
from polymarket_ml.settings import DEFAULT_DATABASE_URL, Settings, load_settings
from polymarket_ml.storage.engine import make_engine

executor_app = typer.Typer(
    help="Run the executor (distributed deployment) or show its state.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def database_url(settings: Settings) -> str:
    """``DATABASE_URL``, or the SQLite file of ``pmml up`` when it is not given."""
    if settings.database.url == DEFAULT_DATABASE_URL:
        return default_sqlite_url(settings.general.data_dir)
    return settings.database.url


@contextmanager
def _opened(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(database_url(settings))
    try:
        yield engine
    finally:
        engine.dispose()


def _config(settings: Settings) -> ExecutorConfig:
    return effective_executor_config(settings)


@executor_app.callback()
def executor_main(ctx: typer.Context) -> None:
    """Without a subcommand: run the executor alone, on the books and trades stored in
    DATABASE_URL (the distributed deployment; `pmml up` runs it already)."""
    if ctx.invoked_subcommand is not None:
        return
    from polymarket_ml.runtime.executor_process import run_executor

    settings = load_settings()
    configure_logging(settings.general.log_level)
    asyncio.run(run_executor(settings, echo=typer.echo))


@executor_app.command("status")
def executor_status() -> None:
    """Balance, equity, drawdown, halted state, open positions and orders, signal counts."""
    settings = load_settings()
    with _opened(settings) as engine:
        st = control.executor_status(engine, _config(settings))
    for line in status_lines(st):
        typer.echo(line)


def status_lines(st: control.ExecutorStatus) -> list[str]:
    state = "HALTED" if st.halted else "running" if st.started else "never started"
    if st.halted and st.halted_reason:
        state += f" ({st.halted_reason})"
    if st.entries_paused:
        state += ", entries paused by drawdown"
    lines = [
        f"mode: {st.mode.value} | {state}",
        f"cash {st.cash_usd:.2f} | positions {st.positions_value_usd:.2f} | "
        f"equity {st.equity_usd:.2f} (start {st.starting_balance_usd:.2f})",
        f"peak {st.peak_equity_usd:.2f} | drawdown {st.drawdown_pct:.2f}% | realized "
        f"{st.realized_pnl_usd:.2f} | unrealized {st.unrealized_pnl_usd:.2f} | "
        f"fees {st.fees_usd:.2f}",
        f"open positions {len(st.open_positions)} | open orders {len(st.open_orders)}",
    ]
    if st.last_equity is not None:
        lines.append(f"last scan {st.last_equity.timestamp:%Y-%m-%d %H:%M:%S} UTC")
    by_strategy: dict[str, dict[SignalStatus, int]] = {}
    for (strategy, status), n in sorted(st.signals.items()):
        by_strategy.setdefault(strategy, {})[status] = n
    for strategy, counts in by_strategy.items():
        shown = " ".join(f"{s.value}={n}" for s, n in counts.items())
        lines.append(f"signals {strategy}: {shown}")
    return lines


def positions(
    show_all: Annotated[bool, typer.Option("--all", help="Closed and settled ones too.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 50,
) -> None:
    """Open positions (all with --all): entry, mark, value, P&L, fees, strategy, status."""
    settings = load_settings()
    mode = _config(settings).mode
    with _opened(settings) as engine:
        found = control.recent_positions(engine, mode, include_closed=show_all, limit=limit)
    if not found:
        typer.echo("no positions")
    for p in found:
        mark = "-" if p.current_price is None else f"{p.current_price}"
        unrealized = p.unrealized_pnl_usd
        shown_u = "-" if unrealized is None else f"{unrealized:+.2f}"
        exit_ = f" exit {p.exit_price} ({p.exit_reason})" if p.exit_price is not None else ""
        typer.echo(
            f"#{p.id} {p.status.value:<7} {p.strategy:<15} market {p.market_id} {p.outcome.value}"
            f" {p.size} @ {p.entry_price} (cost {p.cost_basis_usd:.2f}) mark {mark}"
            f" unrealized {shown_u} realized {p.realized_pnl_usd:+.2f} fees {p.fees_usd:.4f}"
            f" [{p.mode.value}]{exit_}"
        )


def signals(
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 50,
    status: Annotated[
        SignalStatus | None, typer.Option(help="Only signals in this status.")
    ] = None,
    strategy: Annotated[str | None, typer.Option(help="Only this strategy's signals.")] = None,
) -> None:
    """Recent signals with their status and, when rejected, the reasons."""
    settings = load_settings()
    with _opened(settings) as engine:
        found = control.recent_signals(engine, limit=limit, status=status, strategy=strategy)
    if not found:
        typer.echo("no signals")
    for s in found:
        kind = "EXIT" if s.is_exit else s.side.value
        line = (
            f"#{s.id} {s.created_at:%H:%M:%S} {s.status.value:<8} {s.strategy:<15} {kind} "
            f"market {s.market_id} {s.outcome.value if s.outcome else ''} @ {s.price_at_signal}"
            f" | {s.reason}"
        )
        if s.risk_reasons:
            line += " | " + "; ".join(s.risk_reasons)
        typer.echo(line)


def kill(
    reason: Annotated[str, typer.Option(help="Why (stored and shown).")] = "pmml kill",
) -> None:
    """Cancel every open order and halt trading until `pmml resume`."""
    settings = load_settings()
    with _opened(settings) as engine:
        result = control.kill(engine, _config(settings), now=SystemClock().now(), reason=reason)
    typer.echo(f"halted; {result.cancelled_orders} open orders cancelled")


def resume() -> None:
    """Clear the kill switch and the drawdown pause; the peak equity becomes the current one."""
    settings = load_settings()
    with _opened(settings) as engine:
        equity = control.resume(engine, _config(settings), now=SystemClock().now())
    if equity is None:
        typer.echo("the executor never ran: nothing to resume")
        return
    typer.echo(f"resumed; peak equity reset to {equity:.2f}")
