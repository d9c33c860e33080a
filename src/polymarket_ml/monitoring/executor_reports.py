"""What the executor's and the strategies' services return; the API serves them as they are (and
the dashboard's client is generated from them). Times are aware UTC; exact amounts are decimal
strings in JSON."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from polymarket_ml.monitoring.reports import Report


class ExecutorStatusReport(Report):
    mode: str = Field(description="paper or live")
    running: bool = Field(description="An executor runs in this process (pmml up)")
    started: bool = Field(description="An executor of this mode has stored its state once")
    halted: bool = Field(description="The kill switch is on: nothing trades until resumed")
    halted_reason: str | None
    entries_paused: bool = Field(description="Drawdown past the limit: exits only until resumed")
    starting_balance_usd: Decimal
    cash_usd: Decimal
    positions_value_usd: Decimal = Field(description="Open positions at their last mark")
    equity_usd: Decimal
    peak_equity_usd: Decimal
    drawdown_pct: Decimal = Field(description="Below the peak, in percent")
    realized_pnl_usd: Decimal
    unrealized_pnl_usd: Decimal
    fees_usd: Decimal
    total_pnl_usd: Decimal = Field(description="equity - starting balance")
    open_positions: int
    open_orders: int
    signals: dict[str, int] = Field(description="Stored signals per status")
    scans: int | None = Field(description="Scans since this process started (running only)")
    last_scan_at: datetime | None
    last_scan_ms: float | None
    strategy_errors: int | None


class PositionItem(Report):
    id: int | None
    market_id: int
    question: str | None
    token_id: str
    outcome: str
    strategy: str
    status: str = Field(description="open, closed or settled")
    size: Decimal
    entry_price: Decimal
    cost_basis_usd: Decimal
    current_price: Decimal | None
    current_value_usd: Decimal | None
    unrealized_pnl_usd: Decimal | None
    realized_pnl_usd: Decimal
    fees_usd: Decimal
    opened_at: datetime
    closed_at: datetime | None
    exit_reason: str | None
    exit_price: Decimal | None


class PositionsReport(Report):
    open: list[PositionItem]
    closed: list[PositionItem] = Field(description="Recently closed or settled, newest first")


class TradeItem(Report):
    """One of our fills."""

    id: int | None
    order_id: int
    market_id: int
    question: str | None
    token_id: str
    strategy: str | None
    side: str
    price: Decimal
    size: Decimal
    notional_usd: Decimal
    fee_usd: Decimal
    is_maker: bool
    slippage: Decimal | None
    filled_at: datetime


class TradesReport(Report):
    trades: list[TradeItem]


class SignalItem(Report):
    id: int | None
    strategy: str
    market_id: int
    question: str | None
    token_id: str
    side: str
    outcome: str | None
    is_exit: bool
    reason: str
    price_at_signal: Decimal
    edge: float | None
    suggested_size_usd: Decimal | None
    status: str = Field(description="pending, approved, rejected, executed or expired")
    risk_reasons: list[str] = Field(description="Why it was rejected or expired")
    created_at: datetime


class SignalsReport(Report):
    signals: list[SignalItem]


class EquityItem(Report):
    timestamp: datetime
    equity_usd: Decimal
    cash_usd: Decimal
    realized_pnl_usd: Decimal
    unrealized_pnl_usd: Decimal
    drawdown_pct: Decimal
    halted: bool


class EquityReport(Report):
    mode: str
    points: list[EquityItem] = Field(description="Oldest first, thinned to at most max_points")
    total_points: int = Field(description="Stored in the window before thinning")


class ExecutorConfigReport(Report):
    running: bool = Field(
        description="An executor runs in this process: changes apply at once (else they are "
        "stored, and pmml executor takes them at its next scan)"
    )
    changeable: list[str] = Field(description="Sections POST /api/executor/config accepts")
    config: dict[str, JsonValue] = Field(description="executor_config.yaml as in effect")


class ExecutorConfigChange(BaseModel):
    """A partial change: only the keys given change; the result is validated as a whole."""

    model_config = ConfigDict(extra="forbid")

    risk: dict[str, JsonValue] | None = None
    sizing: dict[str, JsonValue] | None = None
    execution: dict[str, JsonValue] | None = None


class KillRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="api", max_length=500, description="Kept with the halt")


class ControlReport(Report):
    halted: bool
    cancelled_orders: int = 0
    peak_equity_usd: Decimal | None = Field(
        default=None, description="After a resume: the new peak (the current equity)"
    )
    detail: str


class StrategyItem(Report):
    name: str
    description: str
    version: str
    enabled: bool
    params: dict[str, JsonValue]


class StrategiesReport(Report):
    running: bool = Field(
        description="An executor runs in this process: changes apply at once (else they are "
        "stored, and pmml executor takes them at its next scan)"
    )
    strategies: list[StrategyItem]
