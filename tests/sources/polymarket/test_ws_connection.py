"""MarketConnection over real sockets, against a scripted market-channel server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from decimal import Decimal
from typing import Any

import pytest

from polymarket_ml.core.events import (
    BestBidAsk,
    BookEvent,
    MarketEvent,
    NewMarket,
    PriceChange,
    TickSizeChange,
    TradeEvent,
)
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.sources.polymarket.ws import MarketConnection
from polymarket_ml.sources.polymarket.ws_policy import MarketStreamConfig
from tests.sources.polymarket.ws_server import MarketChannelServer, raw_sample, within
from tests.support import load_sample

BOOK = load_sample("ws/book_snapshot_2024-10.json")
BOOK_ASSET: str = BOOK["asset_id"]
ONE = [BOOK_ASSET]

# fast enough for tests, slow enough that nothing fires by accident
FAST = MarketStreamConfig(
    ping_interval_secs=5.0,
    idle_timeout_secs=5.0,
    reconnect_base_secs=0.01,
    reconnect_cap_secs=0.05,
    close_timeout_secs=0.5,
    resync_grace_secs=60.0,
)


def run(coro: Coroutine[Any, Any, None]) -> None:
    asyncio.run(asyncio.wait_for(coro, 15))


async def next_event(queue: asyncio.Queue[MarketEvent]) -> MarketEvent:
    return await within(queue.get())


async def wait_until(condition: Any, timeout: float = 3.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await within(poll(), timeout)


def test_subscribes_with_the_asset_ids_market_type_and_custom_features() -> None:
    async def scenario() -> None:
        async with MarketChannelServer() as server:
            queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
            conn = MarketConnection(server.url, queue, assets=["1", "2"], config=FAST)
            async with conn:
                client = await server.next_socket()
                first = await client.next_message()
                await within(conn.wait_subscribed())

            assert json.loads(first) == {
                "assets_ids": ["1", "2"],
                "type": "market",
                "custom_feature_enabled": True,
            }

    run(scenario())


def test_pings_only_after_the_first_subscription() -> None:
    async def scenario() -> None:
        config = MarketStreamConfig(ping_interval_secs=0.03, idle_timeout_secs=5.0)
        async with MarketChannelServer() as server:
            queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
            async with MarketConnection(server.url, queue, config=config) as conn:
                await asyncio.sleep(0.15)  # no assets: no socket, so no PING either
                assert server.sockets == []

                await conn.subscribe(["1"])
                client = await server.next_socket()
                await wait_until(lambda: client.pings >= 3)

            assert json.loads(client.received[0])["assets_ids"] == ["1"]
            assert set(client.received[1:]) == {"PING"}

    run(scenario())


def test_dynamic_subscribe_and_unsubscribe_go_over_the_open_socket() -> None:
    async def scenario() -> None:
        async with MarketChannelServer() as server:
            queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
            async with MarketConnection(server.url, queue, assets=["1", "2"], config=FAST) as conn:
                client = await server.next_socket()
                await client.next_json()
                await within(conn.wait_subscribed())

                assert await conn.subscribe(["3", "1"]) == ["3"]
                subscribe = await client.next_json()
                assert await conn.unsubscribe(["1", "9"]) == ["1"]
                unsubscribe = await client.next_json()

                assert subscribe == {
                    "operation": "subscribe",
                    "assets_ids": ["3"],
                    "custom_feature_enabled": True,
                }
                assert unsubscribe == {"operation": "unsubscribe", "assets_ids": ["1"]}
                assert conn.assets == {"2", "3"}
                assert len(server.sockets) == 1
                assert conn.health().reconnects == 0

    run(scenario())


def test_array_frames_and_recorded_frames_arrive_as_parsed_events() -> None:
    async def scenario() -> None:
        async with MarketChannelServer() as server:
            queue: asyncio.Queue[MarketEvent] = asyncio.Queue(maxsize=50)
            changes = load_sample("ws/fixture_price_change_v2_two_assets.json")
            followed = [BOOK_ASSET, *(c["asset_id"] for c in changes["price_changes"])]
            async with MarketConnection(server.url, queue, assets=followed, config=FAST) as conn:
                client = await server.next_socket()
                await client.next_json()

                trade = load_sample("ws/last_trade_price_2024-08.json")
                tick = load_sample("ws/tick_size_change_2025-02.json")
                await client.send(json.dumps([BOOK, trade]))  # the initial dump is an array
                for ignored in ("PONG", "NO NEW ASSETS", "[]"):
                    await client.send(ignored)
                await client.send(raw_sample("ws/fixture_price_change_v2_two_assets.json"))
                await client.send(json.dumps(tick))
                await client.send(raw_sample("ws/best_bid_ask_2025-12.json"))
                await client.send(raw_sample("ws/new_market_2025-12.json"))

                events = [await next_event(queue) for _ in range(6)]
                health = conn.health()

            assert [type(e) for e in events] == [
                BookEvent,
                TradeEvent,
                PriceChange,
                TickSizeChange,
                BestBidAsk,
                NewMarket,
            ]
            book = events[0]
            assert isinstance(book, BookEvent)
            assert book.token_id == BOOK_ASSET
            assert book.book.best_bid is not None
            assert book.book.best_bid.price == Decimal("0.511")
            trade_event = events[1]
            assert isinstance(trade_event, TradeEvent)
            assert trade_event.trade.price == Decimal("0.491")
            assert health.bad_frames == 0
            assert health.events == 6
            assert health.messages_per_min == 6.0
            assert health.trades_per_min == 1.0
            assert health.queue_depth == 0
            assert health.queue_max == 50
            assert health.last_message_age_secs is not None

    run(scenario())


def test_a_malformed_frame_is_logged_counted_and_the_stream_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario() -> None:
        async with MarketChannelServer() as server:
            queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
            async with MarketConnection(
                server.url, queue, assets=[BOOK_ASSET], config=FAST
            ) as conn:
                client = await server.next_socket()
                await client.next_json()

                await client.send('{"event_type": "book", "oops')
                await client.send(json.dumps(BOOK))
                event = await next_event(queue)

                assert isinstance(event, BookEvent)
                assert conn.health().bad_frames == 1
                assert conn.health().reconnects == 0

    with caplog.at_level(logging.WARNING):
        run(scenario())
    assert any('{"event_type": "book", "oops' in r.getMessage() for r in caplog.records)


def test_a_dropped_connection_reconnects_and_resubscribes_the_current_assets() -> None:
    async def scenario() -> None:
        async with MarketChannelServer() as server:
            queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
            async with MarketConnection(server.url, queue, assets=["1", "2"], config=FAST) as conn:
                first = await server.next_socket()
                await first.next_json()
                await within(conn.wait_subscribed())
                await conn.subscribe(["3"])
                await conn.unsubscribe(["1"])
                await first.next_json()
                await first.next_json()

                first.drop()
                second = await server.next_socket()
                resubscribe = await second.next_json()
                await within(conn.wait_subscribed())
                health = conn.health()

            assert resubscribe["assets_ids"] == ["2", "3"]
            assert "operation" not in resubscribe
            assert health.reconnects == 1
            assert health.disconnects == 1
            assert health.connected
            assert health.last_disconnect_reason is not None

    run(scenario())


def test_a_silent_server_trips_the_idle_timeout_and_the_client_reconnects() -> None:
    async def scenario() -> None:
        # PONGs keep coming but no data does: the feed is frozen, the socket is not trusted
        config = MarketStreamConfig(
            ping_interval_secs=0.05,
            idle_timeout_secs=0.3,
            reconnect_base_secs=0.01,
            reconnect_cap_secs=0.05,
            close_timeout_secs=0.2,
        )
        async with MarketChannelServer(answer_pings=True) as server:
            queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
            async with MarketConnection(server.url, queue, assets=["1"], config=config) as conn:
                first = await server.next_socket()
                await first.next_json()
                second = await server.next_socket()
                await second.next_json()
                await within(first.closed.wait())
                health = conn.health()

            assert first.pings >= 2
            assert health.idle_timeouts >= 1
            assert health.reconnects >= 1
            assert health.last_disconnect_reason is not None
            assert "idle timeout" in health.last_disconnect_reason

    run(scenario())


def test_books_are_stale_after_a_reconnect_until_the_fresh_book_dump() -> None:
    async def scenario() -> None:
        async with MarketChannelServer() as server:
            books = BookRegistry()
            queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
            conn = MarketConnection(
                server.url, queue, assets=[BOOK_ASSET], config=FAST, books=books
            )
            async with conn:
                first = await server.next_socket()
                await first.next_json()
                assert conn.unsynced_assets() == [BOOK_ASSET]  # no book yet
                await first.send(json.dumps([BOOK]))
                await next_event(queue)
                book = books.book(BOOK_ASSET)
                assert book.synced
                assert conn.health().unsynced_books == 0

                first.drop()
                second = await server.next_socket()
                await second.next_json()
                assert not book.synced
                assert book.needs_resync
                assert book.bid_levels == 0
                assert conn.health().unsynced_books == 1

                await second.send(json.dumps([BOOK]))
                await next_event(queue)
                assert book.synced
                assert book.best_bid_price == Decimal("0.511")
                assert conn.health().unsynced_books == 0

    run(scenario())


def test_events_can_go_to_a_callback_whose_failures_are_counted() -> None:
    async def scenario() -> None:
        seen: list[MarketEvent] = []

        async def consume(event: MarketEvent) -> None:
            seen.append(event)
            if len(seen) == 1:
                raise RuntimeError("consumer bug")

        async with MarketChannelServer() as server:
            async with MarketConnection(
                server.url, consume, assets=[BOOK_ASSET], config=FAST
            ) as conn:
                client = await server.next_socket()
                await client.next_json()
                await client.send(json.dumps([BOOK, BOOK]))
                await wait_until(lambda: len(seen) == 2)
                health = conn.health()

            assert health.consumer_errors == 1
            assert health.queue_depth == 0
            assert health.connected

    run(scenario())


def test_a_full_queue_is_visible_as_queue_depth() -> None:
    async def scenario() -> None:
        async with MarketChannelServer() as server:
            queue: asyncio.Queue[MarketEvent] = asyncio.Queue(maxsize=2)
            async with MarketConnection(
                server.url, queue, assets=[BOOK_ASSET], config=FAST
            ) as conn:
                client = await server.next_socket()
                await client.next_json()
                await client.send(json.dumps([BOOK, BOOK, BOOK]))
                await wait_until(lambda: queue.full())
                assert conn.health().queue_depth == 2
                assert conn.health().queue_max == 2

                await next_event(queue)  # the reader was waiting; now the third one fits
                await wait_until(lambda: queue.full())
                assert conn.health().events == 3

    run(scenario())


def test_stop_closes_the_socket_and_leaves_no_task_behind() -> None:
    async def scenario() -> None:
        async with MarketChannelServer() as server:
            queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
            conn = MarketConnection(
                server.url, queue, assets=["1"], config=FAST, books=BookRegistry(),
                fetch_books=_no_books, name="under-test",
            )  # fmt: skip
            await conn.start()
            client = await server.next_socket()
            await client.next_json()
            await within(conn.wait_subscribed())

            await within(conn.stop())

            await within(client.closed.wait())
            leftover = [t for t in asyncio.all_tasks() if t.get_name().startswith("under-test")]
            assert leftover == []
            assert not conn.connected
            assert not conn.started

    run(scenario())


async def _no_books(asset_ids: Any) -> dict[str, Any]:
    return {}


def test_invalid_url_is_refused_at_construction() -> None:
    queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
    with pytest.raises(ValueError, match="not a WebSocket URL"):
        MarketConnection("http://example.com/ws", queue)
