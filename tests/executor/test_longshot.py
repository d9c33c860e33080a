"""longshot_yes and longshot_no: entry rules at their boundaries."""

from __future__ import annotations

import pytest

from polymarket_ml.core.enums import Outcome, Side
from polymarket_ml.executor.config import LongshotNoParams, LongshotYesParams
from polymarket_ml.executor.strategies.longshot_no import LongshotNo
from polymarket_ml.executor.strategies.longshot_yes import LongshotYes
from tests.executor.support import NOW, book_view, d, market, position

YES = LongshotYes(LongshotYesParams())  # [0.92, 0.99], within 72 h
NO = LongshotNo(LongshotNoParams())  # YES < 0.08, within 168 h


@pytest.mark.parametrize(
    ("yes_ask", "enters"),
    [("0.9199", False), ("0.92", True), ("0.95", True), ("0.99", True), ("0.9901", False)],
)
def test_longshot_yes_enters_when_the_yes_ask_is_within_the_band_inclusive(
    yes_ask: str, enters: bool
) -> None:
    view = book_view(market(hours_to_close=10), "0.90", yes_ask)
    signals = list(YES.scan([view]))
    assert bool(signals) is enters


def test_longshot_yes_buys_yes_at_the_ask() -> None:
    # given a market closing in 10 h with YES at 0.94 / 0.95
    view = book_view(market(7, hours_to_close=10), "0.94", "0.95")
    # when scanned
    (sig,) = YES.scan([view])
    # then it buys the YES token at the ask, now, with no edge estimate
    assert (sig.side, sig.token_id, sig.outcome) == (Side.BUY, "yes7", Outcome.YES)
    assert sig.price_at_signal == d("0.95")
    assert sig.market_id == 7
    assert sig.created_at == NOW
    assert sig.edge is None
    assert sig.strategy == "longshot_yes"
    assert "0.95" in sig.reason


@pytest.mark.parametrize(("hours", "enters"), [(-1.0, False), (72.0, True), (72.01, False)])
def test_longshot_yes_needs_the_market_to_close_within_the_horizon(
    hours: float, enters: bool
) -> None:
    view = book_view(market(hours_to_close=hours), "0.94", "0.95")
    assert bool(list(YES.scan([view]))) is enters


def test_longshot_yes_skips_a_market_that_does_not_accept_orders() -> None:
    view = book_view(market(accepting_orders=False), "0.94", "0.95")
    assert list(YES.scan([view])) == []


def test_longshot_yes_uses_the_mirrored_no_bid_when_the_yes_ask_is_missing() -> None:
    # given no YES asks, but a NO bid at 0.07 (= a YES ask at 0.93)
    base = book_view(market(), "0.90", "0.93")
    view = type(base)(market=base.market, now=NOW, yes_bid=base.yes_bid, no_bid=base.no_bid)
    (sig,) = YES.scan([view])
    assert sig.price_at_signal == d("0.93")


@pytest.mark.parametrize(
    ("yes_bid", "enters"), [("0.0799", True), ("0.05", True), ("0.08", False), ("0.10", False)]
)
def test_longshot_no_enters_when_yes_is_strictly_below_the_threshold(
    yes_bid: str, enters: bool
) -> None:
    # the YES price traded against is 1 − NO ask, the YES bid of a mirrored book
    view = book_view(market(hours_to_close=100), yes_bid, "0.12")
    assert bool(list(NO.scan([view]))) is enters


def test_longshot_no_buys_no_at_the_no_ask() -> None:
    # given YES bid 0.05 -> NO ask 0.95
    view = book_view(market(3, hours_to_close=100), "0.05", "0.07")
    (sig,) = NO.scan([view])
    assert (sig.side, sig.token_id, sig.outcome) == (Side.BUY, "no3", Outcome.NO)
    assert sig.price_at_signal == d("0.95")


@pytest.mark.parametrize(("hours", "enters"), [(168.0, True), (168.5, False)])
def test_longshot_no_needs_the_market_to_close_within_its_horizon(
    hours: float, enters: bool
) -> None:
    view = book_view(market(hours_to_close=hours), "0.05", "0.07")
    assert bool(list(NO.scan([view]))) is enters


def test_longshots_hold_to_resolution() -> None:
    view = book_view(market(), "0.50", "0.52")
    assert YES.should_exit(position(strategy="longshot_yes"), view) is None
    assert NO.should_exit(position(outcome=Outcome.NO, strategy="longshot_no"), view) is None
