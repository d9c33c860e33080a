"""Many market-channel sockets behind one subscribe/unsubscribe API.

One socket carries at most ``max_assets_per_connection`` assets (500: above it the initial book
dumps stop arriving, polymarket-api.md §5.5). :class:`MarketStreamPool` hands new assets to its
connections round-robin, skipping full ones and opening another connection when all are full;
an asset is removed through the connection that follows it. Each connection reconnects on its
own, staggered by its index, so a network blip does not make them all reconnect at one instant.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable
from types import TracebackType
from typing import Self

from polymarket_ml.core.clock import Clock
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.sources.polymarket.resilience import RandomSource
from polymarket_ml.sources.polymarket.ws import (
    BookFetcher,
    EventConsumer,
    FrameSink,
    MarketConnection,
)
from polymarket_ml.sources.polymarket.ws_health import ConnectionHealth
from polymarket_ml.sources.polymarket.ws_policy import MarketStreamConfig, stagger_offset_secs


class MarketStreamPool:
    """Assets spread over ``connections`` sockets (more are opened when those are full).

    Every connection shares the consumer, the book registry, the REST fetcher and the frame
    sink (each frame comes with its connection's name: ``<name>-<index>``). Performs
    network I/O once started; use ``async with`` or :meth:`start`/:meth:`stop`.
    """

    def __init__(
        self,
        url: str,
        consumer: EventConsumer,
        *,
        connections: int = 1,
        config: MarketStreamConfig | None = None,
        books: BookRegistry | None = None,
        fetch_books: BookFetcher | None = None,
        clock: Clock | None = None,
        rng: RandomSource = random.random,
        name: str = "market",
        frame_sink: FrameSink | None = None,
    ) -> None:
        if connections < 1:
            raise ValueError(f"a pool needs at least one connection, got {connections}")
        self.url = url
        self.name = name
        self.config = config or MarketStreamConfig()
        self.books = books
        self._consumer = consumer
        self._fetch_books = fetch_books
        self._clock = clock
        self._rng = rng
        self._frame_sink = frame_sink
        self._connections: list[MarketConnection] = []
        self._owner: dict[str, int] = {}  # asset -> index of the connection following it
        self._load: list[int] = []  # assets per connection
        self._cursor = 0
        self._started = False
        for _ in range(connections):
            self._new_connection()

    def _new_connection(self) -> MarketConnection:
        index = len(self._connections)
        conn = MarketConnection(
            self.url,
            self._consumer,
            config=self.config,
            books=self.books,
            fetch_books=self._fetch_books,
            clock=self._clock,
            rng=self._rng,
            name=f"{self.name}-{index}",
            stagger_secs=stagger_offset_secs(
                index,
                step_secs=self.config.stagger_step_secs,
                window_secs=self.config.stagger_window_secs,
            ),
            frame_sink=self._frame_sink,
        )
        self._connections.append(conn)
        self._load.append(0)
        return conn

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Start every connection; those without assets connect on their first asset."""
        self._started = True
        for conn in self._connections:
            await conn.start()

    async def stop(self) -> None:
        """Stop every connection and wait until all their tasks have ended."""
        self._started = False
        await asyncio.gather(*(conn.stop() for conn in self._connections))

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- assets ---------------------------------------------------------------------------

    @property
    def connections(self) -> tuple[MarketConnection, ...]:
        return tuple(self._connections)

    @property
    def assets(self) -> frozenset[str]:
        return frozenset(self._owner)

    def connection_for(self, asset_id: str) -> MarketConnection | None:
        index = self._owner.get(asset_id)
        return None if index is None else self._connections[index]

    async def subscribe(self, asset_ids: Iterable[str]) -> None:
        """Follow new assets, each on the next connection (round-robin) that has room.

        Performs network I/O (dynamic subscribes; a new socket when every one is full).
        """
        plan: dict[int, list[str]] = {}
        for asset in dict.fromkeys(asset_ids):
            if asset in self._owner:
                continue
            index = self._next_with_room()
            self._owner[asset] = index
            self._load[index] += 1
            plan.setdefault(index, []).append(asset)
        for index, assets in plan.items():
            conn = self._connections[index]
            if self._started and not conn.started:
                await conn.start()
            await conn.subscribe(assets)

    async def unsubscribe(self, asset_ids: Iterable[str]) -> None:
        """Stop following assets, each through the connection that follows it."""
        plan: dict[int, list[str]] = {}
        for asset in dict.fromkeys(asset_ids):
            index = self._owner.pop(asset, None)
            if index is not None:
                self._load[index] -= 1
                plan.setdefault(index, []).append(asset)
        for index, assets in plan.items():
            await self._connections[index].unsubscribe(assets)

    def _next_with_room(self) -> int:
        """Index of the next connection, round-robin, with fewer assets than the limit."""
        limit = self.config.max_assets_per_connection
        count = len(self._connections)
        for step in range(count):
            index = (self._cursor + step) % count
            if self._load[index] < limit:
                self._cursor = (index + 1) % count
                return index
        self._new_connection()
        self._cursor = 0
        return count

    # -- health ---------------------------------------------------------------------------

    def health(self) -> list[ConnectionHealth]:
        return [conn.health() for conn in self._connections]


__all__ = ["MarketStreamPool"]
