"""The resilient HTTP layer every REST client goes through.

One request = breaker check → rate-limit token → httpx call → on failure :func:`is_retryable`
decides, :func:`retry_delay_secs` says how long to sleep, and the host's breaker counts it.
httpx errors are translated into :mod:`.errors` here and nowhere else.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import quote

import httpx

from polymarket_ml.core.clock import Clock, SystemClock
from polymarket_ml.sources.polymarket.breaker import BreakerRegistry, CircuitBreaker
from polymarket_ml.sources.polymarket.errors import (
    BODY_EXCERPT_CHARS,
    CircuitOpenError,
    HttpError,
    HttpRequestError,
    HttpStatusError,
    HttpTimeoutError,
    HttpTransportError,
    NotFoundError,
    RateLimitedError,
    ResponseDecodeError,
)
from polymarket_ml.sources.polymarket.ratelimit import RateLimiter, RateLimitRule, Sleep
from polymarket_ml.sources.polymarket.resilience import (
    RandomSource,
    RetryPolicy,
    is_retryable,
    parse_retry_after,
    retry_delay_secs,
)

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECS = 10.0
USER_AGENT = "polymarket-ml/0.1"

ParamValue = str | int | float | bool | Sequence[str] | None
Params = Mapping[str, ParamValue]


def build_query(params: Params) -> list[tuple[str, str]]:
    """Query pairs in a stable order: ``None`` dropped, booleans as ``true``/``false``.

    Sequences become repeated keys (``condition_ids=A&condition_ids=B``), the form Gamma's
    array parameters take (polymarket-api.md §2.2).
    """
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        elif isinstance(value, str | int | float):
            pairs.append((key, str(value)))
        else:
            pairs.extend((key, item) for item in value)
    return pairs


def path_segment(value: str) -> str:
    """Quote one path segment (an id or slug) so it cannot add segments or a query."""
    return quote(value, safe="")


def host_of(base_url: str) -> str:
    """``host[:port]`` of a URL: the key of its circuit breaker and rate-limit buckets."""
    url = httpx.URL(base_url)
    return f"{url.host}:{url.port}" if url.port is not None else url.host


class ResilientHttp:
    """JSON over HTTP to one base URL, with retries, a per-host breaker and rate limits.

    ``base_url`` may carry a path prefix (the simulator serves Gamma under ``/gamma``); request
    paths are appended to it. A shared ``client`` is left open by :meth:`aclose`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        rate_limits: Sequence[RateLimitRule] = (),
        client: httpx.AsyncClient | None = None,
        timeout_secs: float = DEFAULT_TIMEOUT_SECS,
        retry: RetryPolicy | None = None,
        breakers: BreakerRegistry | None = None,
        clock: Clock | None = None,
        rate_limiter: RateLimiter | None = None,
        sleep: Sleep = asyncio.sleep,
        rand: RandomSource = random.random,
    ) -> None:
        if timeout_secs <= 0:
            raise ValueError(f"timeout_secs must be positive, got {timeout_secs}")
        self.base_url = base_url.rstrip("/")
        self.host = host_of(self.base_url)
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._owns_client = client is None
        self._client = (
            client if client is not None else httpx.AsyncClient(headers={"User-Agent": USER_AGENT})
        )
        self._timeout = httpx.Timeout(timeout_secs)
        self._retry = retry if retry is not None else RetryPolicy()
        registry = breakers if breakers is not None else BreakerRegistry(clock=self._clock)
        self._breaker: CircuitBreaker = registry.for_host(self.host)
        self._rate_limits = tuple(rate_limits)
        self._limiter = (
            rate_limiter
            if rate_limiter is not None
            else RateLimiter(clock=self._clock, sleep=sleep)
        )
        self._sleep = sleep
        self._rand = rand

    async def get_json(self, path: str, params: Params | None = None) -> Any:
        """GET ``path`` and decode the JSON body. Performs a network request."""
        return _decode_json(await self.request("GET", path, params=params), self.base_url + path)

    async def post_json(self, path: str, body: Any, params: Params | None = None) -> Any:
        """POST a JSON body to ``path`` and decode the JSON answer. Performs a network request."""
        content = await self.request("POST", path, params=params, json_body=body)
        return _decode_json(content, self.base_url + path)

    async def get_object(self, path: str, params: Params | None = None) -> dict[str, Any]:
        """GET a JSON object; any other JSON is a :class:`ResponseDecodeError`."""
        return _expect_object(await self.get_json(path, params), self.base_url + path)

    async def get_list(self, path: str, params: Params | None = None) -> list[Any]:
        """GET a JSON array; any other JSON is a :class:`ResponseDecodeError`."""
        return _expect_list(await self.get_json(path, params), self.base_url + path)

    async def post_list(self, path: str, body: Any) -> list[Any]:
        """POST a JSON body and expect a JSON array back."""
        return _expect_list(await self.post_json(path, body), self.base_url + path)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json_body: Any = None,
    ) -> bytes:
        """Send one request with retries and return the raw body of a 2xx answer.

        Performs network requests. Raises an :class:`~.errors.HttpError` once retries are
        spent or at once when not retryable, and :class:`~.errors.CircuitOpenError` when the
        host's breaker is open (then nothing is sent).
        """
        url = self.base_url + path
        query = tuple(build_query(params)) if params else None
        last_error: HttpError | None = None
        for attempt in range(1, self._retry.max_attempts + 1):
            try:
                self._breaker.acquire()
            except CircuitOpenError as exc:
                if last_error is not None:
                    raise exc from last_error
                raise
            retry_after_secs: float | None = None
            try:
                await self._limiter.acquire(self.host, method, path, self._rate_limits)
                response = await self._client.request(
                    method, url, params=query, json=json_body, timeout=self._timeout
                )
            except httpx.HTTPError as exc:
                error = _transport_error(exc, url)
                if not is_retryable(exc):
                    self._breaker.release()
                    raise error from exc
                self._breaker.record_failure()
                if attempt == self._retry.max_attempts:
                    raise error from exc
                last_error = error
            except httpx.InvalidURL as exc:
                self._breaker.release()
                raise HttpRequestError(f"{url}: {exc}", url=url) from exc
            except BaseException:
                self._breaker.release()
                raise
            else:
                if response.is_success:
                    self._breaker.record_success()
                    return response.content
                if response.status_code >= 500:
                    self._breaker.record_failure()
                else:
                    self._breaker.record_success()
                # Redirects are not followed: a 3xx is a non-retryable HttpStatusError.
                status_error = _status_error(response, method, self._clock)
                if not is_retryable(response) or attempt == self._retry.max_attempts:
                    raise status_error
                if isinstance(status_error, RateLimitedError):
                    retry_after_secs = status_error.retry_after_secs
                last_error = status_error
            delay_secs = retry_delay_secs(
                attempt, self._retry, self._rand, retry_after_secs=retry_after_secs
            )
            log.warning(
                "%s %s failed (attempt %d/%d): %s; retrying in %.2fs",
                method,
                url,
                attempt,
                self._retry.max_attempts,
                last_error,
                delay_secs,
            )
            await self._sleep(delay_secs)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def aclose(self) -> None:
        """Close the httpx client if this object created it."""
        if self._owns_client:
            await self._client.aclose()


