"""Polymarket trading fees (``polymarket-api.md`` §4.10).

Since the 2026 "Fee Structure V2" the protocol charges **takers only**, at match time::

    fee_usdc = shares × rate × (p × (1 − p)) ** exponent

with ``exponent = 1`` for current markets and ``p`` the trade price. The fee is rounded to 5
decimals (half up), and a positive fee is never rounded below the smallest charge, 0.00001.
Makers pay nothing; their daily rebate (``rebate_rate``) is not modelled here.

The rate comes from the market's Gamma ``feeSchedule`` (or the CLOB ``fd``), never from a table:
the rates change (sports went from 0.03 to 0.05 on 2026-07-10). Where a market's schedule is
unknown, :data:`CONSERVATIVE_FEE` (the highest published rate, crypto's 0.072) is the safe
assumption for estimating costs before a trade.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FEE_QUANTUM = Decimal("0.00001")  # fees are charged to 5 decimals; also the smallest charge
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """A market's fee parameters, as Gamma's ``feeSchedule`` gives them.

    ``{"exponent": 1, "rate": 0.04, "takerOnly": true, "rebateRate": 0.25}``
    """

    rate: Decimal
    exponent: Decimal = _ONE
    taker_only: bool = True
    rebate_rate: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.rate < _ONE:
            raise ValueError(f"fee rate must be in [0, 1), got {self.rate}")
        if self.exponent <= 0:
            raise ValueError(f"fee exponent must be positive, got {self.exponent}")

    @classmethod
    def from_gamma(cls, data: dict[str, Any]) -> FeeSchedule:
        """Build from Gamma's ``feeSchedule`` object (numbers go through ``str`` to stay exact)."""
        return cls(
            rate=Decimal(str(data["rate"])),
            exponent=Decimal(str(data.get("exponent", 1))),
            taker_only=bool(data.get("takerOnly", True)),
            rebate_rate=Decimal(str(data.get("rebateRate", 0))),
        )


NO_FEE = FeeSchedule(rate=Decimal(0))
CONSERVATIVE_FEE = FeeSchedule(rate=Decimal("0.072"))  # crypto, the highest rate of mid-2026


def fee_per_share(price: Decimal, schedule: FeeSchedule) -> Decimal:
    """The exact (unrounded) taker fee of one share at ``price``; for cost estimates."""
    if not Decimal(0) <= price <= _ONE:
        raise ValueError(f"price must be in [0, 1], got {price}")
    base = price * (_ONE - price)
    factor = base if schedule.exponent == _ONE else base**schedule.exponent
    return schedule.rate * factor


def taker_fee_usd(shares: Decimal, price: Decimal, schedule: FeeSchedule) -> Decimal:
    """The fee a taker pays for ``shares`` at ``price``, rounded as the protocol charges it.

    >>> taker_fee_usd(Decimal(100), Decimal("0.5"), FeeSchedule(rate=Decimal("0.04")))
    Decimal('1.00000')
    """
    if shares < 0:
        raise ValueError(f"shares must not be negative, got {shares}")
    exact = shares * fee_per_share(price, schedule)
    if exact == 0:
        return Decimal("0.00000")
    return max(exact.quantize(FEE_QUANTUM, rounding=ROUND_HALF_UP), FEE_QUANTUM)


def fill_fee_usd(
    shares: Decimal, price: Decimal, schedule: FeeSchedule, *, is_maker: bool
) -> Decimal:
    """The fee of one fill: the taker fee, or nothing for a maker on a taker-only schedule."""
    if is_maker and schedule.taker_only:
        return Decimal("0.00000")
    return taker_fee_usd(shares, price, schedule)
