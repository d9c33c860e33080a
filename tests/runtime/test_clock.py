"""A sped-up clock that separate processes agree on, from the settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from polymarket_ml.core.clock import FakeClock, SpeedClock, SystemClock
from polymarket_ml.core.errors import ConfigError
from polymarket_ml.runtime.clock import clock_from_settings
from polymarket_ml.settings import RuntimeSettings

ORIGIN = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_scaled_clock_runs_speed_times_faster_from_its_origin() -> None:
    wall = FakeClock(ORIGIN + timedelta(seconds=10))
    clock = SpeedClock(60, wall, origin=ORIGIN)
    assert clock.now() == ORIGIN + timedelta(minutes=10)
    wall.advance(timedelta(seconds=1))
    assert clock.now() == ORIGIN + timedelta(minutes=11)


def test_two_processes_with_the_same_origin_and_speed_agree() -> None:
    wall = FakeClock(ORIGIN + timedelta(seconds=42))
    a = SpeedClock(120, wall, origin=ORIGIN)
    b = SpeedClock(120, wall, origin=ORIGIN)
    assert a.now() == b.now() == ORIGIN + timedelta(seconds=42 * 120)


def test_settings_give_the_wall_clock_at_speed_one() -> None:
    assert isinstance(clock_from_settings(RuntimeSettings(), shared=True), SystemClock)


def test_settings_give_a_shared_sped_up_clock() -> None:
    clock = clock_from_settings(RuntimeSettings(clock_speed=30, clock_origin=ORIGIN), shared=True)
    assert isinstance(clock, SpeedClock)
    assert (clock.speed, clock.origin) == (30, ORIGIN)


def test_a_shared_sped_up_clock_without_an_origin_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="PMML_CLOCK_ORIGIN"):
        clock_from_settings(RuntimeSettings(clock_speed=30), shared=True)
    # one process alone may start its clock now
    alone = clock_from_settings(RuntimeSettings(clock_speed=30), shared=False)
    assert isinstance(alone, SpeedClock)
