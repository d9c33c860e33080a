"""The health of the whole system, and the critical checks a supervisor alerts on.

Critical (``/critical`` answers 503): the database does not answer; Redis is configured but does
not answer; a collector runs in this process, markets of the WebSocket tiers are open, and not one
of its sockets is connected; a tier with open markets has no snapshot newer than three of its
intervals. Warnings: an open circuit breaker, a disconnected socket, stale WebSocket assets.

Live components are read on the event loop (they are not thread-safe); database and Redis calls
run in a worker thread. Performs database and network I/O.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import datetime, timedelta

import redis

from polymarket_ml.core.enums import Tier
from polymarket_ml.core.errors import StorageError
from polymarket_ml.monitoring.context import MonitoringContext
from polymarket_ml.monitoring.reports import (
    CollectorHealth,
    CriticalReport,
    DatabaseHealth,
    ExecutorHealth,
    HealthReport,
    Problem,
    RedisHealth,
    SchedulerHealth,
    SchedulerJob,
    TierFreshness,
)
from polymarket_ml.sources.polymarket.breaker import BreakerStateName
from polymarket_ml.storage import monitoring as queries

STALE_AFTER_INTERVALS = 3


@dataclasses.dataclass(frozen=True, slots=True)
class _Stored:
    """What the database says, read in one worker-thread call."""

    database: DatabaseHealth
    newest: dict[int, datetime]
    open_markets: dict[int, int]
    last_task_run_at: datetime | None


async def health_report(ctx: MonitoringContext) -> HealthReport:
    """Every component's state and the problems found (see the module docstring)."""
    stored, redis_health = await asyncio.gather(
        asyncio.to_thread(_read_database, ctx), asyncio.to_thread(_ping_redis, ctx.redis)
    )
    now = ctx.clock.now()
    collector = _collector_health(ctx)
    freshness = _freshness(ctx, stored, now)
    breakers = ctx.breakers.states() if ctx.breakers is not None else []
    problems = _problems(ctx, stored, redis_health, collector, freshness)
    problems += [
        Problem(
            check="breaker",
            severity="warning",
            message=f"circuit breaker of {b.host} is {b.state.value}"
            f" after {b.consecutive_failures} failures",
        )
        for b in breakers
        if b.state is not BreakerStateName.CLOSED
    ]
    if any(p.severity == "critical" for p in problems):
        status = "critical"
    elif problems:
        status = "degraded"
    else:
        status = "ok"
    return HealthReport(
        checked_at=now,
        status=status,
        database=stored.database,
        redis=redis_health,
        collector=collector,
        scheduler=_scheduler_health(ctx, stored.last_task_run_at),
        executor=_executor_health(ctx),
        breakers=breakers,
        freshness=freshness,
        problems=problems,
    )


async def critical_report(ctx: MonitoringContext) -> CriticalReport:
    """Healthy unless a critical check fails; the reasons are the critical problems."""
    report = await health_report(ctx)
    reasons = [p for p in report.problems if p.severity == "critical"]
    return CriticalReport(healthy=not reasons, checked_at=report.checked_at, reasons=reasons)


def _read_database(ctx: MonitoringContext) -> _Stored:
    backend = ctx.engine.dialect.name
    try:
        figures = queries.health_figures(ctx.engine, [int(t) for t in Tier])
    except StorageError as exc:
        error = str(exc)
        password = ctx.engine.url.password
        if password:  # a driver may quote the URL it failed to reach
            error = error.replace(str(password), "***")
        down = DatabaseHealth(reachable=False, backend=backend, latency_ms=None, error=error)
        return _Stored(down, {}, {}, None)
    latency = round(figures.latency_ms, 3)
    up = DatabaseHealth(reachable=True, backend=backend, latency_ms=latency)
    return _Stored(up, figures.newest_snapshot, figures.open_markets, figures.last_task_run_at)


def _ping_redis(client: redis.Redis | None) -> RedisHealth:
    if client is None:
        return RedisHealth(in_use=False)
    started = time.perf_counter()
    try:
        client.ping()
    except redis.RedisError as exc:
        return RedisHealth(in_use=True, reachable=False, error=f"{type(exc).__name__}: {exc}")
    latency = (time.perf_counter() - started) * 1000
    return RedisHealth(in_use=True, reachable=True, latency_ms=round(latency, 3))


