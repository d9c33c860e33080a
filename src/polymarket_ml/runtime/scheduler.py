"""The in-process scheduler of ``pmml up``: every job of the schedule table on an asyncio loop.

Each job ticks at a fixed rate (its interval divided by the speed factor, in real seconds) and
each tick starts a run through the task log. A run still going at the next tick is not doubled:
the task log records the tick as ``skipped``, so an overrunning tier shows in ``task_runs``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from polymarket_ml.core.enums import TaskStatus
from polymarket_ml.runtime.schedule import Job

log = logging.getLogger(__name__)

RunJob = Callable[[Job], Coroutine[Any, Any, TaskStatus]]


class Scheduler:
    def __init__(self, jobs: list[Job], run_job: RunJob, *, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.jobs = jobs
        self._run_job = run_job
        self._speed = speed
        self._runs: set[asyncio.Task[TaskStatus]] = set()
        self.ticks: dict[str, int] = {job.key: 0 for job in jobs}

    async def run(self, stop: asyncio.Event) -> None:
        """Tick every job until ``stop`` is set, then wait for the runs in flight."""
        tickers = [asyncio.create_task(self._tick(job, stop), name=job.key) for job in self.jobs]
        try:
            await stop.wait()
        finally:
            for ticker in tickers:
                ticker.cancel()
            await asyncio.gather(*tickers, return_exceptions=True)
            if self._runs:
                await asyncio.gather(*self._runs, return_exceptions=True)

    async def _tick(self, job: Job, stop: asyncio.Event) -> None:
        period = job.interval_secs / self._speed
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while not stop.is_set():
            self.ticks[job.key] += 1
            run = asyncio.create_task(self._run_job(job), name=f"run:{job.key}")
            self._runs.add(run)
            run.add_done_callback(self._runs.discard)
            next_at += period
            delay = next_at - loop.time()
            if delay < 0:  # fell behind (a long pause): realign instead of bursting
                next_at = loop.time() + period
                delay = period
            await asyncio.sleep(delay)
