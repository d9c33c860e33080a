"""The dashboard in a real browser, served by a real ``pmml up --sim`` (its API, collector,
scheduler and simulator in one process): ``dashboard/tests/e2e.mjs`` drives Debian's Chromium
through playwright-core over every page and prints its checks. Screenshots land in
``$DASHBOARD_E2E_SCREENSHOTS`` (default: the test's temporary folder)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.dashboard.support import (
    DASHBOARD,
    REPO,
    require_chromium,
    require_fresh_build,
    require_node_modules,
)

SPEED = 30
MARKETS = 50
READY_TIMEOUT_SECS = 90
TOKEN = "e2e-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pmml() -> str:
    script = Path(sys.executable).with_name("pmml")
    return str(script) if script.exists() else "pmml"


def wait_for_data(base: str, proc: subprocess.Popen[str]) -> None:
    """Until the API answers, a T4 market has a snapshot, a task ran and the executor holds
    (or held) a position."""
    deadline = time.monotonic() + READY_TIMEOUT_SECS
    last = "no answer"
    with httpx.Client(base_url=base, timeout=5) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"pmml up exited with {proc.returncode}")
            try:
                t4 = http.get("/api/markets", params={"tier": 4, "active": True}).json()
                tasks = http.get("/api/monitoring/task-activity").json()["tasks"]
                index = http.get("/")
                priced = [m for m in t4.get("markets", []) if m["price"] is not None]
                held = http.get("/api/executor/positions").json()
                positions = len(held["open"]) + len(held["closed"])
                if priced and tasks and positions and index.status_code == 200:
                    return
                last = f"{len(priced)} priced T4 markets, {len(tasks)} tasks, {positions} positions"
            except httpx.HTTPError as exc:
                last = str(exc)
            time.sleep(1)
    pytest.fail(f"pmml up had no data to show after {READY_TIMEOUT_SECS}s: {last}")


@pytest.fixture
def tools() -> tuple[str, Path]:
    """node and Chromium, and a fresh build: checked before anything starts."""
    node = require_node_modules()
    chromium = require_chromium()
    require_fresh_build()
    return node, chromium


@pytest.fixture
def pmml_up(tools: tuple[str, Path], tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    env["PMML_JOURNAL_ENABLED"] = "false"
    env["PMML_API_TOKEN"] = TOKEN
    log = (tmp_path / "pmml-up.log").open("w")
    proc = subprocess.Popen(
        [pmml(), "up", "--sim", "--speed", str(SPEED), "--markets", str(MARKETS),
         "--port", str(port), "--data-dir", str(tmp_path / "data")],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_data(base, proc)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_every_page_shows_live_data_in_a_browser(
    tools: tuple[str, Path], pmml_up: str, tmp_path: Path
) -> None:
    node, chromium = tools
    shots = Path(os.environ.get("DASHBOARD_E2E_SCREENSHOTS", tmp_path / "screenshots"))

    result = subprocess.run(
        [node, "tests/e2e.mjs", pmml_up, str(shots)],
        cwd=DASHBOARD,
        env={**os.environ, "CHROMIUM_PATH": str(chromium), "PMML_API_TOKEN": TOKEN},
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert result.returncode == 0, f"{result.stderr}\n{result.stdout}"
    assert '"ok": true' in result.stdout
    for page in ("dashboard", "markets", "market", "monitoring", "database", "executor"):
        assert (shots / f"{page}.png").stat().st_size > 10_000
    assert (shots / "phone-dashboard.png").is_file()
    # the strategy switched off on the executor page is off in the running executor
    strategies = httpx.get(f"{pmml_up}/api/strategies", timeout=5).json()
    enabled = {s["name"]: s["enabled"] for s in strategies["strategies"]}
    assert strategies["running"] is True
    assert enabled["term_structure"] is False
    assert enabled["longshot_yes"] is True
    # the kill switch thrown through the API reached the page as a toast; trading resumed
    assert "the WebSocket's halted alert shows as a toast" in result.stdout
    status = httpx.get(f"{pmml_up}/api/executor/status", timeout=5).json()
    assert status["halted"] is False
