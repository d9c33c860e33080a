"""Retry decisions and backoff: pure functions, no I/O.

The HTTP layer (:mod:`.http`) asks :func:`is_retryable` after every failed attempt and sleeps
:func:`retry_delay_secs` before the next one. The random source is passed in, so schedules are
deterministic under test.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx

from polymarket_ml.sources.polymarket.errors import HttpStatusError, HttpTransportError

RandomSource = Callable[[], float]
"""Returns a float in [0, 1), like :func:`random.random`."""


def is_retryable(failure: BaseException | httpx.Response) -> bool:
    """Whether another attempt may succeed: 429, 5xx, timeouts and dropped connections.

    Any other 4xx is the request's fault and is never retried. Accepts an httpx response,
    an httpx exception, or one of our HTTP errors.
    """
    if isinstance(failure, httpx.Response):
        return _retryable_status(failure.status_code)
    if isinstance(failure, HttpStatusError):
        return _retryable_status(failure.status)
    return isinstance(
        failure,
        httpx.TimeoutException
        | httpx.NetworkError
        | httpx.RemoteProtocolError
        | HttpTransportError,
    )


def _retryable_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry one request.

    ``max_attempts`` counts the first try (settings' ``http_max_retries`` + 1). The n-th retry
    waits a uniform random time in ``[0, min(max_delay_secs, base_delay_secs * 2**(n-1))]``
    ("full jitter"), or the server's ``Retry-After`` capped at ``retry_after_cap_secs``.
    """

    max_attempts: int = 6
    base_delay_secs: float = 0.5
    max_delay_secs: float = 30.0
    retry_after_cap_secs: float = 60.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if self.base_delay_secs < 0 or self.max_delay_secs < 0 or self.retry_after_cap_secs < 0:
            raise ValueError("retry delays must not be negative")


def backoff_delay_secs(retry_number: int, policy: RetryPolicy, rand: RandomSource) -> float:
    """Full-jitter exponential backoff before retry ``retry_number`` (1 for the first retry)."""
    if retry_number < 1:
        raise ValueError(f"retry_number starts at 1, got {retry_number}")
    ceiling = min(policy.max_delay_secs, policy.base_delay_secs * 2.0 ** (retry_number - 1))
    return rand() * ceiling


def retry_delay_secs(
    retry_number: int,
    policy: RetryPolicy,
    rand: RandomSource,
    *,
    retry_after_secs: float | None = None,
) -> float:
    """The wait before retry ``retry_number``: the server's hint when it gave one, else backoff."""
    if retry_after_secs is not None:
        return min(max(retry_after_secs, 0.0), policy.retry_after_cap_secs)
    return backoff_delay_secs(retry_number, policy, rand)


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date (RFC 9110).

    ``None`` when the header is absent or unreadable; a date in the past gives ``0.0``.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - now).total_seconds(), 0.0)
