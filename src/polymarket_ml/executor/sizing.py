"""How much to trade: the stake of a signal, capped by risk and by the book.

Entries (BUY) are sized in USD, then turned into shares by walking the asks:

1. the method's stake: ``fixed`` (``fixed_amount_usd``), ``kelly`` (``kelly_fraction`` × the
   Kelly fraction of a binary bet × bankroll) or ``volatility_scaled`` (``fixed_amount_usd`` ×
   ``volatility_target / volatility_1h``; the fixed amount where volatility is unknown or 0);
2. capped by the strategy's ``suggested_size_usd`` (a strategy may ask for less, never more),
   by the risk decision's ``max_size_usd``, and by the notional the asks offer up to the limit
   price ``signal price + max_slippage`` (rounded down to the tick);
3. shares rounded down to the size step; the order must reach the market's minimum size
   (shares) and ``min_order_usd`` (a marketable BUY must be worth at least $1, §4.9).

Fees are not part of the stake: they are paid on top (at most 1.8 % of the notional at p = 0.5
with the highest rate). Exits (SELL) sell the whole position, capped by the bids down to
``signal price − max_slippage``. Every cap that applied is listed in ``reasons``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from polymarket_ml.core.enums import Side
from polymarket_ml.core.types import Level, Market, Signal
from polymarket_ml.executor.book_walk import (
    DEFAULT_TICK,
    SIZE_STEP,
    round_size_down,
    round_to_tick,
    total_notional,
    total_size,
    walk_book,
)
from polymarket_ml.executor.config import SizingConfig, SizingMethod

DEFAULT_MIN_ORDER_SIZE = Decimal(5)  # shares, the usual ``orderMinSize``
_ZERO = Decimal(0)
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class SizedOrder:
    """A limit order ready to place: ``shares`` at ``limit_price`` on ``token_id``."""

    token_id: str
    side: Side
    limit_price: Decimal
    shares: Decimal
    expected_notional_usd: Decimal  # what the book walk says it costs (BUY) or yields (SELL)


@dataclass(frozen=True, slots=True)
class SizingDecision:
    """The order to place, or ``None`` and why; ``reasons`` also lists the caps that applied."""

    order: SizedOrder | None
    stake_usd: Decimal  # the method's stake, before any cap
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MarketLimits:
    """The market's trading rules (§4.9)."""

    tick_size: Decimal = DEFAULT_TICK
    min_order_size: Decimal = DEFAULT_MIN_ORDER_SIZE  # shares
    size_step: Decimal = SIZE_STEP

    @classmethod
    def of(cls, market: Market) -> MarketLimits:
        """The market's tick and minimum size, with the usual values where unknown."""
        return cls(
            tick_size=market.tick_size or DEFAULT_TICK,
            min_order_size=market.min_order_size or DEFAULT_MIN_ORDER_SIZE,
        )


def kelly_fraction(price: Decimal, probability: Decimal) -> Decimal:
    """Full Kelly for buying a token at ``price`` that pays 1 with ``probability``.

    Win ``1 − p`` per share bought at ``p`` or lose ``p``: ``f* = (q − p) / (1 − p)``,
    0 when there is no edge. At p = 0.60, q = 0.70: f* = 0.25.
    """
    if not _ZERO < price < _ONE:
        raise ValueError(f"price must be in (0, 1), got {price}")
    q = min(max(probability, _ZERO), _ONE)
    return max((q - price) / (_ONE - price), _ZERO)


