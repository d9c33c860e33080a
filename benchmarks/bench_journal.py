"""The raw-frame journal: what one frame costs the event loop, and the writer thread.

Frames are real-sized market-channel messages (a ``price_change`` and a 30-level ``book``). The
baseline is ``json.dumps`` of the same entry, measured in the same run.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from polymarket_ml.collection.journal import JournalWriter, journal_files, read_journal
from polymarket_ml.core.clock import FakeClock

PRICE_CHANGE = json.dumps(
    {
        "event_type": "price_change", "market": "0x" + "ab" * 32, "timestamp": "1767225600000",
        "price_changes": [
            {"asset_id": "7" * 77, "price": "0.52", "size": "1250.5", "side": "BUY",
             "hash": "0x" + "cd" * 20, "best_bid": "0.52", "best_ask": "0.53"},
        ],
    }
).encode()  # fmt: skip
BOOK = json.dumps(
    {
        "event_type": "book", "asset_id": "7" * 77, "market": "0x" + "ab" * 32,
        "timestamp": "1767225600000", "hash": "0x" + "cd" * 20,
        "bids": [{"price": f"0.{i:02d}", "size": f"{i * 13.5:.2f}"} for i in range(1, 31)],
        "asks": [{"price": f"0.{i:02d}", "size": f"{i * 7.25:.2f}"} for i in range(60, 90)],
    }
).encode()  # fmt: skip


def run(quick: bool = False) -> list[str]:
    n = 20_000 if quick else 200_000
    frames = [BOOK if i % 20 == 0 else PRICE_CHANGE for i in range(n)]
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        for frame in frames:
            entry = {"received_at": now.isoformat(), "conn": "market-0", "frame": frame.decode()}
            json.dumps(entry)
        baseline = (time.perf_counter() - t0) / n

        journal = JournalWriter(Path(tmp), FakeClock(now), flush_frames=n + 1)
        journal.start()
        t0 = time.perf_counter()
        for frame in frames:
            journal.write(frame, now, "market-0")
        loop_cost = (time.perf_counter() - t0) / n
        t0 = time.perf_counter()
        journal.close()
        thread_cost = (time.perf_counter() - t0) / n

        t0 = time.perf_counter()
        read = sum(1 for _ in read_journal(journal_files(Path(tmp))))
        read_cost = (time.perf_counter() - t0) / n
        raw = sum(map(len, frames))
        lines += [
            f"{n} frames, {raw / n:.0f} bytes each on average",
            f"write() in the event loop: {loop_cost * 1e6:.2f} us/frame"
            f" (json.dumps baseline {baseline * 1e6:.2f} us, ratio {loop_cost / baseline:.2f})",
            f"compress + write (writer thread): {thread_cost * 1e6:.2f} us/frame",
            f"read back: {read_cost * 1e6:.2f} us/frame ({read} frames)",
            f"compression: {journal.stats.bytes_in / journal.stats.bytes_out:.1f}x"
            f" ({journal.stats.bytes_out / n:.0f} bytes/frame on disk)",
        ]
    return lines
