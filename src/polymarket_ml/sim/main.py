"""Entry point the CLI calls for ``pmml sim`` (the CLI itself lives in ``cli/``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from polymarket_ml.core.clock import SpeedClock
from polymarket_ml.sim.config import SimConfig
from polymarket_ml.sim.faults import FaultRule
from polymarket_ml.sim.server import serve


def main(
    host: str = "127.0.0.1",
    port: int = 8765,
    markets: int = 200,
    seed: int = 7,
    speed: float = 1.0,
    faults: Sequence[str] = (),
    *,
    activity: float = 1.0,
    log_level: str = "warning",
    origin: datetime | None = None,
) -> None:
    """Run the simulator in the foreground until interrupted; prints its base URLs when ready.

    ``faults`` are specs ``kind[:key=value,...]`` with kind one of ``ws_drop``, ``ws_stall``,
    ``ws_malformed``, ``http_429``, ``http_5xx``, ``http_slow`` and keys ``rate`` (0-1),
    ``count`` (occurrences; ``none`` = unlimited), ``duration_s`` (stall), ``delay_s`` (slow),
    ``status`` (5xx code), ``path_prefix`` (HTTP only), e.g. ``http_429:rate=0.05``.
    Raises ``ValueError`` naming the bad option.

    ``origin``: the wall-clock instant simulated time starts from (default: now). Other
    processes given the same origin and speed (``PMML_CLOCK_ORIGIN``, ``PMML_CLOCK_SPEED``)
    agree with the simulator on the time.
    """
    rules = tuple(FaultRule.parse(spec) for spec in faults)
    clock = SpeedClock(speed, origin=origin or datetime.now(UTC))
    config = SimConfig(
        host=host, port=port, markets=markets, seed=seed, speed=speed, faults=rules,
        activity=activity, log_level=log_level, clock=clock,
    )  # fmt: skip
    if speed != 1.0:
        shared = f"PMML_CLOCK_SPEED={speed:g} PMML_CLOCK_ORIGIN={clock.origin.isoformat()}"
        print(f"  other processes share this clock with: {shared}")
    logging.basicConfig(level=log_level.upper())
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(config))
