"""The summary cache: reused while young, computed once for concurrent callers, never stale."""

from __future__ import annotations

import threading
import time

import pytest

from polymarket_ml.monitoring.summary_cache import SummaryCache


class Ticker:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_summary_is_reused_until_it_is_max_age_old() -> None:
    ticker, compute = Ticker(), Counter()
    cache = SummaryCache(1.0, monotonic=ticker)

    first = cache.get("activity", compute)
    ticker.now += 0.999
    reused = cache.get("activity", compute)
    ticker.now += 0.001
    recomputed = cache.get("activity", compute)

    assert (first, reused, recomputed) == (1, 1, 2)


def test_each_key_has_its_own_summary() -> None:
    cache = SummaryCache(1.0, monotonic=Ticker())
    assert cache.get(("activity", 24.0), lambda: "day") == "day"
    assert cache.get(("activity", 1.0), lambda: "hour") == "hour"
    assert cache.get(("activity", 24.0), lambda: "other") == "day"


def test_max_age_zero_computes_every_time() -> None:
    compute = Counter()
    cache = SummaryCache(0.0, monotonic=Ticker())
    assert [cache.get("activity", compute) for _ in range(3)] == [1, 2, 3]


def test_a_failure_is_not_remembered() -> None:
    cache = SummaryCache(1.0, monotonic=Ticker())

    def fail() -> int:
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError, match="database down"):
        cache.get("activity", fail)
    assert cache.get("activity", lambda: 7) == 7


def test_concurrent_callers_wait_for_one_computation() -> None:
    cache = SummaryCache(60.0)
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        started.set()
        release.wait(5)
        return "summary"

    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("activity", slow)))
        for _ in range(5)
    ]
    threads[0].start()
    assert started.wait(5)
    for t in threads[1:]:
        t.start()
    time.sleep(0.2)  # let them find no summary and queue behind the first computation
    release.set()
    for t in threads:
        t.join(5)

    assert results == ["summary"] * 5
    assert len(calls) == 1
