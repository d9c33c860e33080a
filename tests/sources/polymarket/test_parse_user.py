"""User-channel samples through the user frame decoder."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from polymarket_ml.core.enums import Side
from polymarket_ml.core.errors import DataError
from polymarket_ml.core.events import OrderUpdate, UserTrade
from polymarket_ml.sources.polymarket.parse_user import decode_user_frame
from tests.support import SAMPLES_DIR

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def decode_one(name: str):
    events = decode_user_frame((SAMPLES_DIR / name).read_bytes(), received_at=NOW)
    assert len(events) == 1
    return events[0]


def test_order_placement_2024_has_created_at_in_seconds_and_timestamp_in_ms() -> None:
    order = decode_one("ws/user_order_placement_2024-09.json")

    assert isinstance(order, OrderUpdate)
    assert (order.kind, order.status, order.side, order.price) == (
        "PLACEMENT",
        "LIVE",
        Side.BUY,
        Decimal("0.513"),
    )
    assert (order.original_size, order.size_matched, order.order_type) == (
        Decimal("5"),
        Decimal("0"),
        "GTC",
    )
    assert order.created_at == datetime(2024, 9, 9, 0, 42, tzinfo=UTC)
    assert order.exchange_ts == datetime(2024, 9, 9, 0, 42, 0, 990000, tzinfo=UTC)
    assert order.expiration is None
    assert order.associate_trades == ()


def test_order_cancellation() -> None:
    order = decode_one("ws/user_order_cancellation_2024-09.json")

    assert isinstance(order, OrderUpdate)
    assert (order.kind, order.status, order.side, order.size_matched) == (
        "CANCELLATION",
        "CANCELED",
        Side.SELL,
        Decimal("5"),
    )


def test_killed_fok_order_keeps_the_free_text_status_and_empty_fields() -> None:
    order = decode_one("ws/user_order_fok_killed_anonymized_2026-05.json")

    assert isinstance(order, OrderUpdate)
    assert order.status is not None
    assert order.status.startswith("CANCELED_order couldn't be fully filled")
    assert (order.size_matched, order.created_at, order.outcome, order.order_type) == (
        Decimal(0),
        None,
        None,
        "FOK",
    )
    assert order.exchange_ts == datetime(2026, 5, 3, 16, 1, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "kind", "status", "created_at"),
    [
        (
            "ws/user_order_invalid_cancel_anonymized_2026-03.json",
            "CANCELLATION",
            "INVALID",
            datetime(2026, 3, 24, 18, 36, 24, tzinfo=UTC),
        ),
        (
            "ws/fixture_user_order_update_matched.json",
            "UPDATE",
            "MATCHED",
            datetime(2023, 12, 29, 18, 40, tzinfo=UTC),
        ),
    ],
)
def test_order_frames_without_event_type_are_recognised_by_type(
    name: str, kind: str, status: str, created_at: datetime
) -> None:
    order = decode_one(name)

    assert isinstance(order, OrderUpdate)
    assert (order.kind, order.status, order.created_at) == (kind, status, created_at)


def test_docs_order_placement() -> None:
    order = decode_one("ws/docs_user_order_placement_example.json")

    assert isinstance(order, OrderUpdate)
    assert (order.price, order.original_size, order.outcome) == (
        Decimal("0.57"),
        Decimal("10"),
        "YES",
    )
    assert order.exchange_ts == datetime(2022, 12, 29, 5, 11, 27, tzinfo=UTC)


def test_taker_trade_with_one_maker() -> None:
    trade = decode_one("ws/user_trade_matched_taker_2024-09.json")

    assert isinstance(trade, UserTrade)
    assert (trade.status, trade.trader_side, trade.side, trade.price, trade.size) == (
        "MATCHED",
        "TAKER",
        Side.BUY,
        Decimal("0.52"),
        Decimal("5"),
    )
    assert trade.match_time == datetime(2024, 9, 10, 8, 58, 1, tzinfo=UTC)
    assert trade.exchange_ts == datetime(2024, 9, 10, 8, 58, 2, 125000, tzinfo=UTC)
    assert [(f.price, f.matched_size) for f in trade.maker_fills] == [
        (Decimal("0.52"), Decimal("5"))
    ]


def test_mined_trade_with_a_maker_on_the_complementary_token() -> None:
    trade = decode_one("ws/user_trade_mined_multi_maker_2024-09.json")

    assert isinstance(trade, UserTrade)
    assert trade.status == "MINED"
    assert len(trade.maker_fills) == 6
    first = trade.maker_fills[0]
    assert (first.outcome, first.price, first.matched_size) == (
        "No",
        Decimal("0.482"),
        Decimal("10"),
    )
    assert first.token_id != trade.token_id
    assert sum(f.matched_size for f in trade.maker_fills) == Decimal("1096.87") == trade.size


def test_confirmed_maker_side_trade_carries_maker_sides() -> None:
    trade = decode_one("ws/user_trade_confirmed_maker_side_edited_2025-11.json")
    three = decode_one("ws/user_trade_confirmed_three_makers_edited_2025-11.json")

    assert isinstance(trade, UserTrade)
    assert isinstance(three, UserTrade)
    assert trade.trader_side == "MAKER"
    assert trade.maker_fills[0].side == Side.BUY
    assert [f.price for f in three.maker_fills] == [Decimal("0.4"), Decimal("0.35"), Decimal("0.3")]
    assert (three.side, three.size, three.status) == (Side.SELL, Decimal("15"), "CONFIRMED")
    assert three.exchange_ts == datetime(2025, 11, 10, 12, 7, 16, tzinfo=UTC)  # seconds here


def test_docs_trade_uses_matchtime() -> None:
    trade = decode_one("ws/docs_user_trade_example.json")

    assert isinstance(trade, UserTrade)
    assert trade.match_time == datetime(2022, 12, 29, 5, 11, 41, tzinfo=UTC)


def test_bad_user_frame_raises_data_error() -> None:
    with pytest.raises(DataError, match="invalid user message"):
        decode_user_frame(b'{"event_type": "order", "id": "1"}', received_at=NOW)
    assert decode_user_frame(b"PONG", received_at=NOW) == []
