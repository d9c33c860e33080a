"""The ``pmml`` console script, run as a user runs it: a real process in a fresh folder."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect

from polymarket_ml import __version__
from polymarket_ml.storage.engine import make_engine
from tests.services import fresh_postgres_database, postgres_reachable, unavailable

PMML = Path(sys.executable).with_name("pmml")


def run(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("PMML_") and k != "DATABASE_URL"
    }
    return subprocess.run(
        [str(PMML), *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["version"],
        ["config"],
        ["config", "show"],
        ["config", "check"],
        ["db"],
        ["db", "upgrade"],
        ["db", "current"],
        ["up"],
        ["sim"],
        ["worker"],
        ["beat"],
        ["collector"],
        ["api"],
        ["executor"],
        ["executor", "status"],
        ["positions"],
        ["signals"],
        ["kill"],
        ["resume"],
        ["replay"],
    ],
)
def test_every_command_has_help(tmp_path: Path, command: list[str]) -> None:
    result = run(tmp_path, *command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage: pmml" in result.stdout


def test_version(tmp_path: Path) -> None:
    assert run(tmp_path, "version").stdout.strip() == f"polymarket-ml {__version__}"


def test_db_upgrade_creates_the_default_sqlite_file_under_data(tmp_path: Path) -> None:
    first = run(tmp_path, "db", "upgrade")
    second = run(tmp_path, "db", "upgrade")
    current = run(tmp_path, "db", "current")

    assert first.returncode == 0, first.stderr
    assert "upgraded from an empty database" in first.stdout
    assert "already at revision" in second.stdout
    assert "up to date" in current.stdout
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'polymarket_ml.sqlite3'}")
    assert {"markets", "snapshots", "trades", "orders"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_db_upgrade_on_a_fresh_postgresql_database(tmp_path: Path) -> None:
    problem = postgres_reachable()
    if problem:
        unavailable("PostgreSQL", problem)
    with fresh_postgres_database("pmml_cli") as url:
        result = run(tmp_path, "db", "upgrade", DATABASE_URL=url)
        assert result.returncode == 0, result.stderr
        engine = make_engine(url)
        assert "orderbook_snapshots" in inspect(engine).get_table_names()
        engine.dispose()


def test_db_current_on_an_empty_database_says_what_to_do(tmp_path: Path) -> None:
    result = run(tmp_path, "db", "current", DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode == 1
    assert "run `pmml db upgrade`" in result.stdout


def test_config_show_redacts_secrets(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        "config",
        "show",
        "--json",
        PMML_PRIVATE_KEY="0xdeadbeefsecret",
        PMML_API_TOKEN="tok-secret",
        DATABASE_URL="postgresql://bob:hunter2@db.example:5432/pm",
    )
    assert result.returncode == 0, result.stderr
    assert "deadbeef" not in result.stdout
    assert "tok-secret" not in result.stdout
    assert "hunter2" not in result.stdout
    shown = json.loads(result.stdout)
    assert shown["settings"]["executor"]["private_key"] == "********"
    assert shown["settings"]["database"]["url"] == "postgresql://bob:***@db.example:5432/pm"
    assert shown["settings"]["collection"]["ml_volume_threshold"] == 100.0
    assert shown["executor_config"]["mode"] == "paper"


def test_config_show_names_every_environment_variable(tmp_path: Path) -> None:
    result = run(tmp_path, "config", "show")
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "PMML_ML_VOLUME_THRESHOLD"):
        assert f"{name} = " in result.stdout


def test_a_bad_setting_gives_one_clear_message_and_fails(tmp_path: Path) -> None:
    result = run(tmp_path, "config", "check", PMML_WEBSOCKET_NUM_CONNECTIONS="many")
    assert result.returncode == 2
    assert "PMML_WEBSOCKET_NUM_CONNECTIONS='many'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_misspelt_setting_is_not_ignored(tmp_path: Path) -> None:
    result = run(tmp_path, "db", "upgrade", PMML_ML_VOLUME_TRESHOLD="5")
    assert result.returncode == 2
    assert "did you mean PMML_ML_VOLUME_THRESHOLD?" in result.stderr
    assert not (tmp_path / "data").exists()  # nothing ran


def test_a_bad_executor_config_gives_one_clear_message_and_fails(tmp_path: Path) -> None:
    (tmp_path / "executor_config.yaml").write_text("mode: paper\nrisk:\n  max_positions: -3\n")
    result = run(tmp_path, "config", "check")
    assert result.returncode == 2
    assert "risk.max_positions = -3: Input should be greater than or equal to 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_pmml_sim_serves_gamma_and_prints_its_urls(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PMML_")}
    proc = subprocess.Popen(
        [str(PMML), "sim", "--port", "0", "--markets", "12", "--seed", "3"],
        cwd=tmp_path,
        env=clean,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        urls: dict[str, str] = {}
        for line in proc.stdout:
            parts = line.split()
            if len(parts) == 2 and parts[1].startswith(("http://", "ws://")):
                urls[parts[0]] = parts[1]
            if "control" in urls:
                break
        assert set(urls) >= {"gamma", "clob", "data", "ws_market", "ws_user"}
        markets = httpx.get(f"{urls['gamma']}/markets", params={"limit": 50}, timeout=10).json()
        assert len(markets) == 12
        assert all(isinstance(m["clobTokenIds"], str) for m in markets)  # double-encoded
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_pmml_sim_rejects_a_bad_fault(tmp_path: Path) -> None:
    result = run(tmp_path, "sim", "--fault", "http_418")
    assert result.returncode == 2
    assert "fault kind must be one of" in result.stderr


def test_pmml_api_serves_the_api_alone(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PMML_")}
    url = f"sqlite:///{tmp_path / 'data' / 'polymarket_ml.sqlite3'}"
    proc = subprocess.Popen(
        [str(PMML), "api", "--port", str(port)],
        cwd=tmp_path,
        env={**clean, "DATABASE_URL": url, "PMML_API_TOKEN": "t0ken"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/monitoring/health", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "pmml api did not answer"
                time.sleep(0.3)
        assert health.status_code == 200
        assert health.json()["database"]["reachable"] is True
        refused = httpx.post(f"http://127.0.0.1:{port}/api/admin/log-level", json={"level": "INFO"})
        assert refused.status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=20)
