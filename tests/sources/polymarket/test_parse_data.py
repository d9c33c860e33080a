"""Data API samples: numbers are floats and timestamps integer seconds."""

from datetime import UTC, datetime
from decimal import Decimal

import msgspec

from polymarket_ml.core.enums import Outcome, Side
from polymarket_ml.sources.polymarket.parse_data import parse_data_trade
from polymarket_ml.sources.polymarket.wire_data import DataPosition, DataTrade
from tests.support import SAMPLES_DIR

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def decode(name: str, kind: type):
    return msgspec.json.decode((SAMPLES_DIR / name).read_bytes(), type=kind)


def test_full_trade_rows_become_trades_with_exact_prices() -> None:
    rows = decode("data-api/fixture_trades_edited_2024-10.json", list[DataTrade])
    trades = [parse_data_trade(r, NOW) for r in rows]

    assert len(trades) == 4
    first = trades[0]
    assert (first.side, first.price, first.size, first.outcome) == (
        Side.SELL,
        Decimal("0.998"),
        Decimal("5.4"),
        Outcome.YES,
    )
    assert first.exchange_ts == datetime(2024, 10, 15, 13, 49, 40, tzinfo=UTC)
    assert (
        first.token_id
        == "21742633143463906290569050155826241533067272736897614950488156847949938836455"
    )
    assert trades[1].price * trades[1].size == Decimal("49.0724")
    assert len({t.dedup_key for t in trades}) == 4


def test_minimal_trade_rows_without_optional_fields() -> None:
    rows = decode("data-api/fixture_trades_minimal.json", list[DataTrade])
    trades = [parse_data_trade(r, NOW) for r in rows]

    assert [t.price for t in trades] == [Decimal("0.55"), Decimal("0.53"), Decimal("0.45")]
    assert [t.size for t in trades] == [Decimal("100.0"), Decimal("50.0"), Decimal("75.0")]
    assert trades[2].outcome is None
    assert rows[2].title is None
    assert trades[0].exchange_ts == datetime(2024, 3, 9, 16, 0, tzinfo=UTC)


def test_positions_rows() -> None:
    rows = decode("data-api/fixture_positions.json", list[DataPosition])

    assert len(rows) == 4
    assert (rows[0].size, rows[0].avg_price, rows[0].cur_price, rows[0].outcome) == (
        150.5,
        0.55,
        0.6,
        "Yes",
    )
    assert rows[0].opposite_asset == "1234567890123456789"
    assert rows[0].negative_risk is False
