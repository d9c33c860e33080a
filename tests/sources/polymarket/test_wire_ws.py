"""Wire decoding of the WebSocket samples: shapes, legacy schemas, requests we send."""

import json

import msgspec
import pytest

from polymarket_ml.sources.polymarket.wire_ws import (
    BookMessage,
    MarketFrame,
    MarketSubscribeRequest,
    PriceChangeMessage,
    SubscriptionUpdate,
    UserFrame,
    UserOrderMessage,
    UserSubscribeRequest,
    UserTradeMessage,
)
from tests.support import SAMPLES_DIR, load_sample

market = msgspec.json.Decoder(MarketFrame)
user = msgspec.json.Decoder(UserFrame)


def raw(name: str) -> bytes:
    return (SAMPLES_DIR / name).read_bytes()


def test_book_keeps_prices_as_strings_in_wire_order() -> None:
    msg = market.decode(raw("ws/book_snapshot_2024-10.json"))

    assert isinstance(msg, BookMessage)
    assert msg.asset_id.startswith("4833104333661288389093875950949315923475504897350064")
    assert (msg.bids[0].price, msg.bids[-1].price) == ("0.001", "0.511")  # ascending
    assert (msg.asks[0].price, msg.asks[-1].price) == ("0.999", "0.514")  # descending
    assert msg.hash == "655a38d4977427b086c25b985993691b753ed166"
    assert msg.tick_size is None
    assert msg.last_trade_price is None


def test_price_change_schemas_all_decode_to_one_struct() -> None:
    v0 = market.decode(raw("ws/price_change_v0_flat_2024-08.json"))
    v1 = market.decode(raw("ws/docs_price_change_v1_legacy_changes_example_2024-10.json"))
    v2 = market.decode(raw("ws/docs_price_change_v2_example_2025-09.json"))

    assert isinstance(v0, PriceChangeMessage)
    assert (v0.price, v0.side, v0.size) == (
        "0.514",
        "SELL",
        "21574.08",
    )
    assert isinstance(v1, PriceChangeMessage)
    assert v1.changes is not None
    assert (v1.changes[0].price, v1.changes[0].size) == ("0.4", "3300")
    assert isinstance(v2, PriceChangeMessage)
    assert v2.price_changes is not None
    assert [e.best_ask for e in v2.price_changes] == ["1", "0.5"]


def test_a_frame_may_be_an_array_of_messages() -> None:
    frame = json.dumps([load_sample("ws/book_snapshot_2024-10.json")] * 2).encode()

    decoded = market.decode(frame)

    assert isinstance(decoded, list)
    assert [type(m) for m in decoded] == [BookMessage] * 2


def test_unknown_keys_are_tolerated() -> None:
    sample = load_sample("ws/last_trade_price_2024-08.json") | {"brand_new_field": {"x": 1}}

    assert market.decode(json.dumps(sample)).price == "0.491"  # type: ignore[union-attr]


def test_user_trade_keeps_maker_orders_and_both_time_spellings() -> None:
    trade = user.decode(raw("ws/user_trade_mined_multi_maker_2024-09.json"))
    docs = user.decode(raw("ws/docs_user_trade_example.json"))

    assert isinstance(trade, UserTradeMessage)
    assert len(trade.maker_orders) == 6
    assert trade.maker_orders[0].outcome == "No"
    assert trade.maker_orders[0].price == "0.482"
    assert isinstance(docs, UserTradeMessage)
    assert (docs.matchtime, docs.match_time) == ("1672290701", None)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("ws/user_order_placement_2024-09.json", "LIVE"),
        ("ws/user_order_cancellation_2024-09.json", "CANCELED"),
        ("ws/docs_user_order_placement_example.json", None),
    ],
)
def test_user_order_messages_decode(name: str, status: str | None) -> None:
    msg = user.decode(raw(name))

    assert isinstance(msg, UserOrderMessage)
    assert msg.status == status


def test_subscribe_requests_round_trip_the_documented_shapes() -> None:
    sub = msgspec.json.decode(
        raw("ws/docs_subscribe_market_request.json"), type=MarketSubscribeRequest
    )
    user_sub = msgspec.json.decode(
        raw("ws/docs_subscribe_user_request.json"), type=UserSubscribeRequest
    )
    dynamic = msgspec.json.decode(
        raw("ws/docs_dynamic_subscribe_request.json"), type=SubscriptionUpdate
    )
    unsub = msgspec.json.decode(
        raw("ws/docs_dynamic_unsubscribe_request.json"), type=SubscriptionUpdate
    )
    user_dynamic = msgspec.json.decode(
        raw("ws/docs_dynamic_subscribe_user_request.json"), type=SubscriptionUpdate
    )

    assert sub.assets_ids == ["<token_id_1>", "<token_id_2>"]
    assert sub.custom_feature_enabled
    assert user_sub.auth.api_key == "your-api-key"
    assert user_sub.type == "user"
    assert (dynamic.operation, dynamic.assets_ids) == (
        "subscribe",
        ["new_asset_id_1", "new_asset_id_2"],
    )
    assert (unsub.operation, unsub.custom_feature_enabled) == ("unsubscribe", None)
    assert user_dynamic.markets == ["0x1234...condition_id"]
    for request, name in [
        (sub, "ws/docs_subscribe_market_request.json"),
        (user_sub, "ws/docs_subscribe_user_request.json"),
        (dynamic, "ws/docs_dynamic_subscribe_request.json"),
        (unsub, "ws/docs_dynamic_unsubscribe_request.json"),
        (user_dynamic, "ws/docs_dynamic_subscribe_user_request.json"),
    ]:
        assert json.loads(msgspec.json.encode(request)) == load_sample(name)
