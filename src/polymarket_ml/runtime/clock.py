"""The time base of a deployment, from the settings: the wall clock, or a sped-up shared one.

A sped-up clock (simulator demos and tests) maps the wall clock onto simulated time as
``origin + (wall − origin) × speed``. Every process given the same ``PMML_CLOCK_ORIGIN`` and
``PMML_CLOCK_SPEED`` agrees on the time without talking to the others, which is what lets Celery
workers, beat, the collector and a simulator run together on an accelerated clock.
"""

from __future__ import annotations

from polymarket_ml.core.clock import Clock, SpeedClock, SystemClock
from polymarket_ml.core.errors import ConfigError
from polymarket_ml.settings import RuntimeSettings


def clock_from_settings(runtime: RuntimeSettings, *, shared: bool) -> Clock:
    """The clock of this process. ``shared``: other processes must agree on it (distributed).

    Raises :class:`ConfigError` when a sped-up clock must be shared but has no origin.
    """
    if runtime.clock_speed == 1.0:
        return SystemClock()
    if runtime.clock_origin is None:
        if shared:
            raise ConfigError(
                f"PMML_CLOCK_SPEED={runtime.clock_speed:g} needs PMML_CLOCK_ORIGIN: every process"
                " of a distributed run must start its sped-up clock at the same instant"
            )
        return SpeedClock(runtime.clock_speed)
    return SpeedClock(runtime.clock_speed, origin=runtime.clock_origin)
