"""SQLAlchemy models: every table of the original design, plus what trading needs.

Conventions:
- Tiers are ``SmallInteger`` 0-4 (T0-T4); whale tiers 0-3.
- Money, prices and sizes are :class:`ExactDecimal`; features are floats.
- Rows from the exchange carry the exchange's time (``exchange_ts`` / ``timestamp``) and our
  receipt time (``received_at``).
- Every time is :class:`UTCDateTime` (aware UTC in and out).
- High-volume tables (``snapshots``, ``trades``, ``orderbook_snapshots``) have a natural unique
  key so that bulk writes are idempotent, and no foreign key: markets are never deleted, and a
  foreign-key check per row would halve the write rate. Their time-only indexes are BRIN on
  PostgreSQL (rows arrive in time order, so a BRIN index is tiny and nearly free to maintain).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from polymarket_ml.core.snapshot import FEATURES
from polymarket_ml.storage.types import ExactDecimal, JsonColumn, UTCDateTime

# Stable constraint names, so migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT ids on PostgreSQL; SQLite only autoincrements an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")

PRICE = ExactDecimal(12, 6)  # prices in [0, 1] on a tick grid of at most 0.0001
SIZE = ExactDecimal(20, 6)  # shares; USDC has 6 decimals
USD = ExactDecimal(20, 6)
NOTIONAL = ExactDecimal(30, 10)  # price x size, kept exact (4 + 6 decimals)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class MarketRow(Base):
    """A market the collector has discovered (from Gamma), with its tracking state."""

    __tablename__ = "markets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    condition_id: Mapped[str] = mapped_column(String(100), unique=True)
    gamma_id: Mapped[str | None] = mapped_column(String(32), index=True)
    slug: Mapped[str | None] = mapped_column(String(255))
    question: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(String(32), index=True)
    event_slug: Mapped[str | None] = mapped_column(String(255))
    event_title: Mapped[str | None] = mapped_column(Text)
    yes_token_id: Mapped[str | None] = mapped_column(String(100), index=True)
    no_token_id: Mapped[str | None] = mapped_column(String(100), index=True)
    outcomes: Mapped[list[str] | None] = mapped_column(JsonColumn)
    category: Mapped[str | None] = mapped_column(String(100))
    tags: Mapped[list[Any] | None] = mapped_column(JsonColumn)
    neg_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    competitive: Mapped[float | None] = mapped_column(Float)
    enable_order_book: Mapped[bool] = mapped_column(Boolean, default=True)
    tick_size: Mapped[Decimal | None] = mapped_column(PRICE)
    min_order_size: Mapped[Decimal | None] = mapped_column(SIZE)
    start_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_date: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # Gamma's createdAt
    gamma_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # Gamma's updatedAt
    # state at discovery
    initial_price: Mapped[Decimal | None] = mapped_column(PRICE)
    initial_spread: Mapped[Decimal | None] = mapped_column(PRICE)
    initial_volume: Mapped[Decimal | None] = mapped_column(USD)
    initial_liquidity: Mapped[Decimal | None] = mapped_column(USD)
    # trading status and resolution
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepting_orders: Mapped[bool] = mapped_column(Boolean, default=True)
    uma_resolution_status: Mapped[str | None] = mapped_column(String(20))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(8))  # YES / NO / VOID
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # collection tracking
    tier: Mapped[int] = mapped_column(SmallInteger, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivation_reason: Mapped[str | None] = mapped_column(String(20))
    tracking_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_snapshot_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snapshot_count: Mapped[int] = mapped_column(Integer, default=0)
    last_trade_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)  # our receipt time
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_markets_active_tier", "active", "tier"),)


_SQL_TYPES: dict[type, Any] = {float: Float, int: Integer, bool: Boolean, str: String(100)}


class SnapshotRow(Base):
    """One market at one moment: the 65 features of FEATURES.md (columns added below)."""

    __tablename__ = "snapshots"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    market_id: Mapped[int] = mapped_column(Integer)  # markets.id (no FK: see module docstring)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime)  # our clock
    tier: Mapped[int] = mapped_column(SmallInteger)
    gamma_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    book_exchange_ts: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_trade_exchange_ts: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # latest snapshot per market; also makes snapshot writes idempotent
        UniqueConstraint("market_id", "timestamp"),
        Index("ix_snapshots_timestamp", "timestamp", postgresql_using="brin"),
        Index("ix_snapshots_tier_timestamp", "tier", "timestamp"),
    )


# The 65 feature columns come from the one list in core.snapshot, in document order.
for _spec in FEATURES:
    setattr(
        SnapshotRow, _spec.name, mapped_column(_spec.name, _SQL_TYPES[_spec.kind], nullable=True)
    )


class TradeRow(Base):
    """A trade from the market channel (``last_trade_price``); ``side`` is the taker's."""

    __tablename__ = "trades"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    market_id: Mapped[int] = mapped_column(Integer)  # markets.id (no FK: see module docstring)
    token_id: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(3))  # YES / NO
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime)  # exchange time
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    price: Mapped[Decimal] = mapped_column(PRICE)
    size: Mapped[Decimal] = mapped_column(SIZE)
    notional_usd: Mapped[Decimal] = mapped_column(NOTIONAL)
    side: Mapped[str] = mapped_column(String(4))
    whale_tier: Mapped[int] = mapped_column(SmallInteger, default=0)
    fee_rate_bps: Mapped[int | None] = mapped_column(Integer)
    transaction_hash: Mapped[str | None] = mapped_column(String(100))
    dedup_key: Mapped[str] = mapped_column(Uuid(as_uuid=False), unique=True)  # 128-bit hash
    # market state at trade time, where the collector knew it
    best_bid: Mapped[Decimal | None] = mapped_column(PRICE)
    best_ask: Mapped[Decimal | None] = mapped_column(PRICE)

    __table_args__ = (
        Index("ix_trades_market_id_timestamp", "market_id", "timestamp"),
        Index("ix_trades_timestamp", "timestamp", postgresql_using="brin"),
    )


