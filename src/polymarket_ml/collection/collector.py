"""The WebSocket collector: follows the tokens of markets in the WebSocket tiers.

Events arrive from a pool of market-channel sockets (at most 500 tokens each, assigned round-robin,
reconnects staggered, books resynced over REST after a reconnect). Each trade gets its whale tier,
feeds the live trade metrics at once, and goes through a queue to a batch writer (idempotent, so a
trade seen twice is stored once). Subscriptions follow tier changes: every ``refresh_secs`` the
followed set is recomputed from the database and the difference is subscribed or unsubscribed on
the open sockets. Stopping flushes the queue: nothing buffered is lost. Performs network and
database I/O.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime

from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.core.events import MarketEvent, TradeEvent
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.core.types import Trade
from polymarket_ml.features.trades import classify_whale_tier
from polymarket_ml.sources.polymarket.ws_pool import MarketStreamPool
from polymarket_ml.storage.bulk import TradeRecord, write_trades
from polymarket_ml.storage.repositories import MarketRepository

log = logging.getLogger(__name__)

PoolFactory = Callable[["Collector"], MarketStreamPool]


@dataclasses.dataclass
class CollectorStats:
    trades_seen: int = 0
    trades_stored: int = 0
    trades_unmapped: int = 0  # a trade for a token we no longer follow
    write_failures: int = 0
    subscribed: int = 0
    last_flush_at: datetime | None = None


class Collector:
    def __init__(
        self,
        ctx: CollectionContext,
        ws_url: str,
        *,
        refresh_secs: float = 5.0,
        flush_secs: float = 0.5,
        flush_rows: int = 2000,
        queue_max: int = 200_000,
    ) -> None:
        self.ctx = ctx
        self.books = BookRegistry()
        self.stats = CollectorStats()
        self._refresh_secs = refresh_secs
        self._flush_secs = flush_secs
        self._flush_rows = flush_rows
        self._queue: asyncio.Queue[TradeRecord] = asyncio.Queue(maxsize=queue_max)
        self._market_of: dict[str, int] = {}  # followed token -> market id
        s = ctx.settings
        self._whales = (s.whale_tier_1_usd, s.whale_tier_2_usd, s.whale_tier_3_usd)
        self.pool = MarketStreamPool(
            ws_url,
            self._on_event,
            connections=s.websocket_num_connections,
            books=self.books,
            fetch_books=ctx.market_data.books,
            clock=ctx.clock,
        )

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize()

    async def run(self, stop: asyncio.Event) -> None:
        """Collect until ``stop`` is set; then unsubscribe, stop the sockets and flush."""
        writer = asyncio.create_task(self._write_loop(stop), name="collector-writer")
        await self.pool.start()
        try:
            while not stop.is_set():
                try:
                    await self.sync_subscriptions()
                except Exception:  # the database may be busy; try again next round
                    log.exception("could not refresh the followed markets")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._refresh_secs)
        finally:
            await self.pool.stop()
            await writer
            await self.flush()

    async def sync_subscriptions(self) -> None:
        """Follow exactly the tokens of active, open markets in the WebSocket tiers."""
        wanted = await asyncio.to_thread(self.wanted_tokens)
        current = set(self._market_of)
        added = [t for t in wanted if t not in current]
        removed = [t for t in current if t not in wanted]
        if added:
            self.ctx.metrics.follow(added, now=self.ctx.clock.now())
            self._market_of.update({t: wanted[t] for t in added})
            await self.pool.subscribe(added)
        if removed:
            await self.pool.unsubscribe(removed)
            self.ctx.metrics.unfollow(removed)
            for token in removed:
                self._market_of.pop(token, None)
        self.stats.subscribed = len(self._market_of)
        if added or removed:
            log.info(
                "following %d tokens (+%d, -%d)", len(self._market_of), len(added), len(removed)
            )

    def wanted_tokens(self) -> dict[str, int]:
        tiers = self.ctx.followed_tiers
        with self.ctx.sessions() as s:
            markets = MarketRepository(s).list_active()
        wanted: dict[str, int] = {}
        for m in markets:
            if m.tier in tiers and not m.closed and m.id is not None:
                for token in (m.yes_token_id, m.no_token_id):
                    if token:
                        wanted[token] = m.id
        return wanted

    async def _on_event(self, event: MarketEvent) -> None:
        if not isinstance(event, TradeEvent):
            return
        trade = event.trade
        market_id = self._market_of.get(trade.token_id)
        self.stats.trades_seen += 1
        if market_id is None:
            self.stats.trades_unmapped += 1
            return
        trade = self._classified(trade)
        self.ctx.metrics.add(trade)
        await self._queue.put((market_id, trade))

    def _classified(self, trade: Trade) -> Trade:
        book = self.books.get(trade.token_id)
        fresh = book is not None and book.synced and not book.needs_resync
        best_bid = book.best_bid_price if fresh and book is not None else None
        best_ask = book.best_ask_price if fresh and book is not None else None
        return dataclasses.replace(
            trade,
            whale_tier=classify_whale_tier(trade.price * trade.size, self._whales),
            best_bid=best_bid,
            best_ask=best_ask,
        )

    async def _write_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._flush_secs)
            await self.flush()

    async def flush(self) -> int:
        """Write every queued trade now; on failure they stay queued for the next flush."""
        batch: list[TradeRecord] = []
        while not self._queue.empty():
            batch.append(self._queue.get_nowait())
        if not batch:
            return 0
        try:
            stored = await asyncio.to_thread(write_trades, self.ctx.engine, batch)
        except Exception:
            self.stats.write_failures += 1
            log.exception("could not store %d trades; keeping them for the next flush", len(batch))
            for record in batch:
                self._queue.put_nowait(record)
            return 0
        self.stats.trades_stored += stored
        self.stats.last_flush_at = self.ctx.clock.now()
        await asyncio.to_thread(self._touch_markets, batch)
        return stored

    def _touch_markets(self, batch: list[TradeRecord]) -> None:
        last: dict[int, datetime] = {}
        for market_id, trade in batch:
            if market_id not in last or trade.received_at > last[market_id]:
                last[market_id] = trade.received_at
        with self.ctx.sessions.begin() as s:
            MarketRepository(s).record_last_trades(last)
