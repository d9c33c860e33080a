"""The tick grid, the size grid and walking a book: shared by sizing and paper fills.

Prices must be multiples of the market's tick and within ``[tick, 1 − tick]``
(``polymarket-api.md`` §4.9). Rounding always goes against us, never in our favour: a BUY
limit rounds down (never pay more than meant), a SELL limit rounds up (never accept less), and
sizes round down to :data:`SIZE_STEP` (shares are quoted to 2 decimals).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from polymarket_ml.core.enums import Side
from polymarket_ml.core.types import Level

DEFAULT_TICK = Decimal("0.01")  # when a market's tick is unknown
SIZE_STEP = Decimal("0.01")  # order sizes in shares, 2 decimals
_ONE = Decimal(1)


def round_to_tick(price: Decimal, tick: Decimal, side: Side) -> Decimal:
    """``price`` on the tick grid, against us (BUY down, SELL up), clamped to [tick, 1 − tick]."""
    if tick <= 0:
        raise ValueError(f"tick must be positive, got {tick}")
    rounding = ROUND_FLOOR if side is Side.BUY else ROUND_CEILING
    ticks = (price / tick).to_integral_value(rounding=rounding)
    on_grid = ticks * tick
    return min(max(on_grid, tick), _ONE - tick)


def round_size_down(shares: Decimal, step: Decimal = SIZE_STEP) -> Decimal:
    """``shares`` rounded down to a multiple of ``step`` (never more than we can pay for)."""
    if shares <= 0:
        return Decimal(0)
    return (shares / step).to_integral_value(rounding=ROUND_FLOOR) * step


def crosses(side: Side, level_price: Decimal, limit_price: Decimal) -> bool:
    """Whether an order on ``side`` with ``limit_price`` may take a level at ``level_price``."""
    return level_price <= limit_price if side is Side.BUY else level_price >= limit_price


def walk_book(
    levels: Iterable[Level],
    side: Side,
    limit_price: Decimal,
    *,
    max_shares: Decimal | None = None,
    max_usd: Decimal | None = None,
    step: Decimal | None = SIZE_STEP,
) -> tuple[Level, ...]:
    """The portions of ``levels`` (best first) an order would take, best first.

    ``levels`` are the opposite side of the book: asks for a BUY, bids for a SELL. The walk
    stops at the first level beyond ``limit_price``, or when ``max_shares`` or ``max_usd``
    (notional, price × size) is used up. Each portion is rounded down to ``step`` (``None``:
    sizes as they are, for fills of an order whose size is already on the grid).
    """
    taken: list[Level] = []
    shares_left = max_shares
    usd_left = max_usd
    for level in levels:
        if not crosses(side, level.price, limit_price) or level.price <= 0:
            break
        size = level.size
        if shares_left is not None:
            size = min(size, shares_left)
        if usd_left is not None:
            size = min(size, usd_left / level.price)
        if step is not None:
            size = round_size_down(size, step)
        if size <= 0:
            break
        taken.append(Level(level.price, size))
        if shares_left is not None:
            shares_left -= size
        if usd_left is not None:
            usd_left -= size * level.price
    return tuple(taken)


def total_size(levels: Iterable[Level]) -> Decimal:
    return sum((lvl.size for lvl in levels), Decimal(0))


def total_notional(levels: Iterable[Level]) -> Decimal:
    return sum((lvl.price * lvl.size for lvl in levels), Decimal(0))
