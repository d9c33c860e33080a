"""REST resync of books the market channel left unsynced: real socket, CLOB over MockTransport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from decimal import Decimal
from typing import Any

import httpx

from polymarket_ml.core.events import BookEvent, MarketEvent, TickSizeChange
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.gamma import GammaClient
from polymarket_ml.sources.polymarket.market_data import MarketData
from polymarket_ml.sources.polymarket.ws import MarketConnection
from polymarket_ml.sources.polymarket.ws_policy import MarketStreamConfig
from tests.sources.polymarket.fakes import Harness, Recorder, json_response, request_json
from tests.sources.polymarket.ws_server import MarketChannelServer, within
from tests.support import load_sample

WS_BOOK = load_sample("ws/book_snapshot_2024-10.json")
WS_ASSET: str = WS_BOOK["asset_id"]
REST_BOOK = load_sample("clob/fixture_book_response.json")
REST_ONLY_ASSET = "21742633143463906290569050155826241533067272736897614950488156847949938836455"

CONFIG = MarketStreamConfig(
    idle_timeout_secs=5.0,
    reconnect_base_secs=0.01,
    reconnect_cap_secs=0.05,
    resync_grace_secs=0.1,
    resync_check_secs=0.02,
)


def rest_books(request: httpx.Request) -> httpx.Response:
    """``POST /books``: the recorded REST book, once per token asked for."""
    tokens = [item["token_id"] for item in request_json(request)]
    return json_response([{**REST_BOOK, "asset_id": token} for token in tokens])


def run(coro: Coroutine[Any, Any, None]) -> None:
    asyncio.run(asyncio.wait_for(coro, 15))


def test_books_the_dump_left_out_and_books_reset_by_a_tick_change_are_fetched_over_rest() -> None:
    harness = Harness(Recorder(rest_books))

    async def scenario() -> None:
        books = BookRegistry()
        queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
        async with (
            GammaClient(**harness.client_kwargs()) as gamma,
            ClobClient(**harness.client_kwargs()) as clob,
            MarketChannelServer() as server,
        ):
            data = MarketData(gamma, clob, harness.clock)
            conn = MarketConnection(
                server.url, queue, assets=[WS_ASSET, REST_ONLY_ASSET], config=CONFIG,
                books=books, fetch_books=data.books,
            )  # fmt: skip
            async with conn:
                client = await server.next_socket()
                await client.next_json()
                # given: the dump brings one of the two books
                await client.send(json.dumps([WS_BOOK]))
                ws_event = await within(queue.get())

                # then: the other one is fetched over REST once the grace period is over
                rest_event = await within(queue.get())
                assert isinstance(ws_event, BookEvent)
                assert isinstance(rest_event, BookEvent)
                assert rest_event.token_id == REST_ONLY_ASSET
                assert [b["token_id"] for b in request_json(harness.recorder.requests[0])] == [
                    REST_ONLY_ASSET
                ]
                assert books.book(REST_ONLY_ASSET).synced
                assert books.book(REST_ONLY_ASSET).best_bid_price == Decimal("0.50")

                # when: a tick size change resets the WebSocket book
                tick = load_sample("ws/tick_size_change_2025-02.json")
                await client.send(json.dumps({**tick, "asset_id": WS_ASSET}))
                assert isinstance(await within(queue.get()), TickSizeChange)
                assert not books.book(WS_ASSET).synced

                # then: it is fetched over REST as well
                resynced = await within(queue.get())
                assert isinstance(resynced, BookEvent)
                assert resynced.token_id == WS_ASSET
                assert books.book(WS_ASSET).synced
                health = conn.health()

        assert harness.recorder.paths == ["/books", "/books"]
        assert health.rest_resyncs == 2
        assert health.unsynced_books == 0

    run(scenario())


def test_no_rest_fetch_while_the_book_dump_arrives_in_time() -> None:
    harness = Harness(Recorder(rest_books))

    async def scenario() -> None:
        books = BookRegistry()
        queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
        async with (
            GammaClient(**harness.client_kwargs()) as gamma,
            ClobClient(**harness.client_kwargs()) as clob,
            MarketChannelServer() as server,
        ):
            data = MarketData(gamma, clob, harness.clock)
            config = MarketStreamConfig(resync_grace_secs=0.3, resync_check_secs=0.02)
            conn = MarketConnection(
                server.url, queue, assets=[WS_ASSET], config=config,
                books=books, fetch_books=data.books,
            )  # fmt: skip
            async with conn:
                client = await server.next_socket()
                await client.next_json()
                await client.send(json.dumps([WS_BOOK]))
                await within(queue.get())
                await asyncio.sleep(0.4)  # past the grace period
                assert books.book(WS_ASSET).synced

        assert harness.recorder.requests == []
        assert not books.book(WS_ASSET).synced  # a stopped stream serves no book

    run(scenario())
