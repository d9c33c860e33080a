"""A short-lived, per-process memory of expensive whole-system summaries.

A summary aggregated over thousands of rows (task activity over a day) is asked for by every
open dashboard and every client of the API at once; computing it once per ``max_age_secs`` for
all of them keeps the database free for the rest. An answer is never older than
``max_age_secs``, counted from when its computation started (``PMML_API_SUMMARY_MAX_AGE_SECS``,
1 s by default; 0 computes every time). While one caller computes a summary, the others asking
for it wait for that result rather than computing it again. Failures are not remembered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class SummaryCache:
    """Thread-safe (the API computes summaries in worker threads)."""

    def __init__(
        self, max_age_secs: float, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_age_secs = max_age_secs
        self._monotonic = monotonic
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value remembered for ``key`` if it is younger than ``max_age_secs``, else
        ``compute()`` (called by one caller at a time per key)."""
        if self.max_age_secs <= 0:
            return compute()
        fresh = self._fresh(key)
        if fresh is not None:
            return fresh[0]  # type: ignore[no-any-return]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            fresh = self._fresh(key)  # computed by the caller we waited for
            if fresh is not None:
                return fresh[0]  # type: ignore[no-any-return]
            started = self._monotonic()
            value = compute()
            with self._guard:
                self._forget_expired(started)
                self._entries[key] = (started, value)
            return value

    def _fresh(self, key: Hashable) -> tuple[Any] | None:
        entry = self._entries.get(key)
        if entry is None or self._monotonic() - entry[0] >= self.max_age_secs:
            return None
        return (entry[1],)

    def _forget_expired(self, now: float) -> None:
        """Keep memory bounded by the keys asked for within the last ``max_age_secs``."""
        for key in [k for k, (at, _) in self._entries.items() if now - at >= self.max_age_secs]:
            del self._entries[key]
            lock = self._locks.get(key)
            if lock is not None and not lock.locked():  # at worst, two callers compute once
                del self._locks[key]
