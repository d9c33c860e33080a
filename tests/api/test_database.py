"""The database browser lists every table with its size and pages through rows as JSON."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from polymarket_ml.core.enums import Tier
from polymarket_ml.core.snapshot import FeatureSnapshot
from polymarket_ml.storage.browse import EXACT_COUNT_BELOW
from polymarket_ml.storage.bulk import write_snapshots
from polymarket_ml.storage.models import TABLES
from tests.api.conftest import NOW
from tests.api.support import seed_markets, seed_snapshots, seed_task_runs
from tests.storage.conftest import add_market


def test_tables_lists_every_table_with_its_row_count(engine: Engine, client: TestClient) -> None:
    ids = seed_markets(engine)
    seed_snapshots(engine, ids["t4"], Tier.T4, NOW, NOW - timedelta(seconds=15))
    seed_task_runs(engine)

    body = client.get("/api/database/tables").json()

    counts = {t["name"]: t["rows"] for t in body["tables"]}
    assert set(counts) == set(TABLES)
    assert counts["markets"] == 5
    assert counts["snapshots"] == 2
    assert counts["task_runs"] == 8
    assert counts["trades"] == 0
    assert not any(t["estimated"] for t in body["tables"])  # small tables are counted


def test_large_postgres_tables_are_estimated_from_the_planner(
    engine: Engine, client: TestClient
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite always counts exactly")
    n = EXACT_COUNT_BELOW + 1000
    write_snapshots(
        engine,
        (
            FeatureSnapshot(market_id=i % 100, timestamp=NOW + timedelta(seconds=i), tier=Tier.T0)
            for i in range(n)
        ),
    )
    with engine.connect() as conn:
        conn.execute(text("ANALYZE snapshots"))

    body = client.get("/api/database/tables").json()

    [snapshots] = [t for t in body["tables"] if t["name"] == "snapshots"]
    assert snapshots["estimated"] is True
    assert abs(snapshots["rows"] - n) <= n * 0.05


def test_a_table_page_is_sorted_paginated_and_json_safe(engine: Engine, client: TestClient) -> None:
    for i in range(7):
        add_market(engine, f"0x{i}", initial_price=Decimal("0.125") + i, tier=Tier(i % 5))

    first = client.get("/api/database/tables/markets", params={"page_size": 3}).json()
    last = client.get(
        "/api/database/tables/markets",
        params={"page": 3, "page_size": 3, "sort": "condition_id", "order": "desc"},
    ).json()

    assert [r["condition_id"] for r in first["rows"]] == ["0x0", "0x1", "0x2"]
    assert first["sort"] == "id"
    assert first["total_rows"] == 7
    assert first["page"] == 1
    row = first["rows"][1]
    assert row["initial_price"] == "1.125"  # Decimal as its exact string
    assert row["tracking_started_at"] == NOW.isoformat()
    assert row["outcomes"] == ["Yes", "No"]  # a JSON column stays JSON
    assert row["tier"] == 1
    assert row["closed"] is False
    columns = {c["name"]: c for c in first["columns"]}
    assert columns["id"]["primary_key"] is True
    assert [r["condition_id"] for r in last["rows"]] == ["0x0"]  # 7 rows, descending
    assert last["order"] == "desc"


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/api/database/tables/passwords", {}, 404, "no table 'passwords'"),
        ("/api/database/tables/markets", {"sort": "nope"}, 422, "has no column 'nope'"),
        ("/api/database/tables/markets", {"page": 0}, 422, "greater than or equal to 1"),
        ("/api/database/tables/markets", {"page": -3}, 422, "greater than or equal to 1"),
        ("/api/database/tables/markets", {"page_size": 501}, 422, "less than or equal to 500"),
        ("/api/database/tables/markets", {"order": "sideways"}, 422, "'asc' or 'desc'"),
        ("/api/database/tables/markets", {"page": "two"}, 422, "valid integer"),
        ("/api/database/tables/markets;drop", {}, 404, "no table"),
    ],
)
def test_bad_browser_input_is_a_4xx_with_a_message(
    client: TestClient, path: str, params: dict[str, object], status: int, message: str
) -> None:
    response = client.get(path, params=params)

    assert response.status_code == status
    assert message in response.text
