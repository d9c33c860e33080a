"""CLOB REST samples decode into their wire structs with the values the exchange sent."""

import msgspec
import pytest

from polymarket_ml.sources.polymarket.wire_clob import (
    BalanceAllowance,
    CancelResponse,
    ClobMarket,
    ClobTrade,
    ErrorResponse,
    OpenOrder,
    Page,
    PostOrderResponse,
    SignedOrderV2,
)
from tests.support import SAMPLES_DIR


def decode(name: str, kind: type):
    return msgspec.json.decode((SAMPLES_DIR / name).read_bytes(), type=kind)


def test_markets_page_has_a_cursor_and_a_hundred_markets() -> None:
    page = decode("clob/markets_page_2024.json", Page[ClobMarket])

    assert (page.next_cursor, page.limit, page.count, len(page.data)) == ("MTAw", 100, 100, 100)
    assert (
        page.data[0].condition_id
        == "0x12a0cb60174abc437bf1178367c72d11f069e1a3add20b148fb0ab4279b772b2"
    )
    assert all(len(t.token_id) > 60 or t.token_id == "" for m in page.data for t in m.tokens)


def test_negrisk_market_keeps_token_ids_as_strings() -> None:
    market = decode("clob/market_negrisk_2024.json", ClobMarket)

    assert market.neg_risk
    assert market.minimum_tick_size == 0.001
    assert (
        market.tokens[0].token_id
        == "21742633143463906290569050155826241533067272736897614950488156847949938836455"
    )
    assert market.rewards is not None
    assert market.rewards.rates is not None
    assert market.rewards.rates[0].rewards_daily_rate == 750


@pytest.mark.parametrize(
    ("name", "trade_id", "maker_count"),
    [
        ("clob/data_trade_item_2024-09.json", "0c357886-b9d3-44bb-9aa9-72d8abc90e6e", 1),
        ("clob/fixture_trade_report.json", "trade-0xabcdef1234", 2),
    ],
)
def test_trade_items(name: str, trade_id: str, maker_count: int) -> None:
    trade = decode(name, ClobTrade)

    assert trade.id == trade_id
    assert len(trade.maker_orders) == maker_count


def test_trades_and_open_orders_pages_end_with_lte() -> None:
    trades = decode("clob/fixture_trades_page.json", Page[ClobTrade])
    orders = decode("clob/fixture_open_orders_page.json", Page[OpenOrder])

    assert trades.next_cursor == orders.next_cursor == "LTE="
    assert trades.data[0].status == "MINED"
    assert trades.data[0].maker_orders == []
    assert [o.order_type for o in orders.data] == ["GTC", "GTD"]
    assert orders.data[1].created_at == 1703875201


def test_post_order_responses() -> None:
    docs = decode("clob/docs_post_order_response_example_2026.json", PostOrderResponse)
    ok = decode("clob/fixture_post_order_ok.json", PostOrderResponse)
    failed = decode("clob/fixture_post_order_failed.json", PostOrderResponse)
    error = decode("clob/fixture_post_order_error_500.json", ErrorResponse)

    assert (docs.success, docs.order_id, docs.status, docs.trade_ids) == (
        True,
        "0xabc123...",
        "live",
        [],
    )
    assert docs.transactions_hashes == []
    assert ok.success
    assert ok.order_id is not None
    assert ok.order_id.endswith("abcdef12")
    assert (failed.success, failed.order_id, failed.error_msg) == (
        False,
        None,
        "Insufficient balance",
    )
    assert error.error == "Internal server error"


def test_cancel_responses() -> None:
    ok = decode("clob/fixture_cancel_response_ok.json", CancelResponse)
    failed = decode("clob/fixture_cancel_response_failed.json", CancelResponse)
    batch = decode("clob/fixture_cancel_orders_response.json", CancelResponse)

    assert len(ok.canceled) == 1
    assert ok.not_canceled == {}
    assert failed.canceled == []
    assert list(failed.not_canceled.values()) == ["already canceled or matched"]
    assert len(batch.canceled) == 2
    assert len(batch.not_canceled) == 1


def test_balance_allowance_v1_and_without_allowance() -> None:
    v1 = decode("clob/fixture_balance_allowance_v1_style.json", BalanceAllowance)
    bare = decode("clob/fixture_balance_allowance_no_allowance.json", BalanceAllowance)

    assert (v1.balance, v1.allowance, v1.allowances) == ("1000000000", "999999999000000", None)
    assert (bare.balance, bare.allowance) == ("250.500000", None)


def test_signed_v2_order_has_no_nonce_and_a_ms_timestamp() -> None:
    order = decode("clob/fixture_signed_order_v2.json", SignedOrderV2)

    assert (order.salt, order.maker_amount, order.taker_amount, order.side) == (
        123456789,
        "100000000",
        "50000000",
        "BUY",
    )
    assert order.timestamp == "1713398400000"
    assert order.signature_type == 0
    assert msgspec.json.decode(msgspec.json.encode(order)) == msgspec.json.decode(
        (SAMPLES_DIR / "clob/fixture_signed_order_v2.json").read_bytes()
    )


def test_open_order_items() -> None:
    live = decode("clob/fixture_open_order.json", OpenOrder)
    fok = decode("clob/fixture_open_order_sell_fok.json", OpenOrder)

    assert (live.status, live.size_matched, live.expiration, live.associate_trades) == (
        "LIVE",
        "25.0000",
        None,
        ["0xabc001"],
    )
    assert (fok.order_type, fok.expiration, fok.side) == ("FOK", "1735689600", "SELL")
