from datetime import UTC, datetime, timedelta

import pytest

from polymarket_ml.core.clock import FakeClock, SpeedClock, utc_from_epoch


def test_fake_clock_moves_only_forward() -> None:
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert clock.advance(timedelta(seconds=90)) == datetime(2026, 1, 1, 0, 1, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))


def test_epoch_seconds_and_millis_are_told_apart_by_magnitude() -> None:
    assert utc_from_epoch(1724564136087) == utc_from_epoch(1724564136.087)
    assert utc_from_epoch(1724564136).year == 2024


def test_speed_clock_runs_faster_than_its_base() -> None:
    base = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    clock = SpeedClock(60, base)
    base.advance(timedelta(seconds=10))
    assert clock.now() == datetime(2026, 1, 1, 0, 10, tzinfo=UTC)
    # two processes given one origin agree, whenever each was started
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    later = SpeedClock(60, base, origin=origin)
    assert later.now() == clock.now()
    with pytest.raises(ValueError, match="positive"):
        SpeedClock(0)
