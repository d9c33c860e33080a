"""Errors of the Polymarket HTTP clients, all under :class:`~polymarket_ml.core.errors.SourceError`.

httpx exceptions never leave ``sources/``: the HTTP layer translates them here with
``raise ... from exc``. What reaches a caller has exhausted its retries or was not retryable;
:func:`~polymarket_ml.sources.polymarket.resilience.is_retryable` says which is which.

    SourceError
     ├── HttpError                 an HTTP exchange with one URL failed
     │    ├── HttpStatusError      the server answered with a non-2xx status
     │    │    ├── NotFoundError   404
     │    │    └── RateLimitedError 429
     │    ├── HttpTransportError   no answer: connection refused/reset, protocol error
     │    │    └── HttpTimeoutError
     │    └── HttpRequestError     the request could not be sent at all (bad URL, bad config)
     ├── CircuitOpenError          the host's breaker is open; the network was not touched
     ├── PagingError               a listing did not advance (repeated page or cursor)
     └── ResponseDecodeError       a success answer whose body is not the JSON expected
"""

from __future__ import annotations

from datetime import datetime

from polymarket_ml.core.errors import SourceError

BODY_EXCERPT_CHARS = 300


class HttpError(SourceError):
    """An HTTP exchange with ``url`` failed; see the subclasses for what happens next."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class HttpStatusError(HttpError):
    """The server answered with an error status.

    5xx answers were retried with backoff before this was raised; other 4xx answers are the
    request's fault and are never retried. ``body_excerpt`` holds the start of the body for logs.
    """

    def __init__(
        self, *, status: int, url: str, body_excerpt: str = "", method: str = "GET"
    ) -> None:
        detail = f": {body_excerpt}" if body_excerpt else ""
        super().__init__(f"{method} {url} answered HTTP {status}{detail}", url=url)
        self.status = status
        self.method = method
        self.body_excerpt = body_excerpt


class NotFoundError(HttpStatusError):
    """HTTP 404: the resource does not exist (yet).

    Not retried. New markets 404 on the CLOB for minutes while Gamma already lists them
    (polymarket-api.md §3.4), so collectors skip the market and try again on the next cycle;
    Gamma listing uses it to fall back from keyset to offset paging.
    """


class RateLimitedError(HttpStatusError):
    """HTTP 429 after every retry: the venue keeps throttling us.

    The retry loop honoured ``Retry-After`` (capped) between attempts; the caller's task fails
    and runs again on its next schedule. Client-side token buckets should make this rare.
    """

    def __init__(
        self,
        *,
        url: str,
        body_excerpt: str = "",
        method: str = "GET",
        retry_after_secs: float | None = None,
    ) -> None:
        super().__init__(status=429, url=url, body_excerpt=body_excerpt, method=method)
        self.retry_after_secs = retry_after_secs


class HttpTransportError(HttpError):
    """No HTTP answer: connection refused or reset, or the server broke the protocol.

    Retried with backoff and counted by the host's circuit breaker; raised once retries are spent.
    """


class HttpTimeoutError(HttpTransportError):
    """Connecting, sending or reading took longer than the configured timeout. Retried."""


class HttpRequestError(HttpError):
    """The request could not be made at all (unsupported scheme, invalid URL, proxy setup).

    A bug or a configuration error: never retried, not counted against the host.
    """


class CircuitOpenError(SourceError):
    """The host failed repeatedly, so its circuit breaker is open and the call failed fast.

    Nothing was sent. The breaker lets one probe through after its cool-down
    (``retry_at``); callers skip this cycle rather than wait.
    """

    def __init__(self, *, host: str, retry_at: datetime | None) -> None:
        when = f"; next probe at {retry_at.isoformat()}" if retry_at is not None else ""
        super().__init__(f"circuit open for {host}{when}")
        self.host = host
        self.retry_at = retry_at


class PagingError(SourceError):
    """A paged listing stopped advancing (the same cursor or page came back) or went too deep.

    Raised instead of looping forever; the listing stops and the caller keeps what it got.
    """


class ResponseDecodeError(SourceError):
    """A success answer whose body is not JSON, or not the JSON shape the endpoint documents
    (an object where an array belongs, a page without its items).

    Not retried: the same request tends to give the same body. The task fails and runs again.
    """

    def __init__(self, message: str, *, url: str, body_excerpt: str = "") -> None:
        detail = f": {body_excerpt!r}" if body_excerpt else ""
        super().__init__(f"{url}: {message}{detail}")
        self.url = url
        self.body_excerpt = body_excerpt
