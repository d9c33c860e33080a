"""Portfolio accounting: average cost, realized P&L on reductions, fees, settlement, identity."""

from __future__ import annotations

from decimal import Decimal

import pytest

from polymarket_ml.core.enums import ExecutionMode, Outcome, PositionStatus, Resolution, Side
from polymarket_ml.executor.fees import FeeSchedule, taker_fee_usd
from polymarket_ml.executor.paper_fills import PaperFill
from polymarket_ml.executor.portfolio import Portfolio, payout_per_share, reduced_cost
from tests.executor.support import NOW, d

FEE = FeeSchedule(rate=d("0.04"))


def _fill(side: Side, price: str, size: str, token: str = "yes1") -> PaperFill:
    p, q = d(price), d(size)
    return PaperFill(1, token, side, p, q, taker_fee_usd(q, p, FEE), NOW, False, None)


def _book(pf: Portfolio, side: Side, price: str, size: str, token: str = "yes1") -> None:
    outcome = Outcome.YES if token.startswith("yes") else Outcome.NO
    pf.apply_fill(_fill(side, price, size, token), outcome=outcome, strategy="s", now=NOW)


def test_buys_average_their_cost_and_pay_fees_in_cash() -> None:
    pf = Portfolio(mode=ExecutionMode.PAPER, starting_balance_usd=d(1000))
    # 100 @ 0.40: cost 40, fee 100 × 0.04 × 0.40 × 0.60 = 0.96
    _book(pf, Side.BUY, "0.40", "100")
    # 50 @ 0.46: cost 23, fee 50 × 0.04 × 0.46 × 0.54 = 0.4968
    _book(pf, Side.BUY, "0.46", "50")
    p = pf.position("yes1")
    assert p is not None
    assert (p.size, p.cost_basis_usd, p.entry_price) == (d(150), d(63), d("0.42"))
    assert p.fees_usd == d("1.4568")
    assert pf.cash_usd == d("935.5432")  # 1000 − 63 − 1.4568
    assert pf.fees_usd == d("1.4568")
    assert pf.positions_value_usd == d(63)  # never marked: worth its cost
    assert pf.identity_gap() == 0


def test_marking_at_the_bid_moves_unrealized_pnl_and_equity() -> None:
    pf = Portfolio(mode=ExecutionMode.PAPER, starting_balance_usd=d(1000))
    _book(pf, Side.BUY, "0.40", "100")
    _book(pf, Side.BUY, "0.46", "50")
    pf.mark("yes1", d("0.50"))
    assert pf.positions_value_usd == d(75)
    assert pf.unrealized_pnl_usd == d(12)
    assert pf.equity_usd == d("1010.5432")  # = 1000 + 0 realized + 12 − 1.4568 fees
    assert pf.identity_gap() == 0


def test_a_partial_sell_realizes_against_the_average_cost() -> None:
    pf = Portfolio(mode=ExecutionMode.PAPER, starting_balance_usd=d(1000))
    _book(pf, Side.BUY, "0.40", "100")
    _book(pf, Side.BUY, "0.46", "50")
    # sell 60 @ 0.50: cost removed 63 × 60/150 = 25.2, proceeds 30, realized 4.8, fee 0.6
    _book(pf, Side.SELL, "0.50", "60")
    p = pf.position("yes1")
    assert p is not None
    assert (p.size, p.cost_basis_usd, p.realized_pnl_usd) == (d(90), d("37.8"), d("4.8"))
    assert pf.realized_pnl_usd == d("4.8")
    assert pf.cash_usd == d("964.9432")  # 935.5432 + 30 − 0.6
    assert pf.fees_usd == d("2.0568")
    pf.mark("yes1", d("0.30"))  # 90 × 0.30 = 27 against a cost of 37.8
    assert pf.unrealized_pnl_usd == d("-10.8")
    assert pf.identity_gap() == 0
    # sell the rest @ 0.30: realized 27 − 37.8 = −10.8 more; the position closes
    _book(pf, Side.SELL, "0.30", "90")
    assert pf.position("yes1") is None
    assert pf.realized_pnl_usd == d("-6.0")
    assert pf.positions == ()
    assert pf.identity_gap() == 0


def test_a_reduction_that_does_not_divide_rounds_and_the_last_share_takes_the_rest() -> None:
    assert reduced_cost(d("1.00"), d(3), d(1)) == d("0.333333")
    assert reduced_cost(d("0.666667"), d(2), d(2)) == d("0.666667")


