from datetime import UTC, datetime, timedelta

import pytest

from polymarket_ml.core.clock import FakeClock, SpeedClock, utc_from_epoch, utc_from_millis


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


@pytest.mark.parametrize("ms", [0, 1, 999, 1_724_564_136_087, 1_760_000_000_999, 9_999_999_999_999])
def test_epoch_milliseconds_convert_exactly(ms: int) -> None:
    got = utc_from_millis(ms)

    assert got == datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    assert got.microsecond == ms % 1000 * 1000
    assert got.tzinfo is UTC
