"""The Gamma figures a snapshot reads: a protocol, and a plain dataclass that satisfies it.

Any object with these attributes will do (the Gamma parser's own type included): the features
layer only reads them. Values are floats, ``None`` where Gamma gave none (never 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class GammaFigures(Protocol):
    """Read-only view of one market's Gamma numbers; names are the snapshot column names."""

    @property
    def price(self) -> float | None: ...

    @property
    def best_bid(self) -> float | None: ...

    @property
    def best_ask(self) -> float | None: ...

    @property
    def spread(self) -> float | None: ...

    @property
    def last_trade_price(self) -> float | None: ...

    @property
    def price_change_1h(self) -> float | None: ...

    @property
    def price_change_1d(self) -> float | None: ...

    @property
    def price_change_1w(self) -> float | None: ...

    @property
    def price_change_1m(self) -> float | None: ...

    @property
    def volume_total(self) -> float | None: ...

    @property
    def volume_24h(self) -> float | None: ...

    @property
    def volume_1w(self) -> float | None: ...

    @property
    def volume_1m(self) -> float | None: ...

    @property
    def liquidity(self) -> float | None: ...

    @property
    def category(self) -> str | None: ...

    @property
    def neg_risk(self) -> bool | None: ...

    @property
    def competitive(self) -> float | None: ...

    @property
    def tick_size(self) -> float | None: ...

    @property
    def updated_at(self) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class GammaInputs:
    """The Gamma market fields a snapshot uses, already parsed; ``None`` where Gamma gave none.

    Field by Gamma key: ``price`` ``outcomePrices[0]``; ``best_bid`` ``bestBid``; ``best_ask``
    ``bestAsk``; ``spread`` ``spread``; ``last_trade_price`` ``lastTradePrice``;
    ``price_change_1h/1d/1w/1m`` ``oneHour/oneDay/oneWeek/oneMonthPriceChange``;
    ``volume_total`` ``volumeNum``; ``volume_24h`` ``volume24hr``; ``volume_1w`` ``volume1wk``;
    ``volume_1m`` ``volume1mo``; ``liquidity`` ``liquidityNum``; ``category`` ``category``, else
    the first event's, else the first tag's label; ``neg_risk`` ``negRisk``; ``competitive``
    ``competitive``; ``tick_size`` ``orderPriceMinTickSize``; ``updated_at`` ``updatedAt`` (the
    exchange time of these figures).
    """

    price: float | None = None
    best_bid: float | None = None
    best_ask: float | None = None
    spread: float | None = None
    last_trade_price: float | None = None
    price_change_1h: float | None = None
    price_change_1d: float | None = None
    price_change_1w: float | None = None
    price_change_1m: float | None = None
    volume_total: float | None = None
    volume_24h: float | None = None
    volume_1w: float | None = None
    volume_1m: float | None = None
    liquidity: float | None = None
    category: str | None = None
    neg_risk: bool | None = None
    competitive: float | None = None
    tick_size: float | None = None
    updated_at: datetime | None = None
