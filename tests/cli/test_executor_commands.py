"""``pmml kill``, ``pmml resume``, ``pmml executor status``, ``pmml signals``, ``pmml positions``
on a stored executor (SQLite), through the real CLI in process."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from polymarket_ml.cli.main import app
from polymarket_ml.core.enums import ExecutionMode
from polymarket_ml.executor.engine import Executor
from polymarket_ml.storage.engine import make_engine, make_session_factory
from polymarket_ml.storage.executor_repositories import ExecutorRepository
from polymarket_ml.storage.migrate import upgrade
from polymarket_ml.storage.models import OrderRow
from tests.executor.test_engine import _book, _config, _setup

CONFIG = """
paper: {starting_balance_usd: 1000}
execution: {style: limit}
strategies:
  longshot_no: {enabled: false}
  mean_reversion: {enabled: false}
  term_structure: {enabled: false}
"""


def test_kill_cancels_open_orders_and_halts_and_resume_clears_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    (tmp_path / "executor_config.yaml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PMML_EXECUTOR_CONFIG", str(tmp_path / "executor_config.yaml"))
    engine = make_engine(url)
    upgrade(engine)
    market_id, clock = _setup(engine)
    executor = Executor(engine, _config(style="limit"), clock)
    executor.scan()  # a limit order rests
    runner = CliRunner()

    killed = runner.invoke(app, ["kill", "--reason", "going to lunch"])
    assert killed.exit_code == 0, killed.output
    assert "1 open orders cancelled" in killed.output
    with make_session_factory(engine)() as s:
        state = ExecutorRepository(s).state(ExecutionMode.PAPER)
        statuses = list(s.scalars(select(OrderRow.status)))
    assert state is not None
    assert state.halted
    assert state.halted_reason == "going to lunch"
    assert statuses == ["cancelled"]

    status = runner.invoke(app, ["executor", "status"])
    assert status.exit_code == 0, status.output
    assert "HALTED (going to lunch)" in status.output
    assert "signals longshot_yes: approved=1" in status.output

    clock.advance(timedelta(minutes=1))
    _book(engine, market_id, clock)
    executor.scan()  # a running executor sees the switch on its next scan
    assert executor.halted
    assert executor.execution.open_orders() == ()
    signals = runner.invoke(app, ["signals", "--status", "rejected"])
    assert "halted: the kill switch is on" in signals.output

    resumed = runner.invoke(app, ["resume"])
    assert resumed.exit_code == 0, resumed.output
    assert "peak equity reset to 1000.00" in resumed.output
    with make_session_factory(engine)() as s:
        state = ExecutorRepository(s).state(ExecutionMode.PAPER)
    assert state is not None
    assert not state.halted
    assert not state.entries_paused
    clock.advance(timedelta(minutes=1))
    _book(engine, market_id, clock)
    executor.scan()
    assert not executor.halted
    positions = runner.invoke(app, ["positions", "--all"])
    assert positions.exit_code == 0
    assert "no positions" in positions.output
    engine.dispose()
    shutil.rmtree(tmp_path / "data", ignore_errors=True)