class OrderbookSnapshotRow(Base):
    """A full order book of one token (T2+), levels best first as ``[[price, size], ...]``."""

    __tablename__ = "orderbook_snapshots"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    market_id: Mapped[int] = mapped_column(Integer)  # markets.id (no FK: see module docstring)
    token_id: Mapped[str] = mapped_column(String(100))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime)  # our clock
    exchange_ts: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tier: Mapped[int | None] = mapped_column(SmallInteger)
    bids: Mapped[list[list[str]]] = mapped_column(JsonColumn)
    asks: Mapped[list[list[str]]] = mapped_column(JsonColumn)
    total_bid_depth: Mapped[Decimal] = mapped_column(SIZE)
    total_ask_depth: Mapped[Decimal] = mapped_column(SIZE)
    num_bid_levels: Mapped[int] = mapped_column(SmallInteger)
    num_ask_levels: Mapped[int] = mapped_column(SmallInteger)
    largest_bid_price: Mapped[Decimal | None] = mapped_column(PRICE)
    largest_bid_size: Mapped[Decimal | None] = mapped_column(SIZE)
    largest_ask_price: Mapped[Decimal | None] = mapped_column(PRICE)
    largest_ask_size: Mapped[Decimal | None] = mapped_column(SIZE)

    __table_args__ = (
        UniqueConstraint("token_id", "timestamp"),
        Index("ix_orderbook_snapshots_market_id_timestamp", "market_id", "timestamp"),
        Index("ix_orderbook_snapshots_timestamp", "timestamp", postgresql_using="brin"),
    )


class TierTransitionRow(Base):
    """A change of tier; ``from_tier`` NULL is a discovery, ``to_tier`` NULL a deactivation."""

    __tablename__ = "tier_transitions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id", ondelete="CASCADE"), index=True)
    condition_id: Mapped[str | None] = mapped_column(String(100))
    market_slug: Mapped[str | None] = mapped_column(String(255))
    from_tier: Mapped[int | None] = mapped_column(SmallInteger)
    to_tier: Mapped[int | None] = mapped_column(SmallInteger)
    transitioned_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    hours_to_close: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(50))


class TaskRunRow(Base):
    """One run of a scheduled task."""

    __tablename__ = "task_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_name: Mapped[str] = mapped_column(String(100))
    task_id: Mapped[str] = mapped_column(String(100))
    tier: Mapped[int | None] = mapped_column(SmallInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)  # running/success/failed/skipped
    markets_processed: Mapped[int | None] = mapped_column(Integer)
    rows_inserted: Mapped[int | None] = mapped_column(Integer)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_traceback: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_task_runs_task_name_started_at", "task_name", "started_at"),
        Index("ix_task_runs_started_at", "started_at"),  # task activity over a window
    )


class SignalRow(Base):
    """A strategy's signal and what became of it (approved, rejected with reasons, ...)."""

    __tablename__ = "signals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    strategy: Mapped[str] = mapped_column(String(64))
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id", ondelete="CASCADE"), index=True)
    token_id: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(3))
    side: Mapped[str] = mapped_column(String(4))
    is_exit: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text)
    edge: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)
    price_at_signal: Mapped[Decimal] = mapped_column(PRICE)
    suggested_size_usd: Mapped[Decimal | None] = mapped_column(USD)
    status: Mapped[str] = mapped_column(String(16))
    risk_reasons: Mapped[list[str] | None] = mapped_column(JsonColumn)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_signals_created_at", "created_at"),
        Index("ix_signals_strategy_status", "strategy", "status"),
    )


