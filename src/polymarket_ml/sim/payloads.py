"""Wire payloads of the CLOB (REST and market WebSocket) and the Data API, as plain dicts.

Field names, key order, string/number encodings and quirks follow the real exchange
(``polymarket-api.md`` §3, §5, §8): prices and sizes are strings on the CLOB, book levels come
bids ascending and asks descending (best level last), timestamps are epoch-millisecond strings,
empty sides read ``"0"``/``"1"`` in ``price_change``. Gamma payloads are in ``payloads_gamma``.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from polymarket_ml.core.enums import Resolution
from polymarket_ml.sim.feed import (
    FeedBestBidAsk,
    FeedBook,
    FeedItem,
    FeedNewMarket,
    FeedPriceChange,
    FeedResolved,
    FeedTickSize,
    FeedTrade,
    Levels,
)
from polymarket_ml.sim.ids import fmt_decimal, iso_z, millis_str, sha1_hex
from polymarket_ml.sim.market import SimMarket

Json = dict[str, Any]
NO_ORDERBOOK = {"error": "No orderbook exists for the requested token id"}


def _levels(levels: Levels) -> list[dict[str, str]]:
    return [{"price": fmt_decimal(p), "size": fmt_decimal(s)} for p, s in levels]


def _opt(value: Decimal | None, empty: str) -> str:
    return fmt_decimal(value) if value is not None else empty


def book_hash(body: Json) -> str:
    """SHA-1 of the compact JSON of the book with ``hash`` empty, keys in the server's order.

    The algorithm py-clob-client calls "server-compatible" (``polymarket-api.md`` §3.1).
    """
    keys = ("market", "asset_id", "timestamp", "hash", "bids", "asks", "min_order_size",
            "tick_size", "neg_risk", "last_trade_price")  # fmt: skip
    canonical = {key: body.get(key, "") for key in keys}
    canonical["hash"] = ""
    if "min_order_size" not in body:
        canonical["min_order_size"] = "5"
    canonical.setdefault("neg_risk", False)
    return sha1_hex(json.dumps(canonical, separators=(",", ":"), ensure_ascii=False))


def rest_book(market: SimMarket, index: int, now: datetime) -> Json:
    """``GET /book`` body for token ``index`` of ``market``."""
    bids, asks = market.book.levels(index == 0)
    body: Json = {
        "market": market.condition_id,
        "asset_id": market.token_ids[index],
        "timestamp": millis_str(now),
        "hash": "",
        "bids": _levels(tuple(bids)),
        "asks": _levels(tuple(asks)),
        "min_order_size": fmt_decimal(market.min_order_size),
        "tick_size": fmt_decimal(market.tick),
        "neg_risk": market.event.neg_risk,
        "last_trade_price": _opt(market.last_trade_price[index], ""),
    }
    body["hash"] = book_hash(body)
    return body


def ws_book(item: FeedBook) -> Json:
    body: Json = {
        "market": item.market.condition_id,
        "asset_id": item.asset_id,
        "timestamp": str(item.timestamp_ms),
        "hash": "",
        "bids": _levels(item.bids),
        "asks": _levels(item.asks),
        "tick_size": fmt_decimal(item.tick_size),
        "last_trade_price": _opt(item.last_trade_price, ""),
    }
    body["hash"] = book_hash({**body, "neg_risk": item.market.event.neg_risk})
    body["event_type"] = "book"
    return body


def ws_price_change(item: FeedPriceChange) -> Json:
    return {
        "market": item.market.condition_id,
        "price_changes": [
            {
                "asset_id": e.asset_id,
                "price": fmt_decimal(e.price),
                "size": fmt_decimal(e.size),
                "side": e.side.value,
                "hash": e.hash,
                "best_bid": _opt(e.best_bid, "0"),
                "best_ask": _opt(e.best_ask, "1"),
            }
            for e in item.entries
        ],
        "timestamp": str(item.timestamp_ms),
        "event_type": "price_change",
    }


def ws_last_trade(item: FeedTrade) -> Json:
    return {
        "asset_id": item.asset_id,
        "event_type": "last_trade_price",
        "fee_rate_bps": str(item.fee_rate_bps),
        "market": item.market.condition_id,
        "price": fmt_decimal(item.price),
        "side": item.side.value,
        "size": fmt_decimal(item.size),
        "timestamp": str(item.timestamp_ms),
        "transaction_hash": item.transaction_hash,
    }


def ws_tick_size(item: FeedTickSize) -> Json:
    return {
        "asset_id": item.asset_id,
        "event_type": "tick_size_change",
        "market": item.market.condition_id,
        "new_tick_size": fmt_decimal(item.new_tick),
        "old_tick_size": fmt_decimal(item.old_tick),
        "timestamp": str(item.timestamp_ms),
    }


def ws_best_bid_ask(item: FeedBestBidAsk) -> Json:
    bid, ask = item.best_bid, item.best_ask
    spread = ask - bid if bid is not None and ask is not None else Decimal(1)
    return {
        "event_type": "best_bid_ask",
        "market": item.market.condition_id,
        "asset_id": item.asset_id,
        "best_bid": _opt(bid, "0"),
        "best_ask": _opt(ask, "1"),
        "spread": fmt_decimal(spread),
        "timestamp": str(item.timestamp_ms),
    }


def _market_header(market: SimMarket, timestamp_ms: int) -> Json:
    event = market.event
    return {
        "id": market.gamma_id,
        "question": market.question,
        "market": market.condition_id,
        "slug": market.slug,
        "description": market.description,
        "assets_ids": list(market.token_ids),
        "outcomes": list(market.outcomes),
        "event_message": {
            "id": event.event_id,
            "ticker": event.slug,
            "slug": event.slug,
            "title": event.title,
            "description": event.description,
        },
        "timestamp": str(timestamp_ms),
        "tags": [tag.lower() for tag in event.tags],
    }


def ws_new_market(item: FeedNewMarket) -> Json:
    market = item.market
    body = {"event_type": "new_market", **_market_header(market, item.timestamp_ms)}
    body.update({
        "condition_id": market.condition_id,
        "active": True,
        "clob_token_ids": list(market.token_ids),
        "sports_market_type": market.sports_market_type,
        "line": "" if market.line is None else str(market.line),
        "game_start_time": "",
        "order_price_min_tick_size": fmt_decimal(market.tick),
        "group_item_title": market.group_item_title,
    })  # fmt: skip
    return body


def ws_market_resolved(item: FeedResolved) -> Json:
    """``market_resolved``; a VOID (50-50) market has empty ``winning_asset_id``/``_outcome``."""
    market, winner = item.market, item.winner_index
    body = _market_header(market, item.timestamp_ms)
    body["winning_asset_id"] = "" if winner is None else market.token_ids[winner]
    body["winning_outcome"] = "" if winner is None else market.outcomes[winner]
    body["event_type"] = "market_resolved"
    return body


def render_feed(item: FeedItem) -> Json:
    """The market-channel payload of one feed item."""
    if isinstance(item, FeedPriceChange):
        return ws_price_change(item)
    if isinstance(item, FeedTrade):
        return ws_last_trade(item)
    if isinstance(item, FeedBook):
        return ws_book(item)
    if isinstance(item, FeedBestBidAsk):
        return ws_best_bid_ask(item)
    if isinstance(item, FeedTickSize):
        return ws_tick_size(item)
    if isinstance(item, FeedNewMarket):
        return ws_new_market(item)
    return ws_market_resolved(item)


def data_trade(item: FeedTrade) -> Json:
    """One row of the Data API ``GET /trades`` (numbers are JSON numbers, seconds)."""
    market = item.market
    index = market.token_index(item.asset_id)
    return {
        "proxyWallet": item.taker_wallet,
        "side": item.side.value,
        "asset": item.asset_id,
        "conditionId": market.condition_id,
        "size": float(item.size),
        "price": float(item.price),
        "timestamp": item.timestamp_ms // 1000,
        "title": market.question,
        "slug": market.slug,
        "icon": "",
        "eventSlug": market.event.slug,
        "outcome": market.outcomes[index],
        "outcomeIndex": index,
        "name": "",
        "pseudonym": f"Sim-{item.taker_wallet[2:8]}",
        "bio": "",
        "profileImage": "",
        "profileImageOptimized": "",
        "transactionHash": item.transaction_hash,
    }


def clob_token_price(market: SimMarket, index: int) -> float:
    """Display price of a token: settlement after resolution, else midpoint (or 0.5)."""
    if market.resolution is not None:
        if market.resolution is Resolution.VOID:
            return 0.5
        return 1.0 if (market.resolution is Resolution.YES) == (index == 0) else 0.0
    mid = market.midpoint()
    p = float(mid) if mid is not None else market.probability()
    return round(p if index == 0 else 1 - p, 4)


def clob_market(market: SimMarket) -> Json:
    """``GET /markets/{condition_id}`` of the CLOB."""
    event, closed = market.event, market.closed
    winner = {Resolution.YES: 0, Resolution.NO: 1}.get(market.resolution or Resolution.VOID)
    return {
        "enable_order_book": not closed,
        "active": True,
        "closed": closed,
        "archived": False,
        "accepting_orders": not closed,
        "accepting_order_timestamp": iso_z(event.start_date),
        "minimum_order_size": int(market.min_order_size),
        "minimum_tick_size": float(market.tick),
        "condition_id": market.condition_id,
        "question_id": market.question_id,
        "question": market.question,
        "description": market.description,
        "market_slug": market.slug,
        "end_date_iso": iso_z(market.end_date),
        "game_start_time": None,
        "seconds_delay": 3 if market.sports_market_type else 0,
        "fpmm": "",
        "maker_base_fee": 0,
        "taker_base_fee": 0,
        "notifications_enabled": True,
        "neg_risk": event.neg_risk,
        "neg_risk_market_id": event.neg_risk_market_id,
        "neg_risk_request_id": market.neg_risk_request_id,
        "icon": "",
        "image": "",
        "rewards": {"rates": [{"asset_address": "0xc011a7e12a19f7b1f670d46f03b03f3342e82dfb",
                               "rewards_daily_rate": 1}], "min_size": 50, "max_spread": 4.5},
        "is_50_50_outcome": market.resolution is Resolution.VOID,
        "tokens": [
            {"token_id": token, "outcome": market.outcomes[i],
             "price": clob_token_price(market, i), "winner": winner == i}
            for i, token in enumerate(market.token_ids)
        ],
        "tags": list(event.tags),
    }  # fmt: skip
