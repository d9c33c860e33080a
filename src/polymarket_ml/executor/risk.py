"""Risk checks: a decision with reasons, never an exception.

:func:`check_signal` looks at one signal against a plain :class:`PortfolioState` and returns a
:class:`RiskDecision`: approved or not, every reason it was denied (all limits are checked, not
just the first that fails), and the most the order may be worth. Each reason starts with the
name of the limit (``max_positions: ...``), so reasons can be counted and shown as they are.

Entries (BUY) are checked against every limit. A limit is a maximum: reaching it exactly is
allowed, going beyond is not (20 positions with ``max_positions: 20`` is fine, a 21st is not).

- ``halted``: the kill switch is on. **Nothing** is traded, exits included: a person has taken
  control and decides what to close (``pmml resume`` clears it).
- ``stale_data``: the newest market data is older than ``max_data_age_secs`` (or missing).
  Exits are refused too: an exit priced on a stale book is a guess; the next scan retries.
- ``max_drawdown_pct``: equity is more than ``max_drawdown_pct`` below its peak, or a breach
  latched ``entries_paused``. New entries stop until a person resumes; exits go on. On resume
  the engine clears the latch and resets the peak to the current equity.
- ``max_positions``, ``max_position_usd`` (cost in one token, open orders included),
  ``max_total_exposure_usd`` (cost of all open positions plus open entry orders), ``cash``.

Exits (SELL of a position held) reduce risk, so only ``halted`` and ``stale_data`` apply, plus
``no_position`` when nothing is held in that token; they may be worth the whole position.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from polymarket_ml.core.enums import Side
from polymarket_ml.core.types import Position, Signal
from polymarket_ml.executor.config import RiskConfig

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class PendingOrder:
    """An entry order placed but not yet (fully) filled: its unfilled notional counts as risk."""

    token_id: str
    notional_usd: Decimal


@dataclass(frozen=True, slots=True)
class PortfolioState:
    """What the executor holds, in plain values; ``positions`` are the open ones."""

    cash_usd: Decimal
    equity_usd: Decimal
    peak_equity_usd: Decimal
    positions: tuple[Position, ...] = ()
    pending: tuple[PendingOrder, ...] = ()  # open entry orders
    halted: bool = False  # the kill switch
    entries_paused: bool = False  # latched by a drawdown breach until a person resumes

    @property
    def exposure_usd(self) -> Decimal:
        held = sum((p.cost_basis_usd for p in self.positions), _ZERO)
        return held + sum((o.notional_usd for o in self.pending), _ZERO)

    @property
    def drawdown_pct(self) -> Decimal:
        if self.peak_equity_usd <= 0:
            return _ZERO
        return max(self.peak_equity_usd - self.equity_usd, _ZERO) / self.peak_equity_usd * _HUNDRED

    def position_in(self, token_id: str) -> Position | None:
        return next((p for p in self.positions if p.token_id == token_id), None)

    def in_token_usd(self, token_id: str) -> Decimal:
        """Cost of the position in ``token_id`` plus its pending entry orders."""
        held = self.position_in(token_id)
        pending = sum((o.notional_usd for o in self.pending if o.token_id == token_id), _ZERO)
        return (held.cost_basis_usd if held else _ZERO) + pending


@dataclass(frozen=True, slots=True)
class RiskDecision:
    """``approved`` with the most the order may be worth, or denied with every reason."""

    approved: bool
    reasons: tuple[str, ...]
    max_size_usd: Decimal

    @property
    def codes(self) -> tuple[str, ...]:
        """The limit names of the reasons (``max_positions``, ``stale_data``, ...)."""
        return tuple(r.split(":", 1)[0] for r in self.reasons)


def drawdown_breached(portfolio: PortfolioState, config: RiskConfig) -> bool:
    """Whether equity is more than ``max_drawdown_pct`` below its peak (the engine latches it)."""
    return portfolio.drawdown_pct > config.max_drawdown_pct


def check_signal(
    signal: Signal,
    portfolio: PortfolioState,
    config: RiskConfig,
    *,
    market_data_at: datetime | None,
    now: datetime,
) -> RiskDecision:
    """May ``signal`` be traded now? ``market_data_at``: time of the newest data on its market."""
    reasons = _common_reasons(portfolio, config, market_data_at, now)
    held = portfolio.position_in(signal.token_id)
    if signal.side is Side.SELL:
        if held is None or held.size <= 0:
            reasons.append(f"no_position: nothing held in token {signal.token_id}")
        worth = _ZERO if held is None else held.size * signal.price_at_signal
        return _decision(reasons, worth)

    if portfolio.entries_paused or drawdown_breached(portfolio, config):
        reasons.append(
            f"max_drawdown_pct: drawdown {portfolio.drawdown_pct:.2f}% past "
            f"{config.max_drawdown_pct}%; entries paused until resumed"
        )
    tokens = {p.token_id for p in portfolio.positions} | {o.token_id for o in portfolio.pending}
    open_count = len(tokens)  # positions held or being opened
    if signal.token_id not in tokens and open_count >= config.max_positions:
        reasons.append(f"max_positions: {open_count} open, limit {config.max_positions}")
    in_token = portfolio.in_token_usd(signal.token_id)
    position_room = config.max_position_usd - in_token
    if position_room <= 0:
        reasons.append(
            f"max_position_usd: {in_token:.2f} USD already in this token, "
            f"limit {config.max_position_usd}"
        )
    exposure_room = config.max_total_exposure_usd - portfolio.exposure_usd
    if exposure_room <= 0:
        reasons.append(
            f"max_total_exposure_usd: exposure {portfolio.exposure_usd:.2f} USD, "
            f"limit {config.max_total_exposure_usd}"
        )
    if portfolio.cash_usd <= 0:
        reasons.append(f"cash: {portfolio.cash_usd:.2f} USD available")
    return _decision(reasons, min(position_room, exposure_room, portfolio.cash_usd))


def exit_for_limits(position: Position, bid: Decimal, config: RiskConfig) -> str | None:
    """The generic take-profit / stop-loss exit, as a reason, or ``None`` to keep holding.

    ``take_profit_pct`` and ``stop_loss_pct`` are percentages of the entry price, compared with
    the bid (what an exit would get): entry 0.50 and stop loss 20 exit at a bid of 0.40 or less.
    """
    entry = position.entry_price
    if config.take_profit_pct is not None:
        target = entry * (1 + config.take_profit_pct / _HUNDRED)
        if bid >= target:
            return f"take_profit: bid {bid} reached {target} ({config.take_profit_pct}% over entry)"
    if config.stop_loss_pct is not None:
        floor = entry * (1 - config.stop_loss_pct / _HUNDRED)
        if bid <= floor:
            return f"stop_loss: bid {bid} fell to {floor} ({config.stop_loss_pct}% under entry)"
    return None


def _common_reasons(
    portfolio: PortfolioState, config: RiskConfig, market_data_at: datetime | None, now: datetime
) -> list[str]:
    reasons = []
    if portfolio.halted:
        reasons.append("halted: the kill switch is on")
    if market_data_at is None:
        reasons.append("stale_data: no market data")
    else:
        age = (now - market_data_at).total_seconds()
        if age > config.max_data_age_secs:
            reasons.append(
                f"stale_data: market data {age:.0f} s old, limit {config.max_data_age_secs:g} s"
            )
    return reasons


def _decision(reasons: list[str], room: Decimal) -> RiskDecision:
    if reasons:
        return RiskDecision(False, tuple(reasons), _ZERO)
    return RiskDecision(True, (), max(room, _ZERO))
