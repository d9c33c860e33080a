"""MarketStreamPool: round-robin assignment with a per-socket cap, over real sockets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Any

from polymarket_ml.core.events import MarketEvent
from polymarket_ml.sources.polymarket.ws_policy import MarketStreamConfig
from polymarket_ml.sources.polymarket.ws_pool import MarketStreamPool
from tests.sources.polymarket.ws_server import MarketChannelServer, within

TWO_PER_SOCKET = MarketStreamConfig(
    max_assets_per_connection=2,
    idle_timeout_secs=5.0,
    stagger_step_secs=0.5,
    stagger_window_secs=2.0,
)


def run(coro: Coroutine[Any, Any, None]) -> None:
    asyncio.run(asyncio.wait_for(coro, 15))


def test_assets_go_round_robin_and_a_new_socket_opens_when_all_are_full() -> None:
    async def scenario() -> None:
        queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
        pool = MarketStreamPool(
            "ws://127.0.0.1:9/ws/market", queue, connections=2, config=TWO_PER_SOCKET
        )  # not started: assignment only, nothing touches the network

        await pool.subscribe(["a1", "a2", "a3", "a4", "a5", "a1"])
        first = [conn.assets for conn in pool.connections]
        await pool.unsubscribe(["a3", "zz"])
        await pool.subscribe(["a6", "a7"])
        second = [conn.assets for conn in pool.connections]

        assert first == [{"a1", "a3"}, {"a2", "a4"}, {"a5"}]
        assert second == [{"a1", "a6"}, {"a2", "a4"}, {"a5", "a7"}]
        assert pool.assets == {"a1", "a2", "a4", "a5", "a6", "a7"}
        assert pool.connection_for("a7") is pool.connections[2]
        assert pool.connection_for("a3") is None
        assert [conn.stagger_secs for conn in pool.connections] == [0.0, 0.5, 1.0]

    run(scenario())


def test_pool_subscribes_each_socket_and_routes_unsubscribes_to_the_right_one() -> None:
    async def scenario() -> None:
        async with MarketChannelServer() as server:
            queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
            pool = MarketStreamPool(server.url, queue, connections=2, config=TWO_PER_SOCKET)
            async with pool:
                await pool.subscribe(["a1", "a2", "a3"])
                sockets = [await server.next_socket(), await server.next_socket()]
                firsts = [await s.next_json() for s in sockets]
                by_assets = {
                    tuple(f["assets_ids"]): s for f, s in zip(firsts, sockets, strict=True)
                }
                assert set(by_assets) == {("a1", "a3"), ("a2",)}

                await pool.unsubscribe(["a3"])
                message = await by_assets[("a1", "a3")].next_json()
                assert message == {"operation": "unsubscribe", "assets_ids": ["a3"]}

                await within(pool.connections[0].wait_subscribed())
                await within(pool.connections[1].wait_subscribed())
                health = pool.health()

            assert [h.subscribed_assets for h in health] == [1, 1]
            assert all(h.connected for h in health)
            assert [h.name for h in health] == ["market-0", "market-1"]
            assert json.loads(by_assets[("a2",)].received[0])["type"] == "market"

    run(scenario())
