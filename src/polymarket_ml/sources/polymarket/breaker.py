"""Circuit breakers, one per host, so a dead host costs one fast error instead of a retry storm.

closed ──N consecutive failures──▶ open ──cool-down elapsed──▶ half-open (one probe)
   ▲                                 ▲                             │
   └──────────── probe succeeds ─────┼─────────────────────────────┤
                                     └──────── probe fails ────────┘

A failure is a 5xx answer or no answer (timeout, dropped connection); any other answer,
including 4xx and 429, proves the host is up and counts as a success. Time comes from the
injected :class:`~polymarket_ml.core.clock.Clock`. Not thread-safe: one event loop per breaker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from polymarket_ml.core.clock import Clock, SystemClock
from polymarket_ml.sources.polymarket.errors import CircuitOpenError


class BreakerStateName(StrEnum):
    """Where a breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class BreakerState:
    """A breaker's state for monitoring (the dashboard and ``task_runs`` show it)."""

    host: str
    state: BreakerStateName
    consecutive_failures: int
    opened_at: datetime | None
    next_probe_at: datetime | None


class CircuitBreaker:
    """The breaker of one host; :meth:`acquire` before each attempt, then record its outcome."""

    def __init__(
        self,
        host: str,
        *,
        clock: Clock,
        failure_threshold: int = 5,
        cooldown_secs: float = 30.0,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError(f"failure_threshold must be at least 1, got {failure_threshold}")
        if cooldown_secs < 0:
            raise ValueError(f"cooldown_secs must not be negative, got {cooldown_secs}")
        self.host = host
        self._clock = clock
        self._threshold = failure_threshold
        self._cooldown = timedelta(seconds=cooldown_secs)
        self._state = BreakerStateName.CLOSED
        self._failures = 0
        self._opened_at: datetime | None = None
        self._probe_in_flight = False

    def state(self) -> BreakerState:
        """The current state; an open breaker whose cool-down has elapsed reads half-open."""
        self._refresh()
        return BreakerState(
            host=self.host,
            state=self._state,
            consecutive_failures=self._failures,
            opened_at=self._opened_at,
            next_probe_at=self._next_probe_at(),
        )

    def acquire(self) -> None:
        """Allow one attempt, or raise :class:`CircuitOpenError` without touching the network.

        In half-open state only one probe is let through until its outcome is recorded.
        """
        self._refresh()
        if self._state is BreakerStateName.CLOSED:
            return
        if self._state is BreakerStateName.HALF_OPEN and not self._probe_in_flight:
            self._probe_in_flight = True
            return
        raise CircuitOpenError(host=self.host, retry_at=self._next_probe_at())

    def record_success(self) -> None:
        """The host answered: close the breaker and forget past failures."""
        self._state = BreakerStateName.CLOSED
        self._failures = 0
        self._opened_at = None
        self._probe_in_flight = False

    def record_failure(self) -> None:
        """The host failed (5xx or no answer): count it; open on the threshold or a failed probe."""
        self._refresh()
        self._failures += 1
        if self._state is BreakerStateName.HALF_OPEN or (
            self._state is BreakerStateName.CLOSED and self._failures >= self._threshold
        ):
            self._state = BreakerStateName.OPEN
            self._opened_at = self._clock.now()
        self._probe_in_flight = False

    def release(self) -> None:
        """The attempt ended without a verdict on the host (cancelled, or never sent)."""
        self._probe_in_flight = False

    def _refresh(self) -> None:
        if self._state is BreakerStateName.OPEN:
            next_probe_at = self._next_probe_at()
            if next_probe_at is not None and self._clock.now() >= next_probe_at:
                self._state = BreakerStateName.HALF_OPEN
                self._probe_in_flight = False

    def _next_probe_at(self) -> datetime | None:
        if self._state is BreakerStateName.CLOSED or self._opened_at is None:
            return None
        return self._opened_at + self._cooldown


class BreakerRegistry:
    """One :class:`CircuitBreaker` per host, created on first use; share it between clients."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        failure_threshold: int = 5,
        cooldown_secs: float = 30.0,
    ) -> None:
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._failure_threshold = failure_threshold
        self._cooldown_secs = cooldown_secs
        self._breakers: dict[str, CircuitBreaker] = {}

    def for_host(self, host: str) -> CircuitBreaker:
        """The breaker of ``host`` (``name:port`` as in the URL), created closed if new."""
        breaker = self._breakers.get(host)
        if breaker is None:
            breaker = CircuitBreaker(
                host,
                clock=self._clock,
                failure_threshold=self._failure_threshold,
                cooldown_secs=self._cooldown_secs,
            )
            self._breakers[host] = breaker
        return breaker

    def states(self) -> list[BreakerState]:
        """Every known breaker's state, sorted by host."""
        return [self._breakers[host].state() for host in sorted(self._breakers)]
