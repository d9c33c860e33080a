"""Small closed vocabularies shared by every layer.

Tiers and whale tiers are ``IntEnum``s because they are stored as integers (0-4 and 0-3).
String enums are stored by value.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Tier(IntEnum):
    """How closely a market is followed, from its hours to resolution (T0 far, T4 imminent)."""

    T0 = 0
    T1 = 1
    T2 = 2
    T3 = 3
    T4 = 4


class WhaleTier(IntEnum):
    """Size class of a trade by notional: 0 small, 1 from $100, 2 from $1k, 3 from $10k."""

    NONE = 0
    MEDIUM = 1
    LARGE = 2
    HUGE = 3


class Side(StrEnum):
    """Side of an order, or the taker's side of a trade."""

    BUY = "BUY"
    SELL = "SELL"


class Outcome(StrEnum):
    """Which token of a binary market: the first (YES) or the second (NO) of ``clobTokenIds``."""

    YES = "YES"
    NO = "NO"


class Resolution(StrEnum):
    """Final outcome of a market. VOID pays 0.5 per share on both tokens."""

    YES = "YES"
    NO = "NO"
    VOID = "VOID"


class DeactivationReason(StrEnum):
    """Why a market stopped being tracked."""

    RESOLVED = "resolved"
    EXPIRED = "expired"
    NO_TRADES = "no_trades"
    DELISTED = "delisted"


class TaskStatus(StrEnum):
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    SKIPPED = "skipped"


class SignalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXECUTED = "executed"
    EXPIRED = "expired"


class OrderType(StrEnum):
    """Time in force as the exchange names it."""

    GTC = "GTC"
    GTD = "GTD"
    FOK = "FOK"
    FAK = "FAK"


class OrderStatus(StrEnum):
    PENDING = "pending"
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"


class PositionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    SETTLED = "settled"


class ExecutionMode(StrEnum):
    PAPER = "paper"
    LIVE = "live"
