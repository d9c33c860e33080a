"""term_structure: violations of P(later deadline) ≥ P(earlier deadline), net of fees."""

from __future__ import annotations

from typing import Any

import pytest

from polymarket_ml.core.enums import Outcome, Side
from polymarket_ml.executor.config import TermStructureParams
from polymarket_ml.executor.fees import NO_FEE, FeeSchedule
from polymarket_ml.executor.strategies.base import MarketView
from polymarket_ml.executor.strategies.term_structure import TermStructure
from tests.executor.support import book_view, d, market

STRATEGY = TermStructure(TermStructureParams())  # min_violation 0.03 beyond costs
POLITICS = FeeSchedule(rate=d("0.04"))
HOURS = (100.0, 1000.0, 2000.0)  # three deadlines of one event


def _series(
    *books: tuple[str, str], fee: FeeSchedule | None = POLITICS, **market_fields: Any
) -> list[MarketView]:
    return [
        book_view(
            market(i + 1, hours_to_close=h, event_id="e1", **market_fields), bid, ask, fee=fee
        )
        for i, (h, (bid, ask)) in enumerate(zip(HOURS, books, strict=True))
    ]


def test_a_violation_beyond_costs_buys_no_on_the_earlier_and_yes_on_the_later() -> None:
    # given YES books 0.40/0.42 (by D1), 0.30/0.32 (by D2), 0.50/0.52 (by D3), fee rate 0.04
    series = _series(("0.40", "0.42"), ("0.30", "0.32"), ("0.50", "0.52"))
    # when scanned
    signals = list(STRATEGY.scan(series))
    # then only D1 > D2 is violated: NO(D1) at 0.60 + YES(D2) at 0.32 = 0.92 pays at least 1.
    # violation 0.08; fees 0.04×0.6×0.4 + 0.04×0.32×0.68 = 0.0096 + 0.008704 = 0.018304;
    # net 0.061696 ≥ 0.03
    best = STRATEGY.best_violation(series)
    assert best is not None
    assert (best.violation, best.costs, best.net) == (d("0.08"), d("0.018304"), d("0.061696"))
    no_leg, yes_leg = signals
    assert (no_leg.side, no_leg.token_id, no_leg.outcome) == (Side.BUY, "no1", Outcome.NO)
    assert no_leg.price_at_signal == d("0.60")
    assert (yes_leg.side, yes_leg.token_id, yes_leg.outcome) == (Side.BUY, "yes2", Outcome.YES)
    assert yes_leg.price_at_signal == d("0.32")
    assert no_leg.edge == yes_leg.edge == pytest.approx(0.061696)
    # the same 100 shares on both legs
    assert (no_leg.suggested_size_usd, yes_leg.suggested_size_usd) == (d("60.00"), d("32.00"))


def test_a_violation_that_fees_eat_is_not_traded() -> None:
    # given D1 0.40/0.42 and D2 0.35/0.37: violation 1 − 0.60 − 0.37 = 0.03,
    # fees 0.0096 + 0.04×0.37×0.63 = 0.018924, net 0.011076 < 0.03
    series = _series(("0.40", "0.42"), ("0.35", "0.37"), ("0.50", "0.52"))
    best = STRATEGY.best_violation(series)
    assert best is not None
    assert best.net == d("0.011076")
    assert list(STRATEGY.scan(series)) == []


@pytest.mark.parametrize(("d2_ask", "trades"), [("0.37", True), ("0.38", False)])
def test_the_net_violation_must_reach_min_violation_inclusive(d2_ask: str, trades: bool) -> None:
    # given no fees: violation = net = 1 − 0.60 − ask(D2): 0.03 trades, 0.02 does not
    series = _series(("0.40", "0.42"), ("0.30", d2_ask), ("0.50", "0.52"), fee=NO_FEE)
    assert bool(list(STRATEGY.scan(series))) is trades


def test_the_largest_net_violation_of_the_series_is_traded() -> None:
    # given D1 0.60/0.62, D2 0.50/0.52, D3 0.45/0.47: pairs (1,2) 0.08, (1,3) 0.13, (2,3) 0.03
    series = _series(("0.60", "0.62"), ("0.50", "0.52"), ("0.45", "0.47"))
    no_leg, yes_leg = STRATEGY.scan(series)
    assert (no_leg.token_id, yes_leg.token_id) == ("no1", "yes3")


def test_an_unknown_fee_schedule_is_costed_at_the_conservative_rate() -> None:
    # given the first example with fees unknown: 0.072×0.24 + 0.072×0.2176 = 0.0329472
    series = _series(("0.40", "0.42"), ("0.30", "0.32"), ("0.50", "0.52"), fee=None)
    best = STRATEGY.best_violation(series)
    assert best is not None
    assert best.costs == d("0.0329472")


def test_a_monotone_series_gives_no_signal() -> None:
    series = _series(("0.20", "0.22"), ("0.30", "0.32"), ("0.50", "0.52"))
    assert list(STRATEGY.scan(series)) == []


def test_neg_risk_events_are_not_deadline_series() -> None:
    series = _series(("0.40", "0.42"), ("0.30", "0.32"), ("0.50", "0.52"), neg_risk=True)
    assert list(STRATEGY.scan(series)) == []


def test_a_market_and_its_siblings_form_the_series() -> None:
    # given one view carrying the two others as siblings
    first, *others = _series(("0.40", "0.42"), ("0.30", "0.32"), ("0.50", "0.52"))
    view = MarketView(**{**_fields(first), "siblings": tuple(others)})
    # when scanned alone, then the same pair is found
    tokens = [s.token_id for s in STRATEGY.scan([view])]
    assert tokens == ["no1", "yes2"]


def _fields(view: MarketView) -> dict[str, Any]:
    return {name: getattr(view, name) for name in MarketView.__dataclass_fields__}
