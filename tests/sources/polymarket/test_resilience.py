"""Retry decisions, backoff, circuit breakers and rate limits: pure parts, no network."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.errors import SourceError
from polymarket_ml.sources.polymarket.breaker import (
    BreakerRegistry,
    BreakerStateName,
    CircuitBreaker,
)
from polymarket_ml.sources.polymarket.errors import (
    CircuitOpenError,
    HttpStatusError,
    HttpTimeoutError,
    HttpTransportError,
    PagingError,
)
from polymarket_ml.sources.polymarket.http import build_query, host_of
from polymarket_ml.sources.polymarket.ratelimit import (
    CLOB_RATE_LIMITS,
    GAMMA_RATE_LIMITS,
    RateLimiter,
    RateLimitRule,
    TokenBucket,
)
from polymarket_ml.sources.polymarket.resilience import (
    RetryPolicy,
    backoff_delay_secs,
    is_retryable,
    parse_retry_after,
    retry_delay_secs,
)
from tests.sources.polymarket.fakes import START, FakeSleep

# -- is_retryable ------------------------------------------------------------------------

_REQUEST = httpx.Request("GET", "https://clob.polymarket.com/book")


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (200, False),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (408, False),
        (422, False),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
    ],
)
def test_is_retryable_by_status(status: int, retryable: bool) -> None:
    assert is_retryable(httpx.Response(status)) is retryable
    assert is_retryable(HttpStatusError(status=status, url="u")) is retryable


@pytest.mark.parametrize(
    ("failure", "retryable"),
    [
        (httpx.ConnectTimeout("slow", request=_REQUEST), True),
        (httpx.ReadTimeout("slow", request=_REQUEST), True),
        (httpx.PoolTimeout("busy", request=_REQUEST), True),
        (httpx.ConnectError("refused", request=_REQUEST), True),
        (httpx.ReadError("reset", request=_REQUEST), True),
        (httpx.RemoteProtocolError("closed mid-response", request=_REQUEST), True),
        (HttpTransportError("reset", url="u"), True),
        (HttpTimeoutError("slow", url="u"), True),
        (httpx.UnsupportedProtocol("ftp", request=_REQUEST), False),
        (httpx.LocalProtocolError("bad header", request=_REQUEST), False),
        (CircuitOpenError(host="h", retry_at=None), False),
        (PagingError("stuck"), False),
        (ValueError("bug"), False),
    ],
)
def test_is_retryable_by_exception(failure: BaseException, retryable: bool) -> None:
    assert is_retryable(failure) is retryable


# -- backoff ------------------------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap_with_full_jitter() -> None:
    policy = RetryPolicy(max_attempts=6, base_delay_secs=0.5, max_delay_secs=4.0)

    ceilings = [backoff_delay_secs(n, policy, lambda: 1.0) for n in range(1, 7)]
    halves = [backoff_delay_secs(n, policy, lambda: 0.5) for n in range(1, 7)]

    assert ceilings == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert halves == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]
    assert backoff_delay_secs(3, policy, lambda: 0.0) == 0.0


def test_retry_after_replaces_backoff_and_is_capped() -> None:
    policy = RetryPolicy(base_delay_secs=0.5, retry_after_cap_secs=20.0)

    assert retry_delay_secs(1, policy, lambda: 1.0, retry_after_secs=7.0) == 7.0
    assert retry_delay_secs(1, policy, lambda: 1.0, retry_after_secs=3600.0) == 20.0
    assert retry_delay_secs(2, policy, lambda: 1.0, retry_after_secs=None) == 1.0


def test_retry_policy_rejects_zero_attempts() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("7", 7.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("nan", None),
        ("soon", None),
        ("Fri, 01 May 2026 12:00:30 GMT", 30.0),
        ("Fri, 01 May 2026 11:00:00 GMT", 0.0),
    ],
)
def test_parse_retry_after_reads_seconds_and_http_dates(
    header: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(header, now=START) == seconds


# -- circuit breaker -----------------------------------------------------------------------


def _breaker(clock: FakeClock, threshold: int = 3, cooldown_secs: float = 30.0) -> CircuitBreaker:
    return CircuitBreaker(
        "clob.polymarket.com", clock=clock, failure_threshold=threshold, cooldown_secs=cooldown_secs
    )


def test_breaker_opens_after_consecutive_failures_and_fails_fast() -> None:
    clock = FakeClock(START)
    breaker = _breaker(clock)

    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state().state is BreakerStateName.CLOSED
    breaker.acquire()
    breaker.record_failure()

    state = breaker.state()
    assert state.state is BreakerStateName.OPEN
    assert state.consecutive_failures == 3
    assert state.opened_at == START
    assert state.next_probe_at == START + timedelta(seconds=30)
    with pytest.raises(CircuitOpenError) as info:
        breaker.acquire()
    assert isinstance(info.value, SourceError)
    assert info.value.retry_at == START + timedelta(seconds=30)


def test_breaker_success_resets_the_failure_count() -> None:
    breaker = _breaker(FakeClock(START))

    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()

    assert breaker.state().state is BreakerStateName.CLOSED
    assert breaker.state().consecutive_failures == 2


def test_breaker_half_open_lets_one_probe_through_and_closes_on_success() -> None:
    clock = FakeClock(START)
    breaker = _breaker(clock, threshold=1)
    breaker.record_failure()

    clock.advance(timedelta(seconds=29))
    with pytest.raises(CircuitOpenError):
        breaker.acquire()
    clock.advance(timedelta(seconds=1))
    assert breaker.state().state is BreakerStateName.HALF_OPEN

    breaker.acquire()
    with pytest.raises(CircuitOpenError):
        breaker.acquire()
    breaker.record_success()

    state = breaker.state()
    assert state.state is BreakerStateName.CLOSED
    assert state.consecutive_failures == 0
    assert state.opened_at is None
    assert state.next_probe_at is None
    breaker.acquire()


def test_breaker_failed_probe_opens_again_for_a_new_cooldown() -> None:
    clock = FakeClock(START)
    breaker = _breaker(clock, threshold=1, cooldown_secs=10)
    breaker.record_failure()
    clock.advance(timedelta(seconds=10))

    breaker.acquire()
    breaker.record_failure()

    state = breaker.state()
    assert state.state is BreakerStateName.OPEN
    assert state.opened_at == START + timedelta(seconds=10)
    assert state.next_probe_at == START + timedelta(seconds=20)


def test_breaker_released_probe_lets_the_next_caller_probe() -> None:
    clock = FakeClock(START)
    breaker = _breaker(clock, threshold=1, cooldown_secs=5)
    breaker.record_failure()
    clock.advance(timedelta(seconds=5))

    breaker.acquire()
    breaker.release()
    breaker.acquire()

    assert breaker.state().state is BreakerStateName.HALF_OPEN


def test_breaker_registry_keeps_one_breaker_per_host() -> None:
    registry = BreakerRegistry(clock=FakeClock(START), failure_threshold=1)

    registry.for_host("gamma-api.polymarket.com").record_failure()

    assert registry.for_host("gamma-api.polymarket.com") is registry.for_host(
        "gamma-api.polymarket.com"
    )
    registry.for_host("clob.polymarket.com")
    states = {state.host: state.state for state in registry.states()}
    assert states == {
        "clob.polymarket.com": BreakerStateName.CLOSED,
        "gamma-api.polymarket.com": BreakerStateName.OPEN,
    }


# -- rate limits ---------------------------------------------------------------------------


def test_token_bucket_allows_a_burst_then_spaces_requests_at_the_refill_rate() -> None:
    bucket = TokenBucket(3, 1.0, now_secs=100.0)

    waits = [bucket.reserve(100.0) for _ in range(5)]

    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == pytest.approx(1 / 3)
    assert waits[4] == pytest.approx(2 / 3)
    assert bucket.reserve(102.0) == 0.0
    assert bucket.available(200.0) == 3.0


def test_rate_limiter_draws_from_the_general_and_the_endpoint_bucket() -> None:
    clock = FakeClock(START)
    limiter = RateLimiter(clock=clock)
    rules = (
        RateLimitRule("svc", 100, 10.0),
        RateLimitRule("svc /book", 2, 10.0, ("/book",)),
    )

    book_waits = [limiter.reserve("h", "GET", "/book", rules) for _ in range(3)]
    other_wait = limiter.reserve("h", "GET", "/midpoint", rules)
    other_host_wait = limiter.reserve("other", "GET", "/book", rules)

    assert book_waits == [0.0, 0.0, pytest.approx(5.0)]
    assert other_wait == 0.0
    assert other_host_wait == 0.0


def test_rate_limiter_queues_concurrent_callers_in_turn() -> None:
    sleep = FakeSleep()
    limiter = RateLimiter(clock=FakeClock(START), sleep=sleep)
    rules = (RateLimitRule("svc", 2, 1.0),)

    async def scenario() -> None:
        await asyncio.gather(*(limiter.acquire("h", "GET", "/x", rules) for _ in range(5)))

    asyncio.run(scenario())

    assert sleep.delays == [pytest.approx(0.5), pytest.approx(1.0), pytest.approx(1.5)]


@pytest.mark.parametrize(
    ("rules", "path", "expected"),
    [
        (GAMMA_RATE_LIMITS, "/markets", {"gamma", "gamma /markets"}),
        (GAMMA_RATE_LIMITS, "/markets/keyset", {"gamma", "gamma /markets"}),
        (GAMMA_RATE_LIMITS, "/events/slug/x", {"gamma", "gamma /events"}),
        (GAMMA_RATE_LIMITS, "/status", {"gamma"}),
        (CLOB_RATE_LIMITS, "/book", {"clob", "clob /book"}),
        (CLOB_RATE_LIMITS, "/books", {"clob", "clob /books"}),
        (CLOB_RATE_LIMITS, "/prices-history", {"clob", "clob /prices-history"}),
    ],
)
def test_endpoint_rules_match_paths_relative_to_the_base_url(
    rules: tuple[RateLimitRule, ...], path: str, expected: set[str]
) -> None:
    assert {rule.name for rule in rules if rule.matches("GET", path)} == expected


# -- small helpers -------------------------------------------------------------------------


def test_build_query_repeats_sequences_and_drops_none() -> None:
    query = build_query(
        {"condition_ids": ["0xa", "0xb"], "closed": False, "limit": 100, "tag_id": None}
    )

    assert query == [
        ("condition_ids", "0xa"),
        ("condition_ids", "0xb"),
        ("closed", "false"),
        ("limit", "100"),
    ]


def test_host_of_keeps_the_port_and_ignores_the_path_prefix() -> None:
    assert host_of("http://127.0.0.1:8765/gamma") == "127.0.0.1:8765"
    assert host_of("https://gamma-api.polymarket.com") == "gamma-api.polymarket.com"
