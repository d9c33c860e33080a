"""What each job of the schedule table runs: the same functions in both runtimes."""

from __future__ import annotations

from polymarket_ml.collection.cleanup import apply_retention
from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.discovery import discover, update_tiers
from polymarket_ml.collection.snapshots import take_snapshots
from polymarket_ml.collection.tasklog import TaskOutcome
from polymarket_ml.core.enums import TaskStatus
from polymarket_ml.runtime.schedule import CLEANUP, DISCOVERY, SNAPSHOT, TIER_UPDATE, Job


async def run_job(ctx: CollectionContext, job: Job, *, task_id: str | None = None) -> TaskStatus:
    """Run one job through the task log (recorded, failures contained).

    ``task_id`` names the run in ``task_runs`` (the Celery task id; a fresh one by default).
    """

    async def body() -> TaskOutcome:
        if job.name == DISCOVERY:
            return await discover(ctx)
        if job.name == TIER_UPDATE:
            return await update_tiers(ctx)
        if job.name == CLEANUP:
            return await apply_retention(ctx)
        if job.name == SNAPSHOT and job.tier is not None:
            return await take_snapshots(ctx, job.tier)
        raise ValueError(f"no task named {job.key!r}")

    return await ctx.task_log.run(job.name, body, tier=job.tier, task_id=task_id)
