"""ClobClient through httpx.MockTransport, fed with recorded CLOB payloads."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest

from polymarket_ml.core.enums import Side
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.errors import PagingError, ResponseDecodeError
from tests.sources.polymarket.fakes import Harness, Recorder, json_response, request_json
from tests.support import load_sample

T = TypeVar("T")

BOOK = load_sample("clob/book_2024-10_legacy_no_metadata.json")
TOKEN = BOOK["asset_id"]
MARKETS_PAGE = load_sample("clob/markets_page_2024.json")
NEGRISK_MARKET = load_sample("clob/market_negrisk_2024.json")
PRICES_HISTORY = load_sample("clob/fixture_prices_history.json")
FEE_RATE = load_sample("clob/fixture_fee_rate_nonzero.json")


def _run(harness: Harness, call: Callable[[ClobClient], Awaitable[T]], **kwargs: Any) -> T:
    async def scenario() -> T:
        async with ClobClient(**kwargs, **harness.client_kwargs()) as clob:
            return await call(clob)

    return asyncio.run(scenario())


def test_book_is_returned_in_wire_order() -> None:
    harness = Harness(Recorder(lambda request: json_response(BOOK)))

    book = _run(harness, lambda clob: clob.get_book(TOKEN))

    assert book == BOOK
    assert book["bids"][-1] == {"price": "0.1", "size": "125"}
    request = harness.recorder.requests[0]
    assert (request.method, request.url.path, dict(request.url.params)) == (
        "GET",
        "/book",
        {"token_id": TOKEN},
    )


def test_books_are_posted_in_batches_of_500() -> None:
    token_ids = [str(10**76 + i) for i in range(1200)]

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(
            [{**BOOK, "asset_id": item["token_id"]} for item in request_json(request)]
        )

    harness = Harness(Recorder(handler))

    books = _run(harness, lambda clob: clob.get_books(token_ids))

    assert [book["asset_id"] for book in books] == token_ids
    bodies = [request_json(request) for request in harness.recorder.requests]
    assert [len(body) for body in bodies] == [500, 500, 200]
    assert bodies[0][0] == {"token_id": token_ids[0]}
    assert {request.method for request in harness.recorder.requests} == {"POST"}
    assert set(harness.recorder.paths) == {"/books"}


def test_books_with_no_tokens_send_nothing() -> None:
    harness = Harness(Recorder(lambda request: json_response([])))

    assert _run(harness, lambda clob: clob.get_books([])) == []
    assert harness.recorder.requests == []


@pytest.mark.parametrize(
    ("call", "path", "params", "answer"),
    [
        (lambda c: c.get_price(TOKEN, Side.SELL), "/price", {"side": "SELL"}, {"price": "0.14"}),
        (lambda c: c.get_midpoint(TOKEN), "/midpoint", {}, {"mid": "0.12"}),
        (lambda c: c.get_spread(TOKEN), "/spread", {}, {"spread": "0.04"}),
        (
            lambda c: c.get_last_trade_price(TOKEN),
            "/last-trade-price",
            {},
            {"price": "0.52", "side": "BUY"},
        ),
        (lambda c: c.get_tick_size(TOKEN), "/tick-size", {}, {"minimum_tick_size": 0.01}),
        (lambda c: c.get_neg_risk(TOKEN), "/neg-risk", {}, {"neg_risk": False}),
        (lambda c: c.get_fee_rate(TOKEN), "/fee-rate", {}, FEE_RATE),
    ],
)
def test_token_endpoints_send_token_id_and_return_the_body(
    call: Callable[[ClobClient], Awaitable[dict[str, Any]]],
    path: str,
    params: dict[str, str],
    answer: dict[str, Any],
) -> None:
    harness = Harness(Recorder(lambda request: json_response(answer)))

    result = _run(harness, call)

    assert result == answer
    assert harness.recorder.paths == [path]
    assert dict(harness.recorder.params(0)) == {"token_id": TOKEN, **params}


def test_prices_history_takes_a_token_id_as_market() -> None:
    harness = Harness(Recorder(lambda request: json_response(PRICES_HISTORY)))

    history = _run(
        harness,
        lambda clob: clob.get_prices_history(
            TOKEN, start_ts=1729000000, end_ts=1729000600, fidelity_mins=1
        ),
    )

    assert history["history"][0] == {"t": 1729000000, "p": 0.51}
    assert dict(harness.recorder.params(0)) == {
        "market": TOKEN,
        "startTs": "1729000000",
        "endTs": "1729000600",
        "fidelity": "1",
    }


def test_prices_history_refuses_interval_with_explicit_bounds() -> None:
    harness = Harness(Recorder(lambda request: json_response(PRICES_HISTORY)))

    with pytest.raises(ValueError, match="either interval"):
        _run(harness, lambda clob: clob.get_prices_history(TOKEN, interval="1d", start_ts=1))


def test_market_lookups_by_condition_id_and_token() -> None:
    condition_id = NEGRISK_MARKET["condition_id"]
    harness = Harness(Recorder(lambda request: json_response(NEGRISK_MARKET)))

    async def call(clob: ClobClient) -> list[dict[str, Any]]:
        return [
            await clob.get_market(condition_id),
            await clob.get_clob_market(condition_id),
            await clob.get_market_by_token(TOKEN),
        ]

    results = _run(harness, call)

    assert results[0] == NEGRISK_MARKET
    assert harness.recorder.paths == [
        f"/markets/{condition_id}",
        f"/clob-markets/{condition_id}",
        f"/markets-by-token/{TOKEN}",
    ]


def test_market_list_pages_from_MA_until_LTE() -> None:  # noqa: N802
    last_page = {"data": MARKETS_PAGE["data"][:3], "next_cursor": "LTE=", "limit": 100, "count": 3}

    def handler(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params["next_cursor"]
        return json_response(MARKETS_PAGE if cursor == "MA==" else last_page)

    harness = Harness(Recorder(handler))

    async def call(clob: ClobClient) -> list[list[dict[str, Any]]]:
        return [page async for page in clob.iter_markets()]

    pages = _run(harness, call, base_url="http://127.0.0.1:9000/clob")

    assert [len(page) for page in pages] == [100, 3]
    assert [harness.recorder.params(i)["next_cursor"] for i in range(2)] == ["MA==", "MTAw"]
    assert set(harness.recorder.paths) == {"/clob/markets"}


def test_market_list_that_repeats_its_cursor_is_a_paging_error() -> None:
    harness = Harness(Recorder(lambda request: json_response(MARKETS_PAGE)))

    async def call(clob: ClobClient) -> None:
        async for _ in clob.iter_markets():
            pass

    with pytest.raises(PagingError):
        _run(harness, call)
    assert len(harness.recorder.requests) == 2


def test_an_array_where_an_object_belongs_is_a_decode_error() -> None:
    harness = Harness(Recorder(lambda request: json_response([BOOK])))

    with pytest.raises(ResponseDecodeError, match="expected a JSON object"):
        _run(harness, lambda clob: clob.get_book(TOKEN))
