"""The executor's working records: signals and orders of this run, plans, scan inputs, stats."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from polymarket_ml.core.enums import Side
from polymarket_ml.core.snapshot import FeatureSnapshot
from polymarket_ml.core.types import Book, Market, Order, OrderbookSnapshot, Signal, Trade
from polymarket_ml.executor.book_walk import total_notional, walk_book
from polymarket_ml.executor.fees import FeeSchedule
from polymarket_ml.executor.paper_fills import PaperFill
from polymarket_ml.executor.sizing import MarketLimits, SizedOrder

_ZERO = Decimal(0)


@dataclass(slots=True)
class SignalRecord:
    """A signal of this run, with its stored id once it has one."""

    signal: Signal
    id: int | None = None
    decided_at: datetime | None = None
    dirty: bool = True


@dataclass(slots=True)
class OrderRecord:
    """An order of this run: what it is for, and its fills not stored yet."""

    order: Order
    signal: SignalRecord | None
    is_exit: bool
    exit_reason: str | None
    fallback_limit: Decimal | None  # spread: the market order's limit after the timeout
    fee: FeeSchedule
    id: int | None = None
    fills: list[PaperFill] = field(default_factory=list)  # not stored yet
    filled_notional: Decimal = _ZERO  # price × shares received, over every fill
    filled_shares: Decimal = _ZERO  # shares received (a live BUY's, after its fee in shares)
    dirty: bool = True


@dataclass(frozen=True, slots=True)
class Plan:
    """A signal past risk and sizing: the order to place and what it was sized on."""

    signal: Signal
    sized: SizedOrder
    book: Book
    limits: MarketLimits
    fee: FeeSchedule

    def with_shares(self, shares: Decimal) -> Plan:
        """The same order for ``shares`` (fewer), its expected cost walked again."""
        if shares == self.sized.shares:
            return self
        levels = self.book.asks if self.sized.side is Side.BUY else self.book.bids
        taken = walk_book(levels, self.sized.side, self.sized.limit_price, max_shares=shares)
        sized = dataclasses.replace(
            self.sized, shares=shares, expected_notional_usd=total_notional(taken)
        )
        return dataclasses.replace(self, sized=sized)


@dataclass(frozen=True, slots=True)
class Control:
    """What a person set with ``pmml kill``/``pmml resume`` (the stored executor state)."""

    halted: bool
    entries_paused: bool
    resumed_at: datetime | None


@dataclass(slots=True)
class Inputs:
    """What one scan reads from the database."""

    control: Control | None
    markets: list[Market]
    snapshots: list[FeatureSnapshot]
    books: dict[str, OrderbookSnapshot] | None
    trades: list[tuple[int, int, Trade]]


@dataclass(slots=True)
class ScanStats:
    """What the last scan did, and totals since start (for status lines and the API)."""

    scans: int = 0
    last_scan_at: datetime | None = None
    last_scan_ms: float = 0.0
    markets: int = 0
    signals: dict[str, int] = field(default_factory=dict)  # status -> count, since start
    fills: int = 0
    strategy_errors: int = 0
