"""Exact accounting of cash and positions (pure: no I/O, ``now`` passed in).

One :class:`Portfolio` per execution mode. Positions are keyed by token (one open position per
token) and use **average cost**:

- a BUY adds its notional (price × shares) to the cost basis and its shares to the size; the
  entry price is cost / size (shown to 6 decimals; the cost basis is what counts);
- a SELL of ``q`` of ``n`` shares removes ``cost × q / n`` of the cost basis (rounded to the
  micro-dollar, the whole cost on the last share) and realizes ``proceeds − cost removed``;
- settlement pays 1 per share of the winning token, 0 of the losing one, 0.5 on both when the
  market is VOID: the payout is realized against the remaining cost and the position closes;
- fees are paid in cash on every fill and kept apart: realized and unrealized P&L are before
  fees.

Open positions are marked to market at the **bid** (what a sale would get); a position never
marked is worth its cost. With that, at every moment::

    cash + value of open positions
        == starting balance + realized P&L + unrealized P&L − fees paid

exactly, not just to the cent: every amount is a ``Decimal`` on the micro-dollar grid (prices
have at most 6 decimals times sizes of 2, fees 5), and :meth:`Portfolio.identity_gap` returns
the difference, which tests assert is 0.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from polymarket_ml.core.enums import ExecutionMode, Outcome, PositionStatus, Resolution, Side
from polymarket_ml.core.types import EquityPoint, Position
from polymarket_ml.executor.paper_fills import PaperFill

MICRO = Decimal("0.000001")  # the USD and price grid of storage
_ZERO = Decimal(0)
_ONE = Decimal(1)
_HALF = Decimal("0.5")


def payout_per_share(outcome: Outcome, resolution: Resolution) -> Decimal:
    """What one share of ``outcome``'s token pays when the market resolves ``resolution``."""
    if resolution is Resolution.VOID:
        return _HALF
    return _ONE if resolution.value == outcome.value else _ZERO


@dataclass(slots=True)
class Holding:
    """A position with a key that stays the same before and after it is stored."""

    key: int
    position: Position


