"""The WebSocket collector: follows the tokens of markets in the WebSocket tiers.

Events arrive from a pool of market-channel sockets (at most 500 tokens each, assigned round-robin,
reconnects staggered, books resynced over REST after a reconnect). Each trade gets its whale tier,
feeds the live trade metrics at once, and goes through a queue to a batch writer (idempotent, so a
trade seen twice is stored once). Subscriptions follow tier changes: every ``refresh_secs`` the
followed set is recomputed from the database and the difference is subscribed or unsubscribed on
the open sockets. Stopping flushes the queue: nothing buffered is lost. Performs network and
database I/O.

With a :class:`JournalWriter`, every raw frame is journaled before it is decoded, and at start
the journal of the current and the previous hour is replayed in the background, so that trades
received but not stored before a crash are stored now (writes are idempotent: the others are
skipped). The collector starts and closes the journal writer. Every refresh, a connection whose
trade rate collapsed (:func:`is_trade_rate_collapsed`) is reconnected — one at a time: the next
may be forced only once the last one is back with its books in sync (or after a while).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.journal import JournalWriter, recent_journal_files
from polymarket_ml.collection.replay import ReplaySummary, classify_trade, replay_journal
from polymarket_ml.core.events import MarketEvent, TradeEvent
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.core.types import Trade
from polymarket_ml.sources.polymarket.ws import MarketConnection
from polymarket_ml.sources.polymarket.ws_policy import MarketStreamConfig, is_trade_rate_collapsed
from polymarket_ml.sources.polymarket.ws_pool import MarketStreamPool
from polymarket_ml.storage.bulk import TradeRecord, write_trades
from polymarket_ml.storage.monitoring import open_market_tokens
from polymarket_ml.storage.repositories import MarketRepository

log = logging.getLogger(__name__)

PoolFactory = Callable[["Collector"], MarketStreamPool]

FORCED_RECONNECT_SETTLE_SECS = 60.0
"""A forced reconnect counts as in flight until its books are back in sync, or this long."""


@dataclasses.dataclass
class CollectorStats:
    trades_seen: int = 0
    trades_stored: int = 0
    trades_unmapped: int = 0  # a trade for a token we no longer follow
    write_failures: int = 0
    subscribed: int = 0
    trades_recovered: int = 0  # stored at start from the journal: lost by the last run
    forced_reconnects: int = 0
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
        journal: JournalWriter | None = None,
        stream_config: MarketStreamConfig | None = None,
    ) -> None:
        self.ctx = ctx
        self.journal = journal
        self.recovery: ReplaySummary | None = None
        self.recovered = asyncio.Event()  # set once the start-up journal replay is over
        self._forced: tuple[MarketConnection, float] | None = None  # in flight, since (mono)
        self._last_forced: dict[str, float] = {}  # connection name -> monotonic time
        self.books = BookRegistry()
        self.stats = CollectorStats()
        self._refresh_secs = refresh_secs
        self._flush_secs = flush_secs
        self._flush_rows = flush_rows
        self._queue: asyncio.Queue[TradeRecord] = asyncio.Queue(maxsize=queue_max)
        self._market_of: dict[str, int] = {}  # followed token -> market id
        self.trade_listeners: list[Callable[[Trade], None]] = []  # e.g. the paper executor
        s = ctx.settings
        self._whales = (s.whale_tier_1_usd, s.whale_tier_2_usd, s.whale_tier_3_usd)
        self.pool = MarketStreamPool(
            ws_url,
            self._on_event,
            connections=s.websocket_num_connections,
            books=self.books,
            fetch_books=ctx.market_data.books,
            clock=ctx.clock,
            config=stream_config,
            frame_sink=journal.write if journal is not None else None,
        )

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize()

    async def run(self, stop: asyncio.Event) -> None:
        """Collect until ``stop`` is set; then stop the sockets, flush, close the journal."""
        recovery = None
        if self.journal is not None:
            # the files from before this run, read while this run writes new ones
            earlier = recent_journal_files(self.journal.directory, self.ctx.clock.now())
            await asyncio.to_thread(self.journal.start)
            tail = [p for p in earlier if p not in self.journal.paths]
            recovery = asyncio.create_task(self._recover(tail), name="collector-recovery")
        else:
            self.recovered.set()
        writer = asyncio.create_task(self._write_loop(stop), name="collector-writer")
        await self.pool.start()
        try:
            while not stop.is_set():
                try:
                    await self.sync_subscriptions()
                except Exception:  # the database may be busy; try again next round
                    log.exception("could not refresh the followed markets")
                await self.check_trade_rates()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._refresh_secs)
        finally:
            await self.pool.stop()
            await writer
            await self.flush()
            if recovery is not None:
                await recovery
            if self.journal is not None:
                await asyncio.to_thread(self.journal.close)

    async def _recover(self, files: list[Path]) -> None:
        """Store the journaled trades of ``files`` that are not stored yet (in a thread)."""
        try:
            if files:
                summary = await asyncio.to_thread(
                    replay_journal, files, engine=self.ctx.engine, whales=self._whales
                )
                self.recovery = summary
                self.stats.trades_recovered = summary.stored or 0
                log.info(
                    "journal recovery: %d trades in %d files, %d of them were not stored yet",
                    summary.trades,
                    summary.files,
                    self.stats.trades_recovered,
                )
        except Exception:  # recovery is a bonus: collection goes on without it
            log.exception("could not replay the journal tail %s", [str(p) for p in files])
        finally:
            self.recovered.set()

    async def check_trade_rates(self) -> str | None:
        """Reconnect one connection whose trade rate collapsed, unless one is still in flight.

        Returns the name of the connection reconnected now, if any. Performs network I/O.
        """
        now = time.monotonic()
        if self._forced is not None:
            conn, since = self._forced
            back = conn.connected and not conn.unsynced_assets()
            if not back and now - since < FORCED_RECONNECT_SETTLE_SECS:
                return None
            self._forced = None
        floor = self.ctx.settings.min_trades_per_minute
        window = self.pool.config.trade_rate_recent_secs
        # the one forced longest ago goes first: a quiet socket does not starve the others
        order = sorted(self.pool.connections, key=lambda c: self._last_forced.get(c.name, 0.0))
        for conn in order:
            h = conn.health()
            if not is_trade_rate_collapsed(
                usual_per_min=h.usual_trades_per_min,
                recent_per_min=h.recent_trades_per_min,
                connected_secs=h.connected_secs,
                min_per_min=floor,
                recent_window_secs=window,
            ):
                continue
            reason = (
                f"{h.recent_trades_per_min:.1f} trades/min over the last {window}s,"
                f" below {floor:g} (usually {h.usual_trades_per_min or 0:.1f})"
            )
            if await conn.reconnect(reason):
                self._forced = (conn, now)
                self._last_forced[conn.name] = now
                self.stats.forced_reconnects += 1
                return conn.name
        return None

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
        """Token -> market id of every active, open market in the WebSocket tiers."""
        return open_market_tokens(self.ctx.engine, [int(t) for t in self.ctx.followed_tiers])

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
        for listener in self.trade_listeners:  # must be quick: on the hot path
            listener(trade)
        await self._queue.put((market_id, trade))

    def _classified(self, trade: Trade) -> Trade:
        return classify_trade(trade, self.books.get(trade.token_id), self._whales)

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
