"""Overlap across processes: a Redis lock per (task, tier), the task log's :class:`RunGuard`.

Two Celery workers may be handed ticks of the same job (a slow T0 pass and the next T0 tick, or
a second worker on the same queue). The first takes the lock; the other records its run as
``skipped`` in ``task_runs`` instead of running it twice. A lock expires after ``ttl_secs`` (the
task time limit), so a worker that died holding it does not block the job for ever.
"""

from __future__ import annotations

import logging

import redis
from redis.exceptions import LockError, RedisError

from polymarket_ml.collection.tasklog import Release
from polymarket_ml.core.enums import Tier

log = logging.getLogger(__name__)

LOCK_PREFIX = "pmml:lock:"


def lock_key(name: str, tier: Tier | None) -> str:
    return f"{LOCK_PREFIX}{name}" if tier is None else f"{LOCK_PREFIX}{name}:t{int(tier)}"


class RedisRunGuard:
    """Non-blocking Redis locks (``SET NX PX`` with a token; released only by their owner)."""

    def __init__(self, client: redis.Redis, *, ttl_secs: float) -> None:
        if ttl_secs <= 0:
            raise ValueError("ttl_secs must be positive")
        self._redis = client
        self._ttl = ttl_secs

    def acquire(self, name: str, tier: Tier | None) -> Release | None:
        """Take the lock of ``(name, tier)``; None when another run holds it. Network I/O."""
        key = lock_key(name, tier)
        # thread_local=False: the task log acquires and releases from different worker threads
        lock = self._redis.lock(key, timeout=self._ttl, blocking=False, thread_local=False)
        if not lock.acquire(blocking=False):
            return None

        def release() -> None:
            try:
                lock.release()
            except LockError:  # expired (the run outlived the TTL) or taken over meanwhile
                log.warning("lock %s had expired before its run ended", key)
            except RedisError as exc:  # it expires by itself
                log.warning("could not release lock %s: %s", key, exc)

        return release