class PositionRow(Base):
    """A holding in one token, with its accounting."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id", ondelete="CASCADE"), index=True)
    token_id: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(3))
    strategy: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(8))  # paper / live
    status: Mapped[str] = mapped_column(String(16))  # open / closed / settled
    size: Mapped[Decimal] = mapped_column(SIZE)
    entry_price: Mapped[Decimal] = mapped_column(PRICE)
    cost_basis_usd: Mapped[Decimal] = mapped_column(USD)
    current_price: Mapped[Decimal | None] = mapped_column(PRICE)
    current_value_usd: Mapped[Decimal | None] = mapped_column(USD)
    unrealized_pnl_usd: Mapped[Decimal | None] = mapped_column(USD)
    realized_pnl_usd: Mapped[Decimal] = mapped_column(USD, default=Decimal(0))
    fees_usd: Mapped[Decimal] = mapped_column(USD, default=Decimal(0))
    take_profit_price: Mapped[Decimal | None] = mapped_column(PRICE)
    stop_loss_price: Mapped[Decimal | None] = mapped_column(PRICE)
    entry_signal_id: Mapped[int | None] = mapped_column(
        ForeignKey("signals.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    exit_price: Mapped[Decimal | None] = mapped_column(PRICE)
    exit_reason: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_positions_status_mode", "status", "mode"),
        Index("ix_positions_mode_opened_at", "mode", "opened_at"),  # the newest, for the API
    )


class OrderRow(Base):
    """An order we placed, paper or live."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_order_id: Mapped[str] = mapped_column(String(64), unique=True)
    exchange_order_id: Mapped[str | None] = mapped_column(String(100), index=True)
    signal_id: Mapped[int | None] = mapped_column(ForeignKey("signals.id", ondelete="SET NULL"))
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id", ondelete="SET NULL"))
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id", ondelete="CASCADE"), index=True)
    token_id: Mapped[str] = mapped_column(String(100))
    strategy: Mapped[str | None] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(8))
    side: Mapped[str] = mapped_column(String(4))
    order_type: Mapped[str] = mapped_column(String(4))  # GTC / GTD / FOK / FAK
    post_only: Mapped[bool] = mapped_column(Boolean, default=False)
    price: Mapped[Decimal] = mapped_column(PRICE)
    size: Mapped[Decimal] = mapped_column(SIZE)
    filled_size: Mapped[Decimal] = mapped_column(SIZE, default=Decimal(0))
    avg_fill_price: Mapped[Decimal | None] = mapped_column(PRICE)
    status: Mapped[str] = mapped_column(String(20))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_orders_status_mode", "status", "mode"),)


class FillRow(Base):
    """A (partial) execution of one of our orders."""

    __tablename__ = "fills"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id", ondelete="CASCADE"))
    token_id: Mapped[str] = mapped_column(String(100))
    mode: Mapped[str] = mapped_column(String(8))
    side: Mapped[str] = mapped_column(String(4))
    price: Mapped[Decimal] = mapped_column(PRICE)
    size: Mapped[Decimal] = mapped_column(SIZE)
    fee_usd: Mapped[Decimal] = mapped_column(USD)
    is_maker: Mapped[bool] = mapped_column(Boolean, default=False)
    slippage: Mapped[Decimal | None] = mapped_column(PRICE)
    exchange_trade_id: Mapped[str | None] = mapped_column(String(100))
    filled_at: Mapped[datetime] = mapped_column(UTCDateTime)  # exchange time (paper: our clock)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("order_id", "exchange_trade_id"),
        Index("ix_fills_filled_at", "filled_at"),
    )


class EquityHistoryRow(Base):
    """The executor's balance and equity over time (for the equity curve and drawdown)."""

    __tablename__ = "executor_equity"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[str] = mapped_column(String(8))
    cash_usd: Mapped[Decimal] = mapped_column(USD)
    positions_value_usd: Mapped[Decimal] = mapped_column(USD)
    equity_usd: Mapped[Decimal] = mapped_column(USD)
    realized_pnl_usd: Mapped[Decimal] = mapped_column(USD)
    unrealized_pnl_usd: Mapped[Decimal] = mapped_column(USD)
    fees_usd: Mapped[Decimal] = mapped_column(USD)
    peak_equity_usd: Mapped[Decimal] = mapped_column(USD)
    drawdown_pct: Mapped[Decimal] = mapped_column(ExactDecimal(12, 6))
    halted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_executor_equity_mode_timestamp", "mode", "timestamp"),)


class ExecutorStateRow(Base):
    """The executor's durable state per mode, so a restart resumes where it stopped."""

    __tablename__ = "executor_state"

    mode: Mapped[str] = mapped_column(String(8), primary_key=True)
    starting_balance_usd: Mapped[Decimal] = mapped_column(USD)
    cash_usd: Mapped[Decimal] = mapped_column(USD)
    peak_equity_usd: Mapped[Decimal] = mapped_column(USD)
    halted: Mapped[bool] = mapped_column(Boolean, default=False)
    halted_reason: Mapped[str | None] = mapped_column(Text)
    halted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entries_paused: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )  # a drawdown breach, latched until a person resumes
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last `pmml resume`
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


TABLES = Base.metadata.tables
