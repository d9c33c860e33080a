"""Risk: one test per limit; denials are data with reasons, never exceptions."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from polymarket_ml.core.enums import Side
from polymarket_ml.core.types import Position
from polymarket_ml.executor.config import RiskConfig
from polymarket_ml.executor.risk import (
    PendingOrder,
    PortfolioState,
    RiskDecision,
    check_signal,
    drawdown_breached,
    exit_for_limits,
)
from tests.executor.support import NOW, d, position, signal

# max 100 USD per token, 1000 in total, 20 positions, 20 % drawdown, data ≤ 300 s old
CONFIG = RiskConfig()
FLAT = PortfolioState(cash_usd=d(5000), equity_usd=d(10000), peak_equity_usd=d(10000))


def _held(*cost_by_market: tuple[int, str]) -> tuple[Position, ...]:
    """Positions of 100 shares in yes<id> costing the given USD."""
    return tuple(
        position(market_id, size="100", entry_price=str(d(cost) / 100))
        for market_id, cost in cost_by_market
    )


def _check(
    portfolio: PortfolioState = FLAT,
    *,
    side: Side = Side.BUY,
    data_age_secs: float | None = 10,
    config: RiskConfig = CONFIG,
) -> RiskDecision:
    data_at = None if data_age_secs is None else NOW - timedelta(seconds=data_age_secs)
    return check_signal(
        signal(price="0.60", side=side, token_id="yes1"),
        portfolio,
        config,
        market_data_at=data_at,
        now=NOW,
    )


def test_a_new_entry_within_every_limit_is_approved_up_to_the_tightest_one() -> None:
    decision = _check()
    assert decision == RiskDecision(True, (), d(100))  # min(100 per token, 1000 total, 5000 cash)


def test_max_position_usd_counts_what_is_already_in_the_token() -> None:
    # given 60 USD in yes1 already: 40 more allowed; given 100: none
    assert _check(replace(FLAT, positions=_held((1, "60")))).max_size_usd == d(40)
    decision = _check(replace(FLAT, positions=_held((1, "100"))))
    assert not decision.approved
    assert decision.codes == ("max_position_usd",)
    assert decision.max_size_usd == 0


def test_max_total_exposure_usd() -> None:
    # given ten positions of 100 USD in other tokens: exposure 1000, the limit
    full = replace(FLAT, positions=_held(*((i, "100") for i in range(2, 12))))
    assert _check(full).codes == ("max_total_exposure_usd",)
    # given 950 USD: 50 more allowed
    almost = replace(FLAT, positions=_held(*((i, "95") for i in range(2, 12))))
    assert _check(almost).max_size_usd == d(50)


def test_pending_orders_count_as_exposure_and_as_positions() -> None:
    pending = replace(FLAT, pending=(PendingOrder("yes1", d(70)),))
    assert _check(pending).max_size_usd == d(30)
    assert pending.exposure_usd == d(70)


def test_max_positions_stops_a_new_token_but_not_adding_to_a_held_one() -> None:
    # given 20 small positions in other tokens
    twenty = replace(FLAT, positions=_held(*((i, "10") for i in range(2, 22))))
    assert _check(twenty).codes == ("max_positions",)
    # given 20 positions, one of them in yes1: adding to it is allowed
    with_ours = replace(FLAT, positions=_held(*((i, "10") for i in range(1, 21))))
    assert _check(with_ours).approved


@pytest.mark.parametrize(("equity", "approved"), [("8000", True), ("7999", False)])
def test_max_drawdown_pct_stops_entries_past_the_limit(equity: str, approved: bool) -> None:
    # given a peak of 10,000: 20.00 % drawdown is at the limit, 20.01 % is past it
    portfolio = replace(FLAT, equity_usd=d(equity))
    assert drawdown_breached(portfolio, CONFIG) is not approved
    assert _check(portfolio).approved is approved


def test_a_latched_drawdown_pause_holds_until_a_person_resumes() -> None:
    # given equity back at its peak but the pause still latched
    decision = _check(replace(FLAT, entries_paused=True))
    assert decision.codes == ("max_drawdown_pct",)


@pytest.mark.parametrize(("age", "approved"), [(300.0, True), (301.0, False), (None, False)])
def test_no_trading_on_stale_market_data(age: float | None, approved: bool) -> None:
    decision = _check(data_age_secs=age)
    assert decision.approved is approved
    if not approved:
        assert decision.codes == ("stale_data",)


def test_the_kill_switch_stops_entries_and_exits() -> None:
    halted = replace(FLAT, halted=True, positions=_held((1, "50")))
    assert _check(halted).codes == ("halted",)
    assert _check(halted, side=Side.SELL).codes == ("halted",)


def test_no_cash_no_entry() -> None:
    assert _check(replace(FLAT, cash_usd=Decimal(0))).codes == ("cash",)


def test_every_failing_limit_is_reported() -> None:
    portfolio = replace(FLAT, halted=True, cash_usd=Decimal(0), entries_paused=True)
    assert _check(portfolio, data_age_secs=None).codes == (
        "halted",
        "stale_data",
        "max_drawdown_pct",
        "cash",
    )


def test_an_exit_is_allowed_in_a_drawdown_pause_and_over_the_limits() -> None:
    # given a position of 100 shares in yes1 (over max_position_usd) and entries paused
    portfolio = replace(FLAT, positions=_held((1, "150")), entries_paused=True)
    decision = _check(portfolio, side=Side.SELL)
    # then the exit is approved, worth the whole position at the signal's price
    assert decision == RiskDecision(True, (), d("60.00"))  # 100 × 0.60


def test_an_exit_needs_fresh_data_and_a_position() -> None:
    assert _check(side=Side.SELL).codes == ("no_position",)
    held = replace(FLAT, positions=_held((1, "50")))
    assert _check(held, side=Side.SELL, data_age_secs=600).codes == ("stale_data",)


@pytest.mark.parametrize(
    ("bid", "expected"),
    [("0.60", "take_profit"), ("0.59", None), ("0.41", None), ("0.40", "stop_loss")],
)
def test_take_profit_and_stop_loss_exits(bid: str, expected: str | None) -> None:
    # given entry 0.50, take profit 20 % (0.60) and stop loss 20 % (0.40)
    config = RiskConfig(take_profit_pct=d(20), stop_loss_pct=d(20))
    reason = exit_for_limits(position(entry_price="0.50"), d(bid), config)
    assert (reason.split(":")[0] if reason else None) == expected
