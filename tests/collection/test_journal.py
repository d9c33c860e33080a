"""The raw-frame journal: hourly gzip JSON lines, readable after a crash."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from polymarket_ml.collection.journal import (
    JournalEntry,
    JournalWriter,
    ReadStats,
    expand_journal_paths,
    journal_files,
    read_journal,
    recent_journal_files,
)
from polymarket_ml.core.clock import FakeClock

START = datetime(2026, 6, 1, 12, 59, 58, tzinfo=UTC)


def frames(n: int, start: int = 0) -> list[bytes]:
    return [
        json.dumps({"event_type": "price_change", "n": i, "quote": 'a "b" \\ é'}).encode()
        for i in range(start, start + n)
    ]


def test_frames_round_trip_and_rotate_at_the_hour_on_the_injected_clock(tmp_path: Path) -> None:
    clock = FakeClock(START)
    with JournalWriter(tmp_path, clock) as journal:
        for i, frame in enumerate(frames(6)):
            journal.write(frame, clock.now(), f"market-{i % 2}")
            clock.advance(timedelta(seconds=1))  # 12:59:58, 12:59:59, then 13:00:00...

    files = journal_files(tmp_path)
    assert [f.name for f in files] == ["2026-06-01T12.jsonl.gz", "2026-06-01T13.jsonl.gz"]
    entries = list(read_journal(files))
    assert [e.frame.encode() for e in entries] == frames(6)
    assert [e.conn for e in entries] == ["market-0", "market-1"] * 3
    assert entries[0].received_at == START
    assert entries[2].received_at == datetime(2026, 6, 1, 13, tzinfo=UTC)
    # each file is a complete gzip file, one JSON object a line
    lines = gzip.decompress(files[0].read_bytes()).decode().splitlines()
    assert [json.loads(line)["conn"] for line in lines] == ["market-0", "market-1"]
    assert journal.stats.frames == 6
    assert journal.stats.files == 2


def test_an_idle_file_is_finished_once_its_hour_is_over(tmp_path: Path) -> None:
    clock = FakeClock(START)
    journal = JournalWriter(tmp_path, clock, flush_secs=0.01)
    journal.start()
    try:
        journal.write(b'{"a":1}', clock.now(), "market-0")
        journal.flush()
        (path,) = journal.paths
        with pytest.raises(EOFError):
            gzip.decompress(path.read_bytes())  # flushed but not finished: no trailer yet

        clock.advance(timedelta(minutes=1))  # 13:00:58, and no frame comes

        deadline = time.monotonic() + 5
        while not finished(path) and time.monotonic() < deadline:
            time.sleep(0.01)
        lines = gzip.decompress(path.read_bytes()).splitlines()
    finally:
        journal.close()
    assert [json.loads(line)["frame"] for line in lines] == ['{"a":1}']


def finished(path: Path) -> bool:
    try:
        gzip.decompress(path.read_bytes())
    except EOFError:
        return False
    return True


def test_a_file_cut_mid_stream_is_read_up_to_its_last_complete_line(tmp_path: Path) -> None:
    clock = FakeClock(START.replace(minute=0))
    journal = JournalWriter(tmp_path, clock)
    journal.start()
    for frame in frames(50):
        journal.write(frame, clock.now(), "market-0")
    journal.flush()  # a sync flush point, as every flush_secs in a live run
    for frame in frames(50, start=50):
        journal.write(frame, clock.now(), "market-0")
    journal.flush()
    (path,) = journal.paths
    data = path.read_bytes()
    journal.close()

    cut = tmp_path / "cut" / path.name
    cut.parent.mkdir()
    cut.write_bytes(data[: len(data) - 7])  # killed while writing the second flush
    with pytest.raises(EOFError):
        gzip.decompress(cut.read_bytes())

    stats = ReadStats()
    got = [e.frame.encode() for e in read_journal([cut], stats=stats)]
    assert 50 <= len(got) < 100
    assert got == frames(len(got))  # a prefix, every line whole
    assert stats.truncated_files == 1
    assert stats.bad_lines == 0

    complete = ReadStats()
    assert len(list(read_journal([path], stats=complete))) == 100
    assert complete.truncated_files == 0


def test_a_restart_within_the_hour_opens_a_new_file_after_the_old_one(tmp_path: Path) -> None:
    clock = FakeClock(START.replace(minute=10))
    for run in range(3):
        with JournalWriter(tmp_path, clock) as journal:
            journal.write(b"[]", clock.now(), f"run-{run}")
    (tmp_path / "notes.txt").write_text("not a journal")

    files = journal_files(tmp_path)
    assert [f.name for f in files] == [
        "2026-06-01T12.jsonl.gz",
        "2026-06-01T12.1.jsonl.gz",
        "2026-06-01T12.2.jsonl.gz",
    ]
    assert [e.conn for e in read_journal(expand_journal_paths([tmp_path]))] == [
        "run-0",
        "run-1",
        "run-2",
    ]


def test_concatenated_gzip_members_and_bad_lines(tmp_path: Path) -> None:
    line = {"received_at": "2026-06-01T12:00:00+00:00", "conn": "c", "frame": "[]"}
    good = (json.dumps(line) + "\n").encode()
    path = tmp_path / "2026-06-01T12.jsonl.gz"
    path.write_bytes(gzip.compress(good) + gzip.compress(b"not json\n" + good))

    stats = ReadStats()
    entries = list(read_journal([path], stats=stats))

    expected = JournalEntry(datetime(2026, 6, 1, 12, tzinfo=UTC), "c", "[]")
    assert entries == [expected, expected]
    assert (stats.lines, stats.bad_lines, stats.truncated_files) == (3, 1, 0)


def test_the_recent_files_are_those_of_this_hour_and_the_last(tmp_path: Path) -> None:
    for name in ("2026-06-01T10", "2026-06-01T11", "2026-06-01T12", "2026-06-01T12.1"):
        (tmp_path / f"{name}.jsonl.gz").write_bytes(gzip.compress(b""))

    recent = recent_journal_files(tmp_path, datetime(2026, 6, 1, 12, 30, tzinfo=UTC))

    assert [p.name for p in recent] == [
        "2026-06-01T11.jsonl.gz",
        "2026-06-01T12.jsonl.gz",
        "2026-06-01T12.1.jsonl.gz",
    ]
    assert recent_journal_files(tmp_path / "missing", START) == []
