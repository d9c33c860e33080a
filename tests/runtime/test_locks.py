"""Overlap across processes: a run another process holds is skipped and recorded."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, select

from polymarket_ml.collection.tasklog import TaskLog, TaskOutcome
from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.enums import TaskStatus, Tier
from polymarket_ml.runtime.locks import RedisRunGuard, lock_key
from polymarket_ml.storage.engine import make_engine
from polymarket_ml.storage.migrate import upgrade
from polymarket_ml.storage.models import TaskRunRow
from tests.services import fresh_redis

pytestmark = pytest.mark.redis

CLOCK = FakeClock(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    with fresh_redis() as c:
        yield c


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'runs.sqlite3'}")
    upgrade(eng)
    yield eng
    eng.dispose()


def test_a_held_slot_is_refused_until_released(client: redis.Redis) -> None:
    one, other = RedisRunGuard(client, ttl_secs=30), RedisRunGuard(client, ttl_secs=30)
    release = one.acquire("snapshot", Tier.T4)
    assert release is not None
    assert other.acquire("snapshot", Tier.T4) is None
    assert other.acquire("snapshot", Tier.T3) is not None  # another tier is another slot
    release()
    assert other.acquire("snapshot", Tier.T4) is not None


def test_a_lock_expires_with_its_ttl(client: redis.Redis) -> None:
    guard = RedisRunGuard(client, ttl_secs=0.2)
    release = guard.acquire("discovery", None)
    assert release is not None
    assert 0 < client.pttl(lock_key("discovery", None)) <= 200
    client.delete(lock_key("discovery", None))  # as if it had expired
    release()  # releasing an expired lock only logs
    assert guard.acquire("discovery", None) is not None


def test_a_run_overlapping_one_in_another_process_is_recorded_as_skipped(
    client: redis.Redis, engine: Engine
) -> None:
    # given two task logs, as two worker processes would have, sharing one Redis
    first = TaskLog(engine, CLOCK, RedisRunGuard(client, ttl_secs=30))
    second = TaskLog(engine, CLOCK, RedisRunGuard(client, ttl_secs=30))

    async def scenario() -> list[TaskStatus]:
        gate = asyncio.Event()

        async def slow() -> TaskOutcome:
            await gate.wait()
            return TaskOutcome(markets_processed=3)

        async def quick() -> TaskOutcome:
            return TaskOutcome()

        running = asyncio.create_task(first.run("snapshot", slow, tier=Tier.T0))
        await asyncio.sleep(0.2)
        # when the other process gets the next T0 tick while the first still runs
        overlapped = await second.run("snapshot", quick, tier=Tier.T0)
        other_tier = await second.run("snapshot", quick, tier=Tier.T1)
        gate.set()
        done = await running
        after = await second.run("snapshot", quick, tier=Tier.T0)
        return [done, overlapped, other_tier, after]

    # then it is skipped and recorded; other tiers and later ticks run
    statuses = asyncio.run(asyncio.wait_for(scenario(), 10))
    assert statuses == [
        TaskStatus.SUCCESS,
        TaskStatus.SKIPPED,
        TaskStatus.SUCCESS,
        TaskStatus.SUCCESS,
    ]
    with engine.connect() as conn:
        rows = conn.execute(select(TaskRunRow.tier, TaskRunRow.status).order_by(TaskRunRow.id))
        assert sorted(rows) == [(0, "skipped"), (0, "success"), (0, "success"), (1, "success")]
    assert client.keys("pmml:lock:*") == []
