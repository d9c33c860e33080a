"""mean_reversion: fade a move larger than the threshold unless it looks like news; exits."""

from __future__ import annotations

from typing import Any

import pytest

from polymarket_ml.core.enums import Outcome, Side
from polymarket_ml.executor.config import MeanReversionParams
from polymarket_ml.executor.strategies.base import MarketView
from polymarket_ml.executor.strategies.mean_reversion import MeanReversion, price_move
from tests.executor.support import NOW, book_view, d, history, market, position, snapshot

# threshold 0.10 over 60 min; volume ratio ≤ 3; whale flow with the move ≤ 5000 USD;
# exit after half the threshold (0.05) of reversion or 24 h
STRATEGY = MeanReversion(MeanReversionParams())
QUIET = {"volume_1h": 100.0, "volume_24h": 2400.0, "whale_net_flow_1h": 0.0}


def _view(now_price: str, yes_bid: str, yes_ask: str, **features: Any) -> MarketView:
    # YES was 0.50 from 90 to 60 min ago, then moved to now_price
    return book_view(
        market(),
        yes_bid,
        yes_ask,
        snapshot=snapshot(**{**QUIET, **features}),
        price_history=history((90, "0.50"), (60, "0.50"), (30, "0.55"), (0, now_price)),
    )


def test_the_move_is_measured_from_the_last_price_at_or_before_the_window_start() -> None:
    points = history((90, "0.40"), (60, "0.50"), (30, "0.55"), (0, "0.62"))
    assert price_move(points, NOW.replace(hour=11)) == d("0.12")  # 0.62 − 0.50


def test_the_move_falls_back_to_the_first_point_when_history_starts_inside_the_window() -> None:
    points = history((20, "0.45"), (0, "0.60"))
    assert price_move(points, NOW.replace(hour=11)) == d("0.15")


def test_a_rise_above_the_threshold_is_faded_by_buying_no() -> None:
    # given YES up 0.12 (0.50 -> 0.62) in the hour, book 0.61 / 0.63, quiet trading
    view = _view("0.62", "0.61", "0.63")
    # when scanned
    (sig,) = STRATEGY.scan([view])
    # then NO is bought at its ask, 1 − 0.61 = 0.39, expecting half the move back
    assert (sig.side, sig.outcome, sig.token_id) == (Side.BUY, Outcome.NO, "no1")
    assert sig.price_at_signal == d("0.39")
    assert sig.edge == pytest.approx(0.06)


def test_a_fall_above_the_threshold_is_faded_by_buying_yes() -> None:
    # given YES down 0.15 (0.50 -> 0.35)
    (sig,) = STRATEGY.scan([_view("0.35", "0.34", "0.36")])
    assert (sig.outcome, sig.price_at_signal) == (Outcome.YES, d("0.36"))


@pytest.mark.parametrize(("now_price", "enters"), [("0.60", False), ("0.61", True)])
def test_the_move_must_be_strictly_larger_than_the_threshold(now_price: str, enters: bool) -> None:
    assert bool(list(STRATEGY.scan([_view(now_price, "0.59", "0.62")]))) is enters


@pytest.mark.parametrize(("volume_1h", "enters"), [(300.0, True), (301.0, False)])
def test_heavy_volume_looks_like_news(volume_1h: float, enters: bool) -> None:
    # average hourly volume 2400 / 24 = 100: a ratio of 3.0 is allowed, 3.01 is news
    view = _view("0.62", "0.61", "0.63", volume_1h=volume_1h)
    assert bool(list(STRATEGY.scan([view]))) is enters


@pytest.mark.parametrize(
    ("whale_flow", "enters"), [(5000.0, True), (5001.0, False), (-20000.0, True)]
)
def test_whale_flow_with_the_move_looks_like_news(whale_flow: float, enters: bool) -> None:
    # a rise with whales buying YES is news; whales selling into the rise is not
    view = _view("0.62", "0.61", "0.63", whale_net_flow_1h=whale_flow)
    assert bool(list(STRATEGY.scan([view]))) is enters


def test_unknown_trade_activity_counts_as_news() -> None:
    view = _view("0.62", "0.61", "0.63", volume_1h=None)
    assert list(STRATEGY.scan([view])) == []


@pytest.mark.parametrize(("yes_ask", "exits"), [("0.56", True), ("0.57", False)])
def test_exit_on_reversion_of_half_the_threshold(yes_ask: str, exits: bool) -> None:
    # given NO bought at 0.39: the target is 0.39 + 0.5 × 0.10 = 0.44
    held = position(outcome=Outcome.NO, entry_price="0.39", opened_hours_ago=2)
    # when the NO bid is 1 − YES ask: 0.44 reaches it, 0.43 does not
    view = book_view(market(), "0.54", yes_ask)
    sig = STRATEGY.should_exit(held, view)
    # then it sells the whole position at the bid
    assert (sig is not None) is exits
    if sig is not None:
        assert (sig.side, sig.token_id, sig.is_exit) == (Side.SELL, "no1", True)
        assert sig.price_at_signal == d("0.44")
        assert sig.reason.startswith("reverted")


@pytest.mark.parametrize(("hours_ago", "exits"), [(23.9, False), (24.0, True)])
def test_exit_on_timeout(hours_ago: float, exits: bool) -> None:
    held = position(outcome=Outcome.YES, entry_price="0.40", opened_hours_ago=hours_ago)
    view = book_view(market(), "0.41", "0.43")  # bid 0.41, below the 0.45 target
    sig = STRATEGY.should_exit(held, view)
    assert (sig is not None) is exits
    if sig is not None:
        assert sig.reason.startswith("timeout")
        assert sig.price_at_signal == d("0.41")
