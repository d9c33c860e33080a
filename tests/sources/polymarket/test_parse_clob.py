"""CLOB REST samples through the parsers and the local book."""

from datetime import UTC, datetime
from decimal import Decimal

import msgspec
import pytest

from polymarket_ml.core.enums import Resolution, Side
from polymarket_ml.core.errors import DataError
from polymarket_ml.core.orderbook import LocalBook
from polymarket_ml.core.types import Level
from polymarket_ml.sources.polymarket.parse_clob import (
    parse_clob_book,
    parse_clob_market,
    parse_fee_rate_bps,
    parse_prices_history,
    parse_tick_size,
)
from polymarket_ml.sources.polymarket.parse_user import parse_order, parse_user_trade
from polymarket_ml.sources.polymarket.values import to_decimal
from polymarket_ml.sources.polymarket.wire_clob import (
    ClobBook,
    ClobMarket,
    ClobTrade,
    FeeRateResponse,
    MidpointResponse,
    NegRiskResponse,
    OpenOrder,
    PriceResponse,
    PricesHistory,
    SpreadResponse,
    TickSizeResponse,
)
from tests.support import SAMPLES_DIR

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def decode(name: str, kind: type):
    return msgspec.json.decode((SAMPLES_DIR / name).read_bytes(), type=kind)


def book_of(name: str) -> LocalBook:
    book = parse_clob_book(decode(name, ClobBook), NOW)
    local = LocalBook(book.token_id)
    local.apply_book(book)
    return local


def test_legacy_book_without_metadata_is_sorted_and_its_best_is_the_last_wire_level() -> None:
    book = parse_clob_book(decode("clob/book_2024-10_legacy_no_metadata.json", ClobBook), NOW)
    local = book_of("clob/book_2024-10_legacy_no_metadata.json")

    assert book.best_bid == Level(Decimal("0.1"), Decimal("125"))
    assert book.best_ask == Level(Decimal("0.14"), Decimal("705"))
    assert (book.tick_size, book.min_order_size) == (None, None)
    assert book.exchange_ts == datetime(2024, 10, 13, 6, 3, 38, 260000, tzinfo=UTC)
    assert (local.bid_depth(50), local.ask_depth(50)) == (Decimal("1739"), Decimal("6057.3"))
    assert local.ask_wall(3) == Level(
        Decimal("0.14"), Decimal("705")
    )  # 705 at 0.14 beats 70 and 192.3
    assert not local.needs_resync


def test_docs_book_with_metadata_and_an_iso_timestamp() -> None:
    book = parse_clob_book(decode("clob/docs_book_response_example_2026.json", ClobBook), NOW)
    local = book_of("clob/docs_book_response_example_2026.json")

    assert (book.tick_size, book.min_order_size, book.book_hash) == (
        Decimal("0.01"),
        Decimal("5"),
        "0xabc123...",
    )
    assert book.exchange_ts == datetime(2023, 10, 21, 8, 0, tzinfo=UTC)
    assert (local.best_bid, local.best_ask) == (
        Level(Decimal("0.48"), Decimal("1000")),
        Level(Decimal("0.52"), Decimal("800")),
    )
    assert local.bid_depth(2) == Decimal("3500")
    assert local.ask_depth(2) == Decimal("2300")


def test_fixture_book_with_both_sides_ascending_still_finds_the_right_top() -> None:
    local = book_of("clob/fixture_book_response.json")

    assert (local.best_bid_price, local.best_ask_price) == (Decimal("0.50"), Decimal("0.51"))
    assert local.bid_wall(3) == Level(Decimal("0.49"), Decimal("200.00"))
    assert local.snapshot().asks == (
        Level(Decimal("0.51"), Decimal("120")),
        Level(Decimal("0.52"), Decimal("180")),
        Level(Decimal("0.53"), Decimal("90")),
    )


