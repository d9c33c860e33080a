"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.services import SKIP_PREFIX
from tests.support import SAMPLES_DIR


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The real recorded payloads in ``../shared/polymarket-samples``."""
    if not SAMPLES_DIR.is_dir():
        pytest.fail(f"{SAMPLES_DIR} is missing: the shared/ folder must sit beside the repository")
    return SAMPLES_DIR


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly when tests were skipped because a service was missing."""
    skipped = terminalreporter.stats.get("skipped", [])
    reasons: dict[str, int] = {}
    for report in skipped:
        longrepr = getattr(report, "longrepr", None)
        text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        if SKIP_PREFIX in text:
            service = text.split(SKIP_PREFIX, 1)[1].lstrip(": ").split(" (", 1)[0]
            reasons[service] = reasons.get(service, 0) + 1
    for service, count in sorted(reasons.items()):
        terminalreporter.write_line(
            f"NOTE: {count} test(s) skipped because {service} is not reachable; "
            "they run (and are mandatory) under CI",
            yellow=True,
        )
