"""The read-only queries behind monitoring: liveness, freshness, tier flow (task activity is
in :mod:`.task_stats`).

Each query is shaped to use an index on large tables: the newest snapshot of a tier is one
backward step of the ``(tier, timestamp)`` index per tier, the newest task run comes from the
primary key. One request's figures are read on one connection, in as few statements as they
allow. SQLAlchemy errors are translated to :class:`StorageError`. Performs database I/O.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Label, Select, bindparam, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from polymarket_ml.core.errors import StorageError
from polymarket_ml.storage.engine import for_reads
from polymarket_ml.storage.models import MarketRow, SnapshotRow, TaskRunRow, TierTransitionRow


@contextmanager
def translated_errors(what: str) -> Iterator[None]:
    """Turn a SQLAlchemy error into our :class:`StorageError`, naming what was attempted."""
    try:
        yield
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StorageError(f"could not {what}: {first}") from exc


@dataclass(frozen=True, slots=True)
class HealthFigures:
    """What the health report reads from the database."""

    latency_ms: float
    """Checking a connection out of the pool and running ``SELECT 1``."""
    newest_snapshot: dict[int, datetime]
    """Per tier that has a snapshot."""
    open_markets: dict[int, int]
    """Per tier that has an open market."""
    last_task_run_at: datetime | None


def health_figures(engine: Engine, tiers: Sequence[int]) -> HealthFigures:
    """``SELECT 1`` timed, then one statement for the rest, on one connection: the newest
    snapshot of each tier, open markets per tier and the newest task run.
    Raises StorageError ("could not reach the database: ..." when it does not answer)."""
    tiers = tuple(tiers)
    started = time.perf_counter()
    with translated_errors("reach the database"), for_reads(engine).connect() as conn:
        conn.execute(_PING)
        latency_ms = (time.perf_counter() - started) * 1000
        with translated_errors("read snapshot freshness"):
            row: tuple[Any, ...] = tuple(conn.execute(_health_statement(tiers)).one())
    n = len(tiers)
    return HealthFigures(
        latency_ms=latency_ms,
        newest_snapshot={t: v for t, v in zip(tiers, row[:n], strict=True) if v is not None},
        open_markets={t: int(v) for t, v in zip(tiers, row[n : 2 * n], strict=True) if v},
        last_task_run_at=row[2 * n],
    )


_PING = text("SELECT 1")


@functools.cache
def _health_statement(tiers: tuple[int, ...]) -> Select[Any]:
    """Built once per set of tiers: building a statement costs more than running this one."""
    columns = _newest_columns(tiers)
    columns += [
        select(func.count())
        .select_from(MarketRow)
        .where(MarketRow.active.is_(True), MarketRow.closed.is_(False), MarketRow.tier == tier)
        .scalar_subquery()
        .label(f"open_{tier}")
        for tier in tiers
    ]
    last_run = select(TaskRunRow.started_at).order_by(TaskRunRow.id.desc()).limit(1)
    columns.append(last_run.scalar_subquery().label("last_run"))
    return select(*columns)


def newest_snapshots(conn: Connection, tiers: Sequence[int]) -> dict[int, datetime]:
    """The newest snapshot time of each tier that has one (one statement)."""
    tiers = tuple(tiers)
    if not tiers:
        return {}
    with translated_errors("read snapshot freshness"):
        row: tuple[Any, ...] = tuple(conn.execute(_newest_statement(tiers)).one())
    return {t: v for t, v in zip(tiers, row, strict=True) if v is not None}


@functools.cache
def _newest_statement(tiers: tuple[int, ...]) -> Select[Any]:
    return select(*_newest_columns(tiers))


def _newest_columns(tiers: Sequence[int]) -> list[Label[Any]]:
    """One column per tier: its newest snapshot time (one backward index step each)."""
    return [
        select(func.max(SnapshotRow.timestamp))
        .where(SnapshotRow.tier == tier)
        .scalar_subquery()
        .label(f"newest_{tier}")
        for tier in tiers
    ]


def open_market_tokens(engine: Engine, tiers: Collection[int]) -> dict[str, int]:
    """Token -> market id of the active, open markets in ``tiers`` (both outcomes)."""
    query = select(MarketRow.id, MarketRow.yes_token_id, MarketRow.no_token_id).where(
        MarketRow.active.is_(True),
        MarketRow.closed.is_(False),
        MarketRow.tier.in_(list(tiers)),
    )
    out: dict[str, int] = {}
    with translated_errors("read followed tokens"), for_reads(engine).connect() as conn:
        for market_id, yes, no in conn.execute(query):
            for token in (yes, no):
                if token:
                    out[token] = int(market_id)
    return out


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


@dataclass(frozen=True, slots=True)
class TransitionFigures:
    counts: dict[tuple[int | None, int | None], int]
    """``(from_tier, to_tier) -> count`` of the transitions in the window."""
    recent: list[TransitionRecord]
    """The newest, newest first."""


def tier_transitions(engine: Engine, since: datetime, limit: int) -> TransitionFigures:
    """The transitions at or after ``since``: counted per flow, and the newest ``limit`` (two
    statements on one connection)."""
    with translated_errors("read tier transitions"), for_reads(engine).connect() as conn:
        flows = {(a, b): int(n) for a, b, n in conn.execute(_FLOWS, {"since": since})}
        newest = []
        if limit:
            rows = conn.execute(_RECENT_TRANSITIONS, {"since": since, "limit": limit})
            newest = [TransitionRecord(*row) for row in rows]
    return TransitionFigures(counts=flows, recent=newest)


_t = TierTransitionRow
_FLOWS = (
    select(_t.from_tier, _t.to_tier, func.count())
    .where(_t.transitioned_at >= bindparam("since"))
    .group_by(_t.from_tier, _t.to_tier)
)
_RECENT_TRANSITIONS = (
    select(
        _t.market_id,
        _t.condition_id,
        _t.market_slug,
        _t.from_tier,
        _t.to_tier,
        _t.transitioned_at,
        _t.hours_to_close,
        _t.reason,
    )
    .where(_t.transitioned_at >= bindparam("since"))
    .order_by(_t.transitioned_at.desc(), _t.id.desc())
    .limit(bindparam("limit"))
)


def as_utc(value: object) -> datetime:
    """A timestamp from a raw (untyped) result column as an aware UTC datetime."""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(when, datetime):
        raise StorageError(f"expected a timestamp, got {value!r}")
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
