"""Helpers shared by tests: where the shared samples are, and how to load them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
SAMPLES_DIR = SHARED_DIR / "polymarket-samples"


def load_sample(relative: str) -> Any:
    """Parse one sample file, e.g. ``load_sample("ws/book_snapshot_2024-10.json")``."""
    return json.loads((SAMPLES_DIR / relative).read_text())


def sample_paths(subdir: str) -> list[Path]:
    """Every ``*.json`` sample under ``polymarket-samples/<subdir>``, sorted."""
    return sorted((SAMPLES_DIR / subdir).glob("*.json"))
