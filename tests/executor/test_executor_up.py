"""``pmml up --sim``: the executor trades on paper against the simulator, accelerated, with the
repository's ``executor_config.yaml`` (what ``make demo`` runs)."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from polymarket_ml.core.enums import ExecutionMode, PositionStatus
from polymarket_ml.executor.config import load_executor_config
from polymarket_ml.executor.engine import equity_identity_gaps
from polymarket_ml.runtime.up import UpOptions, default_sqlite_url, run_up
from polymarket_ml.storage.engine import make_engine, make_session_factory
from polymarket_ml.storage.executor_repositories import ExecutorRepository
from polymarket_ml.storage.models import FillRow, OrderRow, PositionRow, SignalRow
from tests.runtime.test_up import settings_for

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "executor_config.yaml"
STRATEGIES = {"longshot_yes", "longshot_no", "mean_reversion", "term_structure"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _strategies_seen(data_dir: Path) -> set[str]:
    engine = make_engine(default_sqlite_url(data_dir))
    try:
        with engine.connect() as conn:
            return set(conn.scalars(select(SignalRow.strategy).distinct()))
    finally:
        engine.dispose()


def test_up_trades_on_paper_within_the_risk_limits_and_settles(tmp_path: Path) -> None:
    """Two simulated hours of the demo: every strategy signals, positions stay within the
    limits and settle on resolutions, and the accounting identity holds at every point."""
    config_path = tmp_path / "executor_config.yaml"
    config_path.write_text(DEMO_CONFIG.read_text())
    settings = settings_for(tmp_path)
    settings = settings.model_copy(
        update={"executor": settings.executor.model_copy(update={"executor_config": config_path})}
    )
    config = load_executor_config(config_path)
    lines: list[str] = []

    async def scenario() -> None:
        stop = asyncio.Event()
        options = UpOptions(
            sim=True, speed=120, sim_markets=200, sim_seed=7, status_every_secs=5,
            port=_free_port(),
        )  # fmt: skip
        task = asyncio.create_task(run_up(settings, options, stop=stop, echo=lines.append))
        await asyncio.sleep(60)  # two simulated hours, and up to three more for the rarest
        for _ in range(45):  # signal (term_structure needs a mispriced series) on a slow box
            if await asyncio.to_thread(_strategies_seen, tmp_path) == STRATEGIES:
                break
            await asyncio.sleep(2)
        stop.set()
        await asyncio.wait_for(task, 30)

    asyncio.run(scenario())

    engine = make_engine(default_sqlite_url(tmp_path))
    with make_session_factory(engine)() as s:
        signals = Counter(tuple(r) for r in s.execute(select(SignalRow.strategy, SignalRow.status)))
        positions = list(s.scalars(select(PositionRow)))
        orders = list(s.scalars(select(OrderRow)))
        fills = list(s.scalars(select(FillRow)))
        equity = ExecutorRepository(s).equity_history(ExecutionMode.PAPER)
        state = ExecutorRepository(s).state(ExecutionMode.PAPER)
    engine.dispose()
    strategies = {strategy for strategy, _ in signals}
    assert strategies == STRATEGIES, signals
    assert any(status == "executed" for _, status in signals)
    assert positions
    assert fills
    # risk limits: no position above max_position_usd, never more than max_positions open,
    # exposure never above max_total_exposure_usd
    risk = config.risk
    bought: Counter[str] = Counter()
    for f in fills:
        if f.side == "BUY":
            bought[f.token_id] += f.price * f.size
    assert orders
    assert max(bought.values()) <= risk.max_position_usd  # one position per token
    assert max(p.cost_basis_usd for p in positions) <= risk.max_position_usd
    opened = sorted((p.opened_at, 1) for p in positions)
    closed = sorted((p.closed_at, -1) for p in positions if p.closed_at is not None)
    open_now = 0
    for _, delta in sorted(opened + closed, key=lambda e: (e[0], e[1])):
        open_now += delta
        assert open_now <= risk.max_positions
    assert all(p.cost_basis_usd == 0 for p in positions if p.status != "open")
    settled = [p for p in positions if p.status == PositionStatus.SETTLED.value]
    assert settled, "no position settled on a resolution"
    assert all(p.exit_price in (Decimal(0), Decimal("0.5"), Decimal(1)) for p in settled)
    # the accounting identity at every equity point, exactly
    assert state is not None
    assert len(equity) >= 20
    assert set(equity_identity_gaps(equity, state.starting_balance_usd)) == {Decimal(0)}
    assert all(
        e.positions_value_usd - e.unrealized_pnl_usd <= risk.max_total_exposure_usd for e in equity
    )
