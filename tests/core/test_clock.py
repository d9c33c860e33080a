from datetime import UTC, datetime, timedelta

import pytest

from polymarket_ml.core.clock import FakeClock, utc_from_epoch


def test_fake_clock_moves_only_forward() -> None:
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert clock.advance(timedelta(seconds=90)) == datetime(2026, 1, 1, 0, 1, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))


def test_epoch_seconds_and_millis_are_told_apart_by_magnitude() -> None:
    assert utc_from_epoch(1724564136087) == utc_from_epoch(1724564136.087)
    assert utc_from_epoch(1724564136).year == 2024
