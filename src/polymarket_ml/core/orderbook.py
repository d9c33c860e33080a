"""The local order book of one token, kept from ``book`` snapshots and ``price_change`` deltas.

Levels live in dicts keyed by ``Decimal`` price (``0.5`` and ``0.50`` are one key); sorted views
are built only when asked for and kept until a level appears or disappears. The best price of
each side is kept up to date on every change, because every ``price_change`` is checked against
the exchange's own ``best_bid``/``best_ask``.

The exchange has no sequence numbers, so a book can only be trusted until something says
otherwise. A book **resets and flags** ``needs_resync`` (with a reason) when the tick size
changes, when it is crossed (best bid >= best ask), or when the exchange's best prices after a
change disagree with ours (§5.4 of ``polymarket-api.md``). Until the next snapshot it ignores
deltas and counts them in ``ignored_changes``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal

from polymarket_ml.core.accelerator import AcceleratorSwitch
from polymarket_ml.core.clock import utc_from_millis
from polymarket_ml.core.enums import Side
from polymarket_ml.core.events import (
    BookEvent,
    LevelChange,
    MarketEvent,
    PriceChange,
    TickSizeChange,
    TradeEvent,
)
from polymarket_ml.core.types import Book, Level, Trade

_ZERO = Decimal(0)
_ONE = Decimal(1)
Sizes = dict[Decimal, Decimal | str]
"""Price → size of one side. A size may be kept as the exchange's text (a plain decimal the
parser checked), made a Decimal when first read: most levels of a snapshot are replaced before
anyone reads them."""
_BUY = Side.BUY


class LocalBook:
    """The live book of one token. Not thread-safe; one owner applies events in arrival order."""

    __slots__ = (
        "_ask_dirty",
        "_ask_order",
        "_asks",
        "_best_ask",
        "_best_bid",
        "_bid_dirty",
        "_bid_order",
        "_bids",
        "_exchange_ts",
        "book_hash",
        "ignored_changes",
        "last_trade_price",
        "market",
        "min_order_size",
        "needs_resync",
        "received_at",
        "resync_reason",
        "resyncs",
        "synced",
        "tick_size",
        "token_id",
    )

    def __init__(self, token_id: str, *, market: str | None = None) -> None:
        self.token_id = token_id
        self.market = market
        self.tick_size: Decimal | None = None
        self.min_order_size: Decimal | None = None
        self.book_hash: str | None = None
        self.last_trade_price: Decimal | None = None
        self._exchange_ts: datetime | int | None = None  # int: epoch ms, converted when read
        self.received_at: datetime | None = None
        self.synced = False  # a snapshot was applied and nothing has invalidated it since
        self.needs_resync = False  # something invalidated the book: fetch a fresh snapshot
        self.resync_reason: str | None = None
        self.resyncs = 0
        self.ignored_changes = 0
        self._clear()

    def _clear(self) -> None:
        self._bids: Sizes = {}
        self._asks: Sizes = {}
        self._best_bid: Decimal | None = None
        self._best_ask: Decimal | None = None
        self._bid_dirty = False
        self._ask_dirty = False
        self._bid_order: list[Decimal] | None = []
        self._ask_order: list[Decimal] | None = []

    # -- applying events ------------------------------------------------------------------

    def apply_book(self, book: Book) -> None:
        """Replace both sides with a snapshot (levels may come in any order)."""
        self._reset(
            {lvl.price: lvl.size for lvl in book.bids if lvl.size},
            {lvl.price: lvl.size for lvl in book.asks if lvl.size},
            book.market,
            book.tick_size,
            book.min_order_size,
            book.book_hash,
            book.exchange_ts,
            book.received_at,
        )

    def apply_book_event(self, event: BookEvent) -> None:
        """Like :meth:`apply_book`; takes the parser's price → size maps, never builds a Book."""
        maps = event.level_maps
        if maps is None:
            self.apply_book(event.book)
        else:
            self._reset(
                maps.bids.copy(),
                maps.asks.copy(),
                maps.market,
                maps.tick_size,
                maps.min_order_size,
                maps.book_hash,
                event._exchange_ts,
                event.received_at,
                maps.best_bid,
                maps.best_ask,
            )
        if event.last_trade_price is not None:
            self.last_trade_price = event.last_trade_price

    def _reset(
        self,
        bids: Sizes,
        asks: Sizes,
        market: str | None,
        tick_size: Decimal | None,
        min_order_size: Decimal | None,
        book_hash: str | None,
        exchange_ts: datetime | int | None,
        received_at: datetime | None,
        best_bid: Decimal | None = None,
        best_ask: Decimal | None = None,
    ) -> None:
        """Take a snapshot's sides (price → size, no zero sizes; ours to keep and change), with
        their best prices where known (``None``: worked out here)."""
        self._bids = bids
        self._asks = asks
        self._bid_order = None  # sorted views are built when first asked for
        self._ask_order = None
        self._best_bid = (max(bids) if best_bid is None else best_bid) if bids else None
        self._best_ask = (min(asks) if best_ask is None else best_ask) if asks else None
        self._bid_dirty = self._ask_dirty = False
        if market is not None:
            self.market = market
        if tick_size is not None:
            self.tick_size = tick_size
        if min_order_size is not None:
            self.min_order_size = min_order_size
        self.book_hash = book_hash
        self._exchange_ts = exchange_ts
        self.received_at = received_at
        self.synced = True
        self.needs_resync = False
        self.resync_reason = None
        self._verify(None, None)

    def apply_changes(
        self,
        changes: Sequence[LevelChange],
        exchange_ts: datetime | None = None,
        received_at: datetime | None = None,
    ) -> bool:
        """Apply the changes meant for this token; ignore the others.

        Returns True when the book took them and still agrees with the exchange's top of book
        (checked once, against the last change of this token that carries best prices).
        """
        return self._apply_changes(changes, exchange_ts, received_at)

    def _apply_changes(
        self,
        changes: Sequence[LevelChange],
        exchange_ts: datetime | int | None,
        received_at: datetime | None,
    ) -> bool:
        token_id = self.token_id
        if not self.synced:
            self.ignored_changes += sum(1 for c in changes if c.token_id == token_id)
            return False
        last: LevelChange | None = None
        for change in changes:
            if change.token_id != token_id:
                continue
            if change.side is _BUY:
                self._set_bid(change.price, change.size)
            else:
                self._set_ask(change.price, change.size)
            if change.best_bid is not None or change.best_ask is not None:
                last = change
            if change.book_hash is not None:
                self.book_hash = change.book_hash
        if exchange_ts is not None:
            self._exchange_ts = exchange_ts
            self.received_at = received_at
        if last is None:
            return self._verify(None, None)
        return self._verify(last.best_bid, last.best_ask)

    def apply_change(
        self,
        change: LevelChange,
        exchange_ts: datetime | None = None,
        received_at: datetime | None = None,
    ) -> bool:
        """Apply one change meant for this token."""
        return self._apply_change(change, exchange_ts, received_at)

    def _apply_change(
        self,
        change: LevelChange,
        exchange_ts: datetime | int | None,
        received_at: datetime | None,
    ) -> bool:
        """:meth:`apply_change`, also taking the time as epoch ms (the hot path: kept inline)."""
        if not self.synced:
            self.ignored_changes += 1
            return False
        _, side, price, size, want_bid, want_ask, book_hash = change
        if side is _BUY:  # inline _set_bid
            bids = self._bids
            if size:
                if price not in bids:
                    self._bid_order = None
                    best = self._best_bid
                    if not self._bid_dirty and (best is None or price > best):
                        self._best_bid = price
                bids[price] = size
            elif bids.pop(price, None) is not None:
                self._bid_order = None
                if price == self._best_bid:
                    self._bid_dirty = True
        else:  # inline _set_ask
            asks = self._asks
            if size:
                if price not in asks:
                    self._ask_order = None
                    best = self._best_ask
                    if not self._ask_dirty and (best is None or price < best):
                        self._best_ask = price
                asks[price] = size
            elif asks.pop(price, None) is not None:
                self._ask_order = None
                if price == self._best_ask:
                    self._ask_dirty = True
        if book_hash is not None:
            self.book_hash = book_hash
        if exchange_ts is not None:
            self._exchange_ts = exchange_ts
            self.received_at = received_at
        bid, ask = self._best_bid, self._best_ask
        if (  # the usual case, without a call: uncrossed, and the exchange agrees
            bid is not None
            and ask is not None
            and want_bid == bid
            and want_ask == ask
            and bid < ask
            and not (self._bid_dirty or self._ask_dirty)
        ):
            return True
        return self._verify(want_bid, want_ask)

    def apply_price_change(self, event: PriceChange) -> bool:
        return self._apply_changes(event.changes, event._exchange_ts, event.received_at)

    def apply_tick_size_change(self, event: TickSizeChange) -> None:
        """A new tick may leave resting levels off-grid: reset until a fresh snapshot."""
        self.tick_size = event.new_tick_size
        self.invalidate(f"tick size changed {event.old_tick_size} -> {event.new_tick_size}")

    def invalidate(self, reason: str) -> None:
        """Drop every level and ask for a fresh snapshot (also use it after a reconnect)."""
        self._clear()
        self.synced = False
        self.needs_resync = True
        self.resync_reason = reason
        self.resyncs += 1

    def _set_bid(self, price: Decimal, size: Decimal) -> None:
        bids = self._bids
        if size:
            if price not in bids:
                self._bid_order = None
                best = self._best_bid
                if not self._bid_dirty and (best is None or price > best):
                    self._best_bid = price
            bids[price] = size
        elif bids.pop(price, None) is not None:
            self._bid_order = None
            if price == self._best_bid:
                self._bid_dirty = True

    def _set_ask(self, price: Decimal, size: Decimal) -> None:
        asks = self._asks
        if size:
            if price not in asks:
                self._ask_order = None
                best = self._best_ask
                if not self._ask_dirty and (best is None or price < best):
                    self._best_ask = price
            asks[price] = size
        elif asks.pop(price, None) is not None:
            self._ask_order = None
            if price == self._best_ask:
                self._ask_dirty = True

    def _verify(self, want_bid: Decimal | None, want_ask: Decimal | None) -> bool:
        """Reset unless the book is uncrossed and agrees with the exchange's top of book."""
        bid = self.best_bid_price if self._bid_dirty else self._best_bid
        ask = self.best_ask_price if self._ask_dirty else self._best_ask
        if bid is not None and ask is not None and bid >= ask:
            self.invalidate(f"crossed book: best bid {bid} >= best ask {ask}")
            return False
        if want_bid is None and want_ask is None:
            return True
        have_bid = _ZERO if bid is None else bid  # the exchange writes an empty side as 0 / 1
        have_ask = _ONE if ask is None else ask
        if (want_bid is not None and want_bid != have_bid) or (
            want_ask is not None and want_ask != have_ask
        ):
            self.invalidate(
                f"top of book mismatch: exchange {want_bid}/{want_ask}, local {have_bid}/{have_ask}"
            )
            return False
        return True

    # -- reading --------------------------------------------------------------------------

    @property
    def exchange_ts(self) -> datetime | None:
        """The exchange's time of the last snapshot or change applied."""
        ts = self._exchange_ts
        if type(ts) is int:  # events keep the exchange's epoch ms until someone asks
            ts = self._exchange_ts = utc_from_millis(ts)
        assert ts is None or isinstance(ts, datetime)
        return ts

    @property
    def best_bid_price(self) -> Decimal | None:
        if self._bid_dirty:
            self._best_bid = max(self._bids) if self._bids else None
            self._bid_dirty = False
        return self._best_bid

    @property
    def best_ask_price(self) -> Decimal | None:
        if self._ask_dirty:
            self._best_ask = min(self._asks) if self._asks else None
            self._ask_dirty = False
        return self._best_ask

    @property
    def best_bid(self) -> Level | None:
        price = self.best_bid_price
        return None if price is None else Level(price, _size(self._bids, price))

    @property
    def best_ask(self) -> Level | None:
        price = self.best_ask_price
        return None if price is None else Level(price, _size(self._asks, price))

    @property
    def bid_levels(self) -> int:
        return len(self._bids)

    @property
    def ask_levels(self) -> int:
        return len(self._asks)

    def _bid_prices(self) -> list[Decimal]:
        order = self._bid_order
        if order is None:
            order = self._bid_order = sorted(self._bids, reverse=True)
        return order

    def _ask_prices(self) -> list[Decimal]:
        order = self._ask_order
        if order is None:
            order = self._ask_order = sorted(self._asks)
        return order

    def bids(self, n: int | None = None) -> list[Level]:
        """Bid levels, best (highest) first; the best ``n`` when given."""
        book = self._bids
        return [Level(p, _size(book, p)) for p in self._bid_prices()[:n]]

    def asks(self, n: int | None = None) -> list[Level]:
        """Ask levels, best (lowest) first; the best ``n`` when given."""
        book = self._asks
        return [Level(p, _size(book, p)) for p in self._ask_prices()[:n]]

    def bid_depth(self, n: int) -> Decimal:
        """Total size (shares) of the best ``n`` bid levels."""
        book = self._bids
        return sum((_size(book, p) for p in self._bid_prices()[:n]), _ZERO)

    def ask_depth(self, n: int) -> Decimal:
        """Total size (shares) of the best ``n`` ask levels."""
        book = self._asks
        return sum((_size(book, p) for p in self._ask_prices()[:n]), _ZERO)

    def bid_wall(self, n: int) -> Level | None:
        """The largest bid among the best ``n`` levels; on a tie, the better (higher) price."""
        return _wall(self._bids, self._bid_prices()[:n])

    def ask_wall(self, n: int) -> Level | None:
        """The largest ask among the best ``n`` levels; on a tie, the better (lower) price."""
        return _wall(self._asks, self._ask_prices()[:n])

    def snapshot(self) -> Book:
        """The book as an immutable core :class:`Book`, levels best first."""
        return Book(
            token_id=self.token_id,
            bids=tuple(self.bids()),
            asks=tuple(self.asks()),
            exchange_ts=self.exchange_ts,
            received_at=self.received_at,
            market=self.market,
            tick_size=self.tick_size,
            min_order_size=self.min_order_size,
            book_hash=self.book_hash,
        )

    def __repr__(self) -> str:
        return (
            f"LocalBook({self.token_id[:12]}…, bid={self.best_bid_price}, "
            f"ask={self.best_ask_price}, levels={self.bid_levels}/{self.ask_levels}, "
            f"synced={self.synced}, needs_resync={self.needs_resync})"
        )


