"""Changing the log level of a running process (the one state-changing admin action)."""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, ConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOGGER = "polymarket_ml"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries that log every request at INFO: a collector makes tens a second. Our own clients
# log what goes wrong; these speak again at DEBUG.
CHATTY_LIBRARIES = ("httpx", "httpcore")


def configure_logging(level: str) -> None:
    """Logging of a ``pmml`` process: ``level`` for ours and the rest, but the libraries that
    log every HTTP request stay at WARNING unless ``level`` is DEBUG."""
    logging.basicConfig(level=level, format=LOG_FORMAT)
    debug = logging.getLevelNamesMapping().get(level.upper(), logging.INFO) <= logging.DEBUG
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.NOTSET if debug else logging.WARNING)


class LogLevelChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    logger: str
    previous: str
    level: LogLevel


def set_log_level(level: LogLevel, logger: str = LOGGER) -> LogLevelChange:
    """Set the level of our loggers (``polymarket_ml`` and below) and say what it was."""
    target = logging.getLogger(logger)
    previous = logging.getLevelName(target.getEffectiveLevel())
    target.setLevel(level)
    return LogLevelChange(logger=logger, previous=previous, level=level)
