"""Throughput of the market-channel hot path: decode raw frames and apply them to local books.

A synthetic recorded stream (bytes, one message per frame, as the server sends them) over ~200
tokens of 100 binary markets, 70% ``price_change`` / 20% ``last_trade_price`` / 10% ``book``,
with mirrored YES/NO books, ``best_bid``/``best_ask`` consistent with the books, bids ascending
and asks descending like the real server. Reports messages/s for decode + parse + apply, beside
the ceiling of a bare msgspec decode of the same frames into the wire structs measured in the same
run, and the ratio of the two; then the same for each message type alone, and for the Python
reference code (the C accelerators switched off) over the first 200,000 messages.
"""

from __future__ import annotations

import gc
import random
import time
from datetime import UTC, datetime

import msgspec

from polymarket_ml.core import orderbook
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.sources.polymarket import parse
from polymarket_ml.sources.polymarket.parse import decode_market_frame
from polymarket_ml.sources.polymarket.wire_ws import MarketFrame

MARKETS = 100  # two tokens each
TICKS = 100  # prices in cents
INITIAL_DUMP = 2 * MARKETS  # the first frames: one book per token
CHUNK = 20_000  # frames timed in turns by the ceiling and the full path
PYTHON_SAMPLE = 200_000  # frames through the Python reference code


def _token(rng: random.Random) -> str:
    return str(rng.randrange(10**76, 10**77))


def _price(ticks: int) -> str:
    return (
        f"{ticks / TICKS:.2f}".rstrip("0").rstrip(".")
        if ticks % 10 == 0
        else f"{ticks / TICKS:.2f}"
    )


def _size(rng: random.Random) -> str:
    return f"{rng.randrange(5, 50_000) / 100:.2f}"


class _Market:
    """The generator's own view of one market: the YES book in ticks; NO is its mirror."""

    def __init__(self, rng: random.Random, index: int) -> None:
        self.condition_id = f"0x{index:064x}"
        self.yes, self.no = _token(rng), _token(rng)
        self.mid = rng.randrange(25, 76)
        self.bids = {t: _size(rng) for t in range(self.mid - 20, self.mid) if rng.random() < 0.8}
        self.asks = {
            t: _size(rng) for t in range(self.mid + 1, self.mid + 21) if rng.random() < 0.8
        }
        self.bids.setdefault(self.mid - 1, "100")
        self.asks.setdefault(self.mid + 1, "100")

    def top(self) -> tuple[int, int]:
        return (max(self.bids) if self.bids else 0, min(self.asks) if self.asks else TICKS)

    def book(self, yes: bool, ts: int) -> dict[str, object]:
        if yes:
            bids = [(t, s) for t, s in sorted(self.bids.items())]  # ascending: best last
            asks = [(t, s) for t, s in sorted(self.asks.items(), reverse=True)]
        else:  # a YES ask at p is a NO bid at 1 - p
            bids = [(TICKS - t, s) for t, s in sorted(self.asks.items(), reverse=True)]
            asks = [(TICKS - t, s) for t, s in sorted(self.bids.items())]
        return {
            "event_type": "book",
            "market": self.condition_id,
            "asset_id": self.yes if yes else self.no,
            "timestamp": str(ts),
            "hash": f"{ts:040x}",
            "bids": [{"price": _price(t), "size": s} for t, s in bids],
            "asks": [{"price": _price(t), "size": s} for t, s in asks],
            "tick_size": "0.01",
            "last_trade_price": "",
        }

    def price_change(self, rng: random.Random, ts: int) -> dict[str, object]:
        bid_side = rng.random() < 0.5
        levels = self.bids if bid_side else self.asks
        band = range(self.mid - 20, self.mid) if bid_side else range(self.mid + 1, self.mid + 21)
        ticks = rng.choice(band)
        remove = ticks in levels and len(levels) > 3 and rng.random() < 0.3
        size = "0" if remove else _size(rng)
        if remove:
            del levels[ticks]
        else:
            levels[ticks] = size
        best_bid, best_ask = self.top()
        yes_side, no_side = ("BUY", "SELL") if bid_side else ("SELL", "BUY")
        return {
            "event_type": "price_change",
            "market": self.condition_id,
            "timestamp": str(ts),
            "price_changes": [
                {
                    "asset_id": self.yes,
                    "price": _price(ticks),
                    "size": size,
                    "side": yes_side,
                    "hash": f"{ts:040x}",
                    "best_bid": _price(best_bid),
                    "best_ask": _price(best_ask),
                },
                {
                    "asset_id": self.no,
                    "price": _price(TICKS - ticks),
                    "size": size,
                    "side": no_side,
                    "hash": f"{ts + 1:040x}",
                    "best_bid": _price(TICKS - best_ask),
                    "best_ask": _price(TICKS - best_bid),
                },
            ],
        }

    def trade(self, rng: random.Random, ts: int) -> dict[str, object]:
        yes = rng.random() < 0.5
        best_bid, best_ask = self.top()
        buy = rng.random() < 0.5
        ticks = best_ask if buy else best_bid
        return {
            "event_type": "last_trade_price",
            "market": self.condition_id,
            "asset_id": self.yes if yes else self.no,
            "price": _price(ticks if yes else TICKS - ticks),
            "size": _size(rng),
            "side": "BUY" if buy else "SELL",
            "fee_rate_bps": "0",
            "timestamp": str(ts),
        }


