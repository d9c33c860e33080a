"""The task log: every run of a scheduled task is a ``task_runs`` row.

A task is an async function returning a :class:`TaskOutcome`. :meth:`TaskLog.run` records the
start, then the end with its duration, status, counts, or the error with its traceback; an
exception is logged and recorded, never raised, so a failing task does not stop the others. A run
that would overlap the previous run of the same task (same name and tier) is not started: it is
recorded as ``skipped``, so an overrunning tier is visible instead of piling up. Overlap is checked
in the process; a :class:`RunGuard` (a Redis lock in the distributed deployment) extends the check
across processes.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine

from polymarket_ml.core.clock import Clock
from polymarket_ml.core.enums import TaskStatus, Tier
from polymarket_ml.storage.engine import make_session_factory
from polymarket_ml.storage.repositories import TaskRunRepository

log = logging.getLogger(__name__)

SKIPPED_OVERLAP = "previous run still in progress"


@dataclass(frozen=True, slots=True)
class TaskOutcome:
    markets_processed: int = 0
    rows_inserted: int = 0
    rows_deleted: int = 0  # logged; task_runs has no column for it


Release = Callable[[], None]


class RunGuard(Protocol):
    """Keeps runs of one task and tier from overlapping across processes (blocking calls)."""

    def acquire(self, name: str, tier: Tier | None) -> Release | None:
        """Take the slot of ``(name, tier)`` and return its release, or None if a run holds it.

        The release does not raise: a slot it fails to free expires on its own.
        """
        ...


class TaskLog:
    """Runs tasks and records them. One instance per process; overlap is checked per process,
    and across processes too when a ``guard`` is given."""

    def __init__(self, engine: Engine, clock: Clock, guard: RunGuard | None = None) -> None:
        self._factory = make_session_factory(engine)
        self._clock = clock
        self._guard = guard
        self._running: set[tuple[str, Tier | None]] = set()

    async def run(
        self,
        name: str,
        task: Callable[[], Awaitable[TaskOutcome]],
        *,
        tier: Tier | None = None,
        task_id: str | None = None,
    ) -> TaskStatus:
        """Run ``task`` once, recorded; return its status (success, failed or skipped)."""
        task_id = task_id or uuid.uuid4().hex
        key = (name, tier)
        if key in self._running:
            return await self._skipped(name, task_id, tier)
        self._running.add(key)
        release: Release | None = None
        try:
            if self._guard is not None:
                release = await asyncio.to_thread(self._guard.acquire, name, tier)
                if release is None:  # a run in another process holds the slot
                    return await self._skipped(name, task_id, tier)
            run_id = await asyncio.to_thread(self._start, name, task_id, tier)
            try:
                outcome = await task()
            except Exception as exc:  # recorded; the scheduler goes on with the other tasks
                log.exception("%s%s failed", name, _tier_label(tier))
                await asyncio.to_thread(self._fail, run_id, exc)
                return TaskStatus.FAILED
            await asyncio.to_thread(self._succeed, run_id, outcome)
            log.info(
                "%s%s: %d markets, %d rows written, %d deleted",
                name,
                _tier_label(tier),
                outcome.markets_processed,
                outcome.rows_inserted,
                outcome.rows_deleted,
            )
            return TaskStatus.SUCCESS
        finally:
            try:
                if release is not None:
                    await asyncio.to_thread(release)
            finally:
                self._running.discard(key)

    async def _skipped(self, name: str, task_id: str, tier: Tier | None) -> TaskStatus:
        await asyncio.to_thread(self._skip, name, task_id, tier)
        log.warning("%s%s skipped: %s", name, _tier_label(tier), SKIPPED_OVERLAP)
        return TaskStatus.SKIPPED

    def _start(self, name: str, task_id: str, tier: Tier | None) -> int:
        with self._factory.begin() as s:
            return TaskRunRepository(s).start(name, task_id, now=self._clock.now(), tier=tier)

    def _succeed(self, run_id: int, outcome: TaskOutcome) -> None:
        with self._factory.begin() as s:
            TaskRunRepository(s).finish(
                run_id,
                TaskStatus.SUCCESS,
                now=self._clock.now(),
                markets_processed=outcome.markets_processed,
                rows_inserted=outcome.rows_inserted,
            )

    def _fail(self, run_id: int, exc: BaseException) -> None:
        text = "".join(traceback.format_exception(exc))
        with self._factory.begin() as s:
            TaskRunRepository(s).finish(
                run_id,
                TaskStatus.FAILED,
                now=self._clock.now(),
                error_message=f"{type(exc).__name__}: {exc}"[:2000],
                error_traceback=text[-20_000:],
            )

    def _skip(self, name: str, task_id: str, tier: Tier | None) -> None:
        now = self._clock.now()
        with self._factory.begin() as s:
            repo = TaskRunRepository(s)
            run_id = repo.start(name, task_id, now=now, tier=tier)
            repo.finish(run_id, TaskStatus.SKIPPED, now=now, error_message=SKIPPED_OVERLAP)


def _tier_label(tier: Tier | None) -> str:
    return "" if tier is None else f"[T{int(tier)}]"
