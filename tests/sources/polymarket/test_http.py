"""The resilient HTTP layer end to end: retries, breaker, error translation, a real socket."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from polymarket_ml.sources.polymarket.breaker import BreakerStateName
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.errors import (
    CircuitOpenError,
    HttpRequestError,
    HttpStatusError,
    HttpTimeoutError,
    HttpTransportError,
    NotFoundError,
    RateLimitedError,
    ResponseDecodeError,
)
from polymarket_ml.sources.polymarket.gamma import GammaClient
from polymarket_ml.sources.polymarket.resilience import RetryPolicy
from tests.sources.polymarket.fakes import Harness, Recorder, json_response
from tests.support import load_sample

BOOK = load_sample("clob/book_2024-10_legacy_no_metadata.json")
TOKEN = BOOK["asset_id"]


def _answers(*responses: httpx.Response | Exception) -> Recorder:
    """A recorder that plays ``responses`` in order (an exception is raised instead)."""
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return Recorder(handler)


def _book(harness: Harness) -> dict[str, object]:
    async def scenario() -> dict[str, object]:
        async with ClobClient(**harness.client_kwargs()) as clob:
            return await clob.get_book(TOKEN)

    return asyncio.run(scenario())


def test_429_then_success_waits_for_retry_after() -> None:
    harness = Harness(
        _answers(
            json_response({"error": "rate limited"}, 429, {"Retry-After": "2"}),
            json_response(BOOK),
        )
    )

    book = _book(harness)

    assert book == BOOK
    assert harness.sleep.delays == [2.0]
    assert len(harness.recorder.requests) == 2


def test_persistent_429_raises_rate_limited_after_the_last_attempt() -> None:
    harness = Harness(_answers(*(json_response({}, 429) for _ in range(3))))

    with pytest.raises(RateLimitedError) as info:
        _book(harness)

    assert info.value.status == 429
    assert harness.sleep.delays == [0.5, 1.0]
    assert harness.breakers.for_host("clob.polymarket.com").state().state is (
        BreakerStateName.CLOSED
    )


def test_other_4xx_is_raised_at_once_with_status_url_and_body() -> None:
    harness = Harness(_answers(json_response({"error": "Invalid token id"}, 400)))

    with pytest.raises(HttpStatusError) as info:
        _book(harness)

    assert info.value.status == 400
    assert info.value.url == f"https://clob.polymarket.com/book?token_id={TOKEN}"
    assert "Invalid token id" in info.value.body_excerpt
    assert harness.sleep.delays == []


def test_404_is_a_not_found_error() -> None:
    harness = Harness(_answers(json_response({"error": "market not found"}, 404)))

    with pytest.raises(NotFoundError):
        _book(harness)


def test_connection_errors_are_retried_then_translated() -> None:
    request = httpx.Request("GET", "https://clob.polymarket.com/book")
    harness = Harness(
        _answers(
            httpx.ConnectError("refused", request=request),
            httpx.ReadTimeout("slow", request=request),
            httpx.ReadTimeout("slow", request=request),
        )
    )

    with pytest.raises(HttpTimeoutError) as info:
        _book(harness)

    assert isinstance(info.value, HttpTransportError)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert len(harness.recorder.requests) == 3
    assert harness.breakers.for_host("clob.polymarket.com").state().consecutive_failures == 3


def test_unsupported_scheme_is_a_request_error_and_not_retried() -> None:
    harness = Harness(_answers())
    sleep = harness.sleep

    async def scenario() -> None:
        async with GammaClient("ftp://example.org", sleep=sleep) as gamma:
            await gamma.get_market("1")

    with pytest.raises(HttpRequestError) as info:
        asyncio.run(scenario())
    assert isinstance(info.value.__cause__, httpx.UnsupportedProtocol)
    assert sleep.delays == []


def test_a_body_that_is_not_json_is_a_decode_error() -> None:
    harness = Harness(_answers(httpx.Response(200, text="<html>maintenance</html>")))

    with pytest.raises(ResponseDecodeError, match="maintenance"):
        _book(harness)


def test_500s_open_the_breaker_then_fail_fast_then_a_probe_closes_it() -> None:
    harness = Harness(
        _answers(*(json_response({}, 500) for _ in range(5)), json_response(BOOK)),
        retry=RetryPolicy(max_attempts=3, base_delay_secs=1.0),
        failure_threshold=5,
        cooldown_secs=60.0,
    )
    breaker = harness.breakers.for_host("clob.polymarket.com")

    async def scenario() -> None:
        async with ClobClient(**harness.client_kwargs()) as clob:
            # given: two calls whose retries keep meeting 500s
            with pytest.raises(HttpStatusError) as first:
                await clob.get_book(TOKEN)
            assert first.value.status == 500
            with pytest.raises(CircuitOpenError) as second:
                await clob.get_book(TOKEN)
            # then: the fifth failure opened the breaker and stopped the retries
            assert isinstance(second.value.__cause__, HttpStatusError)
            assert len(harness.recorder.requests) == 5
            assert breaker.state().state is BreakerStateName.OPEN

            # when: called again before the cool-down, nothing is sent
            with pytest.raises(CircuitOpenError):
                await clob.get_book(TOKEN)
            assert len(harness.recorder.requests) == 5

            # when: the cool-down has passed, one probe goes out and succeeds
            harness.clock.advance(timedelta(seconds=60))
            assert breaker.state().state is BreakerStateName.HALF_OPEN
            assert await clob.get_book(TOKEN) == BOOK

    asyncio.run(scenario())

    assert breaker.state().state is BreakerStateName.CLOSED
    assert len(harness.recorder.requests) == 6


def test_base_url_with_a_path_prefix_keeps_the_prefix() -> None:
    harness = Harness(_answers(json_response(BOOK)))

    async def scenario() -> None:
        async with ClobClient("http://127.0.0.1:8765/clob/", **harness.client_kwargs()) as clob:
            await clob.get_book(TOKEN)

    asyncio.run(scenario())

    assert str(harness.recorder.requests[0].url) == (
        f"http://127.0.0.1:8765/clob/book?token_id={TOKEN}"
    )
    assert [state.host for state in harness.breakers.states()] == ["127.0.0.1:8765"]


# -- over a real socket ---------------------------------------------------------------------


async def _serve_503_twice_then_200(
    request_lines: list[str],
) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_lines.append(head.split(b"\r\n", 1)[0].decode())
        if len(request_lines) <= 2:
            status, body = "503 Service Unavailable", b'{"error":"busy"}'
        else:
            status, body = "200 OK", b'{"id":"1557558","slug":"btc-updown-5m-1773307200"}'
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def test_client_retries_503_over_a_real_socket_and_succeeds() -> None:
    request_lines: list[str] = []

    async def scenario() -> dict[str, object]:
        server = await _serve_503_twice_then_200(request_lines)
        port = server.sockets[0].getsockname()[1]
        try:
            async with GammaClient(
                f"http://127.0.0.1:{port}/gamma",
                retry=RetryPolicy(max_attempts=3, base_delay_secs=0.01),
                timeout_secs=5.0,
            ) as gamma:
                return await gamma.get_market("1557558")
        finally:
            server.close()
            await server.wait_closed()

    market = asyncio.run(scenario())

    assert market == {"id": "1557558", "slug": "btc-updown-5m-1773307200"}
    assert request_lines == ["GET /gamma/markets/1557558 HTTP/1.1"] * 3
