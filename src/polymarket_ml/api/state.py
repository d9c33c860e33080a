"""What the API serves from: settings, database, clock, token and the live components."""

from __future__ import annotations

from dataclasses import dataclass, field

import redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from polymarket_ml.api.security import load_or_create_token
from polymarket_ml.collection.collector import Collector
from polymarket_ml.core.clock import Clock, SystemClock
from polymarket_ml.executor.engine import Executor
from polymarket_ml.monitoring.context import MonitoringContext, SchedulerView
from polymarket_ml.settings import Settings
from polymarket_ml.sources.polymarket.breaker import BreakerRegistry
from polymarket_ml.storage.engine import make_session_factory


@dataclass
class ApiState:
    """Built once by the entry point. A live component is None where it does not run in this
    process (``executor``: the one ``pmml up`` runs; its strategies and configuration can be
    changed through the API only then).

    ``token`` None: ``PMML_API_TOKEN`` or the token file (see :mod:`polymarket_ml.api.security`).
    """

    settings: Settings
    engine: Engine
    clock: Clock = field(default_factory=SystemClock)
    collector: Collector | None = None
    breakers: BreakerRegistry | None = None
    scheduler: SchedulerView | None = None
    redis: redis.Redis | None = None
    executor: Executor | None = None
    token: str | None = field(default=None, repr=False)
    sessions: sessionmaker[Session] = field(init=False)
    monitoring: MonitoringContext = field(init=False)

    def __post_init__(self) -> None:
        if self.token is None:
            self.token = load_or_create_token(self.settings)
        self.sessions = make_session_factory(self.engine)
        self.monitoring = MonitoringContext(
            settings=self.settings,
            engine=self.engine,
            clock=self.clock,
            collector=self.collector,
            breakers=self.breakers,
            scheduler=self.scheduler,
            redis=self.redis,
            executor=self.executor,
        )

    @property
    def api_token(self) -> str:
        assert self.token is not None  # set in __post_init__
        return self.token
