"""Aggregates of ``task_runs`` over a window, for task activity and ``/metrics``.

Each is one statement over the ``started_at`` index, grouped by task name and tier: the rows of
a day's schedule (~12,000) are never loaded. Percentiles interpolate linearly between ranks:
PostgreSQL's ``percentile_cont`` in the same statement; SQLite, which has no such aggregate,
reads the finished runs' durations and does the same arithmetic in Python. Errors are translated
to :class:`StorageError`. Performs database I/O.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Select, and_, bindparam, func, select, text
from sqlalchemy.orm import aliased

from polymarket_ml.core.enums import TaskStatus
from polymarket_ml.storage.engine import for_reads
from polymarket_ml.storage.models import TaskRunRow
from polymarket_ml.storage.monitoring import as_utc, newest_snapshots, translated_errors
from polymarket_ml.storage.types import UTCDateTime

PERCENTILES = (0.5, 0.95, 0.99)
_FINISHED = (TaskStatus.SUCCESS.value, TaskStatus.FAILED.value)
_STATUSES = sorted(s.value for s in TaskStatus)

Key = tuple[str, int | None]


@dataclass(frozen=True, slots=True)
class TaskRunStats:
    """Runs of one task (and tier) in a window; durations of finished, not skipped, runs."""

    task_name: str
    tier: int | None
    runs: int
    by_status: dict[str, int]
    """Statuses with at least one run, in alphabetical order."""
    duration_ms_p50: float | None
    duration_ms_p95: float | None
    duration_ms_p99: float | None
    last_started_at: datetime
    last_error: str | None
    last_error_at: datetime | None


def task_run_stats(engine: Engine, since: datetime) -> list[TaskRunStats]:
    """Per task name and tier, of the runs started at or after ``since``: runs by status,
    duration percentiles of the runs that finished (successfully or not), the last error;
    ordered by task name, then tier (none first)."""
    with translated_errors("read task activity"), for_reads(engine).connect() as conn:
        if engine.dialect.name == "postgresql":
            return _stats_postgres(conn, since)
        return _stats_portable(conn, since)


_STATS_POSTGRES = text(
    "SELECT task_name, tier, max(started_at),"
    + "".join(f" count(*) FILTER (WHERE status = '{s}')," for s in _STATUSES)
    + " percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_ms)"
    "  FILTER (WHERE status IN ('success', 'failed') AND duration_ms IS NOT NULL),"
    " max(started_at) FILTER (WHERE status = 'failed'),"
    " (array_agg(error_message ORDER BY started_at DESC, id DESC)"
    "  FILTER (WHERE status = 'failed'))[1]"
    " FROM task_runs WHERE started_at >= :since GROUP BY task_name, tier"
)


def _stats_postgres(conn: Connection, since: datetime) -> list[TaskRunStats]:
    out = []
    n = len(_STATUSES)
    for result_row in conn.execute(_STATS_POSTGRES, {"since": since}):
        row: tuple[Any, ...] = tuple(result_row)
        name, tier, newest = row[0], row[1], row[2]
        counts, (values, error_at, error) = row[3 : 3 + n], row[3 + n :]
        if values is None:  # no run finished
            percentiles: tuple[float | None, float | None, float | None] = (None, None, None)
        else:
            percentiles = (float(values[0]), float(values[1]), float(values[2]))
        out.append(_stats(name, tier, newest, counts, percentiles, error, error_at))
    return sorted(out, key=_order)


def _stats_portable(conn: Connection, since: datetime) -> list[TaskRunStats]:
    """Counts, the newest start and the last error in one statement; percentiles in Python."""
    durations: dict[Key, list[float]] = defaultdict(list)
    for name, tier, ms in conn.execute(_FINISHED_DURATIONS, {"since": since}):
        durations[(name, tier)].append(float(ms or 0))  # never None: filtered
    out = []
    n = len(_STATUSES)
    percentiles: tuple[float | None, float | None, float | None]
    for result_row in conn.execute(_STATS_PORTABLE, {"since": since}):
        row: tuple[Any, ...] = tuple(result_row)
        name, tier, newest = row[0], row[1], row[2]
        counts, (error_at, error) = row[3 : 3 + n], row[3 + n :]
        values = sorted(durations.get((name, tier), ()))
        if values:
            p50, p95, p99 = (percentile(values, q) for q in PERCENTILES)
            percentiles = (p50, p95, p99)
        else:
            percentiles = (None, None, None)
        out.append(_stats(name, tier, newest, counts, percentiles, error, error_at))
    return sorted(out, key=_order)


_r = TaskRunRow
_e = aliased(TaskRunRow)
_since = bindparam("since", type_=UTCDateTime())
_FINISHED_DURATIONS = select(_r.task_name, _r.tier, _r.duration_ms).where(
    _r.started_at >= _since, _r.status.in_(_FINISHED), _r.duration_ms.is_not(None)
)
_LAST_ERROR = (
    select(_e.error_message)
    .where(
        _e.task_name == _r.task_name,
        _e.tier.is_not_distinct_from(_r.tier),
        _e.status == TaskStatus.FAILED.value,
        _e.started_at >= _since,
    )
    .order_by(_e.started_at.desc(), _e.id.desc())
    .limit(1)
    .scalar_subquery()
)
_STATS_PORTABLE = (
    select(
        _r.task_name,
        _r.tier,
        func.max(_r.started_at),
        *(func.count().filter(_r.status == s) for s in _STATUSES),
        func.max(_r.started_at).filter(_r.status == TaskStatus.FAILED.value),
        _LAST_ERROR,
    )
    .where(_r.started_at >= _since)
    .group_by(_r.task_name, _r.tier)
)


def _stats(
    name: str,
    tier: int | None,
    newest: object,
    counts: Sequence[int],
    percentiles: tuple[float | None, float | None, float | None],
    error: str | None,
    error_at: object,
) -> TaskRunStats:
    by_status = _by_status(counts)
    return TaskRunStats(
        task_name=name,
        tier=tier,
        runs=sum(by_status.values()),
        by_status=by_status,
        duration_ms_p50=percentiles[0],
        duration_ms_p95=percentiles[1],
        duration_ms_p99=percentiles[2],
        last_started_at=as_utc(newest),
        last_error=error,
        last_error_at=None if error_at is None else as_utc(error_at),
    )


def _by_status(counts: Sequence[int]) -> dict[str, int]:
    return {s: int(c) for s, c in zip(_STATUSES, counts, strict=True) if c}


def _order(s: TaskRunStats) -> tuple[str, int]:
    return (s.task_name, -1 if s.tier is None else s.tier)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of sorted values, interpolating linearly between ranks."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = position - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


# -- /metrics ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskRunBuckets:
    """Runs of one task (and tier) in a window by status, and the finished runs' durations as
    cumulative bucket counts."""

    task_name: str
    tier: int | None
    by_status: dict[str, int]
    """Statuses with at least one run, in alphabetical order."""
    finished: int
    """Runs that finished (successfully or not) with a duration."""
    at_most: dict[int, int]
    """Upper bound in milliseconds -> finished runs that took at most that long."""
    duration_ms_sum: int


@dataclass(frozen=True, slots=True)
class MetricsFigures:
    tasks: list[TaskRunBuckets]
    """Ordered by task name, then tier (none first)."""
    newest_snapshot: dict[int, datetime]
    """Per tier that has a snapshot."""


def metrics_figures(
    engine: Engine, since: datetime, bounds_ms: Sequence[int], tiers: Sequence[int]
) -> MetricsFigures:
    """Task runs started since ``since`` counted by status and duration bucket (one
    statement), and the newest snapshot per tier, on one connection."""
    n = len(_STATUSES)
    tasks = []
    with translated_errors("read task metrics"), for_reads(engine).connect() as conn:
        for result_row in conn.execute(_metrics_statement(tuple(bounds_ms)), {"since": since}):
            row: tuple[Any, ...] = tuple(result_row)
            tasks.append(
                TaskRunBuckets(
                    task_name=row[0],
                    tier=row[1],
                    by_status=_by_status(row[2 : 2 + n]),
                    finished=int(row[2 + n]),
                    duration_ms_sum=int(row[3 + n]),
                    at_most={b: int(c) for b, c in zip(bounds_ms, row[4 + n :], strict=True)},
                )
            )
        newest = newest_snapshots(conn, tiers)
    tasks.sort(key=lambda t: (t.task_name, -1 if t.tier is None else t.tier))
    return MetricsFigures(tasks=tasks, newest_snapshot=newest)


@functools.cache
def _metrics_statement(bounds_ms: tuple[int, ...]) -> Select[Any]:
    """Built once per set of bounds: building it costs more than running it on an hour."""
    finished = and_(_r.status.in_(_FINISHED), _r.duration_ms.is_not(None))
    columns: list[Any] = [
        _r.task_name,
        _r.tier,
        *(func.count().filter(_r.status == s) for s in _STATUSES),
        func.count().filter(finished),
        func.coalesce(func.sum(_r.duration_ms).filter(finished), 0),
        *(func.count().filter(finished, _r.duration_ms <= b) for b in bounds_ms),
    ]
    return select(*columns).where(_r.started_at >= _since).group_by(_r.task_name, _r.tier)
