"""The reports the monitoring services return; the API serves them as they are.

They are the OpenAPI schema the dashboard's TypeScript client is generated from, so every field
is typed and the units are in the names. Times are aware UTC (ISO 8601 in JSON).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from polymarket_ml.collection.collector import CollectorStats
from polymarket_ml.sources.polymarket.breaker import BreakerState
from polymarket_ml.sources.polymarket.ws_health import ConnectionHealth


class Report(BaseModel):
    model_config = ConfigDict(frozen=True)


Severity = Literal["critical", "warning"]


class Problem(Report):
    """One failed check: ``critical`` makes ``/critical`` answer 503, ``warning`` does not."""

    check: str = Field(description="database, redis, collector, freshness_t<N>, breaker, ...")
    severity: Severity
    message: str


class DatabaseHealth(Report):
    reachable: bool
    backend: str = Field(description="sqlite or postgresql")
    latency_ms: float | None = Field(description="Round trip of SELECT 1")
    error: str | None = None


class RedisHealth(Report):
    in_use: bool = Field(description="False in single-machine mode (no Redis configured)")
    reachable: bool | None = None
    latency_ms: float | None = None
    error: str | None = None


class CollectorHealth(Report):
    running: bool = Field(description="A collector runs in this process")
    connections: list[ConnectionHealth] = Field(description="One entry per WebSocket")
    connected: int = Field(description="Connections with an open socket")
    subscribed_tokens: int
    queue_depth: int = Field(description="Trades waiting to be written")
    stats: CollectorStats | None


class SchedulerJob(Report):
    key: str
    name: str
    tier: int | None
    interval_secs: float
    ticks: int = Field(description="Runs started by this process since it started")


class SchedulerHealth(Report):
    running: bool = Field(description="The in-process scheduler runs in this process")
    jobs: list[SchedulerJob]
    last_task_run_at: datetime | None = Field(description="Newest task_runs row, any process")


class ExecutorHealth(Report):
    running: bool = Field(default=False, description="An executor runs in this process")
    status: str = Field(
        default="not running", description="running, halted, entries paused or not running"
    )
    detail: str = "no executor runs in this process (pmml up runs one; pmml executor alone)"
    mode: str | None = None
    scans: int | None = None
    last_scan_at: datetime | None = None


class TierFreshness(Report):
    tier: int
    interval_secs: float
    open_markets: int = Field(description="Active markets still trading in this tier")
    newest_snapshot_at: datetime | None
    age_secs: float | None
    stale: bool = Field(description="Markets in the tier and no snapshot for 3 intervals")


class HealthReport(Report):
    checked_at: datetime
    status: Literal["ok", "degraded", "critical"]
    database: DatabaseHealth
    redis: RedisHealth
    collector: CollectorHealth
    scheduler: SchedulerHealth
    executor: ExecutorHealth
    breakers: list[BreakerState]
    freshness: list[TierFreshness]
    problems: list[Problem]


class CriticalReport(Report):
    healthy: bool
    checked_at: datetime
    reasons: list[Problem] = Field(description="The critical problems (empty when healthy)")


class ConnectionCoverage(Report):
    name: str
    connected: bool
    subscribed: int
    stale_assets: int
    extra: list[str] = Field(description="Tokens followed here that no market needs")


class CoverageReport(Report):
    checked_at: datetime
    tiers: list[int] = Field(description="The WebSocket tiers")
    collector_running: bool
    expected: int = Field(description="Tokens of active, open markets in the WebSocket tiers")
    subscribed: int
    covered: int
    coverage_pct: float | None = Field(description="covered / expected x 100; None if none")
    missing: list[str]
    extra: list[str]
    connections: list[ConnectionCoverage]


class TransitionFlow(Report):
    from_tier: int | None = Field(description="None: discovered")
    to_tier: int | None = Field(description="None: deactivated")
    count: int


class TransitionItem(Report):
    market_id: int
    condition_id: str | None
    market_slug: str | None
    from_tier: int | None
    to_tier: int | None
    transitioned_at: datetime
    hours_to_close: float | None
    reason: str


class TierTransitionsReport(Report):
    hours: float
    since: datetime
    total: int
    discovered: int
    deactivated: int
    flows: list[TransitionFlow]
    from_labels: list[str] = Field(description="Rows of matrix: discovered, T0..T4")
    to_labels: list[str] = Field(description="Columns of matrix: T0..T4, deactivated")
    matrix: list[list[int]]
    recent: list[TransitionItem]


class TaskActivity(Report):
    task_name: str
    tier: int | None
    runs: int
    success: int
    failed: int
    skipped: int
    running: int
    duration_ms_p50: float | None
    duration_ms_p95: float | None
    duration_ms_p99: float | None
    last_started_at: datetime
    last_error: str | None
    last_error_at: datetime | None


class TaskActivityReport(Report):
    hours: float
    since: datetime
    tasks: list[TaskActivity]


class RedisStats(Report):
    in_use: bool
    reachable: bool | None = None
    detail: str | None = None
    version: str | None = None
    used_memory_bytes: int | None = None
    used_memory_peak_bytes: int | None = None
    keys: int | None = Field(default=None, description="Keys in the selected database")
    ops_per_sec: int | None = None
    connected_clients: int | None = None
    uptime_secs: int | None = None
    keyspace_hits: int | None = None
    keyspace_misses: int | None = None


class TableSummary(Report):
    name: str
    rows: int
    estimated: bool = Field(description="From the planner's statistics (PostgreSQL, large)")


class TablesReport(Report):
    tables: list[TableSummary]


class ColumnSummary(Report):
    name: str
    type: str
    nullable: bool
    primary_key: bool


class TablePageReport(Report):
    table: str
    columns: list[ColumnSummary]
    page: int
    page_size: int
    total_rows: int
    total_estimated: bool
    sort: str
    order: Literal["asc", "desc"]
    rows: list[dict[str, JsonValue]] = Field(
        description="Decimals as strings, times as ISO 8601, JSON columns as JSON"
    )
