"""What the dashboard's tests need: node, the installed packages, Chromium, a fresh build.

Each is skipped where missing (with the reason) and mandatory under CI, like the services.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.services import unavailable

REPO = Path(__file__).resolve().parents[2]
DASHBOARD = REPO / "dashboard"
DIST = DASHBOARD / "dist"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SOURCES = ("src", "index.html", "package.json", "package-lock.json", "vite.config.ts")


def require_node_modules() -> str:
    """The path of ``node``; skips (fails under CI) without it or without ``npm ci``."""
    node = shutil.which("node")
    if node is None:
        unavailable("Node.js", "no `node` on PATH")
    assert node is not None
    if not (DASHBOARD / "node_modules" / ".package-lock.json").is_file():
        unavailable("dashboard packages", "run `npm ci` in dashboard/ (or `make`)")
    return node


def require_chromium() -> Path:
    if not CHROMIUM.is_file():
        unavailable("Chromium", f"{CHROMIUM} missing: `apt-get install -y chromium`")
    return CHROMIUM


def newest_source_mtime() -> float:
    newest = 0.0
    for name in SOURCES:
        path = DASHBOARD / name
        files = path.rglob("*") if path.is_dir() else [path]
        newest = max([newest, *(f.stat().st_mtime for f in files if f.is_file())])
    return newest


def require_fresh_build() -> Path:
    """``dashboard/dist``, built after its newest source."""
    index = DIST / "index.html"
    if not index.is_file():
        unavailable("dashboard build", "run `npm run build` in dashboard/ (or `make`)")
    if index.stat().st_mtime < newest_source_mtime():
        unavailable("fresh dashboard build", "dist/ is older than src/: run `npm run build`")
    return DIST
