"""The simulator's payloads against the real recorded samples, key by key (JSON types)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from polymarket_ml.sim.feed import FeedItem
from polymarket_ml.sim.market import EventKind, SimMarket
from polymarket_ml.sim.payloads import clob_market, data_trade, render_feed, rest_book
from polymarket_ml.sim.payloads_gamma import gamma_event, gamma_market
from tests.sim.conftest import SteppedEngine
from tests.sim.shape import shape_mismatches
from tests.support import load_sample, sample_paths

# Fields of pre-CLOB AMM markets (2020-2021) that modern markets do not have (api spec §2.4).
LEGACY_ONLY = frozenset({
    "category", "creator", "fpmmLive", "lowerBound", "upperBound", "mailchimpTag", "marketType",
    "readyForCron", "twitterCardImage", "updatedBy", "volume1moAmm", "volume1wkAmm",
    "volume1yrAmm", "oneYearPriceChange",
})  # fmt: skip


def _market(sim: SteppedEngine, predicate: Callable[[SimMarket], bool]) -> SimMarket:
    found = [m for m in sim.engine.markets.values() if predicate(m)]
    assert found, "the simulated exchange has no market of the kind the sample shows"
    return found[0]


def _gamma_for(sim: SteppedEngine, sample_name: str) -> dict[str, Any]:
    kind = {
        "btc_updown": lambda m: (
            m.event.kind is EventKind.UP_DOWN
            and not m.closed
            and m.book.best_bid() is not None
            and m.book.best_ask() is not None
        ),  # as sampled
        "active_negrisk": lambda m: m.event.neg_risk and not m.closed,
        "map_handicap": lambda m: m.line is not None and m.closed,
        "sports": lambda m: m.event.kind is EventKind.SPORTS and m.closed,
        "closed_early": lambda m: m.event.kind is EventKind.SPORTS and m.closed,
    }
    predicate = next((p for key, p in kind.items() if key in sample_name), lambda m: m.closed)
    return gamma_market(_market(sim, predicate), sim.engine.now)


@pytest.mark.parametrize("path", sample_paths("gamma"), ids=lambda p: p.name)
def test_gamma_market_has_every_key_of_the_real_sample(lived: SteppedEngine, path: Any) -> None:
    if not path.name.startswith("market_"):
        pytest.skip("not a market sample")
    sample = load_sample(f"gamma/{path.name}")
    ours = _gamma_for(lived, path.name)
    problems = shape_mismatches(sample, ours, skip=LEGACY_ONLY)
    assert problems == []


def test_gamma_event_list_item_matches_the_neg_risk_sample(lived: SteppedEngine) -> None:
    sample = load_sample("gamma/events_list_negrisk_2026-03.json")[0]
    market = _market(lived, lambda m: m.event.neg_risk and not m.closed)
    markets = [lived.engine.markets[i] for i in market.event.market_ids]
    ours = gamma_event(market.event, markets, lived.engine.now)
    assert shape_mismatches(sample, ours) == []
    assert len(ours["markets"]) >= 3


def test_gamma_double_encodes_outcomes_prices_and_token_ids(lived: SteppedEngine) -> None:
    ours = gamma_market(_market(lived, lambda m: not m.closed), lived.engine.now)
    for key in ("outcomes", "outcomePrices", "clobTokenIds", "umaResolutionStatuses"):
        assert isinstance(ours[key], str)
        assert ours[key].startswith("[")


@pytest.mark.parametrize(
    "sample_name", ["clob/fixture_book_response.json", "clob/docs_book_response_example_2026.json"]
)
def test_rest_book_has_every_key_of_the_samples(lived: SteppedEngine, sample_name: str) -> None:
    market = _market(lived, lambda m: not m.closed)
    ours = rest_book(market, 1, lived.engine.now)
    assert shape_mismatches(load_sample(sample_name), ours) == []


def test_rest_book_levels_are_in_the_servers_order(lived: SteppedEngine) -> None:
    market = _market(lived, lambda m: not m.closed and len(m.book.bids) > 3)
    for index in (0, 1):
        book = rest_book(market, index, lived.engine.now)
        bids = [float(level["price"]) for level in book["bids"]]
        asks = [float(level["price"]) for level in book["asks"]]
        assert bids == sorted(bids)
        assert asks == sorted(asks, reverse=True)
        assert bids[-1] < asks[-1]
        assert len(bids) + len(asks) >= 20


@pytest.mark.parametrize(
    "sample_name", ["clob/market_closed_resolved_2026-03.json", "clob/market_negrisk_2024.json"]
)
def test_clob_market_has_every_key_of_the_samples(lived: SteppedEngine, sample_name: str) -> None:
    market = _market(lived, lambda m: m.closed)
    assert shape_mismatches(load_sample(sample_name), clob_market(market)) == []


def _first(items: list[FeedItem], event_type: str) -> dict[str, Any]:
    for item in items:
        body = render_feed(item)
        if body.get("event_type") == event_type:
            return body
    raise AssertionError(f"the simulator emitted no {event_type}")


@pytest.mark.parametrize(
    ("sample_name", "event_type"),
    [
        ("ws/book_snapshot_2024-10.json", "book"),
        ("ws/docs_book_example.json", "book"),
        ("ws/docs_price_change_v2_example_2025-09.json", "price_change"),
        ("ws/fixture_price_change_v2_modified.json", "price_change"),
        ("ws/last_trade_price_2024-08.json", "last_trade_price"),
        ("ws/docs_last_trade_price_example_2025-06.json", "last_trade_price"),
        ("ws/tick_size_change_2025-02.json", "tick_size_change"),
        ("ws/docs_tick_size_change_example.json", "tick_size_change"),
        ("ws/best_bid_ask_2025-12.json", "best_bid_ask"),
        ("ws/new_market_2025-12.json", "new_market"),
        ("ws/docs_new_market_example_2025-12.json", "new_market"),
        ("ws/docs_market_resolved_example_2025-12.json", "market_resolved"),
        ("ws/fixture_market_resolved.json", "market_resolved"),
    ],
)
def test_ws_message_has_every_key_of_the_sample(
    lived: SteppedEngine, sample_name: str, event_type: str
) -> None:
    sample = load_sample(sample_name)
    sample = sample[0] if isinstance(sample, list) else sample
    assert shape_mismatches(sample, _first(lived.items, event_type)) == []


def test_price_change_mirrors_both_tokens_of_the_market(lived: SteppedEngine) -> None:
    body = _first(lived.items, "price_change")
    yes, no = body["price_changes"]
    assert yes["asset_id"] != no["asset_id"]
    assert float(yes["price"]) + float(no["price"]) == pytest.approx(1.0)
    assert {yes["side"], no["side"]} == {"BUY", "SELL"}
    assert yes["size"] == no["size"]


@pytest.mark.parametrize(
    "sample_name",
    ["data-api/fixture_trades_minimal.json", "data-api/fixture_trades_edited_2024-10.json"],
)
def test_data_api_trade_has_every_key_of_the_sample(lived: SteppedEngine, sample_name: str) -> None:
    assert lived.engine.trades, "no trades happened"
    ours = [data_trade(t) for t in list(lived.engine.trades)[:3]]
    assert shape_mismatches(load_sample(sample_name), ours) == []
