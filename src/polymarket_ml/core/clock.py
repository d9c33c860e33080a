"""Time as an injected dependency: services take a :class:`Clock`, pure code takes ``now``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of the current time (always timezone-aware UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that moves only when told to; for tests, replays and the simulator."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by ``delta`` and return the new time."""
        if delta < timedelta(0):
            raise ValueError("a clock does not go backwards")
        self._now += delta
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FakeClock.set needs a timezone-aware time")
        if when < self._now:
            raise ValueError("a clock does not go backwards")
        self._now = when.astimezone(UTC)


class SpeedClock:
    """Time that runs ``speed`` times faster than the base clock from the instant ``origin``.

    ``now = origin + (base.now() - origin) * speed``: a function of the wall clock alone, so
    processes given the same origin and speed agree on the time without talking to each other
    (``PMML_CLOCK_ORIGIN``, ``PMML_CLOCK_SPEED``). Without an origin, the clock starts at the
    base clock's now. The simulator and ``pmml up --sim --speed N`` share one.
    """

    def __init__(
        self, speed: float, base: Clock | None = None, *, origin: datetime | None = None
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        if origin is not None and origin.tzinfo is None:
            raise ValueError("SpeedClock needs a timezone-aware origin")
        self._base = base or SystemClock()
        self.speed = speed
        self.origin = (origin or self._base.now()).astimezone(UTC)

    def now(self) -> datetime:
        elapsed = (self._base.now() - self.origin).total_seconds()
        return self.origin + timedelta(seconds=elapsed * self.speed)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utc_from_millis(ms: int) -> datetime:
    """Exchange timestamps are epoch milliseconds; return an aware UTC datetime, exactly."""
    return _EPOCH + timedelta(milliseconds=ms)


def utc_from_epoch(value: int | float) -> datetime:
    """Epoch seconds or milliseconds, told apart by magnitude (the exchange uses both)."""
    seconds = value / 1000 if abs(value) >= 100_000_000_000 else value
    return datetime.fromtimestamp(seconds, tz=UTC)
