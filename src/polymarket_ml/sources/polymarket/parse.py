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

Speed (``python -m benchmarks market_stream``): a snapshot's sorted :class:`Book` is built only
when someone reads ``BookEvent.book`` (a LocalBook takes the parser's price → size maps; read
``BookEvent.token_id``, not ``event.book.token_id``, to route one); the hot events skip their
frozen dataclass ``__init__`` (builders at the end of the parsers). A long-running consumer should
call ``gc.freeze()`` once it has started (after imports, settings, the first subscription and its
initial book dump): what lives as long as the process then stays out of every later collection.
Where it was built, ``_parse_c.c`` does the usual frames in C (see the end of this module).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from operator import attrgetter
from typing import Any, Protocol, cast

import msgspec

from polymarket_ml.core.accelerator import AcceleratorSwitch
from polymarket_ml.core.clock import utc_from_millis
from polymarket_ml.core.enums import Side, WhaleTier
from polymarket_ml.core.errors import DataError
from polymarket_ml.core.events import (
    BestBidAsk,
    BookEvent,
    LevelChange,
    LevelMaps,
    MarketEvent,
    MarketResolved,
    NewMarket,
    PriceChange,
    TickSizeChange,
    TradeEvent,
)
from polymarket_ml.core.types import Book, Level, Trade
from polymarket_ml.sources.polymarket.values import (
    AMOUNTS,
    CACHE_LIMIT,
    SIDES,
    excerpt,
    to_amount,
    to_amount_or_none,
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
    PriceChangeEntry,
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
_new_tuple = tuple.__new__


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
    level = Level(to_amount(wire.price), to_amount(wire.size))
    if len(_LEVELS) >= CACHE_LIMIT:
        _LEVELS.clear()
    _LEVELS[wire] = level
    return level


def parse_book(msg: BookMessage, received_at: datetime) -> BookEvent:
    """A snapshot → :class:`BookEvent`; its sorted :class:`Book` is built on first use only.

    Every value is checked here; the event carries the sides as price → size maps (what a
    LocalBook keeps), so applying a snapshot builds no ``Level`` at all.
    """
    exchange_ts = _exchange_time(msg.timestamp)
    bids, best_bid = _level_map_impl(msg.bids, True)
    asks, best_ask = _level_map_impl(msg.asks, False)
    maps = LevelMaps(
        bids,
        asks,
        msg.market,
        to_amount_or_none(msg.tick_size),
        to_amount_or_none(msg.min_order_size),
        msg.hash,
        best_bid,
        best_ask,
    )
    return BookEvent.deferred(
        msg.asset_id,
        maps,
        partial(_build_book, msg, maps, exchange_ts, received_at),
        exchange_ts,
        received_at,
        to_amount_or_none(msg.last_trade_price),
    )


def _level_map(
    levels: list[WireLevel], bids: bool
) -> tuple[dict[Decimal, Decimal], Decimal | None]:
    """Wire levels → price → size, zero sizes dropped, every value checked (in wire order);
    and the best price (the highest of ``bids``, else the lowest), ``None`` for no level."""
    dec = AMOUNTS.get
    out: dict[Decimal, Decimal] = {}
    for wire in levels:
        price = dec(wire.price) or to_amount(wire.price)
        size = dec(wire.size) or to_amount(wire.size)
        if size:
            out[price] = size  # a repeated price keeps its first key and its last size
    if not out:
        return out, None
    return out, max(out) if bids else min(out)


def _build_book(
    msg: BookMessage, maps: LevelMaps, exchange_ts: datetime | int, received_at: datetime
) -> Book:
    return Book(
        token_id=msg.asset_id,
        bids=parse_levels(msg.bids, bids=True),
        asks=parse_levels(msg.asks, bids=False),
        exchange_ts=utc_from_millis(exchange_ts) if isinstance(exchange_ts, int) else exchange_ts,
        received_at=received_at,
        market=msg.market,
        tick_size=maps.tick_size,
        min_order_size=maps.min_order_size,
        book_hash=msg.hash,
    )


def parse_price_change(msg: PriceChangeMessage, received_at: datetime) -> PriceChange:
    """All three ``price_change`` schemas → one :class:`PriceChange` (``size`` is the new total).

    The exchange's time stays epoch milliseconds until someone reads ``exchange_ts``.
    """
    entries = msg.price_changes
    if entries is not None:
        dec, side_of = AMOUNTS.get, SIDES.get  # inlined memo lookups: this is the hot path
        built = []
        for e in entries:
            side, price, size, bid, ask = e.side, e.price, e.size, e.best_bid, e.best_ask
            built.append(
                _new_tuple(  # LevelChange(...) without its Python-level __new__: all 7 fields
                    LevelChange,
                    (
                        e.asset_id,
                        side_of(side) or to_side(side),
                        dec(price) or to_amount(price),
                        _ZERO if size is None else (dec(size) or to_amount(size)),
                        None if bid is None else (dec(bid) or to_amount(bid)),
                        None if ask is None else (dec(ask) or to_amount(ask)),
                        e.hash,
                    ),
                )
            )
        changes = tuple(built)
    elif msg.asset_id is None:
        raise DataError("price_change without price_changes[] nor asset_id")
    elif msg.changes is not None:
        token_id, last = msg.asset_id, len(msg.changes) - 1
        changes = tuple(  # the message's hash is the book's after all of its changes
            LevelChange(
                token_id,
                to_side(c.side),
                to_amount(c.price),
                to_amount(c.size),
                book_hash=msg.hash if i == last else None,
            )
            for i, c in enumerate(msg.changes)
        )
    elif msg.price is not None and msg.side is not None and msg.size is not None:
        changes = (
            LevelChange(
                msg.asset_id,
                to_side(msg.side),
                to_amount(msg.price),
                to_amount(msg.size),
                book_hash=msg.hash,
            ),
        )
    else:
        raise DataError("price_change carries no level (no price_changes, changes or price)")
    text = msg.timestamp
    if len(text) == 13 and text.isdecimal() and text[0] != "0":  # as in _exchange_time, inline
        return _deferred_price_change(msg.market, changes, int(text), received_at)
    return PriceChange(msg.market, changes, ts_from_text(text), received_at)


def _exchange_time(text: str) -> datetime | int:
    """The time of a book or price change: epoch ms as an ``int`` (13 digits, the usual case),
    which the event converts when read, or else the ``datetime`` of :func:`ts_from_text`."""
    if len(text) == 13 and text.isdecimal() and text[0] != "0":
        return int(text)
    return ts_from_text(text)


def parse_last_trade_price(msg: LastTradePriceMessage, received_at: datetime) -> TradeEvent:
    exchange_ts = ts_from_text(msg.timestamp)
    dec = AMOUNTS.get
    trade = _new_trade(
        msg.asset_id,
        msg.market,
        dec(msg.price) or to_amount(msg.price),
        dec(msg.size) or to_amount(msg.size),
        SIDES.get(msg.side) or to_side(msg.side),
        exchange_ts,
        received_at,
        None if msg.fee_rate_bps is None else to_int_or_none(msg.fee_rate_bps),
        msg.transaction_hash or None,
    )
    return _new_trade_event(trade, exchange_ts, received_at)


# -- builders of the hot path's frozen dataclasses ----------------------------------------
# A frozen dataclass's __init__ sets each field through object.__setattr__ (~0.1 µs a field:
# 1.2 µs for a Trade). These set the slots directly, every field given: same objects, ~40% of
# the time. ``_slot_setters`` fails at import if a class gains or loses a field.


def _slot_setters(cls: type[Any], *names: str) -> tuple[Callable[[Any, Any], None], ...]:
    if tuple(f.name for f in fields(cls)) != names:
        raise TypeError(f"{cls.__name__} fields changed: update the builders in {__name__}")
    return tuple(getattr(cls, name).__set__ for name in names)


_new_object = object.__new__
_deferred_price_change = PriceChange.deferred
_TRADE_EVENT_SET = _slot_setters(TradeEvent, "trade", "exchange_ts", "received_at")
_TRADE_SET = _slot_setters(
    Trade,
    *("token_id", "condition_id", "price", "size", "side", "exchange_ts", "received_at"),
    *("outcome", "fee_rate_bps", "transaction_hash", "whale_tier", "best_bid", "best_ask"),
)


def _new_trade_event(trade: Trade, exchange_ts: datetime, received_at: datetime) -> TradeEvent:
    event: TradeEvent = _new_object(TradeEvent)
    set_trade, set_exchange_ts, set_received_at = _TRADE_EVENT_SET
    set_trade(event, trade)
    set_exchange_ts(event, exchange_ts)
    set_received_at(event, received_at)
    return event


def _new_trade(
    token_id: str,
    condition_id: str,
    price: Decimal,
    size: Decimal,
    side: Side,
    exchange_ts: datetime,
    received_at: datetime,
    fee_rate_bps: int | None,
    transaction_hash: str | None,
) -> Trade:
    """``Trade(...)`` of a print: no outcome, whale tier or book state yet (the defaults)."""
    trade: Trade = _new_object(Trade)
    s_token, s_condition, s_price, s_size, s_side, s_exchange_ts, s_received_at = _TRADE_SET[:7]
    s_outcome, s_fee, s_tx, s_whale, s_best_bid, s_best_ask = _TRADE_SET[7:]
    s_token(trade, token_id)
    s_condition(trade, condition_id)
    s_price(trade, price)
    s_size(trade, size)
    s_side(trade, side)
    s_exchange_ts(trade, exchange_ts)
    s_received_at(trade, received_at)
    s_outcome(trade, None)
    s_fee(trade, fee_rate_bps)
    s_tx(trade, transaction_hash)
    s_whale(trade, WhaleTier.NONE)
    s_best_bid(trade, None)
    s_best_ask(trade, None)
    return trade


def parse_tick_size_change(msg: TickSizeChangeMessage, received_at: datetime) -> TickSizeChange:
    return TickSizeChange(
        token_id=msg.asset_id,
        market=msg.market,
        old_tick_size=to_amount(msg.old_tick_size),
        new_tick_size=to_amount(msg.new_tick_size),
        exchange_ts=ts_from_text(msg.timestamp),
        received_at=received_at,
    )


def parse_best_bid_ask(msg: BestBidAskMessage, received_at: datetime) -> BestBidAsk:
    return BestBidAsk(
        token_id=msg.asset_id,
        market=msg.market,
        best_bid=to_amount_or_none(msg.best_bid),
        best_ask=to_amount_or_none(msg.best_ask),
        spread=to_amount_or_none(msg.spread),
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
        tick_size=to_amount_or_none(msg.order_price_min_tick_size),
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


def _decode_market_frame(
    raw: bytes | str, /, *, received_at: datetime | None = None
) -> list[MarketEvent]:
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
        elif not isinstance(event_type, str):  # a list or an object would not even hash
            raise DataError(f"market message whose event_type is not text: {excerpt(raw)}")
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
            events = _decode_impl(raw, received_at, unknown)
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


# -- the C accelerator ---------------------------------------------------------------------
# ``_parse_c`` (built from ``_parse_c.c`` at install, where a C compiler is found) decodes the
# usual frames 2-3 times as fast; the code above stays the reference, which it hands anything
# unusual to, so both give the same events and raise the same errors (test_accelerator.py).

try:
    from polymarket_ml.sources.polymarket import _parse_c
except ImportError:  # installed without a C compiler
    _parse_c = None  # type: ignore[assignment]


class _DecodeMarketFrame(Protocol):
    def __call__(
        self, raw: bytes | str, /, *, received_at: datetime | None = None
    ) -> list[MarketEvent]: ...


decode_market_frame: _DecodeMarketFrame = (
    _decode_market_frame if _parse_c is None else _parse_c.decode_market_frame
)
"""One raw market-channel frame → its events, in frame order.

``received_at`` is our receipt time of the frame (replays pass the recorded one; ``None``
takes the wall clock). Messages of unknown ``event_type`` are skipped; use
:class:`FrameDecoder` to count them. Raises DataError for anything else unparseable.
"""
_decode_impl = _decode if _parse_c is None else _parse_c.decode
_level_map_impl = _level_map if _parse_c is None else _parse_c.level_map


if _parse_c is not None:
    _parse_c.configure(
        sides=SIDES,
        decimal_type=Decimal,
        zero=_ZERO,
        whale_none=WhaleTier.NONE,
        to_decimal=to_amount,
        ts_from_text=ts_from_text,
        to_int_or_none=to_int_or_none,
        parse_price_change=parse_price_change,
        parse_last_trade_price=parse_last_trade_price,
        decode=_decode,
        level_map=_level_map,
        parsers=_PARSERS,
        frame_decode=_FRAME_DECODER.decode,
        PriceChangeMessage=PriceChangeMessage,
        PriceChangeEntry=PriceChangeEntry,
        LastTradePriceMessage=LastTradePriceMessage,
        WireLevel=WireLevel,
        LevelChange=LevelChange,
        PriceChange=PriceChange,
        Trade=Trade,
        TradeEvent=TradeEvent,
        BookMessage=BookMessage,
        LevelMaps=LevelMaps,
        BookEvent=BookEvent,
        partial=partial,
        build_book=_build_book,
    )
accelerator = AcceleratorSwitch(_parse_c)
"""Whether the C accelerator was built and is in use; ``accelerator.use(False)`` switches it off."""