class Portfolio:
    """Cash, open positions and running totals of one mode; see the module docstring."""

    def __init__(
        self,
        *,
        mode: ExecutionMode,
        starting_balance_usd: Decimal,
        cash_usd: Decimal | None = None,
        peak_equity_usd: Decimal | None = None,
        positions: Iterable[Position] = (),
        realized_pnl_usd: Decimal = _ZERO,
        fees_usd: Decimal = _ZERO,
    ) -> None:
        """``realized_pnl_usd`` and ``fees_usd``: totals over every position so far (open or
        closed), as stored; a fresh portfolio starts with cash = starting balance."""
        self.mode = mode
        self.starting_balance_usd = starting_balance_usd
        self.cash_usd = starting_balance_usd if cash_usd is None else cash_usd
        self.realized_pnl_usd = realized_pnl_usd
        self.fees_usd = fees_usd
        self._keys = itertools.count(1)
        self._open: dict[str, Holding] = {}
        self.changed: dict[int, Holding] = {}  # to be stored; the caller clears it
        for position in positions:
            if position.status is PositionStatus.OPEN:
                self._open[position.token_id] = Holding(next(self._keys), position)
        self.peak_equity_usd = self.equity_usd if peak_equity_usd is None else peak_equity_usd

    # -- reading

    @property
    def positions(self) -> tuple[Position, ...]:
        """The open positions."""
        return tuple(h.position for h in self._open.values())

    def holdings(self) -> Iterator[Holding]:
        return iter(tuple(self._open.values()))

    def position(self, token_id: str) -> Position | None:
        held = self._open.get(token_id)
        return None if held is None else held.position

    @property
    def positions_value_usd(self) -> Decimal:
        return sum((value_of(h.position) for h in self._open.values()), _ZERO)

    @property
    def cost_basis_usd(self) -> Decimal:
        return sum((h.position.cost_basis_usd for h in self._open.values()), _ZERO)

    @property
    def unrealized_pnl_usd(self) -> Decimal:
        return self.positions_value_usd - self.cost_basis_usd

    @property
    def equity_usd(self) -> Decimal:
        return self.cash_usd + self.positions_value_usd

    @property
    def drawdown_pct(self) -> Decimal:
        if self.peak_equity_usd <= 0:
            return _ZERO
        return max(self.peak_equity_usd - self.equity_usd, _ZERO) / self.peak_equity_usd * 100

    def identity_gap(self) -> Decimal:
        """``cash + value − (start + realized + unrealized − fees)``: 0 unless a bug."""
        return identity_gap(
            cash_usd=self.cash_usd,
            positions_value_usd=self.positions_value_usd,
            starting_balance_usd=self.starting_balance_usd,
            realized_pnl_usd=self.realized_pnl_usd,
            unrealized_pnl_usd=self.unrealized_pnl_usd,
            fees_usd=self.fees_usd,
        )

    def equity_point(self, now: datetime, *, halted: bool = False) -> EquityPoint:
        return EquityPoint(
            timestamp=now,
            mode=self.mode,
            cash_usd=self.cash_usd,
            positions_value_usd=self.positions_value_usd,
            realized_pnl_usd=self.realized_pnl_usd,
            unrealized_pnl_usd=self.unrealized_pnl_usd,
            fees_usd=self.fees_usd,
            peak_equity_usd=self.peak_equity_usd,
            halted=halted,
        )

    def update_peak(self) -> Decimal:
        """Raise the peak to the current equity if it is higher; return the peak."""
        self.peak_equity_usd = max(self.peak_equity_usd, self.equity_usd)
        return self.peak_equity_usd

    def reset_peak(self) -> None:
        """The peak becomes the current equity (a person resumed after a drawdown)."""
        self.peak_equity_usd = self.equity_usd

    # -- changing

    def apply_fill(
        self,
        fill: PaperFill,
        *,
        outcome: Outcome,
        strategy: str,
        now: datetime,
        reason: str | None = None,
    ) -> Position:
        """Book one fill: a BUY opens or adds to the token's position, a SELL reduces it.

        ``reason`` is stored as the exit reason when a SELL closes the position. Raises
        ``ValueError`` for a SELL of more than is held (the engine sizes exits to the holding).
        """
        held = self._open.get(fill.token_id)
        notional = fill.price * fill.size
        self.cash_usd -= fill.fee_usd
        self.fees_usd += fill.fee_usd
        if fill.side is Side.BUY:
            self.cash_usd -= notional
            if held is None:
                position = Position(
                    market_id=fill.market_id,
                    token_id=fill.token_id,
                    outcome=outcome,
                    strategy=strategy,
                    mode=self.mode,
                    size=fill.size,
                    entry_price=fill.price,
                    cost_basis_usd=notional,
                    opened_at=now,
                    current_price=None,
                    fees_usd=fill.fee_usd,
                )
                held = self._open[fill.token_id] = Holding(next(self._keys), position)
            else:
                p = held.position
                size, cost = p.size + fill.size, p.cost_basis_usd + notional
                held.position = dataclasses.replace(
                    p,
                    size=size,
                    cost_basis_usd=cost,
                    entry_price=(cost / size).quantize(MICRO, ROUND_HALF_EVEN),
                    fees_usd=p.fees_usd + fill.fee_usd,
                )
            self.changed[held.key] = held
            return held.position
        if held is None or fill.size > held.position.size:
            have = _ZERO if held is None else held.position.size
            raise ValueError(f"sell of {fill.size} {fill.token_id} with {have} held")
        self.cash_usd += notional
        p = held.position
        removed = reduced_cost(p.cost_basis_usd, p.size, fill.size)
        self.realized_pnl_usd += notional - removed
        size = p.size - fill.size
        position = dataclasses.replace(
            p,
            size=size,
            cost_basis_usd=p.cost_basis_usd - removed,
            realized_pnl_usd=p.realized_pnl_usd + notional - removed,
            fees_usd=p.fees_usd + fill.fee_usd,
            exit_price=fill.price,
        )
        if size == 0:
            position = dataclasses.replace(
                position,
                status=PositionStatus.CLOSED,
                closed_at=now,
                current_price=None,
                exit_reason=reason,
            )
        return self._update(fill.token_id, held, position)

    def settle(self, token_id: str, resolution: Resolution, *, now: datetime) -> Position:
        """Close the token's position at its resolution payout (YES 1 / NO 0 / VOID 0.5)."""
        held = self._open[token_id]
        p = held.position
        price = payout_per_share(p.outcome, resolution)
        proceeds = price * p.size
        self.cash_usd += proceeds
        self.realized_pnl_usd += proceeds - p.cost_basis_usd
        position = dataclasses.replace(
            p,
            size=_ZERO,
            cost_basis_usd=_ZERO,
            realized_pnl_usd=p.realized_pnl_usd + proceeds - p.cost_basis_usd,
            status=PositionStatus.SETTLED,
            closed_at=now,
            current_price=None,
            exit_price=price,
            exit_reason=f"resolved {resolution.value}",
        )
        return self._update(token_id, held, position)

    def mark(self, token_id: str, bid: Decimal | None) -> None:
        """Mark the token's open position at ``bid``; without a bid the last mark stays."""
        held = self._open.get(token_id)
        if held is None or bid is None or held.position.current_price == bid:
            return
        held.position = dataclasses.replace(held.position, current_price=bid)
        self.changed[held.key] = held

    def stored(self, key: int, position: Position) -> None:
        """The stored version of a changed position (with its database id)."""
        for held in self._open.values():
            if held.key == key:
                held.position = dataclasses.replace(held.position, id=position.id)
                return

    def _update(self, token_id: str, held: Holding, position: Position) -> Position:
        held.position = position
        self.changed[held.key] = held
        if position.status is not PositionStatus.OPEN:
            del self._open[token_id]
        return position


