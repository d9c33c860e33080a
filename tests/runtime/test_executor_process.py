"""``pmml executor`` as the distributed deployment runs it: its own process, the books and
trades stored in the database, the data directory shared with the API. A strategy switched on
the API (whose process runs no executor) reaches the running executor at its next scan, in both
directions, and changes what it trades."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from polymarket_ml.api.app import create_app
from polymarket_ml.api.state import ApiState
from polymarket_ml.core.clock import SystemClock
from polymarket_ml.settings import load_settings
from polymarket_ml.storage.engine import make_engine
from polymarket_ml.storage.migrate import upgrade
from polymarket_ml.storage.models import EquityHistoryRow, SignalRow
from tests.api.test_executor import _seed
from tests.services import REDIS_URL, fresh_redis

TOKEN = "executor-process-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CONFIG = """
paper: {starting_balance_usd: 1000}
scanner: {interval_secs: 0.3}
strategies:
  longshot_no: {enabled: false}
  mean_reversion: {enabled: false}
  term_structure: {enabled: false}
"""
WAIT_SECS = 30.0


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "executor_config.yaml").write_text(CONFIG)
    (tmp_path / "data").mkdir()
    return tmp_path


@pytest.fixture
def engine(folder: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{folder / 'db.sqlite3'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def executor_log(folder: Path, engine: Engine) -> Iterator[Path]:
    """``pmml executor`` running in a subprocess until the test ends; yields its log."""
    log = folder / "executor.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMML_")}
    env |= {
        "DATABASE_URL": str(engine.url),
        "REDIS_URL": REDIS_URL,
        "PMML_DATA_DIR": str(folder / "data"),
        "PMML_EXECUTOR_CONFIG": str(folder / "executor_config.yaml"),
        "PMML_LOG_LEVEL": "INFO",
    }
    with fresh_redis(), log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "polymarket_ml.cli.main", "executor"],
            env=env, cwd=folder, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for(lambda: "scanning every" in log.read_text(), "the executor to start", log)
            yield log
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_for(check: Callable[[], bool], what: str, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECS
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {WAIT_SECS:g} s for {what}; executor log:\n{log.read_text()}")
        time.sleep(0.1)


def signals(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count(SignalRow.id))) or 0)


def scans(engine: Engine) -> int:
    """Scans stored so far (each stores one equity point)."""
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count(EquityHistoryRow.id))) or 0)


def test_a_strategy_switched_on_the_api_reaches_pmml_executor_at_its_next_scan(
    folder: Path, engine: Engine, executor_log: Path
) -> None:
    settings = load_settings(
        general={"data_dir": folder / "data"},
        executor={"executor_config": folder / "executor_config.yaml"},
    )
    api = TestClient(create_app(ApiState(settings=settings, engine=engine, token=TOKEN)))

    with api:
        off = api.post("/api/strategies/longshot_yes/disable", headers=AUTH)
        wait_for(
            lambda: "strategies.longshot_yes.enabled = false" in executor_log.read_text(),
            "the executor to take the switch",
            executor_log,
        )
        _seed(engine, SystemClock())  # a book that longshot_yes buys, stored now
        before = scans(engine)
        wait_for(lambda: scans(engine) >= before + 3, "three scans", executor_log)
        silent = signals(engine)  # after three scans of a book that longshot_yes would buy
        on = api.post("/api/strategies/longshot_yes/enable", headers=AUTH)
        wait_for(lambda: signals(engine) > 0, "a longshot_yes signal once enabled", executor_log)

    assert (off.status_code, on.status_code) == (200, 200)
    assert (off.json()["enabled"], on.json()["enabled"]) == (False, True)
    assert silent == 0
    assert "strategies.longshot_yes.enabled = true" in executor_log.read_text()
    with engine.connect() as conn:
        assert set(conn.scalars(select(SignalRow.strategy))) == {"longshot_yes"}
