"""Replaying the raw-frame journal: the books and trades the collector saw, rebuilt offline.

Frames are decoded with the collector's own :class:`FrameDecoder` and applied, in journal order,
to a :class:`BookRegistry`, so each trade gets the same whale tier and (where the book was in
sync) the same best bid and ask as live. As live, a ``price_change`` frame changes only the
books of the tokens its socket follows (the socket that got their ``book`` and trades). What the
journal cannot show: books fetched over REST
after a reconnect, and the moments a socket was down; a book that was live only thanks to a REST
fetch stays unsynced here until its next ``book`` frame, and its trades get no best prices.

:func:`replay_journal` is the body of ``pmml replay``; with an engine it stores the trades of
tokens of known markets (idempotently: a trade already stored stays as it is), which is also
how the collector recovers, at start, trades received but not stored before a crash.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from polymarket_ml.collection.journal import (
    JournalEntry,
    ReadStats,
    expand_journal_paths,
    read_journal,
)
from polymarket_ml.core.events import (
    PriceChange,
    TradeEvent,
    event_token,
)
from polymarket_ml.core.orderbook import BookRegistry, LocalBook
from polymarket_ml.core.types import Trade
from polymarket_ml.features.trades import WHALE_THRESHOLDS_USD, classify_whale_tier
from polymarket_ml.sources.polymarket.parse import FrameDecoder
from polymarket_ml.storage.bulk import TradeRecord, write_trades
from polymarket_ml.storage.engine import make_engine, make_session_factory
from polymarket_ml.storage.migrate import upgrade
from polymarket_ml.storage.repositories import MarketRepository

log = logging.getLogger(__name__)

WhaleThresholds = Sequence[float]


def classify_trade(trade: Trade, book: LocalBook | None, whales: WhaleThresholds) -> Trade:
    """The trade with its whale tier, and the best prices of its book when that is in sync."""
    fresh = book is not None and book.synced and not book.needs_resync
    return dataclasses.replace(
        trade,
        whale_tier=classify_whale_tier(trade.price * trade.size, whales),
        best_bid=book.best_bid_price if fresh and book is not None else None,
        best_ask=book.best_ask_price if fresh and book is not None else None,
    )


@dataclass
class ReplaySummary:
    """What a replay saw; ``stored``/``unknown_tokens`` only when trades were written."""

    files: int = 0
    frames: int = 0
    bad_frames: int = 0
    events: Counter[str] = field(default_factory=Counter)  # by event class name
    unknown_event_types: Counter[str] = field(default_factory=Counter)
    trades: int = 0
    books: int = 0  # tokens whose book is in sync at the end
    read: ReadStats = field(default_factory=ReadStats)
    stored: int | None = None  # trades that were new to the database
    unknown_tokens: int = 0  # trades of tokens no market in the database has (skipped)

    def lines(self) -> list[str]:
        """A human summary, one fact a line."""
        out = [
            f"files: {self.files} ({self.read.truncated_files} truncated,"
            f" {self.read.corrupt_files} damaged)",
            f"frames: {self.frames} ({self.bad_frames} bad, {self.read.bad_lines} bad lines)",
            "events: " + (", ".join(f"{k} {v}" for k, v in sorted(self.events.items())) or "none"),
            f"trades: {self.trades}",
            f"books in sync at the end: {self.books}",
        ]
        if self.unknown_event_types:
            out.append(f"unknown event types: {dict(self.unknown_event_types)}")
        if self.stored is not None:
            out.append(
                f"stored: {self.stored} new trades"
                f" ({self.unknown_tokens} trades of unknown tokens skipped)"
            )
        return out


class JournalReplayer:
    """Feeds journal entries to a decoder and a book registry; yields the classified trades."""

    def __init__(self, whales: WhaleThresholds = WHALE_THRESHOLDS_USD) -> None:
        self.books = BookRegistry()
        self.decoder = FrameDecoder(log)
        self.events: Counter[str] = Counter()
        self._whales = whales
        self._owner: dict[str, str] = {}  # token -> the connection that follows it
        self._owned: dict[str, set[str]] = {}  # connection -> the tokens it follows

    def replay(self, entries: Iterable[JournalEntry]) -> Iterator[Trade]:
        books, events, decode = self.books, self.events, self.decoder.decode
        owner, owned = self._owner, self._owned
        for entry in entries:
            ours = owned.setdefault(entry.conn, set())
            for event in decode(entry.frame, received_at=entry.received_at):
                events[type(event).__name__] += 1
                if type(event) is PriceChange:
                    # as live: each socket applies the changes of the tokens it follows
                    own = event.only(ours)
                    if own is None:
                        continue
                    event = own
                else:
                    token = event_token(event)
                    if token is not None and owner.get(token) != entry.conn:
                        # only the socket following a token gets its books and trades
                        owned.get(owner.get(token, ""), set()).discard(token)
                        owner[token] = entry.conn
                        ours.add(token)
                books.apply(event)
                if type(event) is TradeEvent:
                    trade = event.trade
                    yield classify_trade(trade, books.get(trade.token_id), self._whales)

    def synced_books(self) -> int:
        return sum(1 for book in self.books if book.synced)


def replay_journal(
    paths: Sequence[Path],
    *,
    engine: Engine | None = None,
    whales: WhaleThresholds = WHALE_THRESHOLDS_USD,
    batch_rows: int = 5_000,
) -> ReplaySummary:
    """Rebuild books and trades from journal files; with ``engine``, store the trades.

    Trades are mapped to markets through the ``markets`` table (trades of unknown tokens are
    counted and skipped) and written in batches with :func:`write_trades`, which skips trades
    already stored. Performs file and (with ``engine``) database I/O.
    """
    summary = ReplaySummary(files=len(paths))
    replayer = JournalReplayer(whales)
    market_of: dict[str, int] = {}
    if engine is not None:
        with make_session_factory(engine)() as session:
            market_of = MarketRepository(session).market_ids_by_token()
    stored = 0
    batch: list[TradeRecord] = []
    for trade in replayer.replay(read_journal(paths, stats=summary.read)):
        summary.trades += 1
        if engine is None:
            continue
        market_id = market_of.get(trade.token_id)
        if market_id is None:
            summary.unknown_tokens += 1
            continue
        batch.append((market_id, trade))
        if len(batch) >= batch_rows:
            stored += write_trades(engine, batch)
            batch = []
    if engine is not None:
        summary.stored = stored + (write_trades(engine, batch) if batch else 0)
    decoder = replayer.decoder
    summary.frames = decoder.frames
    summary.bad_frames = decoder.bad_frames
    summary.unknown_event_types = Counter(decoder.unknown_event_types)
    summary.events = replayer.events
    summary.books = replayer.synced_books()
    return summary


def replay_command(
    paths: Sequence[Path],
    *,
    database_url: str | None = None,
    whales: WhaleThresholds = WHALE_THRESHOLDS_USD,
) -> ReplaySummary:
    """``pmml replay``: replay journal files (folders stand for their files, oldest first);
    with ``database_url``, store the trades there (the schema is brought up to date first)."""
    files = expand_journal_paths(paths)
    if database_url is None:
        return replay_journal(files, whales=whales)
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        return replay_journal(files, engine=engine, whales=whales)
    finally:
        engine.dispose()


__all__ = [
    "JournalReplayer",
    "ReplaySummary",
    "classify_trade",
    "replay_command",
    "replay_journal",
]
