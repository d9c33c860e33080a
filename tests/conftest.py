"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from polymarket_ml.core import orderbook
from polymarket_ml.sources.polymarket import parse
from tests.services import SKIP_PREFIX
from tests.support import SAMPLES_DIR


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The real recorded payloads in ``../shared/polymarket-samples``."""
    if not SAMPLES_DIR.is_dir():
        pytest.fail(f"{SAMPLES_DIR} is missing: the shared/ folder must sit beside the repository")
    return SAMPLES_DIR


@pytest.fixture(params=["accelerated", "python"])
def either_hot_path(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a test with the C accelerators of the market channel, then with the Python code.

    Use it with ``pytestmark = pytest.mark.usefixtures("either_hot_path")``.
    """
    accelerated = request.param == "accelerated"
    if accelerated and not (parse.accelerator.available and orderbook.accelerator.available):
        pytest.skip("the C accelerators are not built")
    was = parse.accelerator.in_use, orderbook.accelerator.in_use
    parse.accelerator.use(accelerated)
    orderbook.accelerator.use(accelerated)
    try:
        yield request.param
    finally:
        parse.accelerator.use(was[0])
        orderbook.accelerator.use(was[1])


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
