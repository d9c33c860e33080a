"""GammaClient through httpx.MockTransport, fed with recorded Gamma payloads."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest

from polymarket_ml.sources.polymarket.errors import PagingError
from polymarket_ml.sources.polymarket.gamma import EventFilters, GammaClient, MarketFilters
from tests.sources.polymarket.fakes import Harness, Recorder, json_response
from tests.support import load_sample

T = TypeVar("T")

BTC = load_sample("gamma/market_active_btc_updown_5m_2026-03.json")
NEGRISK = load_sample("gamma/market_active_negrisk_2026-06.json")
RESOLVED = load_sample("gamma/market_closed_resolved_2026-03.json")
SPORTS = load_sample("gamma/market_sports_moneyline_resolved_2026-04.json")
EARLY = load_sample("gamma/market_closed_early_still_accepting_2026-05.json")
EVENTS = load_sample("gamma/events_list_negrisk_2026-03.json")
MARKETS = [BTC, NEGRISK, RESOLVED, SPORTS, EARLY]


def _run(harness: Harness, call: Callable[[GammaClient], Awaitable[T]], **kwargs: Any) -> T:
    async def scenario() -> T:
        async with GammaClient(**kwargs, **harness.client_kwargs()) as gamma:
            return await call(gamma)

    return asyncio.run(scenario())


async def _all_pages(pages: Any) -> list[list[dict[str, Any]]]:
    return [page async for page in pages]


def _keyset_server(pages: list[tuple[list[dict[str, Any]], str | None]]) -> Recorder:
    """Serves ``pages`` in order on /markets/keyset, by the ``after_cursor`` asked for."""
    by_cursor: dict[str | None, tuple[list[dict[str, Any]], str | None]] = {}
    cursor: str | None = None
    for items, next_cursor in pages:
        by_cursor[cursor] = (items, next_cursor)
        cursor = next_cursor

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/markets/keyset"
        items, next_cursor = by_cursor[request.url.params.get("after_cursor")]
        body: dict[str, Any] = {"markets": items}
        if next_cursor is not None:
            body["next_cursor"] = next_cursor
        return json_response(body)

    return Recorder(handler)


# -- single objects ----------------------------------------------------------------------------


def test_get_market_by_id_and_by_slug() -> None:
    harness = Harness(Recorder(lambda request: json_response(BTC)))

    async def call(gamma: GammaClient) -> tuple[dict[str, Any], dict[str, Any]]:
        return await gamma.get_market(BTC["id"]), await gamma.get_market_by_slug(BTC["slug"])

    by_id, by_slug = _run(harness, call)

    assert by_id == BTC
    assert by_slug == BTC
    assert harness.recorder.paths == [
        "/markets/1557558",
        "/markets/slug/btc-updown-5m-1773307200",
    ]


def test_get_event_by_slug_under_the_simulator_prefix() -> None:
    event = EVENTS[0]
    harness = Harness(Recorder(lambda request: json_response(event)))

    result = _run(
        harness,
        lambda gamma: gamma.get_event_by_slug(event["slug"]),
        base_url="http://127.0.0.1:8765/gamma",
    )

    assert result["id"] == "30829"
    assert harness.recorder.paths == ["/gamma/events/slug/democratic-presidential-nominee-2028"]


def test_slugs_cannot_escape_their_path_segment() -> None:
    harness = Harness(Recorder(lambda request: json_response(BTC)))

    _run(harness, lambda gamma: gamma.get_market_by_slug("a/b?c=d"))

    assert harness.recorder.requests[0].url.raw_path == b"/markets/slug/a%2Fb%3Fc%3Dd"


def test_condition_id_lookup_sends_100_ids_per_request_for_open_and_closed_markets() -> None:
    condition_ids = [f"0x{i:064x}" for i in range(150)] + [BTC["conditionId"]]

    def handler(request: httpx.Request) -> httpx.Response:
        asked = request.url.params.get_list("condition_ids")
        closed = request.url.params["closed"] == "true"
        found = [m for m in MARKETS if m["conditionId"] in asked and m["closed"] is closed]
        return json_response(found)

    harness = Harness(Recorder(handler))

    markets = _run(harness, lambda gamma: gamma.get_markets_by_condition_ids(condition_ids))

    assert markets == [BTC]
    sizes = [len(harness.recorder.params(i).get_list("condition_ids")) for i in range(4)]
    assert sizes == [100, 100, 51, 51]
    assert [harness.recorder.params(i)["closed"] for i in range(4)] == [
        "false",
        "true",
        "false",
        "true",
    ]
    assert harness.recorder.params(2)["limit"] == "51"
    assert set(harness.recorder.paths) == {"/markets"}


def test_condition_id_lookup_for_closed_markets_only_asks_once_per_chunk() -> None:
    ids = [RESOLVED["conditionId"], SPORTS["conditionId"], RESOLVED["conditionId"]]
    harness = Harness(Recorder(lambda request: json_response([RESOLVED, SPORTS])))

    markets = _run(harness, lambda gamma: gamma.get_markets_by_condition_ids(ids, closed=True))

    assert [m["id"] for m in markets] == [RESOLVED["id"], SPORTS["id"]]
    assert len(harness.recorder.requests) == 1
    assert harness.recorder.params(0).get_list("condition_ids") == ids[:2]


# -- listings ----------------------------------------------------------------------------------


def test_keyset_paging_follows_after_cursor_until_it_is_absent() -> None:
    harness = Harness(
        _keyset_server(
            [
                ([BTC, NEGRISK], "Y3Vyc29yLTI="),
                ([EARLY, SPORTS], "Y3Vyc29yLTQ="),
                ([RESOLVED], None),
            ]
        )
    )

    pages = _run(harness, lambda gamma: _all_pages(gamma.iter_markets(page_size=2)))

    assert [[m["id"] for m in page] for page in pages] == [
        [BTC["id"], NEGRISK["id"]],
        [EARLY["id"], SPORTS["id"]],
        [RESOLVED["id"]],
    ]
    assert [harness.recorder.params(i).get("after_cursor") for i in range(3)] == [
        None,
        "Y3Vyc29yLTI=",
        "Y3Vyc29yLTQ=",
    ]
    assert all(harness.recorder.params(i)["closed"] == "false" for i in range(3))
    assert all(harness.recorder.params(i)["limit"] == "2" for i in range(3))
    assert "offset" not in harness.recorder.params(0)


def test_discovery_filters_use_gamma_names_and_24h_volume_is_filtered_here() -> None:
    harness = Harness(_keyset_server([(MARKETS, None)]))
    filters = MarketFilters(
        volume_num_min=1000.0,
        end_date_min=datetime(2026, 5, 1, tzinfo=UTC),
        end_date_max=datetime(2026, 5, 8, 12, 30, tzinfo=UTC),
        min_volume_24hr=1000.0,
    )

    markets = _run(harness, lambda gamma: gamma.list_markets(filters))

    assert [m["id"] for m in markets] == [NEGRISK["id"], SPORTS["id"]]
    params = harness.recorder.params(0)
    assert params["closed"] == "false"
    assert params["volume_num_min"] == "1000.0"
    assert params["end_date_min"] == "2026-05-01T00:00:00Z"
    assert params["end_date_max"] == "2026-05-08T12:30:00Z"
    assert "min_volume_24hr" not in params


def test_naive_datetimes_are_refused_as_date_filters() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        MarketFilters(end_date_min=datetime(2026, 5, 1)).to_params()  # noqa: DTZ001


def test_a_repeated_cursor_is_a_paging_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("after_cursor") is None:
            return json_response({"markets": [BTC], "next_cursor": "c1"})
        return json_response({"markets": [NEGRISK], "next_cursor": "c1"})

    harness = Harness(Recorder(handler))

    with pytest.raises(PagingError, match="cursor 'c1' came back"):
        _run(harness, lambda gamma: _all_pages(gamma.iter_markets()))
    assert len(harness.recorder.requests) == 2


def test_a_server_that_ignores_the_cursor_is_caught_by_the_repeated_page_guard() -> None:
    harness = Harness(
        Recorder(lambda request: json_response({"markets": [BTC], "next_cursor": "c1"}))
    )

    with pytest.raises(PagingError, match="repeats page 1"):
        _run(harness, lambda gamma: _all_pages(gamma.iter_markets()))
    assert len(harness.recorder.requests) == 2


def test_offset_listing_takes_over_when_keyset_is_missing_and_stays_in_use() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/markets/keyset":
            return json_response({"error": "not found"}, 404)
        offset = int(request.url.params["offset"])
        return json_response(MARKETS[offset : offset + int(request.url.params["limit"])])

    harness = Harness(Recorder(handler))

    async def call(gamma: GammaClient) -> tuple[list[list[dict[str, Any]]], int]:
        first = await _all_pages(gamma.iter_markets(page_size=2))
        requests_before = len(harness.recorder.requests)
        await _all_pages(gamma.iter_markets(page_size=2))
        return first, len(harness.recorder.requests) - requests_before

    pages, second_listing_requests = _run(harness, call)

    assert [len(page) for page in pages] == [2, 2, 1]
    assert harness.recorder.paths[:4] == ["/markets/keyset", "/markets", "/markets", "/markets"]
    assert [harness.recorder.params(i)["offset"] for i in (1, 2, 3)] == ["0", "2", "4"]
    assert second_listing_requests == 3
    assert "/markets/keyset" not in harness.recorder.paths[4:]


def test_offset_listing_that_repeats_a_page_is_a_paging_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/markets/keyset":
            return json_response({}, 404)
        return json_response([BTC, NEGRISK])

    harness = Harness(Recorder(handler))

    with pytest.raises(PagingError, match="not advancing"):
        _run(harness, lambda gamma: _all_pages(gamma.iter_markets(page_size=2)))


def test_a_refused_deep_offset_is_a_paging_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/markets/keyset":
            return json_response({}, 404)
        if request.url.params["offset"] != "0":
            return json_response({"error": "offset too large, use /markets/keyset"}, 422)
        return json_response([BTC, NEGRISK])

    harness = Harness(Recorder(handler))

    with pytest.raises(PagingError, match="offset 2 refused"):
        _run(harness, lambda gamma: _all_pages(gamma.iter_markets(page_size=2)))


def test_events_page_with_the_events_key() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response({"events": EVENTS, "next_cursor": None})

    harness = Harness(Recorder(handler))

    pages = _run(
        harness, lambda gamma: _all_pages(gamma.iter_events(EventFilters(tag_slug="politics")))
    )

    assert pages == [EVENTS]
    assert harness.recorder.paths == ["/events/keyset"]
    assert harness.recorder.params(0)["tag_slug"] == "politics"


def test_page_size_over_gamma_cap_is_refused() -> None:
    harness = Harness(Recorder(lambda request: json_response([])))

    with pytest.raises(ValueError, match="page_size"):
        _run(harness, lambda gamma: _all_pages(gamma.iter_markets(page_size=101)))
