"""The REST clients against the simulator's faults, over real sockets.

429 bursts and 5xx answers are retried; a host that keeps failing opens its circuit (calls then
fail fast without touching the network), and once the cool-down has passed one probe closes it
again. A slow answer past the timeout is retried too.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.sim.config import SimConfig
from polymarket_ml.sim.faults import FaultKind, FaultRule
from polymarket_ml.sim.server import SimServer
from polymarket_ml.sources.polymarket.breaker import BreakerRegistry, BreakerStateName
from polymarket_ml.sources.polymarket.errors import CircuitOpenError, HttpStatusError
from polymarket_ml.sources.polymarket.gamma import GammaClient
from polymarket_ml.sources.polymarket.resilience import RetryPolicy

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
FAST_RETRY = RetryPolicy(max_attempts=3, base_delay_secs=0.01, max_delay_secs=0.02)


async def _no_sleep(_: float) -> None:
    await asyncio.sleep(0)


def test_429_bursts_and_5xx_answers_are_retried() -> None:
    async def scenario() -> None:
        async with SimServer(SimConfig(port=0, markets=10, seed=1, clock=FakeClock(START))) as sim:
            sim.faults.add(FaultRule(FaultKind.HTTP_429, count=2, path_prefix="/gamma"))
            sim.faults.add(FaultRule(FaultKind.HTTP_5XX, count=2, status=502, path_prefix="/gamma"))
            async with GammaClient(
                sim.urls["gamma"],
                retry=RetryPolicy(max_attempts=5, base_delay_secs=0.01),
                sleep=_no_sleep,
            ) as gamma:
                markets = await gamma.list_markets()
            assert len(markets) == 10

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_a_failing_host_opens_its_circuit_and_a_probe_closes_it() -> None:
    clock = FakeClock(START)

    async def scenario() -> None:
        async with SimServer(SimConfig(port=0, markets=10, seed=1, clock=clock)) as sim:
            breakers = BreakerRegistry(clock=clock, failure_threshold=3, cooldown_secs=30)
            gamma = GammaClient(
                sim.urls["gamma"], retry=FAST_RETRY, breakers=breakers, clock=clock, sleep=_no_sleep
            )
            async with gamma:
                sim.faults.add(
                    FaultRule(FaultKind.HTTP_5XX, count=None, status=500, path_prefix="/gamma")
                )
                with pytest.raises(HttpStatusError):
                    await gamma.get_market("1")
                [state] = breakers.states()
                assert state.state is BreakerStateName.OPEN
                with pytest.raises(CircuitOpenError):
                    await gamma.get_market("1")  # fails fast: nothing sent
                sim.faults.clear()
                clock.advance(timedelta(seconds=31))
                markets = await gamma.list_markets()  # the half-open probe succeeds
                assert markets
                [state] = breakers.states()
                assert state.state is BreakerStateName.CLOSED

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_a_slow_answer_times_out_and_is_retried() -> None:
    async def scenario() -> None:
        async with SimServer(SimConfig(port=0, markets=5, seed=1, clock=FakeClock(START))) as sim:
            sim.faults.add(
                FaultRule(FaultKind.HTTP_SLOW, count=1, delay_s=2.0, path_prefix="/gamma")
            )
            async with GammaClient(
                sim.urls["gamma"], timeout_secs=0.5, retry=FAST_RETRY, sleep=_no_sleep
            ) as gamma:
                markets = await gamma.list_markets()
            assert len(markets) == 5

    asyncio.run(asyncio.wait_for(scenario(), 30))
