"""Activity over a window: how markets moved between tiers, and how the scheduled tasks ran.

Performs database I/O (blocking: call from a worker thread).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from polymarket_ml.core.enums import TaskStatus, Tier
from polymarket_ml.monitoring.context import MonitoringContext
from polymarket_ml.monitoring.reports import (
    TaskActivity,
    TaskActivityReport,
    TierTransitionsReport,
    TransitionFlow,
    TransitionItem,
)
from polymarket_ml.storage import monitoring as queries
from polymarket_ml.storage import task_stats

RECENT_TRANSITIONS = 50
_TIERS = [int(t) for t in Tier]
FROM_LABELS = ["discovered", *(f"T{t}" for t in _TIERS)]
TO_LABELS = [*(f"T{t}" for t in _TIERS), "deactivated"]


def tier_transitions(
    engine: Engine, now: datetime, *, hours: float, recent: int = RECENT_TRANSITIONS
) -> TierTransitionsReport:
    """Counts of every from -> to flow in the last ``hours``, as a list and as a matrix whose
    rows are ``discovered, T0..T4`` and columns ``T0..T4, deactivated``; the newest moves."""
    since = now - timedelta(hours=hours)
    figures = queries.tier_transitions(engine, since, recent)
    counts = figures.counts
    rows = [None, *_TIERS]
    cols = [*_TIERS, None]
    matrix = [[counts.get((a, b), 0) for b in cols] for a in rows]
    flows = [
        TransitionFlow(from_tier=a, to_tier=b, count=n)
        for (a, b), n in sorted(counts.items(), key=lambda kv: (_order(kv[0][0]), _order(kv[0][1])))
    ]
    return TierTransitionsReport(
        hours=hours,
        since=since,
        total=sum(counts.values()),
        discovered=sum(n for (a, _), n in counts.items() if a is None),
        deactivated=sum(n for (_, b), n in counts.items() if b is None),
        flows=flows,
        from_labels=FROM_LABELS,
        to_labels=TO_LABELS,
        matrix=matrix,
        recent=[
            TransitionItem(
                market_id=t.market_id,
                condition_id=t.condition_id,
                market_slug=t.market_slug,
                from_tier=t.from_tier,
                to_tier=t.to_tier,
                transitioned_at=t.transitioned_at,
                hours_to_close=t.hours_to_close,
                reason=t.reason,
            )
            for t in figures.recent
        ],
    )


def recent_task_activity(ctx: MonitoringContext, *, hours: float) -> TaskActivityReport:
    """:func:`task_activity` up to now, or as a request for the same window computed it at
    most ``api_summary_max_age_secs`` ago (:mod:`.summary_cache`): its ``since`` tells."""
    return ctx.summaries.get(
        ("task_activity", hours),
        lambda: task_activity(ctx.engine, ctx.clock.now(), hours=hours),
    )


def task_activity(engine: Engine, now: datetime, *, hours: float) -> TaskActivityReport:
    """Per task name and tier over the last ``hours``: runs by status, duration percentiles of
    finished runs, and the last error."""
    since = now - timedelta(hours=hours)
    tasks = []
    for s in task_stats.task_run_stats(engine, since):
        tasks.append(
            TaskActivity(
                task_name=s.task_name,
                tier=s.tier,
                runs=s.runs,
                success=s.by_status.get(TaskStatus.SUCCESS.value, 0),
                failed=s.by_status.get(TaskStatus.FAILED.value, 0),
                skipped=s.by_status.get(TaskStatus.SKIPPED.value, 0),
                running=s.by_status.get(TaskStatus.RUNNING.value, 0),
                duration_ms_p50=s.duration_ms_p50,
                duration_ms_p95=s.duration_ms_p95,
                duration_ms_p99=s.duration_ms_p99,
                last_started_at=s.last_started_at,
                last_error=s.last_error,
                last_error_at=s.last_error_at,
            )
        )
    return TaskActivityReport(hours=hours, since=since, tasks=tasks)


def _order(tier: int | None) -> int:
    return -1 if tier is None else tier
