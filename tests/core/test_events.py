import pickle
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from polymarket_ml.core.enums import Side
from polymarket_ml.core.events import BookEvent, LevelChange, LevelMaps
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
