"""Logging of the pmml processes: ours at the configured level, per-request library logs off."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from polymarket_ml.monitoring.log_level import CHATTY_LIBRARIES, configure_logging


@pytest.fixture(autouse=True)
def _restore_levels() -> Iterator[None]:
    levels = {name: logging.getLogger(name).level for name in CHATTY_LIBRARIES}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_http_libraries_do_not_log_every_request_at_info(caplog: pytest.LogCaptureFixture) -> None:
    configure_logging("INFO")
    with caplog.at_level(logging.INFO):
        logging.getLogger("httpx").info('HTTP Request: GET http://x/ "HTTP/1.1 200 OK"')
        logging.getLogger("httpx").warning("a retry")
        logging.getLogger("polymarket_ml.collection").info("snapshot written")
    assert [r.getMessage() for r in caplog.records] == ["a retry", "snapshot written"]


def test_at_debug_they_speak_again(caplog: pytest.LogCaptureFixture) -> None:
    configure_logging("info")
    configure_logging("DEBUG")
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("httpcore").debug("connect_tcp.started")
    assert [r.getMessage() for r in caplog.records] == ["connect_tcp.started"]
