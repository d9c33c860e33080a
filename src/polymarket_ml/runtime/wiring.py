"""Building the pieces every runtime needs from the settings: engine, clients, context.

``pmml up``, ``pmml collector`` and the Celery workers all call these, so a setting means the
same thing in every process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import httpx
from sqlalchemy import Engine

from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.metrics import TradeMetrics
from polymarket_ml.collection.tiers import LifecycleRules
from polymarket_ml.core.clock import Clock
from polymarket_ml.settings import Settings
from polymarket_ml.sources.polymarket.breaker import BreakerRegistry
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.gamma import GammaClient
from polymarket_ml.sources.polymarket.market_data import MarketData
from polymarket_ml.sources.polymarket.resilience import RetryPolicy
from polymarket_ml.storage.engine import make_engine
from polymarket_ml.storage.migrate import upgrade


def open_database(settings: Settings, *, migrate: bool = True) -> Engine:
    """The engine for ``DATABASE_URL``, its schema brought up to date unless ``migrate=False``."""
    engine = make_engine(settings.database.url, echo=settings.database.echo_sql)
    if migrate:
        upgrade(engine)
    return engine


@dataclass
class Exchange:
    """The exchange's REST clients, sharing one connection pool and one breaker registry."""

    gamma: GammaClient
    clob: ClobClient
    market_data: MarketData
    breakers: BreakerRegistry


@asynccontextmanager
async def open_exchange(settings: Settings, clock: Clock) -> AsyncIterator[Exchange]:
    src = settings.sources
    http = httpx.AsyncClient(timeout=src.http_timeout_secs)
    breakers = BreakerRegistry(clock=clock)
    retry = RetryPolicy(max_attempts=src.http_max_retries + 1)
    timeout = src.http_timeout_secs
    gamma = GammaClient(
        src.gamma_url,
        client=http,
        clock=clock,
        breakers=breakers,
        retry=retry,
        timeout_secs=timeout,
    )
    clob = ClobClient(
        src.clob_url, client=http, clock=clock, breakers=breakers, retry=retry, timeout_secs=timeout
    )
    try:
        yield Exchange(gamma, clob, MarketData(gamma, clob, clock), breakers)
    finally:
        await http.aclose()


def collection_context(
    settings: Settings, engine: Engine, exchange: Exchange, clock: Clock, metrics: TradeMetrics
) -> CollectionContext:
    c = settings.collection
    return CollectionContext(
        settings=c,
        engine=engine,
        market_data=exchange.market_data,
        clock=clock,
        metrics=metrics,
        rules=LifecycleRules(
            expiry_grace=timedelta(hours=c.expiry_grace_hours),
            no_trades_after=timedelta(hours=c.no_trades_hours),
        ),
    )
