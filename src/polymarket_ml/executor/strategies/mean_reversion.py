"""``mean_reversion``: fade a large move that does not look like news.

Entry, over the YES price history of the view (oldest first, the last point is the current
price):

- the **move** is the current price minus the reference price, the last point at or before
  ``now − window_minutes`` (or, when the history starts later, its first point);
- it must be **strictly larger** than ``move_threshold`` in absolute value (0.10 exactly does
  not enter);
- it must not look like news. Both filters use the 1 h trade features of the snapshot, which
  must be known (a market the WebSocket does not follow is never entered):
  ``volume_1h / (volume_24h / 24)`` must be at most ``max_volume_ratio``, and the whale flow
  in the direction of the move (``whale_net_flow_1h``, signed like the move) at most
  ``max_whale_net_flow_usd``;
- a rise is faded by buying NO, a fall by buying YES, at the ask. ``edge`` is the reversion we
  expect to capture per share, ``exit_reversion_fraction × |move|``.

Exit (SELL at the bid), whichever comes first:

- **reversion**: the bid of the token held has gained ``exit_reversion_fraction ×
  move_threshold`` over the entry price (the move itself is not stored with the position, so
  the smallest move that could have opened it stands in: a conservative target);
- **timeout**: the position is ``timeout_hours`` old or older.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from polymarket_ml.core.enums import Outcome
from polymarket_ml.core.types import Position, Signal
from polymarket_ml.executor.config import MeanReversionParams
from polymarket_ml.executor.strategies.base import MarketView, PricePoint, Strategy

_HOURS_PER_DAY = 24.0


class MeanReversion(Strategy[MeanReversionParams]):
    name = "mean_reversion"
    description = "Fade a large move over a window when it does not look like news"
    version = "1"

    def filter(self, view: MarketView) -> bool:
        return view.tradable and len(view.price_history) >= 2 and view.snapshot is not None

    def evaluate(self, view: MarketView) -> Iterable[Signal]:
        p = self.params
        move = price_move(view.price_history, view.now - timedelta(minutes=p.window_minutes))
        if move is None or abs(move) <= p.move_threshold:
            return ()
        news = self._looks_like_news(view, move)
        if news is not None:
            return ()
        outcome = Outcome.NO if move > 0 else Outcome.YES
        ask = view.ask(outcome)
        if ask is None:
            return ()
        reason = (
            f"YES moved {move:+} in {p.window_minutes:g} min (threshold {p.move_threshold}); "
            f"fading with {outcome.value} at {ask.price}"
        )
        edge = float(p.exit_reversion_fraction * abs(move))
        return (self.entry(view, outcome, ask.price, reason, edge=edge),)

    def _looks_like_news(self, view: MarketView, move: Decimal) -> str | None:
        """Why the move looks like news, or ``None``; unknown activity counts as news."""
        snap = view.snapshot
        if snap is None or snap.volume_1h is None or snap.whale_net_flow_1h is None:
            return "trade activity unknown"
        if not snap.volume_24h:
            return "no 24 h volume to compare with"
        ratio = snap.volume_1h / (snap.volume_24h / _HOURS_PER_DAY)
        if ratio > self.params.max_volume_ratio:
            return f"volume ratio {ratio:.2f} above {self.params.max_volume_ratio}"
        with_move = snap.whale_net_flow_1h if move > 0 else -snap.whale_net_flow_1h
        if Decimal(str(with_move)) > self.params.max_whale_net_flow_usd:
            return f"whale flow {with_move:.0f} USD with the move"
        return None

    def should_exit(self, position: Position, market: MarketView) -> Signal | None:
        p = self.params
        age = market.now - position.opened_at
        if age >= timedelta(hours=p.timeout_hours):
            return self.exit(position, market, f"timeout: held {age} (limit {p.timeout_hours:g} h)")
        bid = market.bid(position.outcome)
        target = position.entry_price + p.exit_reversion_fraction * p.move_threshold
        if bid is not None and bid.price >= target:
            reason = f"reverted: bid {bid.price} reached {target} (entry {position.entry_price})"
            return self.exit(position, market, reason)
        return None


def price_move(history: tuple[PricePoint, ...], window_start: datetime) -> Decimal | None:
    """Current price minus the price at ``window_start`` (see the module docstring)."""
    if len(history) < 2:
        return None
    reference = history[0]
    for point in history:
        if point.at > window_start:
            break
        reference = point
    return history[-1].price - reference.price
