"""``longshot_no``: buy NO when YES is a cheap longshot; tails are overpriced.

The other face of the favourite-longshot bias: outcomes priced below 0.08 resolve YES less often
than their price says. The rule:

- the market closes within ``max_hours_to_close`` (0 < hours ≤ limit);
- the YES price we trade against, ``1 − NO ask`` (= the YES bid of a mirrored book), is
  **strictly below** ``max_yes_price``: 0.0799 enters, 0.08 does not.

Signals carry ``edge=None`` (no model yet). Positions are held to resolution; ``should_exit``
never exits (generic take-profit / stop-loss apply on top).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from polymarket_ml.core.enums import Outcome
from polymarket_ml.core.types import Position, Signal
from polymarket_ml.executor.config import LongshotNoParams
from polymarket_ml.executor.strategies.base import MarketView, Strategy

_ONE = Decimal(1)


class LongshotNo(Strategy[LongshotNoParams]):
    name = "longshot_no"
    description = "Buy NO when YES trades below max_yes_price: longshots are overpriced"
    version = "1"

    def filter(self, view: MarketView) -> bool:
        hours = view.hours_to_close
        return view.tradable and hours is not None and 0 < hours <= self.params.max_hours_to_close

    def evaluate(self, view: MarketView) -> Iterable[Signal]:
        no_ask = view.ask(Outcome.NO)
        if no_ask is None:
            return ()
        yes_price = _ONE - no_ask.price
        if not yes_price < self.params.max_yes_price:
            return ()
        reason = (
            f"YES at {yes_price} (NO ask {no_ask.price}) below {self.params.max_yes_price}, "
            f"closes in {view.hours_to_close:.1f} h"
        )
        return (self.entry(view, Outcome.NO, no_ask.price, reason),)

    def should_exit(self, position: Position, market: MarketView) -> Signal | None:
        return None
