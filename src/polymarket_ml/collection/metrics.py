"""Live trade metrics per token: what the WebSocket collector feeds and snapshots read.

In one process (``pmml up``) they live in memory here. The distributed deployment keeps them in
Redis behind the same interface, so snapshot workers on other machines can read them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from polymarket_ml.core.types import Trade
from polymarket_ml.features.trade_window import TradeWindow
from polymarket_ml.features.trades import TradeFeatures


class TradeMetrics(Protocol):
    def follow(self, token_ids: Iterable[str], *, now: datetime) -> None: ...

    def unfollow(self, token_ids: Iterable[str]) -> None: ...

    def add(self, trade: Trade) -> None: ...

    def features(self, token_id: str, now: datetime) -> TradeFeatures | None:
        """The token's trade features, or None when the WebSocket does not follow it."""
        ...


class InProcessTradeMetrics:
    """One :class:`TradeWindow` per followed token (memory bounded by the windows)."""

    def __init__(self, whale_thresholds_usd: tuple[float, float, float] = (100, 1000, 10000)):
        self._thresholds = whale_thresholds_usd
        self._windows: dict[str, TradeWindow] = {}
        self.followed_since: dict[str, datetime] = {}

    def follow(self, token_ids: Iterable[str], *, now: datetime) -> None:
        for token in token_ids:
            if token not in self._windows:
                self._windows[token] = TradeWindow(self._thresholds)
                self.followed_since[token] = now

    def unfollow(self, token_ids: Iterable[str]) -> None:
        for token in token_ids:
            self._windows.pop(token, None)
            self.followed_since.pop(token, None)

    def add(self, trade: Trade) -> None:
        window = self._windows.get(trade.token_id)
        if window is not None:
            window.add_trade(trade)

    def features(self, token_id: str, now: datetime) -> TradeFeatures | None:
        window = self._windows.get(token_id)
        return None if window is None else window.features(now)

    def __len__(self) -> int:
        return len(self._windows)
