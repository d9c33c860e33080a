"""``term_structure``: a later deadline must be at least as likely as an earlier one.

In a series of markets asking the same question with different deadlines ("... by March?",
"... by June?"), P(by June) ≥ P(by March). The series is an event's markets (the view's own
event plus its ``siblings``, grouped by ``event_id``), ordered by ``end_date``. Events with
``neg_risk`` are skipped: their markets are mutually exclusive outcomes, not deadlines.

For every pair *earlier E, later L* (distinct end dates), buying NO on E and YES on L costs
``ask_NO(E) + ask_YES(L)`` and pays at least 1 per share of each at resolution (1 if the event
happens before E's deadline or never, 2 if between the two). So the violation is

    violation = 1 − ask_NO(E) − ask_YES(L)          (= bid_YES(E) − ask_YES(L) on mirrored books)

and the trade is taken when ``violation − taker fees of both legs ≥ min_violation`` (inclusive).
Fees use each market's schedule (or the conservative one where unknown). Of the pairs of an
event, only the one with the largest net violation is traded per scan, as two BUY signals with
``edge`` = net violation per share pair and ``suggested_size_usd`` sized for the same number of
shares on both legs (the smaller of the two top-of-book sizes). The two signals share
``leg_of``: the engine places both legs, sized to the same number of shares, or neither.

Positions are held to resolution, where the pair pays at least 1: ``should_exit`` never exits.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from polymarket_ml.core.enums import Outcome
from polymarket_ml.core.types import Position, Signal
from polymarket_ml.executor.config import TermStructureParams
from polymarket_ml.executor.fees import fee_per_share
from polymarket_ml.executor.strategies.base import MarketView, Strategy

_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Violation:
    """One mispriced pair of a series: buy NO on ``earlier``, YES on ``later``."""

    earlier: MarketView
    later: MarketView
    no_ask: Decimal  # on earlier
    yes_ask: Decimal  # on later
    shares: Decimal  # the top of book available on both legs
    violation: Decimal
    costs: Decimal

    @property
    def net(self) -> Decimal:
        return self.violation - self.costs


class TermStructure(Strategy[TermStructureParams]):
    name = "term_structure"
    description = "Trade deadline series where a later deadline is priced below an earlier one"
    version = "1"

    def filter(self, view: MarketView) -> bool:
        m = view.market
        return (
            view.tradable
            and not m.neg_risk
            and m.event_id is not None
            and m.end_date is not None
            and m.end_date > view.now
        )

    def scan(self, markets: Sequence[MarketView]) -> Iterator[Signal]:
        for series in group_series(markets):
            yield from self._trade(series)

    def evaluate(self, view: MarketView) -> Iterable[Signal]:
        return self._trade([view, *view.siblings])

    def _trade(self, series: Sequence[MarketView]) -> Iterable[Signal]:
        best = self.best_violation(series)
        if best is None or best.net < self.params.min_violation:
            return ()
        e, lat = best.earlier.market, best.later.market
        reason = (
            f"term structure: NO {e.slug or e.condition_id} at {best.no_ask} + YES "
            f"{lat.slug or lat.condition_id} at {best.yes_ask} pays >= 1; violation "
            f"{best.violation}, fees {best.costs:.5f}, "
            f"net {best.net:.5f} >= {self.params.min_violation}"
        )
        edge = float(best.net)
        pair = f"{self.name}:{e.condition_id}:{lat.condition_id}"
        no_leg = self.entry(
            best.earlier, Outcome.NO, best.no_ask, reason, edge=edge,
            suggested_size_usd=best.shares * best.no_ask,
        )  # fmt: skip
        yes_leg = self.entry(
            best.later, Outcome.YES, best.yes_ask, reason, edge=edge,
            suggested_size_usd=best.shares * best.yes_ask,
        )  # fmt: skip
        return (replace(no_leg, leg_of=pair), replace(yes_leg, leg_of=pair))

    def best_violation(self, series: Sequence[MarketView]) -> Violation | None:
        """The pair of ``series`` with the largest net violation (may be below the threshold)."""
        eligible = sorted(
            (v for v in series if self.filter(v)),
            key=lambda v: v.market.end_date,  # type: ignore[arg-type,return-value]
        )
        best: Violation | None = None
        for i, earlier in enumerate(eligible):
            no_ask = earlier.ask(Outcome.NO)
            if no_ask is None:
                continue
            for later in eligible[i + 1 :]:
                yes_ask = later.ask(Outcome.YES)
                if yes_ask is None or later.market.end_date == earlier.market.end_date:
                    continue
                costs = fee_per_share(no_ask.price, earlier.fee_schedule) + fee_per_share(
                    yes_ask.price, later.fee_schedule
                )
                found = Violation(
                    earlier,
                    later,
                    no_ask.price,
                    yes_ask.price,
                    min(no_ask.size, yes_ask.size),
                    _ONE - no_ask.price - yes_ask.price,
                    costs,
                )
                if best is None or found.net > best.net:
                    best = found
        return best

    def should_exit(self, position: Position, market: MarketView) -> Signal | None:
        return None


def group_series(markets: Sequence[MarketView]) -> list[list[MarketView]]:
    """Views and their siblings grouped by event, each market once, in first-seen order."""
    events: dict[str, dict[str, MarketView]] = {}
    for view in markets:
        for member in (view, *view.siblings):
            event = member.market.event_id
            if event is not None:
                events.setdefault(event, {}).setdefault(member.market.condition_id, member)
    return [list(group.values()) for group in events.values() if len(group) >= 2]
