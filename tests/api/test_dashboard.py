"""The API serves the built dashboard at ``/``: its files, ``index.html`` for the dashboard's
own routes, and never HTML where an API answer (or a JSON 404) belongs."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from polymarket_ml.api.dashboard import IMMUTABLE, mount_dashboard
from tests.api.conftest import MakeApp

INDEX = "<!doctype html><title>polymarket-ml</title>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "index-abc123.js").write_text("console.log(1)")
    (root / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("do not serve")
    return root


@pytest.fixture
def served(make_app: MakeApp, dist: Path) -> TestClient:
    app = make_app()
    assert mount_dashboard(app, dist) == dist
    late = APIRouter()

    @late.get("/api/late")
    def late_route() -> dict[str, bool]:
        return {"late": True}

    app.include_router(late)  # a router added after the dashboard still answers
    return TestClient(app)


@pytest.mark.parametrize("path", ["/", "/markets", "/markets/12", "/database/trades?page=3"])
def test_dashboard_pages_get_the_index_so_reloads_work(served: TestClient, path: str) -> None:
    response = served.get(path)

    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"


def test_build_files_are_served_and_hashed_assets_cached_for_good(served: TestClient) -> None:
    asset = served.get("/assets/index-abc123.js")
    icon = served.get("/favicon.svg")

    assert asset.text == "console.log(1)"
    assert asset.headers["cache-control"] == IMMUTABLE
    assert icon.text == "<svg/>"
    assert icon.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    "path", ["/assets/gone-123.js", "/api/nothing-here", "/api", "/..%2Fsecret.txt"]
)
def test_missing_files_and_unknown_api_paths_are_json_404s(served: TestClient, path: str) -> None:
    response = served.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_the_api_keeps_its_routes_next_to_the_dashboard(served: TestClient) -> None:
    assert served.get("/api/monitoring/redis-stats").json()["in_use"] is False
    assert served.get("/api/late").json() == {"late": True}
    assert served.get("/openapi.json").json()["info"]["title"] == "polymarket-ml"


def test_without_a_build_the_api_serves_only_itself(tmp_path: Path) -> None:
    app = FastAPI()

    assert mount_dashboard(app, tmp_path / "nothing") is None
    assert TestClient(app).get("/markets/12").status_code == 404
