from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from polymarket_ml.collection.tiers import (
    LifecycleRules,
    Verdict,
    assign_tier,
    hours_to_close,
    judge_market,
)
from polymarket_ml.core.enums import DeactivationReason, Resolution, Tier
from polymarket_ml.core.types import Market

BOUNDS = (48, 12, 4, 1)
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hours", "tier"),
    [
        (None, Tier.T0),
        (300, Tier.T0),
        (48.01, Tier.T0),
        (48, Tier.T1),
        (12.5, Tier.T1),
        (12, Tier.T2),
        (4.0001, Tier.T2),
        (4, Tier.T3),
        (1.5, Tier.T3),
        (1, Tier.T4),
        (0.1, Tier.T4),
        (-3, Tier.T4),
    ],
)
def test_tiers_follow_hours_to_close(hours: float | None, tier: Tier) -> None:
    assert assign_tier(hours, BOUNDS) is tier


def test_hours_to_close() -> None:
    assert hours_to_close(NOW + timedelta(minutes=90), NOW) == 1.5
    assert hours_to_close(None, NOW) is None


def market(**fields: object) -> Market:
    base: dict[str, object] = {
        "condition_id": "0x1",
        "question": "?",
        "end_date": NOW + timedelta(hours=3),
    }
    return Market(**{**base, **fields})  # type: ignore[arg-type]


RULES = LifecycleRules(expiry_grace=timedelta(hours=2), no_trades_after=timedelta(hours=1))


def judge(current: Market | None, **kw: object) -> Verdict:
    args: dict[str, object] = {
        "now": NOW,
        "rules": RULES,
        "last_trade_at": None,
        "followed_since": None,
    }
    return judge_market(market(), current, **{**args, **kw})  # type: ignore[arg-type]


def test_gone_from_gamma_is_delisted() -> None:
    assert judge(None).deactivate is DeactivationReason.DELISTED


def test_a_final_outcome_resolves_void_included() -> None:
    verdict = judge(market(closed=True, resolution=Resolution.VOID))
    assert verdict.deactivate is DeactivationReason.RESOLVED
    assert verdict.resolution is Resolution.VOID


def test_closed_without_outcome_keeps_being_checked() -> None:
    verdict = judge(market(closed=True))
    assert verdict.deactivate is None
    assert verdict.pending_resolution


def test_past_end_date_plus_grace_expires() -> None:
    ended = market(end_date=NOW - timedelta(hours=2, seconds=1), closed=True)
    assert judge(ended).deactivate is DeactivationReason.EXPIRED
    within_grace = market(end_date=NOW - timedelta(hours=1), closed=True)
    assert judge(within_grace).deactivate is None


def test_a_followed_market_without_trades_is_dropped() -> None:
    followed = NOW - timedelta(hours=3)
    silent = judge(market(), followed_since=followed, last_trade_at=NOW - timedelta(minutes=61))
    busy = judge(market(), followed_since=followed, last_trade_at=NOW - timedelta(minutes=10))
    new = judge(market(), followed_since=NOW - timedelta(minutes=30))
    unfollowed = judge(market(), followed_since=None)
    assert silent.deactivate is DeactivationReason.NO_TRADES
    assert busy.deactivate is None
    assert new.deactivate is None
    assert unfollowed.deactivate is None
