"""What the collection tasks share: settings, database, exchange, clock, live trade metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from polymarket_ml.collection.metrics import TradeMetrics
from polymarket_ml.collection.tasklog import RunGuard, TaskLog
from polymarket_ml.collection.tiers import LifecycleRules
from polymarket_ml.core.clock import Clock
from polymarket_ml.core.enums import Tier
from polymarket_ml.settings import CollectionSettings
from polymarket_ml.sources.polymarket.market_data import MarketData
from polymarket_ml.storage.engine import make_session_factory


@dataclass
class CollectionContext:
    settings: CollectionSettings
    engine: Engine
    market_data: MarketData
    clock: Clock
    metrics: TradeMetrics
    rules: LifecycleRules = field(default_factory=LifecycleRules)
    run_guard: RunGuard | None = None
    """Extends the task log's overlap check across processes (a Redis lock when distributed)."""
    task_log: TaskLog = field(init=False)
    sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.task_log = TaskLog(self.engine, self.clock, self.run_guard)
        self.sessions = make_session_factory(self.engine)

    @property
    def lookahead(self) -> timedelta:
        return timedelta(hours=self.settings.ml_lookahead_hours)

    @property
    def followed_tiers(self) -> frozenset[Tier]:
        return frozenset(self.settings.websocket_enabled_tiers)
