"""The market WebSocket channel (polymarket-api.md §5): one socket, kept alive and resubscribed.

:class:`MarketConnection` opens the socket, sends the subscription, keeps it alive with a text
``PING`` every 10 s (only once subscribed), decodes frames with :class:`FrameDecoder` and hands
each event to a consumer: an async callback, or a bounded ``asyncio.Queue`` whose depth is
reported in :meth:`MarketConnection.health`. Assets are added and removed on the open socket
with dynamic ``subscribe``/``unsubscribe`` messages. A ``frame_sink`` (the journal) gets every
raw data frame with its receipt time before it is decoded.

A silent socket is a dead socket: with no data frame for ``idle_timeout_secs`` it is closed and
reopened; :meth:`MarketConnection.reconnect` reopens a socket a health rule condemned (e.g.
:func:`.ws_policy.is_trade_rate_collapsed`). When to reopen is decided by
:func:`.ws_policy.next_reconnect_delay` alone. The
exchange has no sequence numbers (§5.4), so every lost socket makes the local books of its
assets stale: they are invalidated at once, and again before the full asset set is
resubscribed, and stay unsynced until the fresh ``book`` dump — or, after
``resync_grace_secs``, a REST fetch — replaces them. Books the :class:`LocalBook` itself
invalidated (tick size change, crossed book, best-price mismatch) are fetched the same way.
A REST snapshot can miss deltas that arrive while it is fetched; the exchange's best prices on
the next ``price_change`` expose that, and the book is reset and fetched again.

A ``price_change`` carries both tokens of its market and reaches every socket that follows
either, and a pool may follow a market's two tokens on two sockets: each socket applies, and
hands on, only the changes of its own assets (:meth:`PriceChange.only`), so every book is fed by
one ordered stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Self

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidURI, WebSocketException
from websockets.uri import parse_uri

from polymarket_ml.core.clock import Clock, SystemClock
from polymarket_ml.core.errors import SourceError
from polymarket_ml.core.events import (
    BookEvent,
    MarketEvent,
    PriceChange,
    TradeEvent,
    event_token,
)
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.core.types import Book
from polymarket_ml.sources.polymarket.parse import FrameDecoder
from polymarket_ml.sources.polymarket.resilience import RandomSource
from polymarket_ml.sources.polymarket.ws_health import ConnectionHealth, RollingCount
from polymarket_ml.sources.polymarket.ws_messages import (
    PING,
    market_subscribe_message,
    market_update_message,
)
from polymarket_ml.sources.polymarket.ws_policy import MarketStreamConfig, next_reconnect_delay

log = logging.getLogger(__name__)

MARKET_WS_URL = "wss://ws-subscriptions-clob.polymarket.com/ws/market"
_CONTROL_FRAMES = frozenset({b"PONG", b"NO NEW ASSETS"})

EventCallback = Callable[[MarketEvent], Awaitable[None]]
EventConsumer = EventCallback | asyncio.Queue[MarketEvent]
"""Where events go: awaited one by one, in frame order. A full queue makes the reader wait."""
BookFetcher = Callable[[Sequence[str]], Awaitable[Mapping[str, Book]]]
"""Fetches fresh books by token id over REST, e.g. ``MarketData.books`` (``POST /books``)."""
FrameSink = Callable[[bytes, datetime, str], None]
"""Gets every data frame as received (raw bytes, receipt time, connection name), before it is
decoded, bad frames included; e.g. a journal. Called in the event loop: it must be quick."""


class MarketConnection:
    """One market-channel socket and the asset set it follows; reconnects until stopped.

    Use ``async with MarketConnection(...)`` or :meth:`start`/:meth:`stop`. Performs network
    I/O (a WebSocket and, through ``fetch_books``, REST). Never raises for network failures:
    they are logged, counted in :meth:`health` and retried. ``books`` (optional) is kept
    current from the events before they reach the consumer; share one registry between the
    connections of a pool. ``stagger_secs`` is added to every reconnect delay
    (:func:`.ws_policy.stagger_offset_secs`). Not thread-safe: use from one event loop.
    """

    def __init__(
        self,
        url: str,
        consumer: EventConsumer,
        *,
        assets: Iterable[str] = (),
        config: MarketStreamConfig | None = None,
        books: BookRegistry | None = None,
        fetch_books: BookFetcher | None = None,
        clock: Clock | None = None,
        rng: RandomSource = random.random,
        name: str = "market",
        stagger_secs: float = 0.0,
        frame_sink: FrameSink | None = None,
    ) -> None:
        try:
            parse_uri(url)
        except InvalidURI as exc:
            raise ValueError(f"not a WebSocket URL: {url!r} ({exc})") from exc
        if stagger_secs < 0:
            raise ValueError(f"stagger_secs must not be negative, got {stagger_secs}")
        self.url = url
        self.name = name
        self.config = config or MarketStreamConfig()
        self.books = books
        self._consumer = consumer
        self._fetch_books = fetch_books
        self._frame_sink = frame_sink
        self._clock = clock or SystemClock()
        self._rng = rng
        self.stagger_secs = stagger_secs
        self._log = log
        self._decoder = FrameDecoder(logging.getLogger(f"{__name__}.{name}"))

        self._assets: dict[str, None] = dict.fromkeys(assets)  # ordered set
        self._has_assets = asyncio.Event()
        self._subscribed = asyncio.Event()
        self._send_lock = asyncio.Lock()
        self._ws: ClientConnection | None = None
        self._generation = 0  # sockets opened so far; a REST fetch checks it did not change
        self._attempt = 0  # failed tries since data last flowed
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._pinger: asyncio.Task[None] | None = None

        self._connected_since: datetime | None = None
        self._last_data_mono: float | None = None
        self._opened_mono = 0.0  # when the current socket was subscribed
        self._started_mono: float | None = None  # when start() was called
        self._last_seen: dict[str, float] = {}
        self._unsynced_since: dict[str, float] = {}
        self._messages = RollingCount()
        self._trades = RollingCount()
        self._trades_recent = RollingCount(self.config.trade_rate_recent_secs)
        self._trades_usual = RollingCount(self.config.trade_rate_usual_secs)
        self._reconnects = 0
        self._forced_reconnects = 0
        self._force_reason: str | None = None
        self._sink_errors = 0
        self._disconnects = 0
        self._idle_timeouts = 0
        self._rest_resyncs = 0
        self._consumer_errors = 0
        self._last_disconnect_reason: str | None = None

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Start connecting in the background (at once if there are assets, else on the first
        :meth:`subscribe`)."""
        if self._tasks:
            raise RuntimeError(f"{self.name}: already started")
        self._stopping = False
        self._started_mono = time.monotonic()
        if self._assets:
            self._has_assets.set()
        for asset in self._assets:
            self._track(asset)
        self._tasks.append(asyncio.create_task(self._run(), name=f"{self.name}-run"))
        if self.books is not None and self._fetch_books is not None:
            resync = self._resync_loop(self.books, self._fetch_books)
            self._tasks.append(asyncio.create_task(resync, name=f"{self.name}-resync"))

    async def stop(self) -> None:
        """Cancel every task of this connection and close the socket; waits until all ended."""
        self._stopping = True
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

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

    async def wait_subscribed(self) -> None:
        """Return once a socket is open and the full asset set was sent (bound it with a
        timeout: it waits across reconnects)."""
        await self._subscribed.wait()

    async def reconnect(self, reason: str) -> bool:
        """Close the open socket so that it is reopened at once (resubscribed, books resynced).

        For a socket that is open but unhealthy (e.g. its trade rate collapsed). Returns
        ``False`` when no socket was open (a reconnect is already under way). Performs network
        I/O (the close handshake, bounded by ``close_timeout_secs``).
        """
        ws = self._ws
        if ws is None or self._stopping:
            return False
        self._forced_reconnects += 1
        self._force_reason = reason
        self._log.warning("%s: forcing a reconnect: %s", self.name, reason)
        self._take_down()  # out of service at once; its books are stale from now on
        await ws.close(code=1000, reason="reconnect")
        return True

    # -- subscriptions --------------------------------------------------------------------

    @property
    def assets(self) -> frozenset[str]:
        return frozenset(self._assets)

    @property
    def started(self) -> bool:
        return bool(self._tasks)

    @property
    def connected(self) -> bool:
        return self._subscribed.is_set()

    async def subscribe(self, asset_ids: Iterable[str]) -> list[str]:
        """Follow more assets; on an open socket a dynamic ``subscribe`` asks for their books.

        Returns the ids that were new. Performs network I/O when connected.
        """
        async with self._send_lock:
            new = [a for a in dict.fromkeys(asset_ids) if a not in self._assets]
            if not new:
                return []
            self._assets.update(dict.fromkeys(new))
            for asset in new:
                self._track(asset)
            self._has_assets.set()
            await self._send_locked(market_update_message("subscribe", new, self.config))
        return new

    async def unsubscribe(self, asset_ids: Iterable[str]) -> list[str]:
        """Stop following assets; their local books become unsynced (no longer updated).

        Returns the ids that were followed. Performs network I/O when connected.
        """
        async with self._send_lock:
            gone = [a for a in dict.fromkeys(asset_ids) if a in self._assets]
            if not gone:
                return []
            for asset in gone:
                del self._assets[asset]
                self._last_seen.pop(asset, None)
                self._unsynced_since.pop(asset, None)
            self._invalidate_books(gone, "unsubscribed")
            if not self._assets:
                self._has_assets.clear()
            await self._send_locked(market_update_message("unsubscribe", gone, self.config))
        return gone

    async def _send_locked(self, text: str) -> None:
        """Send on the open socket, if any; a lost socket is the read loop's business."""
        ws = self._ws
        if ws is None:
            return
        with contextlib.suppress(ConnectionClosed):
            await ws.send(text)

    def _track(self, asset: str) -> None:
        if self.books is not None:
            self.books.book(asset)

    # -- health ---------------------------------------------------------------------------

    def asset_ages_secs(self) -> dict[str, float | None]:
        """Seconds since the last event of each followed asset (``None``: none yet)."""
        now = time.monotonic()
        seen = self._last_seen
        return {a: (None if a not in seen else now - seen[a]) for a in self._assets}

    def stale_assets(self) -> list[str]:
        """Followed assets with no event for ``asset_stale_after_secs`` (or none at all)."""
        limit = self.config.asset_stale_after_secs
        return [a for a, age in self.asset_ages_secs().items() if age is None or age > limit]

    def unsynced_assets(self) -> list[str]:
        """Followed assets whose local book cannot be served now (empty without a registry)."""
        books = self.books
        if books is None:
            return []
        out = []
        for asset in self._assets:
            book = books.get(asset)
            if book is None or not book.synced:
                out.append(asset)
        return out

    def health(self) -> ConnectionHealth:
        now = time.monotonic()
        consumer = self._consumer
        depth, depth_max = (
            (consumer.qsize(), consumer.maxsize) if isinstance(consumer, asyncio.Queue) else (0, 0)
        )
        last = self._last_data_mono
        recent_secs = self._trades_recent.window_secs
        return ConnectionHealth(
            name=self.name,
            url=self.url,
            connected=self.connected,
            connected_since=self._connected_since,
            subscribed_assets=len(self._assets),
            messages_per_min=self._messages.per_minute(now),
            trades_per_min=self._trades.per_minute(now),
            frames=self._decoder.frames,
            events=self._decoder.events,
            bad_frames=self._decoder.bad_frames,
            unknown_messages=self._decoder.unknown_messages,
            reconnects=self._reconnects,
            disconnects=self._disconnects,
            idle_timeouts=self._idle_timeouts,
            last_disconnect_reason=self._last_disconnect_reason,
            last_message_age_secs=None if last is None else now - last,
            queue_depth=depth,
            queue_max=depth_max,
            stale_assets=len(self.stale_assets()),
            unsynced_books=len(self.unsynced_assets()),
            rest_resyncs=self._rest_resyncs,
            consumer_errors=self._consumer_errors,
            recent_trades_per_min=self._trades_recent.total(now) * 60.0 / recent_secs,
            usual_trades_per_min=self._usual_trades_per_min(now),
            connected_secs=now - self._opened_mono if self.connected else None,
            forced_reconnects=self._forced_reconnects,
            frame_sink_errors=self._sink_errors,
        )

    def _usual_trades_per_min(self, now: float) -> float | None:
        """Trades per minute before the recent window, over up to ``trade_rate_usual_secs``;
        ``None`` until this connection has watched at least one recent window before it."""
        recent = self._trades_recent.window_secs
        if self._started_mono is None:
            return None
        span = min(now - self._started_mono, self._trades_usual.window_secs) - recent
        if span < recent:
            return None
        before = self._trades_usual.total(now) - self._trades_recent.total(now)
        return before * 60.0 / span

    # -- the socket -----------------------------------------------------------------------

    async def _run(self) -> None:
        config = self.config
        while not self._stopping:
            await self._has_assets.wait()
            if self._attempt:
                delay = self.stagger_secs + next_reconnect_delay(
                    self._attempt,
                    self._rng,
                    base_secs=config.reconnect_base_secs,
                    cap_secs=config.reconnect_cap_secs,
                )
                self._log.info("%s: reconnecting in %.2fs", self.name, delay)
                await asyncio.sleep(delay)
            self._attempt += 1
            reason = "closed"
            try:
                async with connect(
                    self.url,
                    open_timeout=config.open_timeout_secs,
                    close_timeout=config.close_timeout_secs,
                    max_size=config.max_frame_bytes,
                ) as ws:
                    try:
                        await self._on_open(ws)
                        reason = await self._read(ws)
                    finally:
                        self._take_down()  # out of service before the close handshake
            except ConnectionClosed as exc:
                reason = f"connection closed ({exc})"
            except (WebSocketException, OSError, TimeoutError) as exc:
                reason = f"connect failed ({type(exc).__name__}: {exc})"
            except Exception as exc:  # a bug must not end collection; it is logged in full
                self._log.exception("%s: unexpected error in the market stream", self.name)
                reason = f"unexpected error ({type(exc).__name__}: {exc})"
            finally:
                forced, self._force_reason = self._force_reason, None
                if forced is not None:
                    reason = f"forced reconnect: {forced}"
                await self._on_close(reason)

    async def _on_open(self, ws: ClientConnection) -> None:
        async with self._send_lock:
            self._generation += 1
            if self._generation > 1:
                self._reconnects += 1
            # nothing from before this socket can be trusted: no sequence numbers (§5.4)
            self._invalidate_books(list(self._assets), "reconnected: waiting for a fresh book")
            self._unsynced_since.clear()
            await ws.send(market_subscribe_message(self._assets, self.config))
            self._ws = ws
        now = time.monotonic()
        self._opened_mono = now
        self._connected_since = self._clock.now()
        self._pinger = asyncio.create_task(self._ping(ws), name=f"{self.name}-ping")
        self._subscribed.set()
        self._log.info("%s: subscribed to %d assets on %s", self.name, len(self._assets), self.url)

    async def _on_close(self, reason: str) -> None:
        pinger, self._pinger = self._pinger, None
        if pinger is not None:
            pinger.cancel()
            # gather, not ``suppress(CancelledError)``: a stop() arriving now must still land
            await asyncio.gather(pinger, return_exceptions=True)
        self._take_down()
        if self._stopping:
            self._log.info("%s: market socket closed (stopping)", self.name)
            return
        self._last_disconnect_reason = reason
        self._log.warning("%s: market socket down: %s", self.name, reason)

    def _take_down(self) -> None:
        """Stop serving the socket and its books at once; a no-op when already down."""
        if self._ws is None:
            return
        self._ws = None
        self._subscribed.clear()
        self._connected_since = None
        self._disconnects += 1
        self._invalidate_books(list(self._assets), "disconnected: waiting for a fresh book")

    async def _ping(self, ws: ClientConnection) -> None:
        interval = self.config.ping_interval_secs
        while True:
            await asyncio.sleep(interval)
            async with self._send_lock:
                try:
                    await ws.send(PING)
                except ConnectionClosed:
                    return

    async def _read(self, ws: ClientConnection) -> str:
        """Deliver frames until the socket goes idle (returns why) or closes (raises)."""
        idle = self.config.idle_timeout_secs
        last_data = self._opened_mono
        while True:
            remaining = last_data + idle - time.monotonic()
            if remaining <= 0:
                self._idle_timeouts += 1
                return f"idle timeout: no data for {idle:g}s"
            try:
                async with asyncio.timeout(remaining):
                    raw = await ws.recv(decode=False)
            except TimeoutError:
                continue
            now = time.monotonic()
            if raw.strip() in _CONTROL_FRAMES:
                continue
            last_data = self._last_data_mono = now
            self._attempt = 0  # data flows: the next drop starts the backoff afresh
            received_at = self._clock.now()
            if self._frame_sink is not None:
                self._sink(self._frame_sink, raw, received_at)
            events = self._decoder.decode(raw, received_at=received_at)
            if events:
                await self._handle(events, now)
                # time spent waiting on a full queue is not the socket's silence
                last_data = time.monotonic()

    def _sink(self, sink: FrameSink, raw: bytes, received_at: datetime) -> None:
        try:
            sink(raw, received_at, self.name)
        except Exception:  # a full disk must not stop the stream
            self._sink_errors += 1
            errors = self._sink_errors
            if errors == 1 or errors % 10_000 == 0:
                self._log.exception("%s: frame sink failed (%d times)", self.name, errors)

    async def _handle(self, events: list[MarketEvent], now: float) -> None:
        self._messages.add(now, len(events))
        seen = self._last_seen
        books = self.books
        ours = self._assets
        for event in events:
            if type(event) is PriceChange:
                own = event.only(ours)  # the other token may be another socket's
                if own is None:
                    continue
                event = own
                for change in event.changes:
                    seen[change.token_id] = now
            else:
                token = event_token(event)
                if token is not None:
                    seen[token] = now
                if type(event) is TradeEvent:
                    self._trades.add(now)
                    self._trades_recent.add(now)
                    self._trades_usual.add(now)
            if books is not None:
                books.apply(event)
            await self._deliver(event)

    async def _deliver(self, event: MarketEvent) -> None:
        consumer = self._consumer
        if isinstance(consumer, asyncio.Queue):
            await consumer.put(event)
            return
        try:
            await consumer(event)
        except Exception:  # the consumer's bug must not stop the stream
            self._consumer_errors += 1
            self._log.exception("%s: market event consumer failed", self.name)

    def _invalidate_books(self, assets: Iterable[str], reason: str) -> None:
        books = self.books
        if books is None:
            return
        for asset in assets:
            book = books.get(asset)
            if book is not None and book.synced:
                book.invalidate(reason)

    # -- REST resync ----------------------------------------------------------------------

    async def _resync_loop(self, books: BookRegistry, fetch: BookFetcher) -> None:
        while True:
            await asyncio.sleep(self.config.resync_check_secs)
            if self._ws is None:
                continue  # a REST book would go stale at once with no deltas flowing
            due = self._books_due(books, time.monotonic())
            if due:
                await self._resync(books, fetch, due)

    def _books_due(self, books: BookRegistry, now: float) -> list[str]:
        """Unsynced books of followed assets, unsynced for longer than the grace period."""
        grace = self.config.resync_grace_secs
        since = self._unsynced_since
        due = []
        for asset in self._assets:
            book = books.get(asset)
            if book is not None and book.synced:
                since.pop(asset, None)
                continue
            first = since.setdefault(asset, now)
            if now - first >= grace:
                due.append(asset)
        return due

    async def _resync(self, books: BookRegistry, fetch: BookFetcher, assets: list[str]) -> None:
        generation = self._generation
        self._log.info("%s: fetching %d books over REST", self.name, len(assets))
        try:
            fetched = await fetch(assets)
        except SourceError as exc:
            self._log.warning("%s: REST resync of %d books failed: %s", self.name, len(assets), exc)
            fetched = {}
        except Exception:
            self._log.exception("%s: REST resync hook failed", self.name)
            fetched = {}
        now = time.monotonic()
        for asset in assets:
            self._unsynced_since[asset] = now  # a failed fetch waits another grace period
        if generation != self._generation or self._ws is None:
            return  # the socket changed meanwhile: this snapshot may predate lost deltas
        received_at = self._clock.now()
        for asset in assets:
            book = fetched.get(asset)
            local = books.get(asset)
            if book is None or asset not in self._assets or (local is not None and local.synced):
                continue  # missing, unsubscribed meanwhile, or a WebSocket book won the race
            books.book(asset).apply_book(book)
            self._unsynced_since.pop(asset, None)
            self._rest_resyncs += 1
            await self._deliver(
                BookEvent(book, book.exchange_ts or received_at, book.received_at or received_at)
            )


__all__ = [
    "MARKET_WS_URL",
    "BookFetcher",
    "EventCallback",
    "EventConsumer",
    "FrameSink",
    "MarketConnection",
]
