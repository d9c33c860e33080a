"""The strategy contract: what a strategy sees, what it returns, and how the engine calls it.

A strategy is pure. It sees :class:`MarketView` values (the market, its latest snapshot, the top
of both books, recent YES prices, the other markets of its event, its fee schedule, and ``now``)
and returns :class:`~polymarket_ml.core.types.Signal` values. It never sizes, never checks risk
and never places orders.

The engine calls strategies only through :func:`safe_scan` and :func:`safe_should_exit`: a
strategy that raises is logged as a :class:`StrategyError` and skipped, and the others go on.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar

from pydantic import BaseModel

from polymarket_ml.core.enums import Outcome, Side
from polymarket_ml.core.errors import PmmlError
from polymarket_ml.core.snapshot import FeatureSnapshot
from polymarket_ml.core.types import Level, Market, Position, Signal
from polymarket_ml.executor.fees import CONSERVATIVE_FEE, FeeSchedule

log = logging.getLogger(__name__)

_ONE = Decimal(1)
_SECONDS_PER_HOUR = 3600.0


class StrategyError(PmmlError):
    """A strategy raised while scanning or deciding an exit.

    The engine logs it with the traceback, drops everything that strategy produced in that call
    and goes on with the other strategies; the next scan calls it again.
    """

    def __init__(self, strategy: str, phase: str, cause: BaseException) -> None:
        super().__init__(f"strategy {strategy!r} failed in {phase}: {cause!r}")
        self.strategy = strategy
        self.phase = phase
        self.cause = cause


@dataclass(frozen=True, slots=True)
class PricePoint:
    """One YES price observation (a snapshot's price or a book mid)."""

    at: datetime
    price: Decimal


@dataclass(frozen=True, slots=True)
class MarketView:
    """Everything a strategy may know about one market at ``now``; all plain, frozen values.

    Book tops are optional (T0/T1 markets have no book). Where one side of a token's book is
    missing, the mirror on the other token stands in (a YES bid at p is a NO ask at 1 − p).
    ``siblings`` are the other markets of the same event (their own ``siblings`` left empty).
    ``fee`` is the market's schedule; unknown means :data:`CONSERVATIVE_FEE` for cost estimates.
    """

    market: Market
    now: datetime
    snapshot: FeatureSnapshot | None = None
    yes_bid: Level | None = None
    yes_ask: Level | None = None
    no_bid: Level | None = None
    no_ask: Level | None = None
    price_history: tuple[PricePoint, ...] = ()  # YES prices, oldest first
    siblings: tuple[MarketView, ...] = ()
    fee: FeeSchedule | None = None

    @property
    def hours_to_close(self) -> float | None:
        end = self.market.end_date
        return None if end is None else (end - self.now).total_seconds() / _SECONDS_PER_HOUR

    @property
    def fee_schedule(self) -> FeeSchedule:
        return self.fee or CONSERVATIVE_FEE

    @property
    def tradable(self) -> bool:
        """Stored, open and accepting orders, with both token ids known."""
        m = self.market
        return (
            m.id is not None
            and m.active
            and not m.closed
            and m.accepting_orders
            and m.yes_token_id is not None
            and m.no_token_id is not None
        )

    def ask(self, outcome: Outcome) -> Level | None:
        """The best ask of ``outcome``'s token, or the mirror of the other token's best bid."""
        yes = outcome is Outcome.YES
        own, other = (self.yes_ask, self.no_bid) if yes else (self.no_ask, self.yes_bid)
        if own is not None:
            return own
        return None if other is None else Level(_ONE - other.price, other.size)

    def bid(self, outcome: Outcome) -> Level | None:
        """The best bid of ``outcome``'s token, or the mirror of the other token's best ask."""
        yes = outcome is Outcome.YES
        own, other = (self.yes_bid, self.no_ask) if yes else (self.no_bid, self.yes_ask)
        if own is not None:
            return own
        return None if other is None else Level(_ONE - other.price, other.size)

    def token_id(self, outcome: Outcome) -> str | None:
        return self.market.yes_token_id if outcome is Outcome.YES else self.market.no_token_id


P = TypeVar("P", bound=BaseModel)


class Strategy(ABC, Generic[P]):
    """A named, versioned rule that turns market views into signals; ``params`` is frozen."""

    name: ClassVar[str]
    description: ClassVar[str]
    version: ClassVar[str]

    def __init__(self, params: P) -> None:
        self.params = params

    def filter(self, view: MarketView) -> bool:
        """Whether ``view`` is worth evaluating at all (cheap checks first)."""
        return view.tradable

    def scan(self, markets: Sequence[MarketView]) -> Iterator[Signal]:
        """Entry signals for the markets that pass :meth:`filter`."""
        for view in markets:
            if self.filter(view):
                yield from self.evaluate(view)

    @abstractmethod
    def evaluate(self, view: MarketView) -> Iterable[Signal]:
        """Entry signals for one market that passed :meth:`filter`."""

    @abstractmethod
    def should_exit(self, position: Position, market: MarketView) -> Signal | None:
        """An exit signal (a SELL of the whole position) or ``None`` to keep holding."""

    # -- helpers for subclasses

    def entry(
        self,
        view: MarketView,
        outcome: Outcome,
        price: Decimal,
        reason: str,
        *,
        edge: float | None = None,
        confidence: float | None = None,
        suggested_size_usd: Decimal | None = None,
    ) -> Signal:
        """A BUY of ``outcome``'s token at ``price`` (the ask we would take)."""
        token = view.token_id(outcome)
        if view.market.id is None or token is None:
            raise ValueError(f"market {view.market.condition_id} is not tradable")
        return Signal(
            strategy=self.name,
            market_id=view.market.id,
            token_id=token,
            side=Side.BUY,
            reason=reason,
            created_at=view.now,
            price_at_signal=price,
            edge=edge,
            confidence=confidence,
            suggested_size_usd=suggested_size_usd,
            outcome=outcome,
        )

    def exit(self, position: Position, view: MarketView, reason: str) -> Signal | None:
        """A SELL of ``position`` at the best bid of its token; ``None`` when nobody bids."""
        bid = view.bid(position.outcome)
        if bid is None:
            return None
        return Signal(
            strategy=self.name,
            market_id=position.market_id,
            token_id=position.token_id,
            side=Side.SELL,
            reason=reason,
            created_at=view.now,
            price_at_signal=bid.price,
            suggested_size_usd=bid.price * position.size,
            outcome=position.outcome,
            is_exit=True,
        )


AnyStrategy: TypeAlias = Strategy[Any]


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Signals of every strategy that ran cleanly, and the errors of those that did not."""

    signals: tuple[Signal, ...]
    errors: tuple[StrategyError, ...]


def safe_scan(strategies: Iterable[AnyStrategy], markets: Sequence[MarketView]) -> ScanResult:
    """Run every strategy over ``markets``; a strategy that raises contributes nothing.

    Each strategy gets its own tuple of the (frozen) views, so none can reorder or drop what the
    next one sees. Signals a strategy yielded before raising are discarded too: half of a
    term-structure pair is worse than none.
    """
    views = tuple(markets)
    signals: list[Signal] = []
    errors: list[StrategyError] = []
    for strategy in strategies:
        try:
            produced = list(strategy.scan(tuple(views)))  # all or nothing
        except Exception as exc:
            errors.append(_logged(StrategyError(strategy.name, "scan", exc)))
        else:
            signals.extend(produced)
    return ScanResult(tuple(signals), tuple(errors))


def safe_should_exit(
    strategy: AnyStrategy, position: Position, market: MarketView
) -> Signal | StrategyError | None:
    """:meth:`Strategy.should_exit`, with an exception returned (and logged) instead of raised."""
    try:
        return strategy.should_exit(position, market)
    except Exception as exc:
        return _logged(StrategyError(strategy.name, "should_exit", exc))


def _logged(error: StrategyError) -> StrategyError:
    log.error("%s; skipped", error, exc_info=error.cause)
    return error
