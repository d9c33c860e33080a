"""The Celery tasks: thin wrappers that run the collection functions through the task log.

Each task takes JSON-able arguments (a tier number at most), runs its job of the schedule table
with :func:`~polymarket_ml.runtime.jobs.run_job`, as the in-process scheduler does, and returns the
run's status. Every run is a ``task_runs`` row whose ``task_id`` is the Celery task id. Failures
of the work itself are recorded there by the task log and not raised (the next tick is the
retry); only the named transient errors below, which stop a run before it could be recorded
(Redis or the database unreachable for a moment), are retried by Celery, a few times with
backoff. The tasks are idempotent: discovery and tier updates converge on the exchange's state,
snapshots are keyed by market and time, retention deletes by cutoff.

A worker process builds its :class:`WorkerRuntime` on its first task and keeps it: one event
loop (an :class:`asyncio.Runner`, so the HTTP connection pool, the circuit breakers and the rate
limits carry over from task to task, which ``asyncio.run`` per task would throw away), one
database engine, the Redis trade metrics and the Redis overlap guard. Runtimes are made per
process id, after the prefork pool has forked, never inherited.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

import redis
from celery import Celery, Task
from celery.signals import worker_process_shutdown, worker_shutdown
from sqlalchemy.exc import OperationalError

from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.redis_metrics import RedisTradeMetrics
from polymarket_ml.core.enums import TaskStatus, Tier
from polymarket_ml.runtime.clock import clock_from_settings
from polymarket_ml.runtime.jobs import run_job
from polymarket_ml.runtime.locks import RedisRunGuard
from polymarket_ml.runtime.schedule import (
    CLEANUP,
    DISCOVERY,
    SNAPSHOT,
    TIER_UPDATE,
    Job,
    build_schedule,
)
from polymarket_ml.runtime.wiring import collection_context, open_database, open_exchange
from polymarket_ml.settings import Settings

log = logging.getLogger(__name__)

# Celery task name of each job of the schedule table.
TASK_NAMES: dict[str, str] = {
    DISCOVERY: "pmml.discovery",
    TIER_UPDATE: "pmml.tier_update",
    CLEANUP: "pmml.cleanup",
    SNAPSHOT: "pmml.snapshot",
}

# Errors that stop a run before the task log could record it, and pass by themselves.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,  # Redis restarting or unreachable (the overlap lock)
    redis.exceptions.TimeoutError,
    OperationalError,  # the database dropped the connection, restarted, or was locked
)
MAX_RETRIES = 3
RETRY_BACKOFF_MAX_SECS = 30


def is_transient(exc: BaseException) -> bool:
    """Whether Celery retries a task that raised ``exc`` (anything else is not retried)."""
    return isinstance(exc, TRANSIENT_ERRORS)


def settings_of(app: Celery) -> Settings:
    settings = getattr(app, "pmml_settings", None)
    if not isinstance(settings, Settings):
        raise RuntimeError("this Celery app was not made by polymarket_ml create_app()")
    return settings


class WorkerRuntime:
    """What one worker process keeps between tasks (see the module docstring)."""

    def __init__(self, settings: Settings) -> None:
        self.pid = os.getpid()
        self._runner = asyncio.Runner()
        self._stack = AsyncExitStack()
        clock = clock_from_settings(settings.runtime, shared=True)
        self._engine = open_database(settings, migrate=False)
        self._redis = redis.Redis.from_url(settings.distributed.redis_url)
        c = settings.collection
        metrics = RedisTradeMetrics(
            self._redis, (c.whale_tier_1_usd, c.whale_tier_2_usd, c.whale_tier_3_usd)
        )
        guard = RedisRunGuard(self._redis, ttl_secs=settings.runtime.task_time_limit_secs)
        try:
            exchange = self._runner.run(
                self._stack.enter_async_context(open_exchange(settings, clock))
            )
        except BaseException:
            self.close()
            raise
        ctx = collection_context(settings, self._engine, exchange, clock, metrics)
        self.ctx: CollectionContext = dataclasses.replace(ctx, run_guard=guard)
        self._jobs: dict[tuple[str, Tier | None], Job] = {
            (job.name, job.tier): job for job in build_schedule(settings.collection)
        }

    def run(self, name: str, tier: Tier | None, task_id: str | None) -> TaskStatus:
        """Run the schedule table's job ``(name, tier)`` on this process's event loop."""
        return self._runner.run(run_job(self.ctx, self._jobs[name, tier], task_id=task_id))

    def close(self) -> None:
        try:
            self._runner.run(self._stack.aclose())
        finally:
            self._runner.close()
            self._engine.dispose()
            self._redis.close()


_runtime: WorkerRuntime | None = None


def runtime_for(app: Celery) -> WorkerRuntime:
    """This process's runtime, built on first use (and again in a forked child)."""
    global _runtime
    if _runtime is None or _runtime.pid != os.getpid():
        _runtime = WorkerRuntime(settings_of(app))
    return _runtime


def _close_runtime(**_: Any) -> None:
    global _runtime
    if _runtime is not None and _runtime.pid == os.getpid():
        try:
            _runtime.close()
        except Exception:  # shutting down: log and go
            log.exception("closing the worker runtime failed")
    _runtime = None


worker_process_shutdown.connect(_close_runtime, weak=False)  # a prefork child exits
worker_shutdown.connect(_close_runtime, weak=False)  # the solo pool's worker exits


def _run(task: Task, name: str, tier: Tier | None) -> str:
    status = runtime_for(task.app).run(name, tier, task.request.id)
    return str(status.value)


def register_tasks(app: Celery) -> None:
    """Define the tasks on ``app`` (one per job name; snapshots take the tier)."""
    options: dict[str, Any] = {
        "bind": True,
        "acks_late": True,  # a worker lost mid-run: the tick is delivered again
        "ignore_result": True,
        "autoretry_for": TRANSIENT_ERRORS,
        "max_retries": MAX_RETRIES,
        "retry_backoff": True,
        "retry_backoff_max": RETRY_BACKOFF_MAX_SECS,
        "retry_jitter": True,
    }

    bodies: dict[str, Callable[..., str]] = {
        DISCOVERY: discovery,
        TIER_UPDATE: tier_update,
        CLEANUP: cleanup,
        SNAPSHOT: snapshot,
    }
    for job_name, body in bodies.items():
        app.task(name=TASK_NAMES[job_name], **options)(body)


# The task bodies; ``self`` is the bound Celery task (its request carries the task id).


def discovery(self: Task) -> str:
    """Find markets on Gamma, store new ones, check the ones no longer listed."""
    return _run(self, DISCOVERY, None)


def tier_update(self: Task) -> str:
    """Move active markets between tiers as their end dates approach."""
    return _run(self, TIER_UPDATE, None)


def cleanup(self: Task) -> str:
    """Delete order-book snapshots older than the retention."""
    return _run(self, CLEANUP, None)


def snapshot(self: Task, tier: int) -> str:
    """Snapshot every active market of ``tier`` (0-4)."""
    return _run(self, SNAPSHOT, Tier(tier))
