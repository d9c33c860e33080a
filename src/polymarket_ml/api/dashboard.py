"""The built dashboard (``dashboard/dist``), served by the API at ``/``.

It answers what no route answers: a file of the build where one matches the path, otherwise
``index.html``, so that the dashboard's own routes (``/markets/12``) survive a reload. Paths
under ``/api/`` never fall back: an unknown endpoint stays a JSON 404. Being the router's
fallback rather than a mount, it cannot shadow a router included after it.

The build is looked for beside the source tree (an editable install: ``make``, ``pmml up``) and
under the working directory (the Docker image: ``/app/dashboard/dist``); without one, the API
serves only itself.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from starlette.responses import FileResponse
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

DIST = Path("dashboard") / "dist"
API_PREFIX = "/api/"
IMMUTABLE = "public, max-age=31536000, immutable"  # Vite's assets/ carry a content hash


def find_dashboard() -> Path | None:
    """The first built dashboard (a folder with ``index.html``), beside the sources or here."""
    candidates = (Path(__file__).resolve().parents[3] / DIST, Path.cwd() / DIST)
    for candidate in candidates:
        if (candidate / "index.html").is_file():
            return candidate
    return None


def mount_dashboard(app: FastAPI, directory: Path | None = None) -> Path | None:
    """Serve the dashboard in ``directory`` (default: :func:`find_dashboard`) from ``app``;
    return the folder served, None when there is no build."""
    directory = directory if directory is not None else find_dashboard()
    if directory is None or not (directory / "index.html").is_file():
        log.info("no dashboard build found: run `npm ci && npm run build` in dashboard/")
        return None
    app.router.default = DashboardFiles(directory, fallback=app.router.default)
    return directory


class DashboardFiles:
    """ASGI fallback: a build file, else ``index.html``; anything else to ``fallback`` (404)."""

    def __init__(self, directory: Path, fallback: ASGIApp) -> None:
        self.directory = directory.resolve()
        self.fallback = fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "/")
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or path.startswith(API_PREFIX)
            or path == API_PREFIX.rstrip("/")
        ):
            await self.fallback(scope, receive, send)
            return
        file = self._file(path)
        if file is not None:
            cache = IMMUTABLE if file.parent.name == "assets" else "no-cache"
            response = FileResponse(file, headers={"Cache-Control": cache})
        elif Path(path).suffix:  # a missing file (a stale asset), not a page of the dashboard
            await self.fallback(scope, receive, send)
            return
        else:
            response = FileResponse(
                self.directory / "index.html", headers={"Cache-Control": "no-cache"}
            )
        await response(scope, receive, send)

    def _file(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        if not relative:
            return None
        candidate = (self.directory / relative).resolve()
        if not candidate.is_relative_to(self.directory) or not candidate.is_file():
            return None
        return candidate
