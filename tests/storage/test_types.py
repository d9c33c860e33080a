"""Column types: exact decimals and aware UTC times on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select, update

from polymarket_ml.storage.engine import make_session_factory
from polymarket_ml.storage.models import MarketRow
from tests.storage.conftest import NOW, add_market


@pytest.mark.parametrize(
    "value", ["0.0001", "0.999", "0.0025", "123456789.123456", "1e-6", "0.5", "12"]
)
def test_exact_decimal_round_trips(engine: Engine, value: str) -> None:
    market_id = add_market(engine)
    with engine.begin() as conn:
        conn.execute(
            update(MarketRow).where(MarketRow.id == market_id).values(initial_volume=Decimal(value))
        )
    with engine.connect() as conn:
        stored = conn.scalar(select(MarketRow.initial_volume))
    assert stored == Decimal(value)


def test_floats_are_refused_for_money(engine: Engine) -> None:
    market_id = add_market(engine)
    with pytest.raises(Exception, match="use Decimal"), engine.begin() as conn:
        conn.execute(update(MarketRow).where(MarketRow.id == market_id).values(initial_volume=0.1))


def test_times_come_back_aware_in_utc(engine: Engine) -> None:
    paris = timezone(timedelta(hours=1))
    add_market(engine, end_date=datetime(2026, 3, 2, 13, 0, tzinfo=paris))
    with make_session_factory(engine)() as s:
        end = s.scalar(select(MarketRow.end_date))
    assert end == NOW
    assert end is not None
    assert end.utcoffset() == timedelta(0)


def test_naive_times_are_refused(engine: Engine) -> None:
    market_id = add_market(engine)
    with pytest.raises(Exception, match="naive"), engine.begin() as conn:
        conn.execute(
            update(MarketRow).where(MarketRow.id == market_id).values(end_date=datetime(2026, 1, 1))  # noqa: DTZ001
        )
