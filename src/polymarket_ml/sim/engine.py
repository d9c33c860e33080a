"""The simulator's engine: a pure state machine stepped on a clock, emitting feed items.

Nothing here does I/O or reads the time: :meth:`SimEngine.step` is given ``now`` and returns
what happened since the previous step, in time order. Work is scheduled on one heap keyed by
simulated time (market activity, resolutions, arrivals of new markets), and everything random
comes from one ``random.Random(seed)``, so the same seed and the same sequence of ``now`` values
give the same markets and the same feed. A step that jumps far ahead (a test advancing a
``FakeClock`` by hours) replays lifecycle events exactly but only the last ``catchup_s`` seconds
of trading activity, so it stays cheap.

A resolved market makes room for a new event after a random delay, except that an "Up or
Down" window opens the next window of its series at once (as the exchange's recurring crypto
series do); a new event is cut to the room left, so the simulator never holds more than its
``markets``.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from datetime import UTC, datetime
from decimal import Decimal

from polymarket_ml.core.enums import Resolution, Tier
from polymarket_ml.sim.book import ONE, ZERO
from polymarket_ml.sim.catalog import IdSequence, generate_event
from polymarket_ml.sim.feed import (
    FeedBook,
    FeedItem,
    FeedNewMarket,
    FeedResolved,
    FeedTickSize,
    FeedTrade,
)
from polymarket_ml.sim.ids import millis
from polymarket_ml.sim.market import TARGET_LOGIT, EventKind, SimEvent, SimMarket, tier_for
from polymarket_ml.sim.trading import MarketActivity

_ACTIVITY, _RESOLVE, _ARRIVAL = 0, 1, 2
# Activity events per second per market, by tier (markets near resolution trade more).
ACTIVITY_PER_S = {Tier.T0: 0.2, Tier.T1: 0.3, Tier.T2: 0.45, Tier.T3: 0.7, Tier.T4: 1.2}
ARRIVAL_DELAY_MEAN_S = 120.0
TRADE_TAPE_SIZE = 50_000
# A non-final deadline of a by-date series is mispriced above the later ones this often.
MISPRICINGS_PER_S = 1.0 / (3 * 3600.0)
MISPRICING_LOGIT = (1.0, 2.0)  # the offset's range
FINE_TICK, COARSE_TICK = Decimal("0.001"), Decimal("0.01")


class SimEngine:
    """Markets, books and the event schedule of a simulated exchange."""

    def __init__(
        self,
        *,
        markets: int,
        seed: int,
        start: datetime,
        activity: float = 1.0,
        catchup_s: float = 60.0,
    ) -> None:
        if markets < 1:
            raise ValueError("the simulator needs at least one market")
        self.rng = random.Random(seed)
        self._mispricing_rng = random.Random(seed * 7919 + 1)  # keeps ``rng``'s sequence
        self.target_markets = markets
        self.activity = activity
        self.catchup_s = catchup_s
        self.now = start.astimezone(UTC)
        self.ids = IdSequence()
        self.events: dict[str, SimEvent] = {}
        self.markets: dict[str, SimMarket] = {}
        self.by_condition: dict[str, SimMarket] = {}
        self.by_token: dict[str, SimMarket] = {}
        self.trades: deque[FeedTrade] = deque(maxlen=TRADE_TAPE_SIZE)
        self.active_count = 0
        self._heap: list[tuple[float, int, int, str]] = []
        self._seq = 0
        self._trading = MarketActivity(self.rng)
        while self.active_count < markets:
            self._create_event(self.now, limit=markets - self.active_count)

    # ---- public --------------------------------------------------------------------------
    def step(self, now: datetime) -> list[FeedItem]:
        """Advance to ``now`` and return everything that happened, in time order."""
        now = now.astimezone(UTC)
        if now < self.now:
            raise ValueError("the simulator's clock does not go backwards")
        out: list[FeedItem] = []
        cutoff = now.timestamp()
        floor = cutoff - self.catchup_s
        heap = self._heap
        while heap and heap[0][0] <= cutoff:
            at, _, kind, gamma_id = heapq.heappop(heap)
            when = datetime.fromtimestamp(at, tz=UTC)
            if kind == _ARRIVAL:  # gamma_id: the kind of event to create ("": any)
                room = self.target_markets - self.active_count
                if room > 0:  # a new event never takes the simulator past its market count
                    shape = EventKind(gamma_id) if gamma_id else None
                    out.extend(self._create_event(when, limit=room, kind=shape))
                continue
            market = self.markets.get(gamma_id)
            if market is None or market.closed:
                continue
            if kind == _RESOLVE:
                out.extend(self._resolve(market, when))
            elif at < floor:
                self._schedule_activity(market, datetime.fromtimestamp(floor, tz=UTC))
            else:
                out.extend(self._activity(market, when))
                self._schedule_activity(market, when)
        self.now = now
        return out

    def tier_counts(self, now: datetime | None = None) -> dict[Tier, int]:
        """Open markets per tier at ``now`` (default: the engine's time)."""
        at = now or self.now
        counts = dict.fromkeys(Tier, 0)
        for market in self.markets.values():
            if not market.closed:
                counts[tier_for(market.end_date, at)] += 1
        return counts

    def book_items(self, market: SimMarket, when: datetime) -> list[FeedBook]:
        """Snapshots of both tokens' books as they stand now."""
        ts = millis(when)
        items = []
        for index, asset_id in enumerate(market.token_ids):
            bids, asks = market.book.levels(index == 0)
            items.append(FeedBook(market, asset_id, ts, tuple(bids), tuple(asks), market.tick,
                                  market.last_trade_price[index]))  # fmt: skip
        return items

    # ---- scheduling ----------------------------------------------------------------------
    def _push(self, when: datetime | float, kind: int, gamma_id: str) -> None:
        self._seq += 1
        at = when if isinstance(when, float) else when.timestamp()
        heapq.heappush(self._heap, (at, self._seq, kind, gamma_id))

    def _schedule_activity(self, market: SimMarket, after: datetime) -> None:
        rate = ACTIVITY_PER_S[tier_for(market.end_date, after)] * self.activity
        if rate <= 0:
            return
        self._push(after.timestamp() + self.rng.expovariate(rate), _ACTIVITY, market.gamma_id)

    def _create_event(
        self, when: datetime, limit: int | None, kind: EventKind | None = None
    ) -> list[FeedItem]:
        event, markets = generate_event(self.rng, when, self.ids, kind=kind)
        if limit is not None and len(markets) > limit:
            markets = markets[:limit]
            event.market_ids = [m.gamma_id for m in markets]
        self.events[event.event_id] = event
        out: list[FeedItem] = []
        for market in markets:
            market.updated_at = when
            market.cached_bid, market.cached_ask = market.book.best_bid(), market.book.best_ask()
            market.liquidity_usd = market.book.notional_usd()
            self.markets[market.gamma_id] = market
            self.by_condition[market.condition_id] = market
            for token in market.token_ids:
                self.by_token[token] = market
            self.active_count += 1
            self._record_history(market, when, force=True)
            self._push(market.resolve_at, _RESOLVE, market.gamma_id)
            self._schedule_activity(market, when)
            out.append(FeedNewMarket(market, millis(when)))
        return out

    # ---- lifecycle -----------------------------------------------------------------------
    def _resolve(self, market: SimMarket, when: datetime) -> list[FeedItem]:
        market.advance(self.rng, when)
        market.resolution, market.resolved_at = market.target, when
        market.log_odds = TARGET_LOGIT[market.target]
        market.book.clear()
        self.active_count -= 1
        siblings = (self.markets.get(i) for i in market.event.market_ids)
        if all(m is None or m.closed for m in siblings):
            market.event.closed_at = when
        if market.event.kind is EventKind.UP_DOWN:  # a recurring series: the next window opens
            self._push(when, _ARRIVAL, EventKind.UP_DOWN.value)
        else:
            delay = self.rng.expovariate(1 / ARRIVAL_DELAY_MEAN_S)
            self._push(when.timestamp() + delay, _ARRIVAL, "")
        winner = {Resolution.YES: 0, Resolution.NO: 1}.get(market.target)
        items: list[FeedItem] = list(self.book_items(market, when))
        items.append(FeedResolved(market, millis(when), winner))
        return items

    def _activity(self, market: SimMarket, when: datetime) -> list[FeedItem]:
        before = market.book.best_bid(), market.book.best_ask()
        self._maybe_misprice(market, when)
        market.advance(self.rng, when)
        p = market.quoted_probability(when)
        out: list[FeedItem] = []
        new_tick = self._tick_for(market.tick, p)
        target_bid, _ = market.book.quote_targets(p, market.half_spread_ticks)
        far = before[0] is None or abs(target_bid - before[0]) > 10 * market.tick
        if new_tick != market.tick:
            ts = millis(when)
            for asset_id in market.token_ids:
                out.append(FeedTickSize(market, asset_id, ts, market.tick, new_tick))
            market.book.tick = new_tick
            far = True
        if far:
            market.book.rebuild(self.rng, p, market.half_spread_ticks)
            market.liquidity_usd = market.book.notional_usd()
            out.extend(self.book_items(market, when))
        else:
            out.extend(self._trading.act(market, when, p))
            self.trades.extend(item for item in out if isinstance(item, FeedTrade))
        after = market.book.best_bid(), market.book.best_ask()
        if after != before:
            market.cached_bid, market.cached_ask = after
            out.extend(self._trading.best_bid_ask(market, when))
        self._record_history(market, when)
        return out

    def _maybe_misprice(self, market: SimMarket, when: datetime) -> None:
        """Now and then, bid an earlier deadline of a by-date series up past the later ones
        (see :mod:`polymarket_ml.sim.market`)."""
        event = market.event
        if event.kind is not EventKind.BY_DATE or event.market_ids[-1] == market.gamma_id:
            return
        dt = (when - (market.updated_at or when)).total_seconds()
        if dt > 0 and self._mispricing_rng.random() < 1.0 - math.exp(-MISPRICINGS_PER_S * dt):
            market.mispricing = self._mispricing_rng.uniform(*MISPRICING_LOGIT)
            market.mispriced_at = when

    @staticmethod
    def _tick_for(tick: Decimal, p: float) -> Decimal:
        """0.01 → 0.001 below 0.04 / above 0.96, and back inside 0.06-0.94 (hysteresis)."""
        if tick == COARSE_TICK and (p < 0.04 or p > 0.96):
            return FINE_TICK
        if tick == FINE_TICK and 0.06 < p < 0.94:
            return COARSE_TICK
        return tick

    def _record_history(self, market: SimMarket, when: datetime, force: bool = False) -> None:
        t = int(when.timestamp())
        if not force and market.history and t - market.history[-1][0] < 60:
            return
        mid = market.midpoint()
        price = float(mid) if mid is not None else market.probability()
        market.history.append((t, round(price, 4)))


def settle_price(market: SimMarket, index: int) -> Decimal:
    """Payout per share of token ``index`` after resolution (VOID pays 0.5 on both)."""
    if market.resolution is Resolution.VOID:
        return Decimal("0.5")
    winner = 0 if market.resolution is Resolution.YES else 1
    return ONE if index == winner else ZERO
