"""The executor's event hub: sinks carry events out of the process and never break a scan."""

from __future__ import annotations

import logging

import pytest

from polymarket_ml.executor.events import EventHub, ExecutorEvent
from tests.executor.support import NOW


def test_a_failing_sink_is_logged_once_a_minute_and_the_others_still_get_every_event(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub = EventHub()
    got: list[str] = []

    def down(event: ExecutorEvent) -> None:
        raise ConnectionError("relay down")

    hub.add_sink(down)
    hub.add_sink(lambda event: got.append(event.type))
    with caplog.at_level(logging.WARNING):
        for kind in ("fill", "position", "signal"):
            hub.publish(ExecutorEvent(kind, NOW))  # type: ignore[arg-type]

    assert got == ["fill", "position", "signal"]
    assert hub.published == 3
    warnings = [r.getMessage() for r in caplog.records if "not relayed" in r.getMessage()]
    assert warnings == ["executor events not relayed (ConnectionError: relay down)"]
