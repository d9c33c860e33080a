"""What the client sends on the market channel (polymarket-api.md §5.1): pure, no I/O."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from polymarket_ml.sources.polymarket.wire_ws import SubscriptionUpdate
from polymarket_ml.sources.polymarket.ws_policy import MarketStreamConfig

PING = "PING"
"""The text keepalive; the server answers ``PONG`` (§5.2)."""
_encode = msgspec.json.Encoder().encode


def market_subscribe_message(asset_ids: Iterable[str], config: MarketStreamConfig) -> str:
    """The first message on the socket: ``{"assets_ids": [...], "type": "market", ...}``.

    Built by hand: ``MarketSubscribeRequest`` omits defaults, which drops ``"type": "market"``.
    """
    request: dict[str, object] = {"assets_ids": list(asset_ids), "type": "market"}
    if config.custom_feature_enabled:
        request["custom_feature_enabled"] = True
    if config.initial_dump is not None:
        request["initial_dump"] = config.initial_dump
    return _encode(request).decode()


def market_update_message(
    operation: str, asset_ids: Iterable[str], config: MarketStreamConfig
) -> str:
    """A dynamic ``subscribe`` or ``unsubscribe`` on the open socket (no reconnect needed)."""
    if operation not in ("subscribe", "unsubscribe"):
        raise ValueError(f"operation must be 'subscribe' or 'unsubscribe', got {operation!r}")
    subscribing = operation == "subscribe"
    update = SubscriptionUpdate(
        operation=operation,
        assets_ids=list(asset_ids),
        custom_feature_enabled=(config.custom_feature_enabled or None) if subscribing else None,
        initial_dump=config.initial_dump if subscribing else None,
    )
    return _encode(update).decode()


__all__ = ["PING", "market_subscribe_message", "market_update_message"]
