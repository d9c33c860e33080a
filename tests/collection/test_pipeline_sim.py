"""Discovery, tiers and snapshots against the simulator over real sockets, on a fake clock."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select

from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.discovery import discover, update_tiers
from polymarket_ml.collection.metrics import InProcessTradeMetrics
from polymarket_ml.collection.snapshots import take_snapshots
from polymarket_ml.collection.tiers import LifecycleRules
from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.enums import DeactivationReason, TaskStatus, Tier
from polymarket_ml.settings import CollectionSettings
from polymarket_ml.sim.config import SimConfig
from polymarket_ml.sim.server import SimServer
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.gamma import GammaClient
from polymarket_ml.sources.polymarket.market_data import MarketData
from polymarket_ml.storage.engine import make_engine
from polymarket_ml.storage.migrate import upgrade
from polymarket_ml.storage.models import (
    MarketRow,
    OrderbookSnapshotRow,
    PositionRow,
    SnapshotRow,
    TaskRunRow,
    TierTransitionRow,
)
from polymarket_ml.storage.repositories import MarketRepository

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'collect.sqlite3'}")
    upgrade(eng)
    yield eng
    eng.dispose()


@asynccontextmanager
async def collecting(
    engine: Engine, clock: FakeClock
) -> AsyncIterator[tuple[SimServer, CollectionContext]]:
    config = SimConfig(port=0, markets=80, seed=11, clock=clock, step_interval_s=0.05)
    async with SimServer(config) as sim:
        gamma = GammaClient(sim.urls["gamma"], clock=clock)
        clob = ClobClient(sim.urls["clob"], clock=clock)
        ctx = CollectionContext(
            settings=CollectionSettings(ml_volume_threshold=0),
            engine=engine,
            market_data=MarketData(gamma, clob, clock),
            clock=clock,
            metrics=InProcessTradeMetrics(),
            rules=LifecycleRules(expiry_grace=timedelta(hours=1)),
        )
        try:
            yield sim, ctx
        finally:
            await gamma.aclose()
            await clob.aclose()


def count(engine: Engine, model: type, *where: object) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def test_discovery_tiers_snapshots_and_resolution(engine: Engine) -> None:
    clock = FakeClock(START)

    async def scenario() -> None:
        async with collecting(engine, clock) as (sim, ctx):
            sim.pump()
            assert await ctx.task_log.run("discovery", lambda: discover(ctx)) is TaskStatus.SUCCESS

            with engine.connect() as conn:
                tiers = Counter(conn.scalars(select(MarketRow.tier)))
            assert set(tiers) == {0, 1, 2, 3, 4}, tiers  # end dates spread over every tier
            assert count(
                engine, TierTransitionRow, TierTransitionRow.reason == "discovered"
            ) == sum(tiers.values())

            for tier in Tier:
                status = await ctx.task_log.run(
                    "snapshot", lambda t=tier: take_snapshots(ctx, t), tier=tier
                )
                assert status is TaskStatus.SUCCESS
            assert count(engine, SnapshotRow) == sum(tiers.values())
            # books only from T2
            with engine.connect() as conn:
                book_tiers = set(conn.scalars(select(OrderbookSnapshotRow.tier)))
                nulls = conn.execute(
                    select(SnapshotRow.tier, SnapshotRow.bid_depth_10, SnapshotRow.price)
                ).all()
            assert book_tiers == {2, 3, 4}
            assert all((depth is None) == (tier < 2) for tier, depth, _ in nulls)
            assert all(price is not None for _, _, price in nulls)

            # five hours later: tiers move, some markets resolve or expire
            for _ in range(60):
                clock.advance(timedelta(minutes=5))
                sim.pump()
            await ctx.task_log.run("tier_update", lambda: update_tiers(ctx))
            await ctx.task_log.run("discovery", lambda: discover(ctx))

            assert count(engine, TierTransitionRow, TierTransitionRow.reason == "time") > 0
            with engine.connect() as conn:
                reasons = Counter(
                    conn.scalars(
                        select(MarketRow.deactivation_reason).where(MarketRow.active.is_(False))
                    )
                )
                outcomes = set(
                    conn.scalars(select(MarketRow.outcome).where(MarketRow.resolved.is_(True)))
                )
            assert reasons["resolved"] > 0, reasons
            assert outcomes <= {"YES", "NO", "VOID"}
            assert outcomes
            assert count(engine, TierTransitionRow, TierTransitionRow.to_tier.is_(None)) == sum(
                reasons.values()
            )
            assert count(engine, TaskRunRow, TaskRunRow.status == "success") == 8

    asyncio.run(asyncio.wait_for(scenario(), timeout=120))


def test_a_failing_task_is_recorded_and_does_not_stop_the_others(engine: Engine) -> None:
    clock = FakeClock(START)

    async def boom() -> None:
        raise RuntimeError("gamma exploded")

    async def scenario() -> None:
        async with collecting(engine, clock) as (_, ctx):
            failed = await ctx.task_log.run("discovery", boom)  # type: ignore[arg-type]
            ok = await ctx.task_log.run("tier_update", lambda: update_tiers(ctx))
        assert (failed, ok) == (TaskStatus.FAILED, TaskStatus.SUCCESS)

    asyncio.run(scenario())
    with engine.connect() as conn:
        row = conn.execute(select(TaskRunRow).where(TaskRunRow.status == "failed")).one()
    assert row.error_message == "RuntimeError: gamma exploded"
    assert "Traceback" in row.error_traceback


def test_an_overlapping_run_is_skipped_and_recorded(engine: Engine) -> None:
    clock = FakeClock(START)

    async def scenario() -> list[TaskStatus]:
        async with collecting(engine, clock) as (_, ctx):
            gate = asyncio.Event()

            async def slow() -> object:
                await gate.wait()
                return await update_tiers(ctx)

            first = asyncio.create_task(ctx.task_log.run("snapshot", slow, tier=Tier.T4))  # type: ignore[arg-type]
            await asyncio.sleep(0.05)
            second = await ctx.task_log.run("snapshot", slow, tier=Tier.T4)  # type: ignore[arg-type]
            other_tier = asyncio.create_task(ctx.task_log.run("snapshot", slow, tier=Tier.T3))  # type: ignore[arg-type]
            await asyncio.sleep(0.05)
            gate.set()
            return [await first, second, await other_tier]

    assert asyncio.run(scenario()) == [TaskStatus.SUCCESS, TaskStatus.SKIPPED, TaskStatus.SUCCESS]
    assert count(engine, TaskRunRow, TaskRunRow.status == "skipped") == 1


def test_an_untracked_market_still_held_is_checked_until_its_outcome_is_stored(
    engine: Engine,
) -> None:
    """Expired (past its end and the grace, no outcome yet) while an executor holds a position:
    discovery checks it on, and stores the outcome once Gamma has one; an expired market that
    nobody holds is left alone."""
    clock = FakeClock(START)

    async def scenario() -> None:
        async with collecting(engine, clock) as (sim, ctx):
            sim.pump()
            await discover(ctx)
            with engine.connect() as conn:
                soonest = conn.execute(
                    select(MarketRow.id, MarketRow.end_date, MarketRow.yes_token_id)
                    .order_by(MarketRow.end_date)
                    .limit(2)
                ).all()
            (held_id, held_end, held_token), (other_id, other_end, _) = soonest
            with ctx.sessions.begin() as s:
                markets = MarketRepository(s)
                for market_id in (held_id, other_id):
                    markets.deactivate(market_id, DeactivationReason.EXPIRED, now=clock.now())
                s.execute(insert(PositionRow).values(_open_position(held_id, held_token, clock)))

            while clock.now() < max(held_end, other_end) + timedelta(minutes=10):
                clock.advance(timedelta(minutes=5))
                sim.pump()  # Gamma resolves both, minutes after their end
            await discover(ctx)

            with engine.connect() as conn:
                found = dict(
                    conn.execute(
                        select(MarketRow.id, MarketRow.outcome).where(
                            MarketRow.id.in_((held_id, other_id))
                        )
                    ).all()
                )
                reasons = set(
                    conn.scalars(
                        select(MarketRow.deactivation_reason).where(
                            MarketRow.id.in_((held_id, other_id))
                        )
                    )
                )
            assert found[held_id] in {"YES", "NO", "VOID"}
            assert found[other_id] is None
            assert reasons == {"expired"}  # why tracking stopped stays as it was

    asyncio.run(asyncio.wait_for(scenario(), timeout=120))


def _open_position(market_id: int, token_id: str, clock: FakeClock) -> dict[str, object]:
    return {
        "market_id": market_id,
        "token_id": token_id,
        "outcome": "YES",
        "strategy": "longshot_yes",
        "mode": "paper",
        "status": "open",
        "size": Decimal("10"),
        "entry_price": Decimal("0.95"),
        "cost_basis_usd": Decimal("9.5"),
        "opened_at": clock.now(),
        "updated_at": clock.now(),
    }
