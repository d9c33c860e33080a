from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from polymarket_ml.core.types import Level, OrderbookSnapshot
from polymarket_ml.storage import retention
from polymarket_ml.storage.bulk import write_orderbook_snapshots
from polymarket_ml.storage.models import OrderbookSnapshotRow
from tests.storage.conftest import NOW, add_market


def test_old_order_books_are_deleted_in_batches(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    market_id = add_market(engine)
    level = (Level(Decimal("0.5"), Decimal("1")),)
    books = [
        OrderbookSnapshot(market_id, "tok", NOW - timedelta(minutes=i), level, level)
        for i in range(25)
    ]
    write_orderbook_snapshots(engine, books)
    retention.BATCH_ROWS = 4  # several batches
    try:
        deleted = retention.delete_orderbook_snapshots_before(
            engine, NOW - timedelta(minutes=9, seconds=30)
        )
    finally:
        retention.BATCH_ROWS = 10_000
    with engine.connect() as conn:
        left = list(conn.scalars(select(OrderbookSnapshotRow.timestamp)))
        assert conn.scalar(select(func.count()).select_from(OrderbookSnapshotRow)) == 10
    assert deleted == 15
    assert min(left) == NOW - timedelta(minutes=9)
