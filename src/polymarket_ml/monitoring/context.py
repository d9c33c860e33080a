"""What the monitoring services look at: the database, settings, clock and live components."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import redis
from sqlalchemy import Engine

from polymarket_ml.collection.collector import Collector
from polymarket_ml.core.clock import Clock
from polymarket_ml.core.enums import Tier
from polymarket_ml.executor.engine import Executor
from polymarket_ml.monitoring.summary_cache import SummaryCache
from polymarket_ml.settings import Settings
from polymarket_ml.sources.polymarket.breaker import BreakerRegistry


class JobView(Protocol):
    """One job of a schedule, as the scheduler of ``pmml up`` holds it."""

    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def interval_secs(self) -> float: ...

    @property
    def tier(self) -> Tier | None: ...


class SchedulerView(Protocol):
    """What monitoring reads of a running scheduler (``runtime.scheduler.Scheduler`` fits)."""

    @property
    def jobs(self) -> Sequence[JobView]: ...

    @property
    def ticks(self) -> Mapping[str, int]: ...


@dataclass
class MonitoringContext:
    """The database is always there; a live component is None where it runs in another process
    (the distributed deployment) or not at all (the API on its own)."""

    settings: Settings
    engine: Engine
    clock: Clock
    collector: Collector | None = None
    breakers: BreakerRegistry | None = None
    scheduler: SchedulerView | None = None
    redis: redis.Redis | None = None
    executor: Executor | None = None
    started_at: datetime = field(init=False)
    """When monitoring started looking: a tier with markets but no snapshot yet is not stale
    before three of its intervals have passed since."""
    summaries: SummaryCache = field(init=False)
    """Expensive whole-system summaries, at most ``api_summary_max_age_secs`` old."""

    def __post_init__(self) -> None:
        self.started_at = self.clock.now()
        self.summaries = SummaryCache(self.settings.api.api_summary_max_age_secs)
