"""Client-side rate limits: token buckets per host and endpoint, from polymarket-api.md §4.11.

Polymarket's Cloudflare front throttles on sliding 10-second windows and answers 429 on
sustained overshoot (§4.11, §11 quirk 28). We stay under the documented limits by waiting for a
token before each request. A request draws from every rule that matches its path (the host's
general budget and the endpoint's own). Waiting is a reservation: the bucket may go negative
and each caller sleeps its share, so concurrent callers queue fairly without a lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from polymarket_ml.core.clock import Clock, SystemClock

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RateLimitRule:
    """At most ``limit`` requests per ``per_secs`` to paths matching any of ``paths``.

    Paths are relative to the client's base URL (``/markets``, not ``/gamma/markets``) and
    matched with shell-style globs, where ``*`` also matches ``/``.
    """

    name: str
    limit: int
    per_secs: float
    paths: tuple[str, ...] = ("*",)
    method: str | None = None

    def __post_init__(self) -> None:
        if self.limit < 1 or self.per_secs <= 0:
            raise ValueError(f"rate limit {self.name!r} needs limit >= 1 and per_secs > 0")

    def matches(self, method: str, path: str) -> bool:
        """Whether a request with this method and relative path draws from this rule."""
        if self.method is not None and self.method != method.upper():
            return False
        return any(fnmatchcase(path, pattern) for pattern in self.paths)


GAMMA_RATE_LIMITS: tuple[RateLimitRule, ...] = (
    RateLimitRule("gamma", 4000, 10.0),
    RateLimitRule("gamma /markets", 300, 10.0, ("/markets", "/markets/*")),
    RateLimitRule("gamma /events", 500, 10.0, ("/events", "/events/*")),
    RateLimitRule("gamma /public-search", 350, 10.0, ("/public-search",)),
    RateLimitRule("gamma /tags", 200, 10.0, ("/tags", "/tags/*")),
    RateLimitRule("gamma /comments", 200, 10.0, ("/comments", "/comments/*")),
)
"""Gamma limits per 10 s (§4.11)."""

CLOB_RATE_LIMITS: tuple[RateLimitRule, ...] = (
    RateLimitRule("clob", 9000, 10.0),
    RateLimitRule("clob /book", 1500, 10.0, ("/book",)),
    RateLimitRule("clob /price", 1500, 10.0, ("/price",)),
    RateLimitRule("clob /midpoint", 1500, 10.0, ("/midpoint",)),
    RateLimitRule("clob /books", 500, 10.0, ("/books",)),
    RateLimitRule("clob /prices", 500, 10.0, ("/prices",)),
    RateLimitRule("clob /midpoints", 500, 10.0, ("/midpoints",)),
    RateLimitRule("clob /prices-history", 1000, 10.0, ("/prices-history",)),
    RateLimitRule("clob /tick-size", 200, 10.0, ("/tick-size",)),
)
"""CLOB market-data limits per 10 s (§4.11)."""

DATA_API_RATE_LIMITS: tuple[RateLimitRule, ...] = (
    RateLimitRule("data", 1000, 10.0),
    RateLimitRule("data /trades", 200, 10.0, ("/trades",)),
    RateLimitRule("data /positions", 150, 10.0, ("/positions",)),
    RateLimitRule("data /closed-positions", 150, 10.0, ("/closed-positions",)),
)
"""Data API limits per 10 s (§4.11)."""


class TokenBucket:
    """``capacity`` tokens refilled at ``capacity / per_secs`` per second; pure, time passed in."""

    def __init__(self, capacity: int, per_secs: float, *, now_secs: float) -> None:
        self.capacity = float(capacity)
        self.refill_per_sec = capacity / per_secs
        self._tokens = float(capacity)
        self._updated_secs = now_secs

    def reserve(self, now_secs: float) -> float:
        """Take one token and return how many seconds to wait before using it (0 if available)."""
        elapsed = max(now_secs - self._updated_secs, 0.0)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.refill_per_sec)
        self._updated_secs = max(now_secs, self._updated_secs)
        self._tokens -= 1.0
        if self._tokens >= 0:
            return 0.0
        return -self._tokens / self.refill_per_sec

    def available(self, now_secs: float) -> float:
        """Tokens available at ``now_secs`` (negative while callers are queued)."""
        elapsed = max(now_secs - self._updated_secs, 0.0)
        return min(self.capacity, self._tokens + elapsed * self.refill_per_sec)


class RateLimiter:
    """Token buckets keyed by (host, rule name), shared by every client on one event loop.

    Each client passes its own rules (e.g. :data:`GAMMA_RATE_LIMITS`); rule names differ
    between services, so clients pointed at one host (the simulator) keep separate budgets.
    """

    def __init__(self, *, clock: Clock | None = None, sleep: Sleep = asyncio.sleep) -> None:
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._sleep = sleep
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def reserve(self, host: str, method: str, path: str, rules: Sequence[RateLimitRule]) -> float:
        """Take a token from every matching bucket; return the longest wait in seconds."""
        now_secs = self._clock.now().timestamp()
        wait_secs = 0.0
        for rule in rules:
            if not rule.matches(method, path):
                continue
            key = (host, rule.name)
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = TokenBucket(rule.limit, rule.per_secs, now_secs=now_secs)
                self._buckets[key] = bucket
            wait_secs = max(wait_secs, bucket.reserve(now_secs))
        return wait_secs

    async def acquire(
        self, host: str, method: str, path: str, rules: Sequence[RateLimitRule]
    ) -> None:
        """Wait until a request to ``path`` on ``host`` fits every matching rule."""
        wait_secs = self.reserve(host, method, path, rules)
        if wait_secs > 0:
            await self._sleep(wait_secs)