def test_selling_more_than_held_is_refused() -> None:
    pf = Portfolio(mode=ExecutionMode.PAPER, starting_balance_usd=d(100))
    _book(pf, Side.BUY, "0.40", "10")
    with pytest.raises(ValueError, match="sell of 11"):
        _book(pf, Side.SELL, "0.40", "11")


@pytest.mark.parametrize(
    ("outcome", "resolution", "payout"),
    [
        (Outcome.YES, Resolution.YES, "1"),
        (Outcome.NO, Resolution.YES, "0"),
        (Outcome.NO, Resolution.NO, "1"),
        (Outcome.YES, Resolution.VOID, "0.5"),
        (Outcome.NO, Resolution.VOID, "0.5"),
    ],
)
def test_settlement_pays_one_zero_or_a_half(
    outcome: Outcome, resolution: Resolution, payout: str
) -> None:
    assert payout_per_share(outcome, resolution) == d(payout)


def test_settlement_closes_positions_at_their_payout_with_the_identity_exact() -> None:
    pf = Portfolio(mode=ExecutionMode.PAPER, starting_balance_usd=d(1000))
    _book(pf, Side.BUY, "0.93", "50", "yes1")  # cost 46.5, fee 50 × .04 × .93 × .07 = 0.1302
    _book(pf, Side.BUY, "0.05", "100", "no2")  # cost 5, fee 100 × .04 × .05 × .95 = 0.19
    _book(pf, Side.BUY, "0.61", "10", "yes3")  # cost 6.1, fee 10 × .04 × .61 × .39 = 0.09516
    assert pf.cash_usd == d(1000) - d("57.6") - d("0.41536")
    won = pf.settle("yes1", Resolution.YES, now=NOW)  # pays 50: realized +3.5
    lost = pf.settle("no2", Resolution.YES, now=NOW)  # pays 0: realized −5
    void = pf.settle("yes3", Resolution.VOID, now=NOW)  # pays 5: realized −1.1
    assert [p.status for p in (won, lost, void)] == [PositionStatus.SETTLED] * 3
    assert [p.exit_price for p in (won, lost, void)] == [d(1), d(0), d("0.5")]
    assert [p.realized_pnl_usd for p in (won, lost, void)] == [d("3.5"), d(-5), d("-1.1")]
    assert pf.realized_pnl_usd == d("-2.6")
    assert pf.cash_usd == d("996.98464")  # 1000 − 57.6 − 0.41536 + 55
    assert pf.equity_usd == d(1000) + d("-2.6") - d("0.41536")
    assert pf.identity_gap() == 0
    assert len(pf.changed) == 3  # all three to be stored


def test_a_resumed_portfolio_keeps_the_identity_from_stored_totals() -> None:
    pf = Portfolio(mode=ExecutionMode.PAPER, starting_balance_usd=d(1000))
    _book(pf, Side.BUY, "0.40", "100")
    _book(pf, Side.SELL, "0.45", "40")
    pf.mark("yes1", d("0.44"))
    again = Portfolio(
        mode=ExecutionMode.PAPER,
        starting_balance_usd=d(1000),
        cash_usd=pf.cash_usd,
        peak_equity_usd=pf.peak_equity_usd,
        positions=pf.positions,
        realized_pnl_usd=pf.realized_pnl_usd,
        fees_usd=pf.fees_usd,
    )
    assert again.equity_usd == pf.equity_usd
    assert again.identity_gap() == 0


def test_a_long_random_run_keeps_the_identity_exactly() -> None:
    import random

    rng = random.Random(3)
    pf = Portfolio(mode=ExecutionMode.PAPER, starting_balance_usd=d(10_000))
    tokens = [f"yes{i}" for i in range(6)]
    for _ in range(3000):
        token = rng.choice(tokens)
        price = Decimal(rng.randint(1, 99)) / 100
        held = pf.position(token)
        action = rng.random()
        if held is not None and action < 0.35:
            size = min(held.size, Decimal(rng.randint(1, 5000)) / 100)
            _book(pf, Side.SELL, str(price), str(size), token)
        elif held is not None and action < 0.4:
            pf.settle(token, rng.choice(list(Resolution)), now=NOW)
        elif held is not None and action < 0.7:
            pf.mark(token, price)
        else:
            _book(pf, Side.BUY, str(price), str(Decimal(rng.randint(1, 5000)) / 100), token)
        assert pf.identity_gap() == 0
    assert pf.fees_usd > 0
    assert pf.realized_pnl_usd != 0
