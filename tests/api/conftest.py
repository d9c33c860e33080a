"""API tests run on a real database, SQLite and PostgreSQL (the storage tests' fixtures)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from polymarket_ml.api.app import create_app
from polymarket_ml.api.state import ApiState
from polymarket_ml.core.clock import FakeClock
from polymarket_ml.settings import Settings, load_settings
from tests.storage.conftest import NOW, engine, postgres_url, sqlite_template

__all__ = ["NOW", "engine", "postgres_url", "sqlite_template"]

TOKEN = "test-token-0123456789"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(general={"data_dir": tmp_path / "data"})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW + timedelta(seconds=0))


MakeApp = Callable[..., FastAPI]


@pytest.fixture
def make_app(engine: Engine, settings: Settings, clock: FakeClock) -> MakeApp:
    """``make_app(collector=..., breakers=...)``: the app over the test database."""

    def make(**parts: object) -> FastAPI:
        fields: dict[str, object] = {
            "settings": settings,
            "engine": engine,
            "clock": clock,
            "token": TOKEN,
        }
        fields.update(parts)
        return create_app(ApiState(**fields))  # type: ignore[arg-type]

    return make


@pytest.fixture
def client(make_app: MakeApp) -> Iterator[TestClient]:
    with TestClient(make_app()) as c:
        yield c