def test_price_midpoint_spread_responses_are_exact_decimals() -> None:
    price = msgspec.json.decode(b'{"price": "0.52", "side": "BUY"}', type=PriceResponse)
    mid = msgspec.json.decode(b'{"mid": "0.53"}', type=MidpointResponse)
    spread = msgspec.json.decode(b'{"spread": ".02"}', type=SpreadResponse)

    assert (to_decimal(price.price), to_decimal(mid.mid), to_decimal(spread.spread)) == (
        Decimal("0.52"),
        Decimal("0.53"),
        Decimal("0.02"),
    )


def test_tick_size_neg_risk_and_fee_rate() -> None:
    tick = msgspec.json.decode(b'{"minimum_tick_size": 0.001}', type=TickSizeResponse)
    neg = msgspec.json.decode(b'{"neg_risk": true}', type=NegRiskResponse)

    assert parse_tick_size(tick) == Decimal("0.001")
    assert neg.neg_risk is True
    assert parse_fee_rate_bps(decode("clob/fixture_fee_rate_nonzero.json", FeeRateResponse)) == 150
    assert parse_fee_rate_bps(decode("clob/fixture_fee_rate_zero.json", FeeRateResponse)) == 0
    assert parse_fee_rate_bps(FeeRateResponse(base_fee=25)) == 25
    with pytest.raises(DataError, match="tick size out of range"):
        parse_tick_size(TickSizeResponse(minimum_tick_size=1.5))


def test_prices_history_points_are_seconds_and_exact_prices() -> None:
    points = parse_prices_history(decode("clob/fixture_prices_history.json", PricesHistory))

    assert len(points) == 10
    assert points[0] == (datetime(2024, 10, 15, 13, 46, 40, tzinfo=UTC), Decimal("0.51"))
    assert points[5][1] == Decimal("0.5")
    assert points[-1][1] == Decimal("0.54")


@pytest.mark.parametrize(
    ("name", "resolution", "tick", "accepting"),
    [
        ("clob/market_closed_resolved_2026-03.json", Resolution.NO, Decimal("0.001"), False),
        ("clob/market_closed_still_accepting_2026-05.json", Resolution.YES, Decimal("0.01"), True),
        ("clob/market_negrisk_2024.json", None, Decimal("0.001"), True),
    ],
)
def test_clob_market_resolution_comes_from_the_winner_flags(
    name: str, resolution: Resolution | None, tick: Decimal, accepting: bool
) -> None:
    market = parse_clob_market(decode(name, ClobMarket))

    assert (market.resolution, market.tick_size, market.accepting_orders) == (
        resolution,
        tick,
        accepting,
    )
    assert market.min_order_size == Decimal("5")
    assert market.yes_token_id is not None
    assert market.outcomes == ("Yes", "No")


def test_rest_trade_parses_like_a_user_channel_trade() -> None:
    trade = parse_user_trade(decode("clob/data_trade_item_2024-09.json", ClobTrade), NOW)
    fixture = parse_user_trade(decode("clob/fixture_trade_report.json", ClobTrade), NOW)

    assert (trade.price, trade.size, trade.side, trade.status) == (
        Decimal("0.489"),
        Decimal("5"),
        Side.BUY,
        "CONFIRMED",
    )
    assert trade.match_time == datetime(2024, 9, 11, 8, 25, 2, tzinfo=UTC)
    assert fixture.match_time == datetime(2024, 1, 1, tzinfo=UTC)  # ISO in this fixture
    assert [f.fee_rate_bps for f in fixture.maker_fills] == [0, 10]


def test_rest_open_order_parses_like_a_user_channel_order() -> None:
    order = parse_order(decode("clob/fixture_open_order.json", OpenOrder), NOW)

    assert (order.price, order.original_size, order.size_matched) == (
        Decimal("0.5"),
        Decimal("100"),
        Decimal("25"),
    )
    assert order.created_at == datetime(2023, 12, 29, 18, 40, tzinfo=UTC)
    assert order.kind is None
