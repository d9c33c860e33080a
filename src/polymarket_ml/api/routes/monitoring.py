"""``/api/monitoring``: the health of collection, its coverage and its activity."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from polymarket_ml.api.deps import ERRORS, Monitoring
from polymarket_ml.monitoring import activity, coverage, health, redis_stats
from polymarket_ml.monitoring.reports import (
    CoverageReport,
    CriticalReport,
    HealthReport,
    RedisStats,
    TaskActivityReport,
    TierTransitionsReport,
)

router = APIRouter(prefix="/api/monitoring", tags=["monitoring"])

Hours = Annotated[float, Query(gt=0, le=24 * 90, description="Window, hours back from now")]


@router.get("/health", response_model=HealthReport)
async def get_health(ctx: Monitoring) -> HealthReport:
    """Every component: database, Redis, collector connections, scheduler, executor, circuit
    breakers, and the age of the newest snapshot per tier."""
    return await health.health_report(ctx)


@router.get(
    "/critical",
    response_model=CriticalReport,
    responses={503: {"model": CriticalReport, "description": "A critical check failed"}},
)
async def get_critical(ctx: Monitoring) -> CriticalReport | JSONResponse:
    """200 when healthy; 503 with the reasons when a critical check fails."""
    report = await health.critical_report(ctx)
    if report.healthy:
        return report
    return JSONResponse(report.model_dump(mode="json"), status_code=503)


@router.get("/websocket-coverage", response_model=CoverageReport, responses=ERRORS)
async def get_websocket_coverage(ctx: Monitoring) -> CoverageReport:
    """Tokens that should be followed (active markets in the WebSocket tiers) against those
    each connection follows: missing and extra."""
    return await coverage.websocket_coverage(ctx)


@router.get("/tier-transitions", response_model=TierTransitionsReport, responses=ERRORS)
def get_tier_transitions(
    ctx: Monitoring,
    hours: Hours = 24,
    limit: Annotated[int, Query(ge=0, le=1000, description="Recent transitions listed")] = 50,
) -> TierTransitionsReport:
    """Flows between tiers over the window (discoveries and deactivations included)."""
    return activity.tier_transitions(ctx.engine, ctx.clock.now(), hours=hours, recent=limit)


@router.get("/task-activity", response_model=TaskActivityReport, responses=ERRORS)
def get_task_activity(ctx: Monitoring, hours: Hours = 24) -> TaskActivityReport:
    """Per task and tier: runs, failures, skips, duration percentiles, the last error. Computed
    at most ``PMML_API_SUMMARY_MAX_AGE_SECS`` (1 s) before: ``since`` tells when."""
    return activity.recent_task_activity(ctx, hours=hours)


@router.get("/redis-stats", response_model=RedisStats)
async def get_redis_stats(ctx: Monitoring) -> RedisStats:
    """Memory, keys and operations per second of Redis; ``in_use: false`` on one machine."""
    return await asyncio.to_thread(redis_stats.redis_stats, ctx.redis)