def _size(levels: Sizes, price: Decimal) -> Decimal:
    """The size at ``price``; one kept as the exchange's text is made a Decimal (and kept)."""
    size = levels[price]
    if type(size) is str:
        size = levels[price] = Decimal(size)
    assert isinstance(size, Decimal)
    return size


def _wall(book: Sizes, prices_best_first: list[Decimal]) -> Level | None:
    best_price: Decimal | None = None
    best_size = _ZERO
    for price in prices_best_first:  # strict '>' keeps the better price on a tie
        size = _size(book, price)
        if best_price is None or size > best_size:
            best_price, best_size = price, size
    return None if best_price is None else Level(best_price, best_size)


class BookRegistry:
    """Local books of many tokens; routes market-channel events to the right one.

    Books appear on first sight of a token; a book seen only through deltas stays unsynced
    (deltas ignored) until its first snapshot.
    """

    __slots__ = ("_books",)

    def __init__(self) -> None:
        self._books: dict[str, LocalBook] = {}

    def get(self, token_id: str) -> LocalBook | None:
        return self._books.get(token_id)

    def book(self, token_id: str, *, market: str | None = None) -> LocalBook:
        """The book of ``token_id``, created (empty, unsynced) if unknown."""
        book = self._books.get(token_id)
        if book is None:
            book = self._books[token_id] = LocalBook(token_id, market=market)
        return book

    def apply(self, event: MarketEvent) -> None:
        """Route one event; events that do not touch a book (new market...) are ignored."""
        _apply_event(self._books, self, event)

    def apply_all(self, events: Iterable[MarketEvent]) -> None:
        for event in events:
            self.apply(event)

    def needing_resync(self) -> list[LocalBook]:
        """Books that were invalidated and wait for a fresh snapshot."""
        return [b for b in self._books.values() if b.needs_resync]

    def invalidate_all(self, reason: str) -> None:
        """Reset every book (after a reconnect nothing can be trusted until new snapshots)."""
        for book in self._books.values():
            book.invalidate(reason)

    def __contains__(self, token_id: object) -> bool:
        return token_id in self._books

    def __iter__(self) -> Iterator[LocalBook]:
        return iter(self._books.values())

    def __len__(self) -> int:
        return len(self._books)