def _collector_health(ctx: MonitoringContext) -> CollectorHealth:
    collector = ctx.collector
    if collector is None:
        return CollectorHealth(
            running=False,
            connections=[],
            connected=0,
            subscribed_tokens=0,
            queue_depth=0,
            stats=None,
        )
    connections = collector.pool.health()
    return CollectorHealth(
        running=True,
        connections=connections,
        connected=sum(1 for c in connections if c.connected),
        subscribed_tokens=len(collector.pool.assets),
        queue_depth=collector.queue_depth,
        stats=dataclasses.replace(collector.stats),
    )


def _executor_health(ctx: MonitoringContext) -> ExecutorHealth:
    ex = ctx.executor
    if ex is None:
        return ExecutorHealth()
    status = "halted" if ex.halted else "entries paused" if ex.entries_paused else "running"
    return ExecutorHealth(
        running=True,
        status=status,
        detail=f"{ex.mode.value} trading, {ex.stats.scans} scans, {ex.stats.fills} fills"
        f" and {len(ex.portfolio.positions)} open positions",
        mode=ex.mode.value,
        scans=ex.stats.scans,
        last_scan_at=ex.stats.last_scan_at,
    )


def _scheduler_health(ctx: MonitoringContext, last_run: datetime | None) -> SchedulerHealth:
    scheduler = ctx.scheduler
    if scheduler is None:
        return SchedulerHealth(running=False, jobs=[], last_task_run_at=last_run)
    jobs = [
        SchedulerJob(
            key=job.key,
            name=job.name,
            tier=None if job.tier is None else int(job.tier),
            interval_secs=job.interval_secs,
            ticks=scheduler.ticks.get(job.key, 0),
        )
        for job in scheduler.jobs
    ]
    return SchedulerHealth(running=True, jobs=jobs, last_task_run_at=last_run)


def _freshness(ctx: MonitoringContext, stored: _Stored, now: datetime) -> list[TierFreshness]:
    out = []
    for tier, interval in ctx.settings.collection.snapshot_intervals_secs.items():
        newest = stored.newest.get(int(tier))
        markets = stored.open_markets.get(int(tier), 0)
        limit = timedelta(seconds=STALE_AFTER_INTERVALS * interval)
        if newest is None:
            stale = markets > 0 and now - ctx.started_at > limit
        else:
            stale = markets > 0 and now - newest > limit
        out.append(
            TierFreshness(
                tier=int(tier),
                interval_secs=interval,
                open_markets=markets,
                newest_snapshot_at=newest,
                age_secs=None if newest is None else (now - newest).total_seconds(),
                stale=stale,
            )
        )
    return out


def _problems(
    ctx: MonitoringContext,
    stored: _Stored,
    redis_health: RedisHealth,
    collector: CollectorHealth,
    freshness: list[TierFreshness],
) -> list[Problem]:
    problems = []
    if not stored.database.reachable:
        problems.append(
            Problem(check="database", severity="critical", message=stored.database.error or "")
        )
    if redis_health.in_use and not redis_health.reachable:
        problems.append(
            Problem(
                check="redis",
                severity="critical",
                message=f"Redis does not answer: {redis_health.error}",
            )
        )
    followed = {int(t) for t in ctx.settings.collection.websocket_enabled_tiers}
    open_followed = sum(n for tier, n in stored.open_markets.items() if tier in followed)
    if collector.running:
        if open_followed and collector.connected == 0:
            problems.append(
                Problem(
                    check="collector",
                    severity="critical",
                    message=f"no WebSocket connected while {open_followed} markets of the"
                    f" WebSocket tiers are open",
                )
            )
        for conn in collector.connections:
            if conn.subscribed_assets and not conn.connected:
                problems.append(
                    Problem(
                        check="collector",
                        severity="warning",
                        message=f"{conn.name} is disconnected with {conn.subscribed_assets}"
                        f" assets ({conn.last_disconnect_reason or 'no reason given'})",
                    )
                )
            if conn.stale_assets:
                problems.append(
                    Problem(
                        check="collector",
                        severity="warning",
                        message=f"{conn.name}: {conn.stale_assets} assets without an event lately",
                    )
                )
    for f in freshness:
        if f.stale:
            age = "no snapshot yet" if f.age_secs is None else f"newest is {f.age_secs:.0f}s old"
            problems.append(
                Problem(
                    check=f"freshness_t{f.tier}",
                    severity="critical",
                    message=f"T{f.tier}: {f.open_markets} open markets, {age}"
                    f" (limit {STALE_AFTER_INTERVALS} x {f.interval_secs:g}s)",
                )
            )
    return problems
