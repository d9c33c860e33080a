"""Market-channel messages → core events, and the decoder of raw WebSocket frames.

``decode_market_frame`` is the hot path of the collector: one typed msgspec decode of the frame,
then one small ``parse_*`` per message. A frame is one JSON object or an array of them; the text
frames ``PONG`` and ``NO NEW ASSETS`` and the empty array ``[]`` carry nothing (§5.2).
Anything that cannot be parsed raises :class:`DataError` with the start of the raw frame;
:class:`FrameDecoder` logs and counts those and lets the stream go on.

Formats handled beyond the current one: ``price_change`` with ``changes[]`` (until 2025-09-15)
and with one flat level (mid-2024); a ``price_change`` whose ``event_type`` is missing (it is
recognised by its ``price_changes`` key). RTDS messages (``topic``/``payload``, another
endpoint) are out of scope and rejected with a DataError that says so.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any, cast

import msgspec

from polymarket_ml.core.errors import DataError
from polymarket_ml.core.events import (
    BestBidAsk,
    BookEvent,
    LevelChange,
    MarketEvent,
    MarketResolved,
    NewMarket,
    PriceChange,
    TickSizeChange,
    TradeEvent,
)
from polymarket_ml.core.types import Book, Level, Trade
from polymarket_ml.sources.polymarket.values import (
    CACHE_LIMIT,
    DECIMALS,
    SIDES,
    excerpt,
    to_decimal,
    to_decimal_or_none,
    to_int_or_none,
    to_side,
    ts_from_text,
)
from polymarket_ml.sources.polymarket.wire_ws import (
    MARKET_EVENT_TYPES,
    AnyMarketMessage,
    BestBidAskMessage,
    BookMessage,
    LastTradePriceMessage,
    MarketFrame,
    MarketResolvedMessage,
    NewMarketMessage,
    PriceChangeMessage,
    TickSizeChangeMessage,
    WireLevel,
)

log = logging.getLogger(__name__)

_ZERO = Decimal(0)
_PRICE = attrgetter("price")
_FRAME_DECODER = msgspec.json.Decoder(MarketFrame)
_ANY_DECODER = msgspec.json.Decoder()
_LEVELS: dict[WireLevel, Level] = {}
_IGNORED_TEXT = frozenset({"PONG", "NO NEW ASSETS", ""})


def parse_levels(levels: list[WireLevel], *, bids: bool) -> tuple[Level, ...]:
    """Wire levels → levels sorted best first (bids descending, asks ascending).

    The server sends bids ascending and asks descending; the order is never trusted. Levels
    are immutable and books are re-sent mostly unchanged, so they are memoised by wire value.
    """
    found = list(map(_LEVELS.get, levels))
    if all(found):  # a Level is always truthy; None marks a level not seen before
        out = cast(list[Level], found)
    else:
        out = [lvl or _new_level(wire) for lvl, wire in zip(found, levels, strict=True)]
    out.sort(key=_PRICE, reverse=bids)
    return tuple(out)


def _new_level(wire: WireLevel) -> Level:
    level = Level(to_decimal(wire.price), to_decimal(wire.size))
    if len(_LEVELS) >= CACHE_LIMIT:
        _LEVELS.clear()
    _LEVELS[wire] = level
    return level


def parse_book(msg: BookMessage, received_at: datetime) -> BookEvent:
    exchange_ts = ts_from_text(msg.timestamp)
    book = Book(
        token_id=msg.asset_id,
        bids=parse_levels(msg.bids, bids=True),
        asks=parse_levels(msg.asks, bids=False),
        exchange_ts=exchange_ts,
        received_at=received_at,
        market=msg.market,
        tick_size=to_decimal_or_none(msg.tick_size),
        min_order_size=to_decimal_or_none(msg.min_order_size),
        book_hash=msg.hash,
    )
    return BookEvent(book, exchange_ts, received_at, to_decimal_or_none(msg.last_trade_price))


def parse_price_change(msg: PriceChangeMessage, received_at: datetime) -> PriceChange:
    """All three ``price_change`` schemas → one :class:`PriceChange` (``size`` is the new total)."""
    if msg.price_changes is not None:
        dec, side = DECIMALS.get, SIDES.get  # inlined memo lookups: this is the hot path
        changes = tuple(
            [
                LevelChange(
                    e.asset_id,
                    side(e.side) or to_side(e.side),
                    dec(e.price) or to_decimal(e.price),
                    _ZERO if e.size is None else (dec(e.size) or to_decimal(e.size)),
                    None if e.best_bid is None else (dec(e.best_bid) or to_decimal(e.best_bid)),
                    None if e.best_ask is None else (dec(e.best_ask) or to_decimal(e.best_ask)),
                    e.hash,
                )
                for e in msg.price_changes
            ]
        )
    elif msg.asset_id is None:
        raise DataError("price_change without price_changes[] nor asset_id")
    elif msg.changes is not None:
        token_id, last = msg.asset_id, len(msg.changes) - 1
        changes = tuple(  # the message's hash is the book's after all of its changes
            LevelChange(
                token_id,
                to_side(c.side),
                to_decimal(c.price),
                to_decimal(c.size),
                book_hash=msg.hash if i == last else None,
            )
            for i, c in enumerate(msg.changes)
        )
    elif msg.price is not None and msg.side is not None and msg.size is not None:
        changes = (
            LevelChange(
                msg.asset_id,
                to_side(msg.side),
                to_decimal(msg.price),
                to_decimal(msg.size),
                book_hash=msg.hash,
            ),
        )
    else:
        raise DataError("price_change carries no level (no price_changes, changes or price)")
    return PriceChange(msg.market, changes, ts_from_text(msg.timestamp), received_at)


def parse_last_trade_price(msg: LastTradePriceMessage, received_at: datetime) -> TradeEvent:
    exchange_ts = ts_from_text(msg.timestamp)
    trade = Trade(  # positional: this runs for every print
        msg.asset_id,
        msg.market,
        to_decimal(msg.price),
        to_decimal(msg.size),
        to_side(msg.side),
        exchange_ts,
        received_at,
        None,
        None if msg.fee_rate_bps is None else to_int_or_none(msg.fee_rate_bps),
        msg.transaction_hash or None,
    )
    return TradeEvent(trade, exchange_ts, received_at)


def parse_tick_size_change(msg: TickSizeChangeMessage, received_at: datetime) -> TickSizeChange:
    return TickSizeChange(
        token_id=msg.asset_id,
        market=msg.market,
        old_tick_size=to_decimal(msg.old_tick_size),
        new_tick_size=to_decimal(msg.new_tick_size),
        exchange_ts=ts_from_text(msg.timestamp),
        received_at=received_at,
    )


def parse_best_bid_ask(msg: BestBidAskMessage, received_at: datetime) -> BestBidAsk:
    return BestBidAsk(
        token_id=msg.asset_id,
        market=msg.market,
        best_bid=to_decimal_or_none(msg.best_bid),
        best_ask=to_decimal_or_none(msg.best_ask),
        spread=to_decimal_or_none(msg.spread),
        exchange_ts=ts_from_text(msg.timestamp),
        received_at=received_at,
    )


def parse_new_market(msg: NewMarketMessage, received_at: datetime) -> NewMarket:
    event = msg.event_message
    return NewMarket(
        market=msg.market,
        token_ids=tuple(msg.assets_ids or msg.clob_token_ids or ()),
        outcomes=tuple(msg.outcomes),
        exchange_ts=ts_from_text(msg.timestamp),
        received_at=received_at,
        gamma_id=msg.id,
        question=msg.question,
        slug=msg.slug,
        event_id=event.id if event else None,
        event_slug=event.slug if event else None,
        event_title=event.title if event else None,
        tags=tuple(msg.tags or ()),
        tick_size=to_decimal_or_none(msg.order_price_min_tick_size),
        active=msg.active,
    )


def parse_market_resolved(msg: MarketResolvedMessage, received_at: datetime) -> MarketResolved:
    return MarketResolved(
        market=msg.market,
        token_ids=tuple(msg.assets_ids),
        winning_token_id=msg.winning_asset_id,
        winning_outcome=msg.winning_outcome,
        exchange_ts=ts_from_text(msg.timestamp),
        received_at=received_at,
        gamma_id=msg.id,
        question=msg.question,
        slug=msg.slug,
        tags=tuple(msg.tags or ()),
    )


_PARSERS: dict[type[Any], Callable[[Any, datetime], MarketEvent]] = {
    PriceChangeMessage: parse_price_change,
    LastTradePriceMessage: parse_last_trade_price,
    BookMessage: parse_book,
    TickSizeChangeMessage: parse_tick_size_change,
    BestBidAskMessage: parse_best_bid_ask,
    NewMarketMessage: parse_new_market,
    MarketResolvedMessage: parse_market_resolved,
}


def parse_market_message(msg: AnyMarketMessage, received_at: datetime) -> MarketEvent:
    """Any market-channel wire message → its core event."""
    return _PARSERS[type(msg)](msg, received_at)


def decode_market_frame(
    raw: bytes | str, *, received_at: datetime | None = None
) -> list[MarketEvent]:
    """One raw market-channel frame → its events, in frame order.

    ``received_at`` is our receipt time of the frame (replays pass the recorded one; ``None``
    takes the wall clock). Messages of unknown ``event_type`` are skipped; use
    :class:`FrameDecoder` to count them. Raises DataError for anything else unparseable.
    """
    return _decode(raw, received_at, None)


def _decode(
    raw: bytes | str, received_at: datetime | None, unknown: list[str] | None
) -> list[MarketEvent]:
    if received_at is None:
        received_at = datetime.now(UTC)
    try:
        decoded = _FRAME_DECODER.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return _decode_slow(raw, received_at, unknown)
    try:
        if type(decoded) is list:
            return [_PARSERS[type(m)](m, received_at) for m in decoded]
        return [_PARSERS[type(decoded)](decoded, received_at)]
    except DataError as exc:
        raise DataError(f"{exc}; frame: {excerpt(raw)}") from exc


def _decode_slow(
    raw: bytes | str, received_at: datetime, unknown: list[str] | None
) -> list[MarketEvent]:
    """The frame did not match the typed union: ignorable text, an odd or a bad message."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if text.strip() in _IGNORED_TEXT:
        return []
    try:
        obj = _ANY_DECODER.decode(raw)
    except msgspec.DecodeError as exc:
        raise DataError(f"market frame is not JSON ({exc}): {excerpt(raw)}") from exc
    items = obj if isinstance(obj, list) else [obj]
    events: list[MarketEvent] = []
    for item in items:
        if not isinstance(item, dict):
            raise DataError(f"market frame holds a non-object item: {excerpt(raw)}")
        event_type = item.get("event_type")
        if event_type is None:
            if "topic" in item and "payload" in item:
                raise DataError(
                    f"RTDS message (topic {item['topic']!r}) is not supported on the market "
                    f"channel: {excerpt(raw)}"
                )
            if "price_changes" not in item:
                raise DataError(f"market message without event_type: {excerpt(raw)}")
            item = {**item, "event_type": "price_change"}
        elif event_type not in MARKET_EVENT_TYPES:
            if unknown is not None:
                unknown.append(str(event_type))
            continue
        try:
            msg: AnyMarketMessage = msgspec.convert(item, AnyMarketMessage)
            events.append(_PARSERS[type(msg)](msg, received_at))
        except (msgspec.ValidationError, DataError) as exc:
            raise DataError(f"invalid {event_type} message ({exc}): {excerpt(raw)}") from exc
    return events


class FrameDecoder:
    """Decodes market-channel frames for a stream that must not stop on one bad frame.

    A bad frame is logged with its raw text and counted in ``bad_frames``; messages of an
    unknown ``event_type`` are counted per type in ``unknown_event_types``.
    """

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.log = logger or log
        self.frames = 0
        self.events = 0
        self.bad_frames = 0
        self.unknown_event_types: Counter[str] = Counter()

    def decode(self, raw: bytes | str, *, received_at: datetime | None = None) -> list[MarketEvent]:
        """Events of one frame; ``[]`` (after logging and counting) when it cannot be parsed."""
        self.frames += 1
        unknown: list[str] = []
        try:
            events = _decode(raw, received_at, unknown)
        except DataError as exc:
            self.bad_frames += 1
            self.log.warning("bad market frame: %s", exc)
            return []
        if unknown:
            self.unknown_event_types.update(unknown)
            self.log.info("unknown market event types skipped: %s", ", ".join(unknown))
        self.events += len(events)
        return events

    @property
    def unknown_messages(self) -> int:
        return sum(self.unknown_event_types.values())
