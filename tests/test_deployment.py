"""docker-compose.yml: no Docker engine runs here, so check what can be checked without one.

Every service of the original design is there; each of ours runs a command that exists, with
the settings the distributed integration test runs with; long-running services restart on
failure and rotate their logs (50 MB, 3 files); the data stores have health checks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from polymarket_ml.cli.main import app
from tests.support import REPO_ROOT

COMPOSE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
ORIGINAL_DESIGN = {
    "postgres",
    "redis",
    "api",
    "celery-worker",
    "celery-snapshots",
    "celery-snapshots-2",
    "celery-beat",
    "websocket-collector",
    "frontend",
    "flower",
}
OURS = [name for name, svc in SERVICES.items() if svc.get("image") == "polymarket-ml:latest"]


def test_every_service_of_the_original_design_and_the_executor() -> None:
    assert ORIGINAL_DESIGN | {"executor"} <= set(SERVICES)


@pytest.mark.parametrize("name", OURS)
def test_each_service_runs_a_command_that_exists(name: str) -> None:
    command = SERVICES[name]["command"]
    if command[0] == "pmml":
        path = []
        for word in command[1:]:  # the (sub)command: the words before the first option
            if word.startswith("-"):
                break
            path.append(word)
        result = CliRunner().invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (
            f"{name}: `pmml {' '.join(path)}` does not exist: {result.output}"
        )
    else:
        assert command[:3] == ["celery", "-A", "polymarket_ml.runtime.celery_app"]
        run = subprocess.run(
            [str(Path(sys.executable).with_name("celery")), *command[1:4], "--help"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr


def test_services_share_the_settings_of_the_distributed_integration_test() -> None:
    source = (REPO_ROOT / "tests/runtime/test_distributed.py").read_text()
    env = COMPOSE["x-app"]["environment"]
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        assert f'"{name}"' in source
        assert name in env
    assert env["DATABASE_URL"].startswith("postgresql://")
    for name in OURS:
        assert SERVICES[name]["environment"] == env


@pytest.mark.parametrize("name", sorted(set(SERVICES) - {"migrate"}))
def test_services_restart_on_failure_and_rotate_logs(name: str) -> None:
    svc = SERVICES[name]
    assert svc["restart"] == "on-failure"
    assert svc["logging"]["options"] == {"max-size": "50m", "max-file": "3"}


@pytest.mark.parametrize("name", ["postgres", "redis", "api", "frontend", "celery-worker"])
def test_health_checks(name: str) -> None:
    assert SERVICES[name]["healthcheck"]["test"][0] == "CMD"


def test_published_ports_bind_to_loopback() -> None:
    for svc in SERVICES.values():
        for port in svc.get("ports", []):
            assert port.startswith("127.0.0.1:"), port