def _apply_event(books: dict[str, LocalBook], registry: BookRegistry, event: MarketEvent) -> None:
    """:meth:`BookRegistry.apply` (the reference; ``_orderbook_c.apply`` does the same)."""
    if type(event) is PriceChange:
        changes = event.changes
        count = len(changes)
        exchange_ts, received_at = event._exchange_ts, event.received_at
        if (count == 2 and changes[0].token_id != changes[1].token_id) or count == 1:
            # the usual message: one change per token
            for change in changes:
                book = books.get(change.token_id)
                if book is None:
                    book = registry.book(change.token_id, market=event.market)
                book._apply_change(change, exchange_ts, received_at)
            return
        for token_id in dict.fromkeys(c.token_id for c in changes):
            book = books.get(token_id)
            if book is None:
                book = registry.book(token_id, market=event.market)
            book._apply_changes(changes, exchange_ts, received_at)
    elif type(event) is TradeEvent:
        trade = event.trade
        book = books.get(trade.token_id)
        if book is None:
            book = registry.book(trade.token_id)
        book.last_trade_price = trade.price
    elif type(event) is BookEvent:
        book = books.get(event.token_id)
        if book is None:
            book = registry.book(event.token_id)
        book.apply_book_event(event)
    elif type(event) is TickSizeChange:
        registry.book(event.token_id, market=event.market).apply_tick_size_change(event)


# -- the C accelerator ---------------------------------------------------------------------
# ``_orderbook_c`` (built from ``_orderbook_c.c`` at install, where a C compiler is found)
# applies the usual price changes and trades in C and hands everything else to
# ``_apply_event``; both leave the books in the same state (tests/core run both).

try:
    from polymarket_ml.core import _orderbook_c
except ImportError:  # installed without a C compiler
    _orderbook_c = None  # type: ignore[assignment]


if _orderbook_c is not None:
    _orderbook_c.configure(
        LocalBook=LocalBook,
        PriceChange=PriceChange,
        TradeEvent=TradeEvent,
        Trade=Trade,
        BookEvent=BookEvent,
        BookRegistry=BookRegistry,
        buy=_BUY,
        apply_python=_apply_event,
    )
    setattr(BookRegistry, "apply", _orderbook_c.registry_apply(BookRegistry))  # noqa: B010
accelerator = AcceleratorSwitch(_orderbook_c)
"""Whether the C accelerator was built and is in use; ``accelerator.use(False)`` switches it off."""


__all__ = ["BookRegistry", "LocalBook"]
