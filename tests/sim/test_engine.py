"""The engine on a FakeClock: determinism, tiers, resolutions, whales, ticks, new markets."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest

from polymarket_ml.core.enums import Resolution, Tier
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.sim.engine import MISPRICING_LOGIT
from polymarket_ml.sim.feed import (
    FeedBook,
    FeedItem,
    FeedNewMarket,
    FeedPriceChange,
    FeedResolved,
    FeedTickSize,
    FeedTrade,
)
from polymarket_ml.sim.market import (
    MISPRICING_HALF_LIFE_S,
    EventKind,
    logit,
    sigmoid,
    tier_for,
)
from polymarket_ml.sim.payloads import render_feed
from polymarket_ml.sources.polymarket.parse import decode_market_frame
from tests.sim.conftest import START, SteppedEngine, stepped_engine


def _feed_json(seed: int) -> list[dict[str, object]]:
    sim = stepped_engine(markets=40, seed=seed)
    items = sim.run(timedelta(seconds=20), timedelta(seconds=0.25))
    items += sim.run(timedelta(hours=2), timedelta(minutes=10))
    return [render_feed(item) for item in items]


def test_same_seed_and_steps_give_the_same_markets_and_feed() -> None:
    first, second = stepped_engine(markets=40, seed=3), stepped_engine(markets=40, seed=3)
    assert [m.condition_id for m in first.engine.markets.values()] == [
        m.condition_id for m in second.engine.markets.values()
    ]
    assert _feed_json(3) == _feed_json(3)


def test_another_seed_gives_other_markets_and_feed() -> None:
    assert _feed_json(3) != _feed_json(4)


def test_initial_markets_span_every_tier_and_event_shape() -> None:
    sim = stepped_engine(markets=200)
    counts = sim.engine.tier_counts(START)
    assert all(counts[tier] > 0 for tier in Tier)
    kinds = Counter(e.kind for e in sim.engine.events.values())
    assert set(kinds) == set(EventKind)
    neg_risk = [e for e in sim.engine.events.values() if e.kind is EventKind.NEG_RISK]
    assert all(len(e.market_ids) >= 3 for e in neg_risk)
    by_date = [e for e in sim.engine.events.values() if e.kind is EventKind.BY_DATE]
    ends = [sim.engine.markets[i].end_date for i in by_date[0].market_ids]
    assert ends == sorted(ends)
    assert len(set(ends)) == len(ends) > 1


def test_markets_cross_tier_boundaries_as_the_clock_advances() -> None:
    sim = stepped_engine(markets=60)
    market = min(
        (m for m in sim.engine.markets.values() if tier_for(m.end_date, START) is Tier.T2),
        key=lambda m: m.end_date,
    )
    seen = []
    while not market.closed:
        seen.append(tier_for(market.end_date, sim.clock.now()))
        sim.run(timedelta(minutes=20), timedelta(minutes=20))
    assert [t for i, t in enumerate(seen) if i == 0 or seen[i - 1] != t] == [
        Tier.T2, Tier.T3, Tier.T4,
    ]  # fmt: skip
    assert market.resolved_at is not None
    assert market.resolved_at >= market.end_date


def test_resolutions_include_yes_no_and_void_and_send_market_resolved() -> None:
    outcomes: Counter[Resolution] = Counter()
    resolved_items = 0
    for seed in (1, 2):
        sim = stepped_engine(markets=150, seed=seed)
        items = sim.run(timedelta(hours=30), timedelta(minutes=30))
        resolved_items += sum(isinstance(i, FeedResolved) for i in items)
        outcomes.update(m.resolution for m in sim.engine.markets.values() if m.closed)
    assert outcomes[Resolution.YES] > 0
    assert outcomes[Resolution.NO] > 0
    assert outcomes[Resolution.VOID] > 0
    assert resolved_items == sum(outcomes.values())


def test_resolved_market_settles_near_its_outcome_and_new_markets_appear(
    lived: SteppedEngine,
) -> None:
    closed = [m for m in lived.engine.markets.values() if m.closed]
    assert closed
    assert all(not m.book.bids and not m.book.asks for m in closed)
    assert any(isinstance(i, FeedNewMarket) for i in lived.items)
    assert len(lived.engine.markets) > 200
    assert lived.engine.active_count <= 200


def test_trades_are_heavy_tailed_with_whales(lived: SteppedEngine) -> None:
    notionals = sorted(t.notional for t in lived.items if isinstance(t, FeedTrade))
    assert len(notionals) > 500
    median = notionals[len(notionals) // 2]
    assert median < Decimal(50)
    assert notionals[-1] >= Decimal(1000)


def test_whales_of_ten_thousand_happen_now_and_then() -> None:
    sim = stepped_engine(markets=300, seed=11, catchup_s=60)
    trades = [
        t for t in sim.run(timedelta(minutes=6), timedelta(seconds=2)) if isinstance(t, FeedTrade)
    ]
    by_tx: Counter[str] = Counter()
    for trade in trades:
        by_tx[trade.transaction_hash] += int(trade.notional)
    assert max(by_tx.values()) >= 10_000


def test_tick_size_changes_happen_near_the_extremes(lived: SteppedEngine) -> None:
    items = lived.items
    finer = [i for i, item in enumerate(items) if isinstance(item, FeedTickSize)
             and item.new_tick == Decimal("0.001")]  # fmt: skip
    assert finer
    for index in finer:
        book = next(b for b in items[index:] if isinstance(b, FeedBook))
        best = book.bids[-1][0] if book.bids else book.asks[-1][0]
        assert best < Decimal("0.06") or best > Decimal("0.94")
        assert book.tick_size == Decimal("0.001")


def test_books_stay_uncrossed_and_on_the_tick_grid(lived: SteppedEngine) -> None:
    for market in lived.engine.markets.values():
        book = market.book
        if market.closed:
            continue
        bid, ask = book.best_bid(), book.best_ask()
        assert bid is not None or ask is not None
        assert bid is None or ask is None or bid < ask  # one-sided books happen near 0 and 1
        for price in (*book.bids, *book.asks):
            assert price % book.tick == 0
            assert book.tick <= price <= 1 - book.tick


def test_a_mispricing_lifts_the_quotes_and_halves_every_half_life() -> None:
    market = next(iter(stepped_engine(markets=5).engine.markets.values()))
    fair = market.probability()
    market.mispricing, market.mispriced_at = 1.5, START
    lifted = market.quoted_probability(START)
    half = market.quoted_probability(START + timedelta(seconds=MISPRICING_HALF_LIFE_S))
    assert lifted == pytest.approx(sigmoid(logit(fair) + 1.5), abs=1e-9)
    assert half == pytest.approx(sigmoid(logit(fair) + 0.75), abs=1e-9)
    assert market.quoted_probability(START + timedelta(days=2)) == pytest.approx(fair, abs=1e-6)
    assert market.probability() == fair  # the fair value (and so the outcome) is untouched


def test_earlier_deadlines_of_by_date_series_are_mispriced_now_and_then(
    lived: SteppedEngine,
) -> None:
    mispriced = [m for m in lived.engine.markets.values() if m.mispriced_at is not None]
    assert len(mispriced) >= 3
    for market in mispriced:
        assert market.event.kind is EventKind.BY_DATE
        assert market.event.market_ids[-1] != market.gamma_id  # never the last deadline
        assert MISPRICING_LOGIT[0] <= market.mispricing <= MISPRICING_LOGIT[1]


def test_a_book_following_the_feed_agrees_with_every_top_of_book_the_exchange_sends() -> None:
    """Each ``price_change`` carries the top of book after its own change (§5.3), so a
    LocalBook fed the feed from the first snapshots is reset only by tick size changes (and
    synced again by the snapshots that follow them)."""
    sim = stepped_engine(markets=40, seed=11)
    books = BookRegistry()

    def feed(items: list[FeedItem]) -> None:
        for item in items:
            for event in decode_market_frame(json.dumps(render_feed(item)), received_at=START):
                books.apply(event)

    first = [m for m in sim.engine.markets.values() if not m.closed]
    feed([item for m in first for item in sim.engine.book_items(m, START)])
    items = sim.run(timedelta(minutes=20), timedelta(seconds=0.5))
    feed(items)
    assert sum(isinstance(i, FeedPriceChange) for i in items) > 1_000
    ticks = Counter(i.asset_id for i in items if isinstance(i, FeedTickSize))
    assert ticks  # the run crossed tick size changes too
    assert {b.token_id: b.resyncs for b in books if b.resyncs} == dict(ticks)
    followed = [books.get(t) for m in first for t in m.token_ids]
    assert all(b is not None and b.synced for b in followed)
