"""Memory, keys and load of the Redis server of the distributed deployment (from ``INFO``).

Performs network I/O (blocking: call from a worker thread).
"""

from __future__ import annotations

from typing import Any

import redis

from polymarket_ml.monitoring.reports import RedisStats

SINGLE_MACHINE = "single-machine mode: live trade metrics are kept in process, Redis is not used"


def redis_stats(client: redis.Redis | None) -> RedisStats:
    """What ``INFO`` and ``DBSIZE`` say; ``in_use=False`` without a Redis client."""
    if client is None:
        return RedisStats(in_use=False, detail=SINGLE_MACHINE)
    try:
        info: dict[str, Any] = client.info()
        keys = int(client.dbsize())
    except redis.RedisError as exc:
        return RedisStats(in_use=True, reachable=False, detail=f"{type(exc).__name__}: {exc}")
    return RedisStats(
        in_use=True,
        reachable=True,
        version=str(info.get("redis_version", "")) or None,
        used_memory_bytes=_int(info.get("used_memory")),
        used_memory_peak_bytes=_int(info.get("used_memory_peak")),
        keys=keys,
        ops_per_sec=_int(info.get("instantaneous_ops_per_sec")),
        connected_clients=_int(info.get("connected_clients")),
        uptime_secs=_int(info.get("uptime_in_seconds")),
        keyspace_hits=_int(info.get("keyspace_hits")),
        keyspace_misses=_int(info.get("keyspace_misses")),
    )


def _int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None