def stake_usd(
    signal: Signal, config: SizingConfig, *, bankroll_usd: Decimal, volatility_1h: float | None
) -> tuple[Decimal, str | None]:
    """The method's stake for ``signal`` before caps, and a note when it fell back or is 0."""
    if config.method is SizingMethod.FIXED:
        return config.fixed_amount_usd, None
    if config.method is SizingMethod.KELLY:
        if signal.edge is None:
            return _ZERO, "kelly: the signal has no edge estimate"
        q = signal.price_at_signal + Decimal(str(signal.edge))
        f = kelly_fraction(signal.price_at_signal, q)
        if f == 0:
            return _ZERO, f"kelly: no edge at p={signal.price_at_signal}, q={q}"
        return bankroll_usd * config.kelly_fraction * f, None
    if volatility_1h is None or volatility_1h <= 0:
        return config.fixed_amount_usd, "volatility_scaled: volatility unknown, fixed stake"
    scale = Decimal(str(config.volatility_target)) / Decimal(str(volatility_1h))
    return config.fixed_amount_usd * scale, None


def size_entry(
    signal: Signal,
    asks: Sequence[Level],
    *,
    config: SizingConfig,
    max_size_usd: Decimal,
    max_slippage: Decimal,
    limits: MarketLimits,
    bankroll_usd: Decimal,
    volatility_1h: float | None = None,
) -> SizingDecision:
    """Size a BUY of ``signal`` against ``asks`` (its token's asks, best first)."""
    if signal.side is not Side.BUY:
        raise ValueError("size_entry sizes BUY signals; use size_exit for exits")
    stake, note = stake_usd(signal, config, bankroll_usd=bankroll_usd, volatility_1h=volatility_1h)
    reasons = [note] if note else []
    budget = stake
    caps = [("suggested by the strategy", signal.suggested_size_usd), ("risk", max_size_usd)]
    for label, cap in caps:
        if cap is not None and cap < budget:
            reasons.append(f"capped by {label}: {budget:.2f} -> {cap:.2f} USD")
            budget = cap
    limit = round_to_tick(signal.price_at_signal + max_slippage, limits.tick_size, Side.BUY)
    available = total_notional(walk_book(asks, Side.BUY, limit, step=limits.size_step))
    if available < budget:
        reasons.append(f"capped by depth up to {limit}: {budget:.2f} -> {available:.2f} USD")
        budget = available
    taken = walk_book(asks, Side.BUY, limit, max_usd=budget, step=limits.size_step)
    shares, cost = total_size(taken), total_notional(taken)
    return _decide(signal, Side.BUY, limit, shares, cost, stake, reasons, limits, config)


def size_exit(
    signal: Signal,
    bids: Sequence[Level],
    *,
    position_size: Decimal,
    max_slippage: Decimal,
    limits: MarketLimits,
    config: SizingConfig,
) -> SizingDecision:
    """Size a SELL of a whole position of ``position_size`` shares against ``bids``."""
    if signal.side is not Side.SELL:
        raise ValueError("size_exit sizes SELL signals")
    wanted = round_size_down(position_size, limits.size_step)
    limit = round_to_tick(signal.price_at_signal - max_slippage, limits.tick_size, Side.SELL)
    taken = walk_book(bids, Side.SELL, limit, max_shares=wanted, step=limits.size_step)
    shares, proceeds = total_size(taken), total_notional(taken)
    reasons = []
    if shares < wanted:
        reasons.append(f"capped by depth down to {limit}: {wanted} -> {shares} shares")
    stake = signal.price_at_signal * wanted
    return _decide(signal, Side.SELL, limit, shares, proceeds, stake, reasons, limits, config)


def _decide(
    signal: Signal,
    side: Side,
    limit: Decimal,
    shares: Decimal,
    notional: Decimal,
    stake: Decimal,
    reasons: list[str],
    limits: MarketLimits,
    config: SizingConfig,
) -> SizingDecision:
    if shares <= 0:
        reasons.append("nothing to trade")
    elif shares < limits.min_order_size:
        reasons.append(f"below the minimum order size: {shares} < {limits.min_order_size} shares")
    elif notional < config.min_order_usd:
        reasons.append(f"below the minimum order value: {notional:.2f} < {config.min_order_usd}")
    else:
        order = SizedOrder(signal.token_id, side, limit, shares, notional)
        return SizingDecision(order, stake, tuple(reasons))
    return SizingDecision(None, stake, tuple(reasons))
