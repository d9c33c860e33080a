"""The C accelerators of the market channel against the Python reference code.

``sources/polymarket/_parse_c`` (decoding) and ``core/_orderbook_c`` (applying to books) must
give exactly what ``parse.py`` and ``orderbook.py`` give: the same events (compared by ``repr``,
so ``Decimal('0.50')`` is not ``Decimal('0.5')``), the same errors with the same messages, and
books in the same state. Both run here on the real samples, on a realistic recorded stream, and
on thousands of damaged messages; ``accelerator.use`` switches between them.
"""

from __future__ import annotations

import gc
import json
import os
import random
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from benchmarks.bench_market_stream import build_stream
from polymarket_ml.core import orderbook
from polymarket_ml.core.events import BookEvent, MarketEvent
from polymarket_ml.core.orderbook import BookRegistry, LocalBook
from polymarket_ml.sources.polymarket import parse
from polymarket_ml.sources.polymarket.parse import FrameDecoder, decode_market_frame
from polymarket_ml.sources.polymarket.values import AMOUNTS
from tests.support import SAMPLES_DIR, sample_paths

NOW = datetime(2026, 6, 1, 12, 0, 0, 123456, tzinfo=UTC)

needs_accelerator = pytest.mark.skipif(
    not (parse.accelerator.available and orderbook.accelerator.available),
    reason="the C accelerators are not built (no C compiler when the package was installed)",
)


@contextmanager
def implementation(accelerated: bool) -> Iterator[None]:
    was = parse.accelerator.in_use, orderbook.accelerator.in_use
    assert parse.accelerator.use(accelerated) is accelerated
    assert orderbook.accelerator.use(accelerated) is accelerated
    try:
        yield
    finally:
        parse.accelerator.use(was[0])
        orderbook.accelerator.use(was[1])


def test_the_accelerators_are_built_where_make_builds_them() -> None:
    """``make test`` sets PMML_REQUIRE_ACCELERATOR=1 where a C compiler exists: a build that
    silently failed would otherwise leave the collector at half speed and these tests skipped."""
    if os.environ.get("PMML_REQUIRE_ACCELERATOR") != "1":
        pytest.skip("PMML_REQUIRE_ACCELERATOR is not set")
    assert parse.accelerator.available
    assert orderbook.accelerator.available


# -- outcomes ----------------------------------------------------------------------------


def _event_view(event: MarketEvent) -> list[str]:
    """Everything an event holds, exactly: its repr, and a snapshot's level maps."""
    view = [type(event).__name__, repr(event)]
    if isinstance(event, BookEvent) and event.level_maps is not None:
        maps = event.level_maps
        for side in (maps.bids, maps.asks):  # sizes may be kept as text: compare as Decimals
            view.append(repr({p: Decimal(s) for p, s in side.items()}))
            view.append(repr([type(p).__name__ for p in side]))
        view.append(repr(maps[2:]))
    return view


def _outcome(decode: Callable[[], list[MarketEvent]]) -> tuple[str, Any]:
    try:
        return "events", [_event_view(e) for e in decode()]
    except Exception as exc:
        return "error", (type(exc).__name__, str(exc))


def _both(raw: bytes | str, received_at: datetime | None = NOW) -> tuple[Any, Any]:
    results = []
    for accelerated in (False, True):
        with implementation(accelerated):
            results.append(_outcome(lambda: decode_market_frame(raw, received_at=received_at)))
    return results[0], results[1]


def _book_state(book: LocalBook) -> str:
    return repr(
        (
            book.market,
            book.synced,
            book.needs_resync,
            book.resync_reason,
            book.resyncs,
            book.ignored_changes,
            book.bids(),
            book.asks(),
            book.best_bid_price,
            book.best_ask_price,
            book.bid_depth(5),
            book.ask_wall(5),
            book.book_hash,
            book.exchange_ts,
            book.received_at,
            book.last_trade_price,
            book.tick_size,
            book.min_order_size,
        )
    )


def _registry_state(books: BookRegistry) -> dict[str, str]:
    return {book.token_id: _book_state(book) for book in books}


# -- the real samples --------------------------------------------------------------------


