"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import SAMPLES_DIR


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The real recorded payloads in ``../shared/polymarket-samples``."""
    if not SAMPLES_DIR.is_dir():
        pytest.fail(f"{SAMPLES_DIR} is missing: the shared/ folder must sit beside the repository")
    return SAMPLES_DIR
