"""The engine protects itself: a raising strategy is logged and skipped, the others go on."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence

import pytest
from pydantic import BaseModel

from polymarket_ml.core.enums import Outcome
from polymarket_ml.core.types import Level, Position, Signal
from polymarket_ml.executor.config import LongshotYesParams
from polymarket_ml.executor.strategies.base import (
    AnyStrategy,
    MarketView,
    Strategy,
    StrategyError,
    safe_scan,
    safe_should_exit,
)
from polymarket_ml.executor.strategies.longshot_yes import LongshotYes
from tests.executor.support import NOW, book_view, d, market, position


class _NoParams(BaseModel):
    pass


class _Broken(Strategy[_NoParams]):
    """Yields one signal, then raises: nothing it produced must survive."""

    name = "broken"
    description = "raises"
    version = "0"

    def scan(self, markets: Sequence[MarketView]) -> Iterator[Signal]:
        view = markets[0]
        yield self.entry(view, Outcome.YES, d("0.5"), "half done")
        raise ZeroDivisionError("boom")

    def evaluate(self, view: MarketView) -> Iterable[Signal]:
        return ()

    def should_exit(self, position: Position, market: MarketView) -> Signal | None:
        raise KeyError("no exit today")


def test_a_raising_strategy_is_skipped_while_the_others_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given a broken strategy before a working one, and one favourite market
    view = book_view(market(hours_to_close=10), "0.94", "0.95")
    strategies: list[AnyStrategy] = [_Broken(_NoParams()), LongshotYes(LongshotYesParams())]
    # when scanned
    with caplog.at_level(logging.ERROR):
        result = safe_scan(strategies, [view])
    # then the working strategy's signal is there, none of the broken one's
    assert [s.strategy for s in result.signals] == ["longshot_yes"]
    (error,) = result.errors
    assert isinstance(error, StrategyError)
    assert (error.strategy, error.phase) == ("broken", "scan")
    assert isinstance(error.cause, ZeroDivisionError)
    assert "strategy 'broken' failed in scan" in caplog.text


def test_a_raising_exit_is_returned_as_an_error() -> None:
    view = book_view(market(), "0.50", "0.52")
    outcome = safe_should_exit(_Broken(_NoParams()), position(), view)
    assert isinstance(outcome, StrategyError)
    assert outcome.phase == "should_exit"


def test_the_view_mirrors_a_missing_book_side_from_the_other_token() -> None:
    # given only the NO book: bid 0.30 x 10, ask 0.33 x 20
    view = MarketView(
        market=market(), now=NOW, no_bid=Level(d("0.30"), d(10)), no_ask=Level(d("0.33"), d(20))
    )
    # then YES bid = 1 − NO ask and YES ask = 1 − NO bid, with their sizes
    assert view.bid(Outcome.YES) == Level(d("0.67"), d(20))
    assert view.ask(Outcome.YES) == Level(d("0.70"), d(10))


def test_the_view_knows_the_hours_to_close() -> None:
    assert book_view(market(hours_to_close=36), None, None).hours_to_close == pytest.approx(36)
