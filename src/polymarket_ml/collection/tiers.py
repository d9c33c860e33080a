"""Tiers and the market lifecycle: pure decisions, plain values in and out, ``now`` passed in.

A tier says how closely a market is followed, from its hours to resolution. With the default
boundaries (48, 12, 4, 1): T0 above 48 h, T1 above 12 h, T2 above 4 h, T3 above 1 h, T4 from 1 h
down (and past the end date). A market without an end date is T0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from polymarket_ml.core.enums import DeactivationReason, Resolution, Tier
from polymarket_ml.core.types import Market

DISCOVERED = "discovered"
TIME = "time"


def hours_to_close(end_date: datetime | None, now: datetime) -> float | None:
    """Hours from ``now`` to ``end_date`` (negative once past it); None without an end date."""
    if end_date is None:
        return None
    return (end_date - now).total_seconds() / 3600


def assign_tier(hours: float | None, boundaries: Sequence[float]) -> Tier:
    """The tier for ``hours`` to close; ``boundaries`` are the T0..T3 lower bounds, decreasing."""
    if hours is None:
        return Tier.T0
    for tier, lower in zip((Tier.T0, Tier.T1, Tier.T2, Tier.T3), boundaries, strict=True):
        if hours > lower:
            return tier
    return Tier.T4


@dataclass(frozen=True, slots=True)
class LifecycleRules:
    """When a tracked market stops being tracked."""

    expiry_grace: timedelta = timedelta(hours=24)
    """Past its end date and still not resolved after this long: ``expired``."""
    no_trades_after: timedelta = timedelta(hours=6)
    """Followed by the WebSocket yet no trade for this long: ``no_trades``."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with a tracked market this pass."""

    deactivate: DeactivationReason | None = None
    resolution: Resolution | None = None
    pending_resolution: bool = False  # closed on Gamma, outcome not final yet: keep checking


def judge_market(
    tracked: Market,
    current: Market | None,
    *,
    now: datetime,
    rules: LifecycleRules,
    last_trade_at: datetime | None,
    followed_since: datetime | None,
) -> Verdict:
    """Decide whether a tracked market is resolved, expired, silent or gone.

    ``current`` is the market as Gamma shows it now (None: Gamma no longer lists it).
    ``followed_since`` is when the WebSocket started following it (None: not followed), and
    ``last_trade_at`` the receipt time of its last trade.
    """
    if current is None:
        return Verdict(deactivate=DeactivationReason.DELISTED)
    if current.resolution is not None:
        return Verdict(deactivate=DeactivationReason.RESOLVED, resolution=current.resolution)
    end = current.end_date or tracked.end_date
    if end is not None and now > end + rules.expiry_grace:
        return Verdict(deactivate=DeactivationReason.EXPIRED)
    if current.closed:
        return Verdict(pending_resolution=True)
    if followed_since is not None:
        quiet_since = max(followed_since, last_trade_at) if last_trade_at else followed_since
        if now - quiet_since > rules.no_trades_after:
            return Verdict(deactivate=DeactivationReason.NO_TRADES)
    return Verdict()
