"""User-channel messages (and their REST twins) → core events.

The user channel reports our own orders (``order``) and trades (``trade``). REST
``/data/orders`` and ``/data/trades`` return the same shapes and go through the same parsers.
Some real frames lack ``event_type``; they are recognised by ``type`` (``PLACEMENT``,
``UPDATE``, ``CANCELLATION`` for orders, ``TRADE`` for trades).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from polymarket_ml.core.errors import DataError
from polymarket_ml.core.events import MakerFill, OrderUpdate, UserEvent, UserTrade
from polymarket_ml.sources.polymarket.values import (
    excerpt,
    to_decimal,
    to_int_or_none,
    to_side,
    to_side_or_none,
    ts_or_none,
)
from polymarket_ml.sources.polymarket.wire_clob import OpenOrder
from polymarket_ml.sources.polymarket.wire_ws import (
    AnyUserMessage,
    TradeFields,
    UserFrame,
    UserOrderMessage,
)

_FRAME_DECODER = msgspec.json.Decoder(UserFrame)
_ANY_DECODER = msgspec.json.Decoder()
_ORDER_TYPES = frozenset({"PLACEMENT", "UPDATE", "CANCELLATION"})
_IGNORED_TEXT = frozenset({"PONG", ""})


def parse_order(msg: UserOrderMessage | OpenOrder, received_at: datetime) -> OrderUpdate:
    """A user-channel ``order`` or a REST open order → :class:`OrderUpdate`.

    ``size_matched`` ``""`` (seen on killed FOK orders) is 0; ``created_at`` is seconds or
    milliseconds by magnitude, or ``""``.
    """
    ws = msg if isinstance(msg, UserOrderMessage) else None
    return OrderUpdate(
        order_id=msg.id,
        market=msg.market,
        token_id=msg.asset_id,
        side=to_side(msg.side),
        price=to_decimal(msg.price),
        original_size=to_decimal(msg.original_size),
        size_matched=to_decimal(msg.size_matched) if msg.size_matched else to_decimal("0"),
        status=msg.status or None,
        received_at=received_at,
        exchange_ts=ts_or_none(ws.timestamp) if ws else None,
        kind=ws.type if ws else None,
        order_type=msg.order_type or None,
        outcome=msg.outcome or None,
        created_at=ts_or_none(msg.created_at),
        expiration=ts_or_none(msg.expiration),
        associate_trades=tuple(msg.associate_trades or ()),
        maker_address=msg.maker_address or None,
    )


def parse_user_trade(msg: TradeFields, received_at: datetime) -> UserTrade:
    """A user-channel ``trade`` or a REST ``/data/trades`` item → :class:`UserTrade`."""
    timestamp = getattr(msg, "timestamp", None)
    return UserTrade(
        trade_id=msg.id,
        market=msg.market,
        token_id=msg.asset_id,
        side=to_side(msg.side),
        price=to_decimal(msg.price),
        size=to_decimal(msg.size),
        status=msg.status,
        received_at=received_at,
        exchange_ts=ts_or_none(timestamp),
        match_time=ts_or_none(msg.match_time or msg.matchtime),
        last_update=ts_or_none(msg.last_update),
        taker_order_id=msg.taker_order_id,
        trader_side=msg.trader_side,
        outcome=msg.outcome or None,
        fee_rate_bps=to_int_or_none(msg.fee_rate_bps),
        transaction_hash=msg.transaction_hash or None,
        maker_fills=tuple(
            MakerFill(
                order_id=m.order_id,
                token_id=m.asset_id,
                price=to_decimal(m.price),
                matched_size=to_decimal(m.matched_amount),
                owner=m.owner,
                maker_address=m.maker_address,
                outcome=m.outcome or None,
                side=to_side_or_none(m.side),
                fee_rate_bps=to_int_or_none(m.fee_rate_bps),
            )
            for m in msg.maker_orders
        ),
    )


def parse_user_message(msg: AnyUserMessage, received_at: datetime) -> UserEvent:
    if isinstance(msg, UserOrderMessage):
        return parse_order(msg, received_at)
    return parse_user_trade(msg, received_at)


def decode_user_frame(raw: bytes | str, *, received_at: datetime | None = None) -> list[UserEvent]:
    """One raw user-channel frame → its events. Raises DataError with the raw text on failure."""
    if received_at is None:
        received_at = datetime.now(UTC)
    try:
        decoded = _FRAME_DECODER.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        messages = _decode_slow(raw)
    else:
        messages = decoded if isinstance(decoded, list) else [decoded]
    try:
        return [parse_user_message(m, received_at) for m in messages]
    except DataError as exc:
        raise DataError(f"{exc}; frame: {excerpt(raw)}") from exc


def _decode_slow(raw: bytes | str) -> list[AnyUserMessage]:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if text.strip() in _IGNORED_TEXT:
        return []
    try:
        obj: Any = _ANY_DECODER.decode(raw)
    except msgspec.DecodeError as exc:
        raise DataError(f"user frame is not JSON ({exc}): {excerpt(raw)}") from exc
    messages: list[AnyUserMessage] = []
    for item in obj if isinstance(obj, list) else [obj]:
        if not isinstance(item, dict):
            raise DataError(f"user frame holds a non-object item: {excerpt(raw)}")
        if "event_type" not in item:
            kind = item.get("type")
            if kind in _ORDER_TYPES:
                item = {**item, "event_type": "order"}
            elif kind == "TRADE":
                item = {**item, "event_type": "trade"}
        try:
            messages.append(msgspec.convert(item, AnyUserMessage))
        except msgspec.ValidationError as exc:
            raise DataError(f"invalid user message ({exc}): {excerpt(raw)}") from exc
    return messages
