"""Market-channel samples through the frame decoder, the parsers and the local book."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from polymarket_ml.core.enums import Side
from polymarket_ml.core.errors import DataError
from polymarket_ml.core.events import (
    BestBidAsk,
    BookEvent,
    MarketResolved,
    NewMarket,
    PriceChange,
    TickSizeChange,
    TradeEvent,
)
from polymarket_ml.core.orderbook import BookRegistry, LocalBook
from polymarket_ml.core.types import Book, Level, Trade
from polymarket_ml.sources.polymarket.parse import FrameDecoder, decode_market_frame
from polymarket_ml.sources.polymarket.values import to_decimal
from tests.support import SAMPLES_DIR, load_sample, sample_paths

pytestmark = pytest.mark.usefixtures("either_hot_path")

NOW = datetime(2026, 6, 1, tzinfo=UTC)
NO_2024 = "48331043336612883890938759509493159234755048973500640148014422747788308965732"
YES_DOCS = "71321045679252212594626385532706912750332728571942532289631379312455583992563"
NO_DOCS = "52114319501245915516055106046884209969926127482827954674443846427813813222426"


def decode_one(name: str):
    events = decode_market_frame((SAMPLES_DIR / name).read_bytes(), received_at=NOW)
    assert len(events) == 1
    return events[0]


def empty_book(token: str) -> LocalBook:
    book = LocalBook(token)
    book.apply_book(Book(token, bids=(), asks=()))
    return book


def test_real_book_is_sorted_best_first_and_applies_to_a_local_book() -> None:
    event = decode_one("ws/book_snapshot_2024-10.json")
    assert isinstance(event, BookEvent)
    book = LocalBook(NO_2024)
    book.apply_book_event(event)

    assert event.book.bids[0] == Level(Decimal("0.511"), Decimal("1304.72"))
    assert event.book.asks[0] == Level(Decimal("0.514"), Decimal("20230.87"))
    assert event.exchange_ts == datetime(2024, 10, 13, 6, 3, 38, 260000, tzinfo=UTC)
    assert event.received_at == NOW
    assert (book.bid_levels, book.ask_levels) == (76, 86)
    assert (book.best_bid_price, book.best_ask_price) == (Decimal("0.511"), Decimal("0.514"))
    assert book.bid_depth(5) == Decimal("111748.49")
    assert book.ask_depth(5) == Decimal("115556.62")
    assert book.bid_wall(5) == Level(Decimal("0.506"), Decimal("95559.69"))
    assert book.ask_wall(5) == Level(Decimal("0.515"), Decimal("43551.96"))


def test_flat_2024_price_change_updates_the_book_of_its_token() -> None:
    books = BookRegistry()
    books.apply(decode_one("ws/book_snapshot_2024-10.json"))
    event = decode_one("ws/price_change_v0_flat_2024-08.json")
    assert isinstance(event, PriceChange)
    books.apply(event)

    (only,) = event.changes
    assert (only.token_id, only.side, only.price, only.size) == (
        NO_2024,
        Side.SELL,
        Decimal("0.514"),
        Decimal("21574.08"),
    )
    assert only.best_bid is None
    assert only.book_hash == "bf32b3746fff40c76c98021b7f3f07261169dd26"
    assert books.book(NO_2024).best_ask == Level(Decimal("0.514"), Decimal("21574.08"))
    assert not books.book(NO_2024).needs_resync


def test_legacy_changes_price_change_applies_without_a_top_check() -> None:
    event = decode_one("ws/docs_price_change_v1_legacy_changes_example_2024-10.json")
    assert isinstance(event, PriceChange)
    book = empty_book(YES_DOCS)

    assert book.apply_price_change(event)
    assert book.best_ask == Level(Decimal("0.4"), Decimal("3300"))
    assert book.best_bid is None
    assert book.book_hash == "3cd4d61e042c81560c9037ece0c61f3b1a8fbbdd"
    assert event.exchange_ts == datetime(2024, 10, 16, 13, 21, 17, 448000, tzinfo=UTC)


def test_current_price_change_updates_both_tokens_and_agrees_with_the_exchange() -> None:
    event = decode_one("ws/docs_price_change_v2_example_2025-09.json")
    assert isinstance(event, PriceChange)
    yes, no = empty_book(YES_DOCS), empty_book(NO_DOCS)

    assert yes.apply_price_change(event)
    assert no.apply_price_change(event)
    assert [(c.side, c.best_bid, c.best_ask) for c in event.changes] == [
        (Side.BUY, Decimal("0.5"), Decimal("1")),
        (Side.SELL, Decimal("0"), Decimal("0.5")),
    ]
    assert yes.best_bid == Level(Decimal("0.5"), Decimal("200"))
    assert yes.best_ask is None
    assert no.best_ask == Level(Decimal("0.5"), Decimal("200"))
    assert no.best_bid is None
    assert not yes.needs_resync
    assert not no.needs_resync


def test_price_change_without_event_type_is_recognised_by_its_price_changes() -> None:
    event = decode_one("ws/fixture_price_change_v2_two_assets.json")
    assert isinstance(event, PriceChange)
    books = BookRegistry()
    for token, bids, asks in [
        (
            YES_DOCS,
            (Level(Decimal("0.50"), Decimal("10")),),
            (Level(Decimal("0.52"), Decimal("10")),),
        ),
        (
            NO_DOCS,
            (Level(Decimal("0.48"), Decimal("10")),),
            (Level(Decimal("0.50"), Decimal("10")),),
        ),
    ]:
        books.book(token).apply_book(Book(token, bids=bids, asks=asks))
    books.apply(event)

    assert books.book(YES_DOCS).best_bid == Level(Decimal("0.51"), Decimal("150.0"))
    assert books.book(NO_DOCS).best_ask == Level(Decimal("0.49"), Decimal("100.0"))
    assert books.needing_resync() == []


def test_price_change_that_crosses_the_book_forces_a_resync() -> None:
    event = decode_one("ws/fixture_price_change_v2_modified.json")
    assert isinstance(event, PriceChange)
    book = LocalBook(NO_DOCS)
    book.apply_book(Book(NO_DOCS, bids=(), asks=(Level(Decimal("0.7"), Decimal("100")),)))

    assert not book.apply_price_change(event)  # its last entry bids 0.7 into the 0.7 ask
    assert book.needs_resync
    assert book.resync_reason == "crossed book: best bid 0.7 >= best ask 0.7"
    assert [c.size for c in event.changes] == [Decimal("3300"), Decimal("3400"), Decimal("3400")]


@pytest.mark.parametrize(
    ("name", "price", "size", "side", "ms"),
    [
        ("ws/last_trade_price_2024-08.json", "0.491", "85.36", Side.SELL, 1724564136087),
        (
            "ws/docs_last_trade_price_example_2025-06.json",
            "0.456",
            "219.217767",
            Side.BUY,
            1750428146322,
        ),
    ],
)
def test_last_trade_price_becomes_a_trade_with_the_taker_side(
    name: str, price: str, size: str, side: Side, ms: int
) -> None:
    event = decode_one(name)
    assert isinstance(event, TradeEvent)

    assert (event.trade.price, event.trade.size, event.trade.side) == (
        Decimal(price),
        Decimal(size),
        side,
    )
    assert event.trade.fee_rate_bps == 0
    assert event.trade.received_at == NOW
    assert event.exchange_ts == datetime.fromtimestamp(ms / 1000, tz=UTC) == event.trade.exchange_ts
    assert event.trade.condition_id.startswith("0x")


def test_docs_book_with_idealised_prices_still_parses_and_sorts() -> None:
    event = decode_one("ws/docs_book_example.json")
    assert isinstance(event, BookEvent)
    book = LocalBook(event.token_id)
    book.apply_book(event.book)

    assert (book.best_bid, book.best_ask) == (
        Level(Decimal("0.50"), Decimal("15")),
        Level(Decimal("0.52"), Decimal("25")),
    )
    assert event.book.book_hash == "0x0...."
    assert event.exchange_ts == datetime(1973, 11, 29, 21, 33, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "token_prefix", "ts"),
    [
        (
            "ws/tick_size_change_2025-02.json",
            "1154740638637641",
            datetime(2025, 2, 9, 2, 27, 21, 853000, tzinfo=UTC),
        ),
        (
            "ws/docs_tick_size_change_example.json",
            "6581861965756881",
            datetime(1973, 3, 3, 9, 46, 40, tzinfo=UTC),
        ),
    ],
)
def test_tick_size_change_resets_the_book(name: str, token_prefix: str, ts: datetime) -> None:
    event = decode_one(name)
    assert isinstance(event, TickSizeChange)
    books = BookRegistry()
    books.book(event.token_id).apply_book(
        Book(
            event.token_id,
            bids=(Level(Decimal("0.5"), Decimal("1")),),
            asks=(Level(Decimal("0.6"), Decimal("1")),),
        )
    )
    books.apply(event)

    assert event.token_id.startswith(token_prefix)
    assert (event.old_tick_size, event.new_tick_size, event.exchange_ts) == (
        Decimal("0.01"),
        Decimal("0.001"),
        ts,
    )
    assert books.book(event.token_id).needs_resync
    assert books.book(event.token_id).tick_size == Decimal("0.001")


def test_best_bid_ask_event() -> None:
    event = decode_one("ws/best_bid_ask_2025-12.json")

    assert isinstance(event, BestBidAsk)
    assert (event.best_bid, event.best_ask, event.spread) == (
        Decimal("0.73"),
        Decimal("0.77"),
        Decimal("0.04"),
    )
    assert event.exchange_ts == datetime(2025, 12, 26, 22, 51, 9, 958000, tzinfo=UTC)


@pytest.mark.parametrize(
    "name", ["ws/new_market_2025-12.json", "ws/docs_new_market_example_2025-12.json"]
)
def test_new_market_event(name: str) -> None:
    event = decode_one(name)

    assert isinstance(event, NewMarket)
    assert event.market == "0x311d0c4b6671ab54af4970c06fcf58662516f5168997bdda209ec3db5aa6b0c1"
    assert event.token_ids[0].startswith("7604307375665367822637398196")
    assert event.outcomes == ("Yes", "No")
    assert event.gamma_id == "1031769"
    assert (event.event_id, event.event_slug) == ("125819", "nvda-above-in-january-2026")
    assert event.exchange_ts == datetime(2025, 12, 26, 23, 6, 55, 550000, tzinfo=UTC)


def test_real_new_market_carries_tick_size_and_tags() -> None:
    event = decode_one("ws/new_market_2025-12.json")

    assert isinstance(event, NewMarket)
    assert (event.tick_size, event.tags, event.active) == (Decimal("0.01"), ("stocks",), True)


@pytest.mark.parametrize(
    "name", ["ws/docs_market_resolved_example_2025-12.json", "ws/fixture_market_resolved.json"]
)
def test_market_resolved_event_names_the_winning_token(name: str) -> None:
    event = decode_one(name)

    assert isinstance(event, MarketResolved)
    assert event.winning_token_id == event.token_ids[0]
    assert event.winning_token_id.endswith("922789326425")
    assert event.winning_outcome == "Yes"


@pytest.mark.parametrize("frame", [b"PONG", "NO NEW ASSETS", b"[]", b" PONG\n"])
def test_keepalive_and_empty_frames_carry_nothing(frame: bytes | str) -> None:
    assert decode_market_frame(frame, received_at=NOW) == []


def test_initial_dump_array_gives_one_event_per_book() -> None:
    book = load_sample("ws/book_snapshot_2024-10.json")
    trade = load_sample("ws/last_trade_price_2024-08.json")

    events = decode_market_frame(json.dumps([book, trade, book]), received_at=NOW)

    assert [type(e) for e in events] == [BookEvent, TradeEvent, BookEvent]


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in sample_paths("ws")
        if p.name.startswith("rtds_") or p.name.startswith("fixture_rtds")
    ],
    ids=lambda p: p.name,
)
def test_rtds_messages_are_out_of_scope_and_rejected_clearly(path) -> None:
    with pytest.raises(
        DataError, match=r"RTDS message \(topic '(crypto|equity)_prices'\) is not supported"
    ):
        decode_market_frame(path.read_bytes(), received_at=NOW)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (b"{not json", "market frame is not JSON"),
        (b'{"event_type": "book", "market": "0x1"}', "invalid book message"),
        (
            b'{"event_type": "last_trade_price", "asset_id": "1", "market": "0x1", '
            b'"price": "abc", "size": "1", "side": "BUY", "timestamp": "1"}',
            "not a decimal number: 'abc'",
        ),
        (
            b'{"event_type": "price_change", "market": "0x1", "timestamp": "1"}',
            "without price_changes",
        ),
        (b'{"market": "0x1"}', "without event_type"),
        (b'{"event_type": {"a": 1}, "market": "0x1"}', "event_type is not text"),
        (
            b'{"event_type": "last_trade_price", "asset_id": "1", "market": "0x1", '
            b'"price": "0.5", "size": "-3", "side": "BUY", "timestamp": "1760000000123"}',
            "a negative price or size: '-3'",
        ),
        (
            b'{"event_type": "price_change", "market": "0x1", "timestamp": "1760000000123", '
            b'"price_changes": [{"asset_id": "1", "price": "-0.5", "size": "3", "side": "BUY"}]}',
            "a negative price or size: '-0.5'",
        ),
        (
            b'{"event_type": "book", "market": "0x1", "asset_id": "1", "timestamp": "1", '
            b'"bids": [{"price": "0.5", "size": "-1"}], "asks": []}',
            "a negative price or size: '-1'",
        ),
        (b'{"event_type": ["book"], "market": "0x1"}', "event_type is not text"),
    ],
)
def test_unparseable_frames_raise_a_data_error_with_the_raw_text(
    frame: bytes, message: str
) -> None:
    with pytest.raises(DataError, match=message) as info:
        decode_market_frame(frame, received_at=NOW)
    assert '"0x1"' in str(info.value) or "not json" in str(info.value)


def test_frame_decoder_counts_bad_frames_and_unknown_event_types_and_goes_on() -> None:
    decoder = FrameDecoder()
    trade = load_sample("ws/last_trade_price_2024-08.json")
    mixed = json.dumps([{"event_type": "shiny_new_thing"}, trade])

    assert decoder.decode(b"garbage", received_at=NOW) == []
    events = decoder.decode(mixed, received_at=NOW)
    assert decoder.decode(b"PONG", received_at=NOW) == []

    assert [type(e) for e in events] == [TradeEvent]
    assert (decoder.frames, decoder.bad_frames, decoder.events) == (3, 1, 1)
    assert decoder.unknown_event_types == {"shiny_new_thing": 1}
    assert decoder.unknown_messages == 1


def test_raw_text_in_errors_is_truncated() -> None:
    huge = b'{"event_type": "book", "market": "' + b"x" * 5000 + b'"}'

    with pytest.raises(DataError) as info:
        decode_market_frame(huge, received_at=NOW)
    assert len(str(info.value)) < 1000
    assert "chars)" in str(info.value)


def test_a_parsed_book_applies_from_its_maps_exactly_as_from_its_sorted_book() -> None:
    raw = load_sample("ws/book_snapshot_2024-10.json")
    raw["bids"] = [*raw["bids"], {"price": "0.5110", "size": "7"}, {"price": "0.2", "size": "0"}]
    (event,) = decode_market_frame(json.dumps(raw), received_at=NOW)
    assert isinstance(event, BookEvent)
    from_maps, from_book = LocalBook(NO_2024), LocalBook(NO_2024)

    from_maps.apply_book_event(event)  # before the Book exists
    from_book.apply_book(event.book)

    assert from_maps.snapshot() == from_book.snapshot()
    assert from_maps.best_bid == Level(Decimal("0.511"), Decimal("7"))  # last size, first key
    assert str(from_maps.best_bid_price) == "0.511"
    assert Level(Decimal("0.2"), Decimal("0")) in event.book.bids  # the Book keeps what came


def test_a_bad_level_value_fails_the_frame_even_though_the_book_is_built_later() -> None:
    raw = load_sample("ws/book_snapshot_2024-10.json")
    raw["asks"] = [*raw["asks"], {"price": "0.9", "size": "lots"}]

    with pytest.raises(DataError, match="not a decimal number: 'lots'"):
        decode_market_frame(json.dumps(raw), received_at=NOW)


def test_a_parsed_trade_equals_the_one_its_constructor_builds() -> None:
    event = decode_one("ws/docs_last_trade_price_example_2025-06.json")
    assert isinstance(event, TradeEvent)
    trade = event.trade

    assert trade == Trade(
        trade.token_id,
        trade.condition_id,
        trade.price,
        trade.size,
        trade.side,
        trade.exchange_ts,
        trade.received_at,
        fee_rate_bps=0,
        transaction_hash=trade.transaction_hash,
    )
    assert event == TradeEvent(trade, trade.exchange_ts, NOW)


def test_a_parsed_price_change_equals_the_one_its_constructor_builds() -> None:
    event = decode_one("ws/docs_price_change_v2_example_2025-09.json")
    assert isinstance(event, PriceChange)

    assert event == PriceChange(event.market, event.changes, event.exchange_ts, NOW)
    assert [type(c).__name__ for c in event.changes] == ["LevelChange", "LevelChange"]
    assert event.changes[0] == event.changes[0]._replace()


@pytest.mark.parametrize("ms", [1_724_564_136_087, 1_760_000_000_999, 1_760_000_001_000, 10**11])
def test_millisecond_timestamps_are_exactly_the_epoch_time(ms: int) -> None:
    frame = load_sample("ws/last_trade_price_2024-08.json") | {"timestamp": str(ms)}

    (event,) = decode_market_frame(json.dumps(frame), received_at=NOW)

    assert event.exchange_ts == datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    assert event.exchange_ts == datetime.fromtimestamp(ms / 1000, tz=UTC)
    assert event.exchange_ts.tzinfo is UTC


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        ("1757908892351", datetime(2025, 9, 15, 4, 1, 32, 351_000, tzinfo=UTC)),
        ("1757908892", datetime(2025, 9, 15, 4, 1, 32, tzinfo=UTC)),  # seconds
        ("0757908892351", datetime(1994, 1, 7, 2, 14, 52, 351_000, tzinfo=UTC)),
        ("2025-09-15T04:01:32.351Z", datetime(2025, 9, 15, 4, 1, 32, 351_000, tzinfo=UTC)),
    ],
)
def test_a_price_change_keeps_its_time_in_any_spelling_until_read(
    timestamp: str, expected: datetime
) -> None:
    frame = load_sample("ws/docs_price_change_v2_example_2025-09.json") | {"timestamp": timestamp}
    books = BookRegistry()
    for token in (YES_DOCS, NO_DOCS):
        books.book(token).apply_book(Book(token, bids=(), asks=()))

    (event,) = decode_market_frame(json.dumps(frame), received_at=NOW)
    books.apply(event)

    assert event.exchange_ts == expected
    assert books.book(YES_DOCS).exchange_ts == expected == books.book(NO_DOCS).exchange_ts
    assert books.book(YES_DOCS).received_at == NOW


@pytest.mark.parametrize("timestamp", ["175790889235x", ""])
def test_a_price_change_with_a_bad_time_fails_the_frame(timestamp: str) -> None:
    frame = load_sample("ws/docs_price_change_v2_example_2025-09.json") | {"timestamp": timestamp}

    with pytest.raises(DataError, match=r"not an ISO-8601 date|not a timestamp"):
        decode_market_frame(json.dumps(frame), received_at=NOW)


@pytest.mark.parametrize("timestamp", ["1" * 30, "²", "99999999999999999"])
def test_a_time_out_of_range_is_a_bad_frame_not_a_crash(timestamp: str) -> None:
    frame = json.dumps(load_sample("ws/last_trade_price_2024-08.json") | {"timestamp": timestamp})
    decoder = FrameDecoder()

    with pytest.raises(DataError, match=r"timestamp out of range|not an ISO-8601 date"):
        decode_market_frame(frame, received_at=NOW)
    assert decoder.decode(frame, received_at=NOW) == []
    assert decoder.bad_frames == 1


def test_a_negative_value_another_parser_memoised_is_still_no_price() -> None:
    assert to_decimal("-0.07") == Decimal("-0.07")  # e.g. Gamma's oneDayPriceChange
    frame = json.dumps(
        {"event_type": "last_trade_price", "asset_id": "1", "market": "0x1", "price": "-0.07",
         "size": "3", "side": "BUY", "timestamp": "1760000000123"}
    )  # fmt: skip
    with pytest.raises(DataError, match="a negative price or size"):
        decode_market_frame(frame, received_at=NOW)