def _market_samples() -> list[Any]:
    out = []
    for path in sample_paths("ws"):
        if "user" in path.name or "subscribe" in path.name:
            continue
        out.append(pytest.param(path.read_bytes(), id=path.name))
    return out


@needs_accelerator
@pytest.mark.parametrize("raw", _market_samples())
def test_every_market_sample_decodes_to_the_same_events_or_error(raw: bytes) -> None:
    python, accelerated = _both(raw)
    assert accelerated == python
    # frames that are arrays of messages, as the server sends them
    wrapped = raw if raw.lstrip().startswith(b"[") else b"[" + raw + b"," + raw + b"]"
    python, accelerated = _both(wrapped)
    assert accelerated == python


@needs_accelerator
def test_the_accelerated_decoder_is_the_one_in_use_and_the_switch_turns_it_off() -> None:
    frame = json.dumps(
        {
            "event_type": "last_trade_price",
            "asset_id": "1",
            "market": "0x1",
            "price": "0.4321",
            "size": "7",
            "side": "BUY",
            "timestamp": "1760000000123",
        }
    )
    AMOUNTS.pop("0.4321", None)
    with implementation(True):
        (event,) = decode_market_frame(frame, received_at=NOW)
    assert "0.4321" not in AMOUNTS  # the C code memoises prices apart
    with implementation(False):
        (again,) = decode_market_frame(frame, received_at=NOW)
    assert "0.4321" in AMOUNTS  # values.to_amount did
    assert repr(event) == repr(again)


@needs_accelerator
def test_received_at_defaults_to_now_in_utc() -> None:
    frame = (SAMPLES_DIR / "ws" / "docs_price_change_v2_example_2025-09.json").read_bytes()
    before = datetime.now(UTC)
    (event,) = decode_market_frame(frame)
    after = datetime.now(UTC)
    assert event.received_at.tzinfo is UTC
    assert before <= event.received_at <= after


# -- a recorded stream, and damaged messages ---------------------------------------------


def _apply_all(
    frames: list[bytes] | list[bytes | str], accelerated: bool
) -> tuple[list[Any], dict[str, str], int, int]:
    """Frames through a FrameDecoder into a registry: the states along the way, the final
    state, and the resyncs and ignored changes of all books."""
    books = BookRegistry()
    decoder = FrameDecoder()
    outcomes = []
    with implementation(accelerated):
        for i, frame in enumerate(frames):
            events = decoder.decode(frame, received_at=NOW)
            for event in events:
                books.apply(event)
            if i % 997 == 0:
                outcomes.append(_registry_state(books))
        outcomes.append((decoder.frames, decoder.events, decoder.bad_frames))
        outcomes.append(dict(decoder.unknown_event_types))
    resyncs = sum(book.resyncs for book in books)
    return outcomes, _registry_state(books), resyncs, sum(book.ignored_changes for book in books)


@needs_accelerator
def test_a_recorded_stream_leaves_the_books_in_the_same_state() -> None:
    frames = build_stream(20_000, seed=11)
    python = _apply_all(frames, accelerated=False)
    accelerated = _apply_all(frames, accelerated=True)
    assert accelerated == python
    assert len(python[1]) == 200  # every token has a book
    assert python[2] == 0  # the generator's books are consistent: nothing was resynced


_ODD_VALUES: list[Any] = [
    *("", "0", "0.00", "000.5", "0.50", ".5", "5.", "-0.5", "+0.5", "1e3", "1E-2", "NaN"),
    *("Infinity", "sNaN", " 0.5", "0.5 ", "1_000", "0x10", "abc", "\u0663", "0.5\x00"),
    *("123456789.123456789", "0.1234567890123456789012", "99999999999999999999", "."),
    *("1760000000123", "0760000000123", "1760000000", "17600000001234", "2025-09-15T10:00:00Z"),
    *("BUY", "SELL", "buy", "sell", "Buy", "HOLD", None, 5, 0.5, True, [], {}),
]


