"""Real services for tests: PostgreSQL and Redis.

Where a service is not reachable, its tests are skipped with a reason that the summary repeats —
except under CI (``CI=true``), where every service is mandatory and an unreachable one fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
import redis

POSTGRES_ADMIN_URL = os.environ.get(
    "PMML_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("PMML_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SKIP_PREFIX = "service not reachable"


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(service: str, detail: str) -> None:
    """Skip (on a newcomer's machine) or fail (under CI) a test that needs ``service``."""
    message = f"{SKIP_PREFIX}: {service} ({detail})"
    if under_ci():
        pytest.fail(f"{message}; under CI every service is required", pytrace=False)
    pytest.skip(message)


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3, autocommit=True):
            return None
    except psycopg.Error as exc:
        return f"{POSTGRES_ADMIN_URL}: {str(exc).strip().splitlines()[0]}"


@contextmanager
def fresh_postgres_database(prefix: str = "pmml_test") -> Iterator[str]:
    """Create an empty database, yield its URL, drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_reachable() -> str | None:
    """None when the test Redis answers, else why not."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
        return None
    except redis.RedisError as exc:
        return f"{REDIS_URL}: {exc}"
    finally:
        client.close()


@contextmanager
def fresh_redis() -> Iterator[redis.Redis]:
    """A client of the test Redis database (db 15 by default), emptied before and after.

    Skips (or fails under CI) when Redis is not reachable.
    """
    problem = redis_reachable()
    if problem is not None:
        unavailable("Redis", problem)
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()
