import pickle
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from polymarket_ml.core.enums import Side
from polymarket_ml.core.events import BookEvent, LevelChange, LevelMaps, PriceChange
from polymarket_ml.core.orderbook import LocalBook
from polymarket_ml.core.types import Book, Level

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
D = Decimal


def a_book() -> Book:
    return Book(
        "111",
        bids=(Level(D("0.48"), D("50")), Level(D("0.45"), D("300"))),
        asks=(Level(D("0.50"), D("20")),),
        exchange_ts=T0,
        received_at=T0,
        market="0xabc",
        tick_size=D("0.01"),
        book_hash="h0",
    )


class BookBuilder:
    """A fake ``build_book`` that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> Book:
        self.calls += 1
        return a_book()


def deferred_event(build: BookBuilder) -> BookEvent:
    maps = LevelMaps(
        {D("0.45"): D("300"), D("0.48"): D("50")},
        {D("0.50"): D("20")},
        market="0xabc",
        tick_size=D("0.01"),
        book_hash="h0",
    )
    return BookEvent.deferred("111", maps, build, T0, T0, D("0.49"))


def test_a_deferred_book_is_built_once_on_first_read_and_equals_the_eager_event() -> None:
    build = BookBuilder()
    event = deferred_event(build)
    assert build.calls == 0
    assert event.token_id == "111"
    assert build.calls == 0

    assert event == BookEvent(a_book(), T0, T0, D("0.49"))
    assert event.book is event.book
    assert build.calls == 1
    assert hash(event) == hash(BookEvent(a_book(), T0, T0, D("0.49")))
    assert repr(event) == repr(BookEvent(a_book(), T0, T0, D("0.49")))
    assert pickle.loads(pickle.dumps(event)) == event


def test_a_local_book_takes_the_maps_without_building_the_book() -> None:
    build = BookBuilder()
    event = deferred_event(build)
    from_maps, from_book = LocalBook("111"), LocalBook("111")

    from_maps.apply_book_event(event)
    assert build.calls == 0
    from_book.apply_book_event(BookEvent(a_book(), T0, T0, D("0.49")))

    assert from_maps.snapshot() == from_book.snapshot()
    assert from_maps.last_trade_price == from_book.last_trade_price == D("0.49")
    assert from_maps.synced

    assert from_maps.apply_change(LevelChange("111", Side.BUY, D("0.48"), D("0")))
    assert from_maps.best_bid == Level(D("0.45"), D("300"))
    assert event.level_maps is not None
    assert D("0.48") in event.level_maps.bids  # the book changed its own copy, not the event's


@pytest.mark.parametrize("name", ["book", "token_id", "exchange_ts", "level_maps"])
def test_book_events_are_immutable(name: str) -> None:
    event = deferred_event(BookBuilder())
    with pytest.raises(FrozenInstanceError):
        setattr(event, name, None)
    with pytest.raises(FrozenInstanceError):
        delattr(BookEvent(a_book(), T0, T0), name)


MS = 1_760_000_000_999  # 2025-10-09 08:53:20.999 UTC
AT_MS = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=MS)
CHANGES = (LevelChange("111", Side.BUY, D("0.48"), D("0"), D("0.45"), D("0.50"), "h1"),)


def test_a_deferred_price_change_equals_the_eager_one_with_the_exact_time() -> None:
    deferred = PriceChange.deferred("0xabc", CHANGES, MS, T0)
    eager = PriceChange("0xabc", CHANGES, AT_MS, T0)

    assert deferred.exchange_ts == AT_MS
    assert deferred.exchange_ts.microsecond == 999_000
    assert deferred.exchange_ts.tzinfo is UTC
    assert deferred.exchange_ts is deferred.exchange_ts  # converted once
    assert PriceChange.deferred("0xabc", CHANGES, MS, T0) == eager == deferred
    assert hash(PriceChange.deferred("0xabc", CHANGES, MS, T0)) == hash(eager)
    assert repr(PriceChange.deferred("0xabc", CHANGES, MS, T0)) == repr(eager)
    assert pickle.loads(pickle.dumps(deferred)) == eager
    assert eager != PriceChange("0xabc", CHANGES, AT_MS + timedelta(milliseconds=1), T0)
    assert eager != PriceChange("0xabc", (), AT_MS, T0)
    assert eager.__eq__(("0xabc", CHANGES, AT_MS, T0)) is NotImplemented


def test_price_changes_are_immutable_and_match_like_a_dataclass() -> None:
    event = PriceChange.deferred("0xabc", CHANGES, MS, T0)
    for name in ("market", "changes", "exchange_ts", "received_at"):
        with pytest.raises(FrozenInstanceError):
            setattr(event, name, None)
        with pytest.raises(FrozenInstanceError):
            delattr(event, name)

    match event:
        case PriceChange(market, changes, exchange_ts, received_at):
            assert (market, changes, exchange_ts, received_at) == ("0xabc", CHANGES, AT_MS, T0)
        case _:
            pytest.fail("a PriceChange matches its four fields by position")


def test_a_deferred_book_event_takes_epoch_milliseconds_and_its_book_the_datetime() -> None:
    event = BookEvent.deferred("111", LevelMaps({}, {}), BookBuilder(), MS, T0)

    assert event.exchange_ts == AT_MS
    assert event == BookEvent(a_book(), AT_MS, T0)


def test_a_local_book_reports_the_time_of_the_last_event_it_applied() -> None:
    book = LocalBook("111")
    book.apply_book_event(
        BookEvent.deferred("111", LevelMaps({D("0.48"): D("5")}, {}), BookBuilder(), MS, T0)
    )
    assert (book.exchange_ts, book.received_at) == (AT_MS, T0)

    later = T0 + timedelta(seconds=1)
    empty = LevelChange("111", Side.BUY, D("0.48"), D("0"), D("0"), D("1"))  # 0 / 1: no levels
    assert book.apply_price_change(PriceChange.deferred("0xabc", (empty,), MS + 1_000, later))

    assert book.exchange_ts == AT_MS + timedelta(seconds=1)
    assert book.received_at == later
    assert book.synced
    assert book.best_bid is None


def test_only_keeps_the_changes_to_the_given_tokens_and_the_rest_of_the_event() -> None:
    both = (*CHANGES, LevelChange("222", Side.SELL, D("0.52"), D("5"), D("0.5"), D("0.55")))
    event = PriceChange.deferred("0xm", both, MS, T0)
    assert event.only({"111", "222"}) is event
    assert event.only({"333"}) is None
    kept = event.only({"222"})
    assert kept is not None
    assert kept.changes == both[1:]
    assert (kept.market, kept.exchange_ts, kept.received_at) == ("0xm", event.exchange_ts, T0)
