"""``longshot_yes``: buy YES on a strong favourite close to resolution.

The favourite-longshot bias: outcomes priced 0.92-0.99 resolve YES more often than their price
says, and the closer the deadline, the less can change. The rule:

- the market closes within ``max_hours_to_close`` (0 < hours ≤ limit; a market past its end
  date is not entered);
- the YES ask (the price we would pay) is within ``[min_probability, max_probability]``, both
  ends **inclusive**: 0.92 and 0.99 enter, 0.9199 and 0.9901 do not.

The edge of a favourite is not estimated (no model yet), so signals carry ``edge=None``; Kelly
sizing gives them no stake. Positions are held to resolution: ``should_exit`` never exits, and
the engine's generic take-profit / stop-loss (``risk`` section) applies on top.
"""

from __future__ import annotations

from collections.abc import Iterable

from polymarket_ml.core.enums import Outcome
from polymarket_ml.core.types import Position, Signal
from polymarket_ml.executor.config import LongshotYesParams
from polymarket_ml.executor.strategies.base import MarketView, Strategy


class LongshotYes(Strategy[LongshotYesParams]):
    name = "longshot_yes"
    description = "Buy YES priced between min and max probability on markets that close soon"
    version = "1"

    def filter(self, view: MarketView) -> bool:
        hours = view.hours_to_close
        return view.tradable and hours is not None and 0 < hours <= self.params.max_hours_to_close

    def evaluate(self, view: MarketView) -> Iterable[Signal]:
        ask = view.ask(Outcome.YES)
        p = self.params
        if ask is None or not p.min_probability <= ask.price <= p.max_probability:
            return ()
        reason = (
            f"YES ask {ask.price} within [{p.min_probability}, {p.max_probability}], "
            f"closes in {view.hours_to_close:.1f} h"
        )
        return (self.entry(view, Outcome.YES, ask.price, reason),)

    def should_exit(self, position: Position, market: MarketView) -> Signal | None:
        return None
