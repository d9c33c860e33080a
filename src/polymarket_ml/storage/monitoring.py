"""The read-only queries behind monitoring: liveness, freshness, tier flow, task activity.

Each query is shaped to use an index on large tables: the newest snapshot of a tier is one
backward step of the ``(tier, timestamp)`` index per tier, the newest task run comes from the
primary key. SQLAlchemy errors are translated to :class:`StorageError`. Performs database I/O.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, literal, select, text, union_all
from sqlalchemy.exc import SQLAlchemyError

from polymarket_ml.core.enums import TaskStatus
from polymarket_ml.core.errors import StorageError
from polymarket_ml.storage.models import MarketRow, SnapshotRow, TaskRunRow, TierTransitionRow

PERCENTILES = (0.5, 0.95, 0.99)


@contextmanager
def translated_errors(what: str) -> Iterator[None]:
    """Turn a SQLAlchemy error into our :class:`StorageError`, naming what was attempted."""
    try:
        yield
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StorageError(f"could not {what}: {first}") from exc


def ping_ms(engine: Engine) -> float:
    """Run ``SELECT 1``; return the round trip in milliseconds (raises StorageError)."""
    with translated_errors("reach the database"):
        started = time.perf_counter()
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return (time.perf_counter() - started) * 1000


def newest_snapshot_per_tier(engine: Engine, tiers: Sequence[int]) -> dict[int, datetime]:
    """The newest snapshot time of each tier that has one (one index probe per tier)."""
    if not tiers:
        return {}
    probes = [
        select(
            literal(tier).label("tier"),
            select(func.max(SnapshotRow.timestamp))
            .where(SnapshotRow.tier == tier)
            .scalar_subquery()
            .label("newest"),
        )
        for tier in tiers
    ]
    with translated_errors("read snapshot freshness"), engine.connect() as conn:
        rows = conn.execute(union_all(*probes)).all()
    out: dict[int, datetime] = {}
    for tier, newest in rows:
        if newest is not None:  # the union loses the column type: convert by hand
            out[int(tier)] = _as_utc(newest)
    return out


def open_markets_per_tier(engine: Engine) -> dict[int, int]:
    """Active markets still open for trading, per tier: those the snapshot tasks visit."""
    query = (
        select(MarketRow.tier, func.count())
        .where(MarketRow.active.is_(True), MarketRow.closed.is_(False))
        .group_by(MarketRow.tier)
    )
    with translated_errors("count markets per tier"), engine.connect() as conn:
        return {int(tier): int(n) for tier, n in conn.execute(query)}


def open_market_tokens(engine: Engine, tiers: Collection[int]) -> dict[str, int]:
    """Token -> market id of the active, open markets in ``tiers`` (both outcomes)."""
    query = select(MarketRow.id, MarketRow.yes_token_id, MarketRow.no_token_id).where(
        MarketRow.active.is_(True),
        MarketRow.closed.is_(False),
        MarketRow.tier.in_(list(tiers)),
    )
    out: dict[str, int] = {}
    with translated_errors("read followed tokens"), engine.connect() as conn:
        for market_id, yes, no in conn.execute(query):
            for token in (yes, no):
                if token:
                    out[token] = int(market_id)
    return out


def last_task_run_at(engine: Engine) -> datetime | None:
    """When the most recent task run started (through the primary key: ids grow with time)."""
    query = select(TaskRunRow.started_at).order_by(TaskRunRow.id.desc()).limit(1)
    with translated_errors("read the last task run"), engine.connect() as conn:
        return conn.scalar(query)


@dataclass(frozen=True, slots=True)
class TransitionRecord:
    market_id: int
    condition_id: str | None
    market_slug: str | None
    from_tier: int | None
    to_tier: int | None
    transitioned_at: datetime
    hours_to_close: float | None
    reason: str


def tier_transition_counts(
    engine: Engine, since: datetime
) -> dict[tuple[int | None, int | None], int]:
    """``(from_tier, to_tier) -> count`` of the transitions at or after ``since``."""
    t = TierTransitionRow
    query = (
        select(t.from_tier, t.to_tier, func.count())
        .where(t.transitioned_at >= since)
        .group_by(t.from_tier, t.to_tier)
    )
    with translated_errors("count tier transitions"), engine.connect() as conn:
        return {(a, b): int(n) for a, b, n in conn.execute(query)}


def recent_tier_transitions(engine: Engine, since: datetime, limit: int) -> list[TransitionRecord]:
    """The newest ``limit`` transitions at or after ``since``, newest first."""
    t = TierTransitionRow
    query = (
        select(t)
        .where(t.transitioned_at >= since)
        .order_by(t.transitioned_at.desc(), t.id.desc())
        .limit(limit)
    )
    with translated_errors("read tier transitions"), engine.connect() as conn:
        return [
            TransitionRecord(
                market_id=r.market_id,
                condition_id=r.condition_id,
                market_slug=r.market_slug,
                from_tier=r.from_tier,
                to_tier=r.to_tier,
                transitioned_at=r.transitioned_at,
                hours_to_close=r.hours_to_close,
                reason=r.reason,
            )
            for r in conn.execute(query)
        ]


@dataclass(frozen=True, slots=True)
class TaskRunStats:
    """Runs of one task (and tier) in a window; durations of finished, not skipped, runs."""

    task_name: str
    tier: int | None
    runs: int
    by_status: dict[str, int]
    duration_ms_p50: float | None
    duration_ms_p95: float | None
    duration_ms_p99: float | None
    last_started_at: datetime
    last_error: str | None
    last_error_at: datetime | None


def task_run_stats(engine: Engine, since: datetime) -> list[TaskRunStats]:
    """Per task name and tier: runs by status, duration percentiles, the last error.

    Percentiles interpolate linearly between ranks (PostgreSQL's ``percentile_cont``; the same
    arithmetic in Python on SQLite), over runs that finished successfully or failed.
    """
    r = TaskRunRow
    window = r.started_at >= since
    counts = (
        select(r.task_name, r.tier, r.status, func.count(), func.max(r.started_at))
        .where(window)
        .group_by(r.task_name, r.tier, r.status)
    )
    errors = (
        select(r.task_name, r.tier, r.error_message, r.started_at)
        .where(window, r.status == TaskStatus.FAILED.value)
        .order_by(r.started_at.desc(), r.id.desc())
    )
    with translated_errors("read task activity"), engine.connect() as conn:
        by_status: dict[tuple[str, int | None], dict[str, int]] = defaultdict(dict)
        last_start: dict[tuple[str, int | None], datetime] = {}
        for name, tier, status, n, newest in conn.execute(counts):
            key = (name, tier)
            by_status[key][status] = int(n)
            newest = _as_utc(newest)
            if key not in last_start or newest > last_start[key]:
                last_start[key] = newest
        last_error: dict[tuple[str, int | None], tuple[str | None, datetime]] = {}
        for name, tier, message, started in conn.execute(errors):
            last_error.setdefault((name, tier), (message, started))
        if engine.dialect.name == "postgresql":
            percentiles = _percentiles_postgres(conn, since)
        else:
            percentiles = _percentiles_python(conn, since)
    out = []
    for key in sorted(by_status, key=lambda k: (k[0], -1 if k[1] is None else k[1])):
        p50, p95, p99 = percentiles.get(key, (None, None, None))
        error = last_error.get(key)
        out.append(
            TaskRunStats(
                task_name=key[0],
                tier=key[1],
                runs=sum(by_status[key].values()),
                by_status=dict(sorted(by_status[key].items())),
                duration_ms_p50=p50,
                duration_ms_p95=p95,
                duration_ms_p99=p99,
                last_started_at=last_start[key],
                last_error=None if error is None else error[0],
                last_error_at=None if error is None else error[1],
            )
        )
    return out


_FINISHED = (TaskStatus.SUCCESS.value, TaskStatus.FAILED.value)
Percentiles = dict[tuple[str, int | None], tuple[float | None, float | None, float | None]]


def _percentiles_postgres(conn: Connection, since: datetime) -> Percentiles:
    sql = text(
        "SELECT task_name, tier,"
        " percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_ms)"
        " FROM task_runs WHERE started_at >= :since AND status IN ('success', 'failed')"
        " AND duration_ms IS NOT NULL GROUP BY task_name, tier"
    )
    out: Percentiles = {}
    for name, tier, values in conn.execute(sql, {"since": since}):
        p50, p95, p99 = (float(v) for v in values)
        out[(name, tier)] = (p50, p95, p99)
    return out


def _percentiles_python(conn: Connection, since: datetime) -> Percentiles:
    r = TaskRunRow
    query = select(r.task_name, r.tier, r.duration_ms).where(
        r.started_at >= since, r.status.in_(_FINISHED), r.duration_ms.is_not(None)
    )
    durations: dict[tuple[str, int | None], list[float]] = defaultdict(list)
    for name, tier, ms in conn.execute(query):
        durations[(name, tier)].append(float(ms or 0))
    out: Percentiles = {}
    for key, values in durations.items():
        values.sort()
        p50, p95, p99 = (percentile(values, q) for q in PERCENTILES)
        out[key] = (p50, p95, p99)
    return out


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of sorted values, interpolating linearly between ranks."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = position - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


def _as_utc(value: object) -> datetime:
    """A timestamp from a raw (untyped) result column as an aware UTC datetime."""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(when, datetime):
        raise StorageError(f"expected a timestamp, got {value!r}")
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def finished_task_durations(engine: Engine, since: datetime) -> list[tuple[str, int | None, int]]:
    """``(task_name, tier, duration_ms)`` of the runs started since ``since`` that finished
    (successfully or not)."""
    r = TaskRunRow
    query = select(r.task_name, r.tier, r.duration_ms).where(
        r.started_at >= since, r.status.in_(_FINISHED), r.duration_ms.is_not(None)
    )
    with translated_errors("read task durations"), engine.connect() as conn:
        return [(name, tier, int(ms or 0)) for name, tier, ms in conn.execute(query)]
