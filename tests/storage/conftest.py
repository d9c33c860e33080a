"""Storage tests run on SQLite and on PostgreSQL: the ``engine`` fixture is parametrised."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from polymarket_ml.core.types import Market
from polymarket_ml.storage.engine import make_engine, make_session_factory
from polymarket_ml.storage.migrate import upgrade
from polymarket_ml.storage.models import Base
from polymarket_ml.storage.repositories import MarketRepository
from tests.services import fresh_postgres_database, postgres_reachable, unavailable


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for the session."""
    problem = postgres_reachable()
    if problem:
        unavailable("PostgreSQL", problem)
    with fresh_postgres_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(sqlite_template, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    url = request.getfixturevalue("postgres_url")
    eng = make_engine(url)
    yield eng
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with eng.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    eng.dispose()


NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def add_market(engine: Engine, condition_id: str = "0xabc", **fields: object) -> int:
    """Store a market and return its id."""
    market = Market(
        condition_id=condition_id,
        question=f"Question {condition_id}?",
        yes_token_id=f"{condition_id}-yes",
        no_token_id=f"{condition_id}-no",
        tracking_started_at=NOW,
        **fields,  # type: ignore[arg-type]
    )
    with make_session_factory(engine).begin() as session:
        return MarketRepository(session).upsert(market, now=NOW).id or 0