def _decode_json(content: bytes, url: str) -> Any:
    try:
        return json.loads(content)
    except ValueError as exc:
        excerpt = content[:BODY_EXCERPT_CHARS].decode("utf-8", errors="replace")
        raise ResponseDecodeError("body is not JSON", url=url, body_excerpt=excerpt) from exc


def _expect_object(body: Any, url: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ResponseDecodeError(f"expected a JSON object, got {type(body).__name__}", url=url)
    return body


def _expect_list(body: Any, url: str) -> list[Any]:
    if not isinstance(body, list):
        raise ResponseDecodeError(f"expected a JSON array, got {type(body).__name__}", url=url)
    return body


def _transport_error(exc: httpx.HTTPError, url: str) -> HttpError:
    reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    message = f"{url}: {reason}"
    if isinstance(exc, httpx.TimeoutException):
        return HttpTimeoutError(message, url=url)
    if is_retryable(exc):
        return HttpTransportError(message, url=url)
    return HttpRequestError(message, url=url)


def _status_error(response: httpx.Response, method: str, clock: Clock) -> HttpStatusError:
    url = str(response.request.url)
    excerpt = response.content[:BODY_EXCERPT_CHARS].decode("utf-8", errors="replace")
    status = response.status_code
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now=clock.now())
        return RateLimitedError(
            url=url, body_excerpt=excerpt, method=method, retry_after_secs=retry_after
        )
    if status == 404:
        return NotFoundError(status=status, url=url, body_excerpt=excerpt, method=method)
    return HttpStatusError(status=status, url=url, body_excerpt=excerpt, method=method)


class RestClient:
    """Base of the Gamma, CLOB and Data API clients: one service behind :class:`ResilientHttp`.

    Share one ``client`` (connection pool), ``breakers``, ``rate_limiter`` and ``clock``
    between the clients of a process. Use as ``async with`` or call :meth:`aclose`.
    """

    default_base_url: ClassVar[str]
    default_rate_limits: ClassVar[tuple[RateLimitRule, ...]] = ()

    def __init__(
        self,
        base_url: str | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        timeout_secs: float = DEFAULT_TIMEOUT_SECS,
        retry: RetryPolicy | None = None,
        breakers: BreakerRegistry | None = None,
        clock: Clock | None = None,
        rate_limiter: RateLimiter | None = None,
        rate_limits: Sequence[RateLimitRule] | None = None,
        sleep: Sleep = asyncio.sleep,
        rand: RandomSource = random.random,
    ) -> None:
        self._http = ResilientHttp(
            base_url if base_url is not None else self.default_base_url,
            rate_limits=rate_limits if rate_limits is not None else self.default_rate_limits,
            client=client,
            timeout_secs=timeout_secs,
            retry=retry,
            breakers=breakers,
            clock=clock,
            rate_limiter=rate_limiter,
            sleep=sleep,
            rand=rand,
        )

    @property
    def base_url(self) -> str:
        """The base URL requests go to, without a trailing slash."""
        return self._http.base_url

    async def aclose(self) -> None:
        """Close the httpx client if this client created it."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
