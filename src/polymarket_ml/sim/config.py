"""How a simulator instance is set up. Its clock is a ``core.clock.SpeedClock`` by default."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from polymarket_ml.core.clock import Clock
from polymarket_ml.sim.faults import FaultRule


@dataclass(frozen=True)
class SimConfig:
    """Settings of one simulator; ``port=0`` binds a free port (see ``SimServer.port``).

    ``clock``: inject a ``FakeClock`` for tests (then ``speed`` is ignored and the engine moves
    only when the clock does); by default simulated time starts at the wall clock's now and
    runs ``speed`` times faster. ``activity`` scales the message rate; ``step_interval_s`` is
    how often (in real seconds) the engine is stepped and queued frames are flushed.
    ``starting_balance_usd`` is the pUSD each new trading wallet starts with.
    """

    host: str = "127.0.0.1"
    port: int = 8765
    markets: int = 200
    seed: int = 7
    speed: float = 1.0
    activity: float = 1.0
    step_interval_s: float = 0.1
    catchup_s: float = 10.0
    faults: tuple[FaultRule, ...] = ()
    clock: Clock | None = field(default=None, compare=False)
    max_pending_frames: int = 200_000
    log_level: str = "warning"
    starting_balance_usd: Decimal = Decimal(10_000)

    def __post_init__(self) -> None:
        if self.markets < 1:
            raise ValueError("SimConfig.markets must be at least 1")
        if self.speed <= 0:
            raise ValueError("SimConfig.speed must be positive")
        if not 0 <= self.port <= 65535:
            raise ValueError("SimConfig.port must be within 0-65535")
        if self.starting_balance_usd < 0:
            raise ValueError("SimConfig.starting_balance_usd must not be negative")
        if self.step_interval_s <= 0:
            raise ValueError("SimConfig.step_interval_s must be positive")