def build_stream(messages: int, seed: int = 7) -> list[bytes]:
    """``messages`` frames of JSON bytes; the first 200 are the initial book dump."""
    rng = random.Random(seed)
    markets = [_Market(rng, i) for i in range(MARKETS)]
    encode = msgspec.json.encode
    ts = 1_760_000_000_000
    frames = [encode(m.book(yes, ts)) for m in markets for yes in (True, False)]
    assert len(frames) == INITIAL_DUMP
    while len(frames) < messages:
        ts += rng.randrange(0, 3)
        market = rng.choice(markets)
        roll = rng.random()
        if roll < 0.7:
            msg = market.price_change(rng, ts)
        elif roll < 0.9:
            msg = market.trade(rng, ts)
        else:
            msg = market.book(rng.random() < 0.5, ts)
        frames.append(encode(msg))
    return frames


def _decode_only(frames: list[bytes]) -> float:
    decode = msgspec.json.Decoder(MarketFrame).decode
    start = time.perf_counter()
    for frame in frames:
        decode(frame)
    return time.perf_counter() - start


def _decode_and_apply(frames: list[bytes], books: BookRegistry) -> float:
    apply = books.apply
    start = time.perf_counter()
    for frame in frames:
        for event in decode_market_frame(frame):
            apply(event)
    return time.perf_counter() - start


def _both(frames: list[bytes], books: BookRegistry) -> tuple[float, float]:
    """Seconds of the ceiling and of the full path over ``frames``, measured chunk by chunk in
    turns, so that both see the same load on a shared machine."""
    ceiling = elapsed = 0.0
    for start in range(0, len(frames), CHUNK):
        chunk = frames[start : start + CHUNK]
        ceiling += _decode_only(chunk)
        elapsed += _decode_and_apply(chunk, books)
    return ceiling, elapsed


def _warm_registry(frames: list[bytes]) -> BookRegistry:
    """A registry holding the initial dump, as after a collector's first subscription."""
    books = BookRegistry()
    _decode_and_apply(frames[:INITIAL_DUMP], books)
    return books


def _by_type(frames: list[bytes]) -> dict[str, list[bytes]]:
    decode = msgspec.json.Decoder(MarketFrame).decode
    groups: dict[str, list[bytes]] = {}
    for frame in frames[INITIAL_DUMP:]:
        msg = decode(frame)
        assert not isinstance(msg, list)
        groups.setdefault(str(type(msg).__struct_config__.tag), []).append(frame)
    return groups


def _rate_line(label: str, count: int, ceiling_s: float, elapsed_s: float) -> str:
    ceiling_rate, rate = count / ceiling_s, count / elapsed_s
    return (
        f"  {label:<29} {rate:>10,.0f} msg/s  ({rate / ceiling_rate:.2f} of {ceiling_rate:,.0f} "
        f"ceiling, {elapsed_s / count * 1e6:.2f} µs/msg)"
    )


def _accelerators() -> str:
    if parse.accelerator.in_use and orderbook.accelerator.in_use:
        return "the C accelerators, as make builds them"
    if not (parse.accelerator.available and orderbook.accelerator.available):
        return "the Python code only: the C accelerators are not built (no C compiler?)"
    return "the Python code only: PMML_PURE_PYTHON is set"


def _python_reference(frames: list[bytes]) -> str:
    """The same path with the C accelerators switched off: what they are worth."""
    was_c = parse.accelerator.in_use, orderbook.accelerator.in_use
    parse.accelerator.use(False)
    orderbook.accelerator.use(False)
    try:
        ceiling, elapsed = _both(frames, _warm_registry(frames))
    finally:
        parse.accelerator.use(was_c[0])
        orderbook.accelerator.use(was_c[1])
    return _rate_line(f"Python code only, {len(frames) // 1000}k", len(frames), ceiling, elapsed)


def run(quick: bool = False) -> list[str]:
    """Build the stream, time both paths on the same bytes, return the report lines.

    Before timing, the initial dump goes through both paths once (imports, memos, books) and
    ``gc.freeze()`` moves what exists into the permanent generation, as the collector does once
    it has started (see ``sources/polymarket/parse.py``); collections during the run still count.
    """
    count = 50_000 if quick else 1_000_000
    print(f"bench_market_stream: building {count:,} messages…", flush=True)
    frames = build_stream(count)
    megabytes = sum(len(f) for f in frames) / 1e6
    groups = _by_type(frames)
    _decode_only(frames[:INITIAL_DUMP])
    books = _warm_registry(frames)
    gc.collect()
    gc.freeze()
    try:
        ceiling, elapsed = _both(frames, books)
        per_type = []
        for kind in ("price_change", "last_trade_price", "book"):
            subset = groups.get(kind, [])
            if subset:
                kind_ceiling, kind_elapsed = _both(subset, _warm_registry(frames))
                per_type.append(_rate_line(f"{kind} only", len(subset), kind_ceiling, kind_elapsed))
        python_line = _python_reference(frames[:PYTHON_SAMPLE])
    finally:
        gc.unfreeze()
    resyncs = sum(b.resyncs for b in books)
    top = [(b.best_bid_price, b.best_ask_price) for b in books]
    mix = ", ".join(f"{len(groups.get(k, [])) / count:.0%} {k}" for k in sorted(groups))
    return [
        f"market stream: {count:,} messages ({megabytes:.0f} MB), {len(books)} tokens, "
        f"{mix}; the first {INITIAL_DUMP} are the initial book dump",
        f"  {'msgspec decode only (ceiling)':<29} {count / ceiling:>10,.0f} msg/s",
        _rate_line("decode + parse + apply books", count, ceiling, elapsed),
        f"    (with {_accelerators()})",
        "  per message type (each alone, its own ceiling):",
        *per_type,
        python_line,
        f"  books resynced: {resyncs} (expected 0); books with both sides: "
        f"{sum(1 for b, a in top if b is not None and a is not None)}/{len(top)}; "
        f"run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    ]


if __name__ == "__main__":
    for line in run(quick=True):
        print(line)
