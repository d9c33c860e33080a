"""One binary market's order book, kept once for the first token and mirrored for the second.

A bid at ``p`` on the first (YES) token is an ask at ``1 - p`` on the second (NO) token
(``polymarket-api.md`` §4.9, §11.21), so the simulator stores the YES book only and derives the
NO book. Prices sit on the tick grid ``[tick, 1 - tick]``; sizes are shares with 2 decimals.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from polymarket_ml.core.enums import Side

ONE = Decimal(1)
ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class LevelChange:
    """A YES-book level whose total size became ``size`` (``0`` removes it); side BUY = bid."""

    side: Side
    price: Decimal
    size: Decimal


@dataclass(frozen=True, slots=True)
class Fill:
    """Shares taken from one YES-book level by a taker."""

    yes_price: Decimal
    size: Decimal


def snap_down(price: float | Decimal, tick: Decimal) -> Decimal:
    return (Decimal(str(price)) / tick).to_integral_value(rounding=ROUND_FLOOR) * tick


def snap_up(price: float | Decimal, tick: Decimal) -> Decimal:
    return (Decimal(str(price)) / tick).to_integral_value(rounding=ROUND_CEILING) * tick


def random_size(rng: random.Random, scale: float = 1.0) -> Decimal:
    """Heavy-tailed resting size in shares (lognormal around ~150, at least 5)."""
    shares = max(5.0, rng.lognormvariate(math.log(150.0 * scale), 1.3))
    return Decimal(f"{min(shares, 2_000_000.0):.2f}")


@dataclass(slots=True)
class SimBook:
    """The YES-side book of one market: ``bids``/``asks`` map price → total size."""

    tick: Decimal
    depth: int
    bids: dict[Decimal, Decimal] = field(default_factory=dict)
    asks: dict[Decimal, Decimal] = field(default_factory=dict)

    # ---- reading -------------------------------------------------------------------------
    def best_bid(self) -> Decimal | None:
        return max(self.bids) if self.bids else None

    def best_ask(self) -> Decimal | None:
        return min(self.asks) if self.asks else None

    def top(self, first_token: bool) -> tuple[Decimal | None, Decimal | None]:
        """Best bid and ask of the first token, or of the second (mirrored) token."""
        bid, ask = self.best_bid(), self.best_ask()
        if first_token:
            return bid, ask
        return (ONE - ask if ask is not None else None), (ONE - bid if bid is not None else None)

    def notional_usd(self) -> float:
        """Resting value of both sides, in USDC (Gamma's ``liquidity``)."""
        bids = sum(p * s for p, s in self.bids.items())
        asks = sum((ONE - p) * s for p, s in self.asks.items())
        return float(bids + asks)

    def levels(self, first_token: bool) -> tuple[list[tuple[Decimal, Decimal]], ...]:
        """(bids ascending, asks descending) — the exchange's order, best level last (§3.1)."""
        if first_token:
            bids = sorted(self.bids.items())
            asks = sorted(self.asks.items(), reverse=True)
        else:
            bids = sorted((ONE - p, s) for p, s in self.asks.items())
            asks = sorted(((ONE - p, s) for p, s in self.bids.items()), reverse=True)
        return bids, asks

    # ---- writing -------------------------------------------------------------------------
    def clear(self) -> None:
        self.bids.clear()
        self.asks.clear()

    def set_level(self, side: Side, price: Decimal, size: Decimal) -> LevelChange:
        book = self.bids if side is Side.BUY else self.asks
        if size <= ZERO:
            book.pop(price, None)
            return LevelChange(side, price, ZERO)
        book[price] = size
        return LevelChange(side, price, size)

    def rebuild(self, rng: random.Random, mid: float, half_spread_ticks: int) -> None:
        """Replace the book with fresh levels around ``mid``."""
        self.clear()
        best_bid, best_ask = self.quote_targets(mid, half_spread_ticks)
        self._fill_side(rng, Side.BUY, best_bid)
        self._fill_side(rng, Side.SELL, best_ask)

    def quote_targets(self, mid: float, half_spread_ticks: int) -> tuple[Decimal, Decimal]:
        """Best bid and ask a market maker would quote around ``mid``, kept on the grid."""
        tick = self.tick
        lo, hi = tick, ONE - tick
        bid = snap_down(mid, tick) - tick * (half_spread_ticks - 1)
        ask = snap_up(mid, tick) + tick * (half_spread_ticks - 1)
        if ask <= bid:
            ask = bid + tick
        bid = min(max(bid, lo), hi - tick)
        ask = max(min(ask, hi), bid + tick)
        return bid, ask

    def _fill_side(self, rng: random.Random, side: Side, start: Decimal) -> None:
        tick = self.tick
        book = self.bids if side is Side.BUY else self.asks
        step = -tick if side is Side.BUY else tick
        price = start
        while len(book) < self.depth and tick <= price <= ONE - tick:
            scale = 0.4 if len(book) < 3 else 1.0
            book[price] = random_size(rng, scale)
            price += step * rng.choice((1, 1, 1, 2, 3))

    def requote(
        self, rng: random.Random, mid: float, half_spread_ticks: int
    ) -> Iterator[LevelChange]:
        """Move the top of book to the quotes implied by ``mid``, one level change at a time:
        each is made as it is yielded, so that the message sent for it can carry the top of
        book after it and no later one (the exchange's ``best_bid``/``best_ask``, §5.3)."""
        target_bid, target_ask = self.quote_targets(mid, half_spread_ticks)
        for price in sorted(p for p in self.bids if p > target_bid):
            yield self.set_level(Side.BUY, price, ZERO)
        for price in sorted((p for p in self.asks if p < target_ask), reverse=True):
            yield self.set_level(Side.SELL, price, ZERO)
        if target_bid not in self.bids and target_bid < target_ask:
            yield self.set_level(Side.BUY, target_bid, random_size(rng, 0.4))
        if target_ask not in self.asks:
            yield self.set_level(Side.SELL, target_ask, random_size(rng, 0.4))

    def jiggle(self, rng: random.Random) -> LevelChange | None:
        """One resting-order placement or cancellation near the top (the bulk of real traffic)."""
        side = Side.BUY if rng.random() < 0.5 else Side.SELL
        book = self.bids if side is Side.BUY else self.asks
        if not book:
            return None
        prices = sorted(book, reverse=side is Side.BUY)
        roll = rng.random()
        if len(book) < self.depth and (roll < 0.15 or len(book) < self.depth * 0.8):
            step = rng.choice((1, 1, 2, 3))
            far = prices[-1] + (-self.tick if side is Side.BUY else self.tick) * step
            if self.tick <= far <= ONE - self.tick:
                return self.set_level(side, far, random_size(rng))
        index = min(int(rng.expovariate(0.35)), len(prices) - 1)
        price = prices[index]
        current = book[price]
        if roll > 0.93 and index > 0 and len(book) > self.depth // 2:
            return self.set_level(side, price, ZERO)
        factor = Decimal(f"{rng.uniform(0.5, 1.6):.3f}")
        return self.set_level(side, price, max(Decimal(5), (current * factor).quantize(CENT)))

    def take_best(self, consume_asks: bool, shares: Decimal) -> Fill | None:
        """Match up to ``shares`` against the best YES ask (or bid); None on an empty side."""
        book = self.asks if consume_asks else self.bids
        if not book or shares <= ZERO:
            return None
        price = min(book) if consume_asks else max(book)
        available = book[price]
        taken = min(available, shares)
        if taken >= available:
            del book[price]
        else:
            book[price] = available - taken
        return Fill(price, taken)
