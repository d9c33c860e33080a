"""Fakes shared by the HTTP client tests: a recording mock transport, a fake sleep, a harness."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.sources.polymarket.breaker import BreakerRegistry
from polymarket_ml.sources.polymarket.resilience import RetryPolicy

START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
Handler = Callable[[httpx.Request], httpx.Response]


class FakeSleep:
    """Records each requested sleep and moves the fake clock by it instead of waiting."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.clock is not None:
            self.clock.advance(timedelta(seconds=seconds))


@dataclass
class Recorder:
    """An ``httpx.MockTransport`` that keeps every request it answered."""

    handler: Handler
    requests: list[httpx.Request] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    @property
    def paths(self) -> list[str]:
        return [request.url.path for request in self.requests]

    def params(self, index: int) -> httpx.QueryParams:
        return self.requests[index].url.params


@dataclass
class Harness:
    """Everything a client under test shares: fake time, fake sleep, breakers, a recorder."""

    recorder: Recorder
    clock: FakeClock = field(default_factory=lambda: FakeClock(START))
    sleep: FakeSleep = field(init=False)
    breakers: BreakerRegistry = field(init=False)
    retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(max_attempts=3))
    failure_threshold: int = 5
    cooldown_secs: float = 30.0

    def __post_init__(self) -> None:
        self.sleep = FakeSleep(self.clock)
        self.breakers = BreakerRegistry(
            clock=self.clock,
            failure_threshold=self.failure_threshold,
            cooldown_secs=self.cooldown_secs,
        )

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for any ``RestClient`` subclass."""
        return {
            "client": httpx.AsyncClient(transport=self.recorder.transport()),
            "retry": self.retry,
            "breakers": self.breakers,
            "clock": self.clock,
            "sleep": self.sleep,
            "rand": lambda: 1.0,
        }


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def request_json(request: httpx.Request) -> Any:
    return json.loads(request.content)
