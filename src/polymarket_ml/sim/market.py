"""Simulated events and markets: static metadata plus the state the engine evolves.

A market's price follows a hidden log-odds process: Gaussian noise, rare jumps, and a
Brownian-bridge drift towards its predetermined outcome that tightens as the end date nears
(YES → log-odds +6, NO → -6, VOID → 0, i.e. 0.5).

Quotes follow that fair value, except that now and then an earlier deadline of a "by date X"
series is bid up past a later one (a *mispricing*: a log-odds offset on the quotes that decays
with a half-life of :data:`MISPRICING_HALF_LIFE_S`), as thin real series sometimes are; the
fair value and the outcome are untouched, so the gap closes again.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from polymarket_ml.core.enums import Resolution, Tier
from polymarket_ml.sim.book import SimBook

TARGET_LOGIT = {Resolution.YES: 6.0, Resolution.NO: -6.0, Resolution.VOID: 0.0}
NOISE_PER_SQRT_S = 0.9 / math.sqrt(86_400.0)
JUMPS_PER_S = 1.0 / (8 * 3600.0)
HISTORY_POINTS = 1_500
MISPRICING_HALF_LIFE_S = 20 * 60.0


class EventKind(StrEnum):
    """Shapes of events the catalog generates."""

    SINGLE = "single"
    NEG_RISK = "neg_risk"
    BY_DATE = "by_date"
    UP_DOWN = "up_down"
    SPORTS = "sports"


def tier_for(end: datetime, now: datetime) -> Tier:
    """T0 > 48h, T1 12-48h, T2 4-12h, T3 1-4h, T4 < 1h to the end date."""
    hours = (end - now).total_seconds() / 3600.0
    if hours > 48:
        return Tier.T0
    if hours > 12:
        return Tier.T1
    if hours > 4:
        return Tier.T2
    if hours > 1:
        return Tier.T3
    return Tier.T4


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass(slots=True)
class SimEvent:
    """A Gamma event: one or several markets sharing a title (neg-risk, by-date series...)."""

    event_id: str
    kind: EventKind
    title: str
    slug: str
    description: str
    created_at: datetime
    start_date: datetime
    end_date: datetime
    category: str
    tags: tuple[str, ...]
    neg_risk: bool = False
    neg_risk_market_id: str = ""
    game_id: int | None = None
    series_slug: str | None = None
    recurrence: str | None = None
    market_ids: list[str] = field(default_factory=list)
    closed_at: datetime | None = None


@dataclass(slots=True)
class SimMarket:
    """A binary market: metadata, hidden price state, book and running statistics."""

    gamma_id: str
    event: SimEvent
    question: str
    slug: str
    description: str
    group_item_title: str
    condition_id: str
    question_id: str
    token_ids: tuple[str, str]
    outcomes: tuple[str, str]
    created_at: datetime
    end_date: datetime
    resolve_at: datetime
    target: Resolution
    log_odds: float
    book: SimBook
    fee_type: str | None
    fee_rate: Decimal
    neg_risk_request_id: str = ""
    sports_market_type: str = ""
    line: float | None = None
    min_order_size: Decimal = Decimal(5)
    half_spread_ticks: int = 1
    updated_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: Resolution | None = None
    last_trade_price: list[Decimal | None] = field(default_factory=lambda: [None, None])
    last_trade_side: list[str] = field(default_factory=lambda: ["BUY", "BUY"])
    opening_price: float = 0.5
    volume_usd: Decimal = Decimal(0)
    base_volume_usd: float = 0.0
    liquidity_usd: float = 0.0
    mispricing: float = 0.0  # log-odds added to the quotes at ``mispriced_at``, decaying
    mispriced_at: datetime | None = None
    cached_bid: Decimal | None = None
    cached_ask: Decimal | None = None
    history: deque[tuple[int, float]] = field(default_factory=lambda: deque(maxlen=HISTORY_POINTS))

    @property
    def closed(self) -> bool:
        return self.resolution is not None

    @property
    def tick(self) -> Decimal:
        return self.book.tick

    def probability(self) -> float:
        """The hidden fair probability of the first outcome."""
        return min(max(sigmoid(self.log_odds), 0.0005), 0.9995)

    def quoted_probability(self, now: datetime) -> float:
        """The probability the book is quoted around: the fair one plus what is left of a
        mispricing."""
        x = self.log_odds
        if self.mispriced_at is not None:
            age = max((now - self.mispriced_at).total_seconds(), 0.0)
            x += self.mispricing * 0.5 ** (age / MISPRICING_HALF_LIFE_S)
        return min(max(sigmoid(x), 0.0005), 0.9995)

    def token_index(self, asset_id: str) -> int:
        return 0 if self.token_ids[0] == asset_id else 1

    def midpoint(self) -> Decimal | None:
        bid, ask = self.book.best_bid(), self.book.best_ask()
        if bid is None or ask is None:
            return None
        return (bid + ask) / 2

    def advance(self, rng: random.Random, now: datetime) -> None:
        """Evolve the hidden log-odds from ``updated_at`` to ``now`` (exact in elapsed time)."""
        last = self.updated_at or now
        dt = (now - last).total_seconds()
        self.updated_at = now
        if dt <= 0 or self.closed:
            return
        tau = max((self.resolve_at - now).total_seconds(), 1.0)
        pull = min(1.0, dt / (tau + dt))
        target = TARGET_LOGIT[self.target]
        noise = NOISE_PER_SQRT_S * (1.0 + 4.0 * math.exp(-tau / 7200.0))
        self.log_odds += (target - self.log_odds) * pull
        self.log_odds += rng.gauss(0.0, noise * math.sqrt(dt * (1.0 - pull)))
        if rng.random() < 1.0 - math.exp(-JUMPS_PER_S * dt):
            self.log_odds += rng.gauss(0.0, 0.9)
        self.log_odds = min(max(self.log_odds, -7.5), 7.5)
