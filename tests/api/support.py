"""Seeding the test database through the repositories and bulk writers."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from polymarket_ml.core.enums import DeactivationReason, TaskStatus, Tier
from polymarket_ml.core.snapshot import FeatureSnapshot
from polymarket_ml.core.types import TierTransition
from polymarket_ml.storage.bulk import write_snapshots
from polymarket_ml.storage.engine import make_session_factory
from polymarket_ml.storage.repositories import (
    MarketRepository,
    TaskRunRepository,
    TierTransitionRepository,
)
from tests.storage.conftest import NOW, add_market


def seed_markets(engine: Engine) -> dict[str, int]:
    """T4 and T3 open (followed), T2 closed, T0 open, T4 deactivated."""
    ids = {
        "t4": add_market(engine, "0xt4", tier=Tier.T4),
        "t3": add_market(engine, "0xt3", tier=Tier.T3),
        "t2closed": add_market(engine, "0xt2", tier=Tier.T2, closed=True),
        "t0": add_market(engine, "0xt0", tier=Tier.T0),
        "gone": add_market(engine, "0xgone", tier=Tier.T4),
    }
    with make_session_factory(engine).begin() as s:
        MarketRepository(s).deactivate(ids["gone"], DeactivationReason.RESOLVED, now=NOW)
    return ids


def seed_snapshots(engine: Engine, market_id: int, tier: Tier, *times: datetime) -> None:
    write_snapshots(
        engine,
        [FeatureSnapshot(market_id=market_id, timestamp=t, tier=tier, price=0.5) for t in times],
    )


def seed_transitions(engine: Engine, market_id: int) -> None:
    """In the last 24 hours: 3 discoveries, 0->1, 1->2, 2->3 twice, 3->4, one deactivation;
    one older move (30 hours ago) outside the window."""
    moves: list[tuple[Tier | None, Tier | None, float]] = [
        (None, Tier.T0, 23),
        (None, Tier.T0, 22),
        (None, Tier.T1, 21),
        (Tier.T0, Tier.T1, 20),
        (Tier.T1, Tier.T2, 10),
        (Tier.T2, Tier.T3, 5),
        (Tier.T2, Tier.T3, 4),
        (Tier.T3, Tier.T4, 1),
        (Tier.T4, None, 0.5),
        (Tier.T1, Tier.T2, 30),
    ]
    with make_session_factory(engine).begin() as s:
        repo = TierTransitionRepository(s)
        for a, b, hours_ago in moves:
            repo.add(
                TierTransition(
                    market_id=market_id,
                    from_tier=a,
                    to_tier=b,
                    transitioned_at=NOW - timedelta(hours=hours_ago),
                    hours_to_close=10.0,
                    reason="test",
                    condition_id="0xt4",
                ),
                market_slug="slug-t4",
            )


def add_run(
    engine: Engine,
    name: str,
    status: TaskStatus,
    *,
    started: datetime,
    duration_ms: int,
    tier: Tier | None = None,
    error: str | None = None,
) -> None:
    with make_session_factory(engine).begin() as s:
        repo = TaskRunRepository(s)
        run_id = repo.start(name, f"{name}-{started.isoformat()}", now=started, tier=tier)
        repo.finish(
            run_id,
            status,
            now=started + timedelta(milliseconds=duration_ms),
            error_message=error,
        )


def seed_task_runs(engine: Engine) -> None:
    """snapshot[T4]: 4 successes (100..400 ms), a failure (500 ms, "boom"), a skip; discovery:
    one success (1000 ms); and a failure two days ago, outside a 24-hour window."""
    for i, ms in enumerate([100, 200, 300, 400]):
        add_run(
            engine,
            "snapshot",
            TaskStatus.SUCCESS,
            started=NOW - timedelta(minutes=10 - i),
            duration_ms=ms,
            tier=Tier.T4,
        )
    add_run(
        engine,
        "snapshot",
        TaskStatus.FAILED,
        started=NOW - timedelta(minutes=5),
        duration_ms=500,
        tier=Tier.T4,
        error="StorageError: boom",
    )
    add_run(
        engine, "snapshot", TaskStatus.SKIPPED, started=NOW - timedelta(minutes=4), duration_ms=0,
        tier=Tier.T4,
    )  # fmt: skip
    add_run(
        engine, "discovery", TaskStatus.SUCCESS, started=NOW - timedelta(hours=2), duration_ms=1000
    )
    add_run(
        engine,
        "discovery",
        TaskStatus.FAILED,
        started=NOW - timedelta(days=2),
        duration_ms=50,
        error="old",
    )
