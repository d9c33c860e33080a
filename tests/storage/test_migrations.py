"""The same migrations build every table and column on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from polymarket_ml.core.snapshot import FEATURE_NAMES
from polymarket_ml.storage.migrate import current_revision, downgrade, head_revision, upgrade
from polymarket_ml.storage.models import Base
from tests.support import SHARED_DIR

ORIGINAL_DESIGN_TABLES = {
    "markets",
    "snapshots",
    "trades",
    "orderbook_snapshots",
    "tier_transitions",
    "task_runs",
    "positions",
    "signals",
}
TRADING_TABLES = {"orders", "fills", "executor_equity", "executor_state"}


def test_upgrade_creates_every_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert tables >= ORIGINAL_DESIGN_TABLES | TRADING_TABLES
    assert current_revision(engine) == head_revision(engine)


def test_migrated_schema_matches_the_models_exactly(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_snapshots_have_every_feature_of_features_md(engine: Engine) -> None:
    documented = re.findall(
        r"^\| ([a-z0-9_, ]+) \|", (SHARED_DIR / "FEATURES.md").read_text(), re.M
    )
    names = [n.strip() for row in documented for n in row.split(",") if n.strip() != "column"]
    assert len(names) == 65
    assert tuple(names) == FEATURE_NAMES
    columns = {c["name"] for c in inspect(engine).get_columns("snapshots")}
    assert set(names) | {"market_id", "timestamp", "tier"} <= columns


def test_exchange_rows_keep_exchange_time_and_receipt_time(engine: Engine) -> None:
    inspector = inspect(engine)
    trades = {c["name"] for c in inspector.get_columns("trades")}
    assert {"timestamp", "received_at", "whale_tier", "dedup_key"} <= trades
    books = {c["name"] for c in inspector.get_columns("orderbook_snapshots")}
    assert {
        "exchange_ts",
        "timestamp",
        "bids",
        "asks",
        "total_bid_depth",
        "total_ask_depth",
    } <= books


def test_indexes_serve_the_hot_queries(engine: Engine) -> None:
    inspector = inspect(engine)

    def indexed(table: str) -> set[tuple[str, ...]]:
        found = {tuple(i["column_names"]) for i in inspector.get_indexes(table)}
        found |= {tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)}
        return found  # type: ignore[return-value]

    assert ("market_id", "timestamp") in indexed("snapshots")  # latest snapshot per market
    assert ("market_id", "timestamp") in indexed("trades")  # trades of a market in a window
    assert ("dedup_key",) in indexed("trades")
    assert ("status", "mode") in indexed("positions")  # open positions
    assert ("mode", "opened_at") in indexed("positions")  # the newest positions (the API)


def test_orderbook_levels_are_jsonb_on_postgresql(engine: Engine) -> None:
    columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("orderbook_snapshots")}
    expected = "JSONB" if engine.dialect.name == "postgresql" else "JSON"
    assert type(columns["bids"]).__name__ == expected


def test_downgrade_then_upgrade_round_trips(engine: Engine) -> None:
    downgrade(engine, "base")
    assert "markets" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "markets" in inspect(engine).get_table_names()
