"""Domain types: plain, immutable values that every layer passes around.

Money is exact: prices, sizes, balances and P&L are ``Decimal``. Features are floats (they are
statistics, not money). Every record that comes from the exchange carries two times: the
exchange's (``exchange_ts``) and our receipt time (``received_at``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from polymarket_ml.core.enums import (
    DeactivationReason,
    ExecutionMode,
    OrderStatus,
    OrderType,
    Outcome,
    PositionStatus,
    Resolution,
    Side,
    SignalStatus,
    TaskStatus,
    Tier,
    WhaleTier,
)


@dataclass(frozen=True, slots=True)
class Level:
    """One price level of an order book."""

    price: Decimal
    size: Decimal


@dataclass(frozen=True, slots=True)
class Book:
    """An order book of one token at one moment, levels sorted best first.

    ``bids`` descend in price and ``asks`` ascend, whatever order the exchange sent them in.
    """

    token_id: str
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]
    exchange_ts: datetime | None = None
    received_at: datetime | None = None
    market: str | None = None  # condition id
    tick_size: Decimal | None = None
    min_order_size: Decimal | None = None
    book_hash: str | None = None

    @property
    def best_bid(self) -> Level | None:
        return self.bids[0] if self.bids else None

    @property
    def best_ask(self) -> Level | None:
        return self.asks[0] if self.asks else None


@dataclass(frozen=True, slots=True)
class Market:
    """A binary market as the collector tracks it (from Gamma)."""

    condition_id: str
    question: str
    slug: str | None = None
    gamma_id: str | None = None
    event_id: str | None = None
    event_slug: str | None = None
    event_title: str | None = None
    yes_token_id: str | None = None
    no_token_id: str | None = None
    outcomes: tuple[str, ...] = ("Yes", "No")
    category: str | None = None
    neg_risk: bool = False
    start_date: datetime | None = None
    end_date: datetime | None = None
    closed: bool = False
    accepting_orders: bool = True
    tick_size: Decimal | None = None
    min_order_size: Decimal | None = None
    initial_price: Decimal | None = None
    initial_volume: Decimal | None = None
    initial_liquidity: Decimal | None = None
    tracking_started_at: datetime | None = None
    tier: Tier = Tier.T0
    active: bool = True
    resolution: Resolution | None = None
    resolved_at: datetime | None = None
    deactivation_reason: DeactivationReason | None = None
    id: int | None = None  # our database id, once stored


@dataclass(frozen=True, slots=True)
class Trade:
    """A trade seen on the market channel (``last_trade_price``); ``side`` is the taker's."""

    token_id: str
    condition_id: str
    price: Decimal
    size: Decimal
    side: Side
    exchange_ts: datetime
    received_at: datetime
    outcome: Outcome | None = None
    fee_rate_bps: int | None = None
    transaction_hash: str | None = None
    whale_tier: WhaleTier = WhaleTier.NONE
    best_bid: Decimal | None = None  # state of the book when the trade was seen, if known
    best_ask: Decimal | None = None

    @property
    def notional(self) -> Decimal:
        return self.price * self.size

    @property
    def dedup_key(self) -> str:
        """A stable identity for this trade, so that a trade seen twice is stored once.

        The market channel carries no trade id; the exchange timestamp (ms), the token, price,
        size, side and (where known) the transaction hash identify a print. Prices and sizes
        are normalised so ``"0.50"`` and ``"0.5"`` give the same key. The key is 128 bits as 32
        hex digits (a UUID column on PostgreSQL).
        """
        ms = int(self.exchange_ts.timestamp() * 1000)
        key = (
            f"{self.token_id}|{ms}|{self.price.normalize()}|{self.size.normalize()}"
            f"|{self.side.value}|{self.transaction_hash or ''}"
        )
        return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class OrderbookSnapshot:
    """A full book stored for later analysis (T2+), with its summary figures."""

    market_id: int
    token_id: str
    timestamp: datetime
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]
    exchange_ts: datetime | None = None
    tier: Tier | None = None

    @property
    def total_bid_depth(self) -> Decimal:
        return sum((lvl.size for lvl in self.bids), Decimal(0))

    @property
    def total_ask_depth(self) -> Decimal:
        return sum((lvl.size for lvl in self.asks), Decimal(0))


