from __future__ import annotations

import asyncio

from polymarket_ml.core.enums import TaskStatus, Tier
from polymarket_ml.runtime.schedule import SNAPSHOT, Job, build_schedule
from polymarket_ml.runtime.scheduler import Scheduler
from polymarket_ml.settings import CollectionSettings


def test_schedule_has_every_task_with_the_settings_intervals() -> None:
    jobs = {job.key: job for job in build_schedule(CollectionSettings())}
    assert set(jobs) == {
        "discovery",
        "tier_update",
        "cleanup",
        "snapshot_t0",
        "snapshot_t1",
        "snapshot_t2",
        "snapshot_t3",
        "snapshot_t4",
    }
    assert jobs["snapshot_t4"].interval_secs == 15
    assert jobs["snapshot_t0"].interval_secs == 3600
    assert jobs["snapshot_t4"].queue != jobs["snapshot_t0"].queue  # fast tiers never wait


def test_jobs_tick_at_their_rate_scaled_by_speed() -> None:
    fast = Job(SNAPSHOT, 1.0, "q", Tier.T4)
    slow = Job(SNAPSHOT, 4.0, "q", Tier.T3)
    seen: list[str] = []

    async def run_job(job: Job) -> TaskStatus:
        seen.append(job.key)
        return TaskStatus.SUCCESS

    async def scenario() -> None:
        stop = asyncio.Event()
        scheduler = Scheduler([fast, slow], run_job, speed=20)  # 50 ms and 200 ms
        task = asyncio.create_task(scheduler.run(stop))
        await asyncio.sleep(0.43)
        stop.set()
        await asyncio.wait_for(task, 5)

    asyncio.run(scenario())
    assert 8 <= seen.count("snapshot_t4") <= 10
    assert 2 <= seen.count("snapshot_t3") <= 3


def test_stopping_waits_for_runs_in_flight() -> None:
    finished: list[str] = []

    async def run_job(job: Job) -> TaskStatus:
        await asyncio.sleep(0.2)
        finished.append(job.key)
        return TaskStatus.SUCCESS

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(Scheduler([Job("discovery", 60, "q")], run_job).run(stop))
        await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 5)

    asyncio.run(scenario())
    assert finished == ["discovery"]
