"""The figures Gamma publishes about one market, as the features layer reads them.

Gamma's price fields describe the **first** outcome token (``clobTokenIds[0]``, the YES token)
and are cached for up to ~5 minutes. A key Gamma omits (no ``bestBid`` on an empty bid side, no
``oneDayPriceChange`` when not computed) is ``None`` here, never 0. Values are floats: these are
statistics for features, not money to settle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class GammaMarketStats:
    """One Gamma market's numbers at ``updated_at``; field names match the snapshot columns."""

    condition_id: str
    gamma_id: str | None = None
    token_id: str | None = None  # the token the price fields describe (clobTokenIds[0])
    updated_at: datetime | None = None  # Gamma's updatedAt
    price: float | None = None  # outcomePrices[0]
    best_bid: float | None = None
    best_ask: float | None = None
    spread: float | None = None
    last_trade_price: float | None = None
    price_change_1h: float | None = None
    price_change_1d: float | None = None
    price_change_1w: float | None = None
    price_change_1m: float | None = None
    volume_total: float | None = None  # volumeNum
    volume_24h: float | None = None
    volume_1w: float | None = None
    volume_1m: float | None = None
    liquidity: float | None = None  # liquidityNum
    competitive: float | None = None
    tick_size: float | None = None  # orderPriceMinTickSize
    neg_risk: bool | None = None
    category: str | None = None


__all__ = ["GammaMarketStats"]
