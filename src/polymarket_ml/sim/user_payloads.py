"""Wire payloads of user orders and trades: CLOB REST (``/data/orders``, ``/data/trades``) and
the user WebSocket channel (``order`` and ``trade`` events), shaped like the recorded samples
(``clob/fixture_open_order.json``, ``clob/data_trade_item_2024-09.json``,
``ws/user_order_*.json``, ``ws/user_trade_*.json``; ``polymarket-api.md`` §4.7 and §6).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from polymarket_ml.sim.ids import fmt_decimal, millis_str
from polymarket_ml.sim.orders import MakerFill, SimOrder, SimTrade

Json = dict[str, Any]


def _seconds(when: datetime) -> str:
    return str(int(when.timestamp()))


def _amount(value: Decimal) -> str:
    return fmt_decimal(value) if value else "0"


def open_order(order: SimOrder) -> Json:
    """One ``OpenOrder`` of ``GET /data/orders`` (``created_at`` an integer of seconds)."""
    return {
        "id": order.id,
        "status": order.status,
        "owner": order.owner,
        "maker_address": order.maker_address,
        "market": order.market.condition_id,
        "asset_id": order.asset_id,
        "side": order.side.value,
        "original_size": _amount(order.original_size),
        "size_matched": _amount(order.size_matched),
        "price": fmt_decimal(order.price),
        "associate_trades": list(order.associate_trades),
        "outcome": order.outcome,
        "created_at": int(order.created_at.timestamp()),
        "expiration": str(order.expiration),
        "order_type": order.order_type,
    }


def ws_order(order: SimOrder, kind: str, now: datetime, status: str | None = None) -> Json:
    """User-channel ``order`` event; ``kind`` is PLACEMENT, UPDATE or CANCELLATION."""
    return {
        "asset_id": order.asset_id,
        "associate_trades": list(order.associate_trades) or None,
        "created_at": millis_str(order.created_at),
        "event_type": "order",
        "expiration": str(order.expiration),
        "id": order.id,
        "maker_address": order.maker_address,
        "market": order.market.condition_id,
        "order_owner": order.owner,
        "order_type": order.order_type,
        "original_size": _amount(order.original_size),
        "outcome": order.outcome,
        "owner": order.owner,
        "price": fmt_decimal(order.price),
        "side": order.side.value,
        "size_matched": _amount(order.size_matched),
        "status": status or order.status,
        "timestamp": millis_str(now),
        "type": kind,
    }


def _maker_order(fill: MakerFill) -> Json:
    return {
        "order_id": fill.order_id,
        "owner": fill.owner,
        "maker_address": fill.maker_address,
        "matched_amount": _amount(fill.matched_amount),
        "price": fmt_decimal(fill.price),
        "fee_rate_bps": str(fill.fee_rate_bps),
        "asset_id": fill.asset_id,
        "outcome": fill.outcome,
        "side": fill.side.value,
    }


def rest_trade(trade: SimTrade) -> Json:
    """One trade of ``GET /data/trades`` (times in epoch seconds, as strings)."""
    return {
        "id": trade.id,
        "taker_order_id": trade.taker_order_id,
        "market": trade.market.condition_id,
        "asset_id": trade.asset_id,
        "side": trade.side.value,
        "size": _amount(trade.size),
        "fee_rate_bps": str(trade.fee_rate_bps),
        "price": fmt_decimal(trade.price),
        "status": trade.status,
        "match_time": _seconds(trade.match_time),
        "last_update": _seconds(trade.last_update or trade.match_time),
        "outcome": trade.outcome,
        "bucket_index": 0,
        "owner": trade.owner,
        "maker_address": trade.maker_address,
        "transaction_hash": trade.transaction_hash,
        "maker_orders": [_maker_order(m) for m in trade.maker_orders],
        "trader_side": trade.trader_side,
    }


def ws_trade(trade: SimTrade, now: datetime) -> Json:
    """User-channel ``trade`` event, re-sent on every status change."""
    body = rest_trade(trade)
    body.update({"event_type": "trade", "timestamp": millis_str(now),
                 "trade_owner": trade.owner, "type": "TRADE"})  # fmt: skip
    return body
