"""A small simulated exchange, stepped on a FakeClock, shared by the simulator tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.sim.engine import SimEngine
from polymarket_ml.sim.feed import FeedItem

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@dataclass
class SteppedEngine:
    engine: SimEngine
    clock: FakeClock
    items: list[FeedItem] = field(default_factory=list)

    def run(self, total: timedelta, step: timedelta) -> list[FeedItem]:
        out: list[FeedItem] = []
        end = self.clock.now() + total
        while self.clock.now() < end:
            self.clock.advance(step)
            out.extend(self.engine.step(self.clock.now()))
        self.items.extend(out)
        return out


def stepped_engine(markets: int = 120, seed: int = 7, catchup_s: float = 2.0) -> SteppedEngine:
    clock = FakeClock(START)
    engine = SimEngine(markets=markets, seed=seed, start=clock.now(), catchup_s=catchup_s)
    return SteppedEngine(engine, clock)


@pytest.fixture(scope="module")
def lived() -> SteppedEngine:
    """200 markets after 30 s of trading and then 10 hours in 5-minute steps (resolutions)."""
    sim = stepped_engine(markets=200)
    sim.run(timedelta(seconds=30), timedelta(seconds=0.5))
    sim.run(timedelta(hours=10), timedelta(minutes=5))
    return sim