@dataclass(frozen=True, slots=True)
class TierTransition:
    """A change of tier, or an activation/deactivation (``to_tier`` None means deactivated)."""

    market_id: int
    from_tier: Tier | None
    to_tier: Tier | None
    transitioned_at: datetime
    hours_to_close: float | None
    reason: str
    condition_id: str | None = None


@dataclass(frozen=True, slots=True)
class TaskRun:
    """One run of a scheduled task, as the task log records it."""

    task_name: str
    task_id: str
    started_at: datetime
    status: TaskStatus
    tier: Tier | None = None
    finished_at: datetime | None = None
    duration_ms: int | None = None
    markets_processed: int | None = None
    rows_inserted: int | None = None
    error_message: str | None = None
    error_traceback: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Signal:
    """A strategy's wish to trade, before risk and sizing."""

    strategy: str
    market_id: int
    token_id: str
    side: Side
    reason: str
    created_at: datetime
    price_at_signal: Decimal
    edge: float | None = None
    confidence: float | None = None
    suggested_size_usd: Decimal | None = None
    outcome: Outcome | None = None
    is_exit: bool = False
    status: SignalStatus = SignalStatus.PENDING
    risk_reasons: tuple[str, ...] = ()
    id: int | None = None
    leg_of: str | None = None  # signals of one trade share it: all are placed, or none (in memory)


@dataclass(frozen=True, slots=True)
class Order:
    """An order we placed (paper or live)."""

    client_order_id: str
    market_id: int
    token_id: str
    side: Side
    price: Decimal
    size: Decimal
    order_type: OrderType
    mode: ExecutionMode
    status: OrderStatus
    created_at: datetime
    updated_at: datetime
    filled_size: Decimal = Decimal(0)
    exchange_order_id: str | None = None
    signal_id: int | None = None
    strategy: str | None = None
    post_only: bool = False
    expires_at: datetime | None = None
    reject_reason: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Fill:
    """A (partial) execution of one of our orders."""

    order_id: int
    market_id: int
    token_id: str
    side: Side
    price: Decimal
    size: Decimal
    fee_usd: Decimal
    filled_at: datetime
    mode: ExecutionMode
    is_maker: bool = False
    exchange_trade_id: str | None = None
    slippage: Decimal | None = None  # fill price vs the signal's price, signed against us
    received_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Position:
    """A holding in one token, opened by one strategy."""

    market_id: int
    token_id: str
    outcome: Outcome
    strategy: str
    mode: ExecutionMode
    size: Decimal
    entry_price: Decimal
    cost_basis_usd: Decimal
    opened_at: datetime
    status: PositionStatus = PositionStatus.OPEN
    current_price: Decimal | None = None
    realized_pnl_usd: Decimal = Decimal(0)
    fees_usd: Decimal = Decimal(0)
    closed_at: datetime | None = None
    exit_reason: str | None = None
    exit_price: Decimal | None = None  # of the last reduction (sale or settlement payout)
    id: int | None = None

    @property
    def current_value_usd(self) -> Decimal | None:
        return None if self.current_price is None else self.current_price * self.size

    @property
    def unrealized_pnl_usd(self) -> Decimal | None:
        value = self.current_value_usd
        return None if value is None else value - self.cost_basis_usd


@dataclass(frozen=True, slots=True)
class EquityPoint:
    """The executor's balance and equity at one moment."""

    timestamp: datetime
    mode: ExecutionMode
    cash_usd: Decimal
    positions_value_usd: Decimal
    realized_pnl_usd: Decimal
    unrealized_pnl_usd: Decimal
    fees_usd: Decimal
    peak_equity_usd: Decimal
    halted: bool = False

    @property
    def equity_usd(self) -> Decimal:
        return self.cash_usd + self.positions_value_usd

    @property
    def drawdown_pct(self) -> Decimal:
        if self.peak_equity_usd <= 0:
            return Decimal(0)
        return (self.peak_equity_usd - self.equity_usd) / self.peak_equity_usd * 100


JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ExchangeTimes:
    """Exchange timestamps of the inputs a snapshot was built from, where known."""

    gamma_updated_at: datetime | None = None
    book_ts: datetime | None = None
    last_trade_ts: datetime | None = None


__all__ = [
    "Book",
    "EquityPoint",
    "ExchangeTimes",
    "Fill",
    "JsonDict",
    "Level",
    "Market",
    "Order",
    "OrderbookSnapshot",
    "Position",
    "Signal",
    "TaskRun",
    "TierTransition",
    "Trade",
]