def _mutate(message: Any, rng: random.Random) -> Any:
    """``message`` with one value somewhere replaced by an odd one, or one key dropped."""
    message = json.loads(json.dumps(message))
    target = message
    while True:  # walk down to a random dict
        children = [v for v in target.values() if isinstance(v, dict | list) and v]
        if not children or rng.random() < 0.4:
            break
        child = rng.choice(children)
        target = rng.choice(child) if isinstance(child, list) else child
        if not isinstance(target, dict):
            return message
    if not target:
        return message
    key = rng.choice(sorted(target))
    if rng.random() < 0.15:
        del target[key]
    else:
        target[key] = rng.choice(_ODD_VALUES)
    return message


def _base_messages() -> list[Any]:
    messages = []
    for path in sample_paths("ws"):
        if "user" in path.name or "subscribe" in path.name:
            continue
        data = json.loads(path.read_bytes())
        messages.extend(data if isinstance(data, list) else [data])
    messages.extend(msgspec.json.decode(f) for f in build_stream(400, seed=5)[150:400])
    return [m for m in messages if isinstance(m, dict)]


@needs_accelerator
def test_damaged_messages_give_the_same_events_or_the_same_errors() -> None:
    rng = random.Random(20261126)
    base = _base_messages()
    differences = []
    kinds: dict[str, int] = {}
    for _ in range(4_000):
        message = _mutate(rng.choice(base), rng)
        if rng.random() < 0.1:
            message = [message, _mutate(rng.choice(base), rng)]
        raw = json.dumps(message)
        python, accelerated = _both(raw)
        kinds[python[0]] = kinds.get(python[0], 0) + 1
        if python != accelerated:
            differences.append((raw, python, accelerated))
    assert differences == []
    assert kinds["error"] > 500  # both outcomes were exercised
    assert kinds["events"] > 1_500


@needs_accelerator
def test_books_fed_damaged_and_unusual_messages_end_in_the_same_state() -> None:
    """Crossed books, disagreeing best prices, tick size changes, changes to unknown or
    unsynced tokens, several changes of one token in one message: the Python code's cases."""
    rng = random.Random(7)
    frames = build_stream(3_000, seed=3)
    stream: list[bytes | str] = list(frames[:200])
    for frame in frames[200:]:
        message = msgspec.json.decode(frame)
        roll = rng.random()
        if roll < 0.1:
            message = _mutate(message, rng)
        elif roll < 0.15 and message["event_type"] == "price_change":
            entries = message["price_changes"]
            message["price_changes"] = [*entries, dict(entries[0], size="0")]  # a token again
        elif roll < 0.18 and message["event_type"] == "price_change":
            message["price_changes"][0]["asset_id"] = str(rng.randrange(10**6))  # unknown token
        elif roll < 0.19 and message["event_type"] == "book":
            message = {
                "event_type": "tick_size_change",
                "asset_id": message["asset_id"],
                "market": message["market"],
                "old_tick_size": "0.01",
                "new_tick_size": "0.001",
                "timestamp": message["timestamp"],
            }
        elif roll < 0.2 and message["event_type"] == "book" and message["bids"]:
            message["asks"] = [dict(message["bids"][-1])] + message["asks"]  # crossed
        stream.append(json.dumps(message))
    python = _apply_all(stream, accelerated=False)
    accelerated = _apply_all(stream, accelerated=True)
    assert accelerated == python
    assert python[2] > 20  # books were reset...
    assert python[3] > 20  # ...and deltas ignored until their next snapshot
    assert python[0][-2][2] > 0  # some frames were bad, and counted alike


@needs_accelerator
def test_decoding_and_applying_leaks_nothing() -> None:
    frames = build_stream(6_000, seed=9)
    books = BookRegistry()

    def run() -> None:
        for frame in frames:
            for event in decode_market_frame(frame, received_at=NOW):
                books.apply(event)
        for book in books:  # reading makes Decimals of the sizes kept as text
            book.bids()
            book.asks()

    run()
    gc.collect()
    tracemalloc.start()
    try:
        run()
        gc.collect()
        first, _ = tracemalloc.get_traced_memory()
        for _ in range(3):
            run()
        gc.collect()
        last, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert last - first < 200_000, f"{last - first} bytes more after 18,000 more frames"
