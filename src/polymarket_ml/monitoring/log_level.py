"""Changing the log level of a running process (the one state-changing admin action)."""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, ConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOGGER = "polymarket_ml"


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