def value_of(position: Position) -> Decimal:
    """Size × mark; a position never marked is worth its cost."""
    value = position.current_value_usd
    return position.cost_basis_usd if value is None else value


def reduced_cost(cost_basis_usd: Decimal, size: Decimal, sold: Decimal) -> Decimal:
    """The cost basis that ``sold`` of ``size`` shares take away (average cost).

    Rounded to the micro-dollar; the last share takes all that is left, so a position closes
    with no cost basis left over.
    """
    if sold >= size:
        return cost_basis_usd
    return (cost_basis_usd * sold / size).quantize(MICRO, ROUND_HALF_EVEN)


def identity_gap(
    *,
    cash_usd: Decimal,
    positions_value_usd: Decimal,
    starting_balance_usd: Decimal,
    realized_pnl_usd: Decimal,
    unrealized_pnl_usd: Decimal,
    fees_usd: Decimal,
) -> Decimal:
    """How far ``cash + value`` is from ``start + realized + unrealized − fees`` (0 expected)."""
    books = starting_balance_usd + realized_pnl_usd + unrealized_pnl_usd - fees_usd
    return cash_usd + positions_value_usd - books


def equity_identity_gaps(points: Iterable[EquityPoint], start: Decimal) -> list[Decimal]:
    """The accounting identity of each stored equity point (all 0 unless a bug)."""
    return [
        identity_gap(
            cash_usd=p.cash_usd,
            positions_value_usd=p.positions_value_usd,
            starting_balance_usd=start,
            realized_pnl_usd=p.realized_pnl_usd,
            unrealized_pnl_usd=p.unrealized_pnl_usd,
            fees_usd=p.fees_usd,
        )
        for p in points
    ]
