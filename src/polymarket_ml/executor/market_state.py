"""What the executor knows of the markets between scans, and the views built from it.

Snapshots are read incrementally (each scan reads what was stored since shortly before the
last one): the newest snapshot per market and a short history of YES prices, long enough for
``mean_reversion``'s window. Fee rates come from the trades seen (``fee_rate_bps`` of the market
channel); where none was seen yet, views carry no schedule and strategies assume the
conservative one. Book tops come from a :class:`~polymarket_ml.executor.execution.BookSource`.
No I/O here: the engine reads the database and hands the rows in.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from polymarket_ml.core.enums import Outcome
from polymarket_ml.core.snapshot import FeatureSnapshot
from polymarket_ml.core.types import Level, Market, Trade
from polymarket_ml.executor.execution import BookSource
from polymarket_ml.executor.fees import FeeSchedule
from polymarket_ml.executor.strategies.base import MarketView, PricePoint

_TWO = Decimal(2)
_BPS = Decimal(10_000)


@dataclass(frozen=True, slots=True)
class MarketData:
    """One market's view and the time of its newest data (for the stale-data check)."""

    view: MarketView
    data_at: datetime | None


class MarketState:
    """Latest snapshot, price history and fee rate per market; views on demand."""

    def __init__(self, history_window: timedelta) -> None:
        self.history_window = history_window
        self.latest: dict[int, FeatureSnapshot] = {}
        self.history: dict[int, deque[PricePoint]] = {}
        self.fees: dict[int, FeeSchedule] = {}
        self.markets: dict[int, Market] = {}
        self.by_token: dict[str, tuple[Market, Outcome]] = {}

    def set_markets(self, markets: Iterable[Market]) -> None:
        """The markets to view; a resolved one is closed whatever Gamma still says."""
        self.markets = {
            m.id: dataclasses.replace(m, closed=True) if m.resolution and not m.closed else m
            for m in markets
            if m.id is not None
        }
        by_token: dict[str, tuple[Market, Outcome]] = {}
        for m in self.markets.values():
            if m.yes_token_id:
                by_token[m.yes_token_id] = (m, Outcome.YES)
            if m.no_token_id:
                by_token[m.no_token_id] = (m, Outcome.NO)
        self.by_token = by_token

    def add_snapshots(self, snapshots: Iterable[FeatureSnapshot]) -> None:
        """Take snapshots in time order; ones not newer than a market's latest are skipped."""
        for snap in snapshots:
            known = self.latest.get(snap.market_id)
            if known is not None and snap.timestamp <= known.timestamp:
                continue
            self.latest[snap.market_id] = snap
            if snap.price is not None:
                points = self.history.setdefault(snap.market_id, deque())
                points.append(PricePoint(snap.timestamp, Decimal(str(snap.price))))

    def add_trade_fee(self, trade: Trade) -> None:
        """Learn the market's fee rate from a trade (the market channel's ``fee_rate_bps``)."""
        found = self.by_token.get(trade.token_id)
        if found is None or trade.fee_rate_bps is None or found[0].id is None:
            return
        rate = Decimal(trade.fee_rate_bps) / _BPS
        known = self.fees.get(found[0].id)
        if (known is None or known.rate != rate) and rate < 1:
            self.fees[found[0].id] = FeeSchedule(rate=rate)

    def trim(self, now: datetime) -> None:
        """Forget prices older than the window (one older point stays as the reference)."""
        start = now - self.history_window
        for points in self.history.values():
            while len(points) >= 2 and points[1].at <= start:
                points.popleft()

    def views(self, books: BookSource, now: datetime) -> dict[int, MarketData]:
        """A view of every open market with a snapshot or a book, siblings grouped by event."""
        out: dict[int, MarketData] = {}
        for market_id, market in self.markets.items():
            data = self.view_of(market, books, now)
            if data is not None:
                out[market_id] = data
        events: dict[str, list[int]] = {}
        for market_id, data in out.items():
            event = data.view.market.event_id
            if event is not None:
                events.setdefault(event, []).append(market_id)
        for members in events.values():
            if len(members) < 2:
                continue
            plain = {mid: out[mid].view for mid in members}
            for mid in members:
                siblings = tuple(v for other, v in plain.items() if other != mid)
                data = out[mid]
                out[mid] = MarketData(
                    dataclasses.replace(data.view, siblings=siblings), data.data_at
                )
        return out

    def view_of(self, market: Market, books: BookSource, now: datetime) -> MarketData | None:
        assert market.id is not None
        snap = self.latest.get(market.id)
        yes = books.top(market.yes_token_id) if market.yes_token_id else None
        no = books.top(market.no_token_id) if market.no_token_id else None
        if snap is None and yes is None and no is None:
            return None
        times = [t for t in (snap and snap.timestamp, yes and yes[2], no and no[2]) if t]
        history = tuple(self.history.get(market.id, ()))
        mid = _mid(yes)
        if mid is not None and (not history or history[-1].at < now):
            history = (*history, PricePoint(now, mid))
        view = MarketView(
            market=market,
            now=now,
            snapshot=snap,
            yes_bid=yes[0] if yes else None,
            yes_ask=yes[1] if yes else None,
            no_bid=no[0] if no else None,
            no_ask=no[1] if no else None,
            price_history=history,
            fee=self.fees.get(market.id),
        )
        return MarketData(view, max(times) if times else None)


def _mid(top: tuple[Level | None, Level | None, datetime | None] | None) -> Decimal | None:
    if top is None or top[0] is None or top[1] is None:
        return None
    return (top[0].price + top[1].price) / _TWO
