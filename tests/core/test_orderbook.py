from datetime import UTC, datetime
from decimal import Decimal

import pytest

from polymarket_ml.core.enums import Side
from polymarket_ml.core.events import BookEvent, LevelChange, PriceChange, TickSizeChange
from polymarket_ml.core.orderbook import BookRegistry, LocalBook
from polymarket_ml.core.types import Book, Level

pytestmark = pytest.mark.usefixtures("either_hot_path")

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TOKEN = "111"


def lv(price: str, size: str) -> Level:
    return Level(Decimal(price), Decimal(size))


def server_ordered_book(token: str = TOKEN) -> Book:
    """Levels in the real server's order: bids ascending, asks descending (best last)."""
    return Book(
        token_id=token,
        bids=(lv("0.40", "10"), lv("0.45", "300"), lv("0.47", "300"), lv("0.48", "50")),
        asks=(lv("0.60", "5"), lv("0.55", "80"), lv("0.52", "80"), lv("0.50", "20")),
        exchange_ts=T0,
        received_at=T0,
        market="0xabc",
        tick_size=Decimal("0.01"),
        book_hash="h0",
    )


def synced_book() -> LocalBook:
    book = LocalBook(TOKEN)
    book.apply_book(server_ordered_book())
    return book


def change(side: Side, price: str, size: str, bid: str | None = None, ask: str | None = None):
    return LevelChange(
        TOKEN,
        side,
        Decimal(price),
        Decimal(size),
        None if bid is None else Decimal(bid),
        None if ask is None else Decimal(ask),
    )


def test_snapshot_levels_come_out_best_first_whatever_the_wire_order() -> None:
    book = synced_book()

    assert book.best_bid == lv("0.48", "50")
    assert book.best_ask == lv("0.50", "20")
    assert [lvl.price for lvl in book.bids()] == [
        Decimal("0.48"),
        Decimal("0.47"),
        Decimal("0.45"),
        Decimal("0.40"),
    ]
    assert [lvl.price for lvl in book.asks()] == [
        Decimal("0.50"),
        Decimal("0.52"),
        Decimal("0.55"),
        Decimal("0.60"),
    ]
    snap = book.snapshot()
    assert snap.best_bid == lv("0.48", "50")
    assert snap.best_ask == lv("0.50", "20")
    assert (snap.tick_size, snap.book_hash, snap.market) == (Decimal("0.01"), "h0", "0xabc")


def test_depth_sums_the_best_n_levels() -> None:
    book = synced_book()

    assert book.bid_depth(2) == Decimal("350")
    assert book.ask_depth(3) == Decimal("180")
    assert book.bid_depth(50) == Decimal("660")
    assert (book.bid_levels, book.ask_levels) == (4, 4)


def test_wall_is_the_largest_size_and_a_tie_goes_to_the_better_price() -> None:
    book = synced_book()

    assert book.bid_wall(4) == lv("0.47", "300")  # 0.47 and 0.45 both hold 300
    assert book.ask_wall(4) == lv("0.52", "80")  # 0.52 and 0.55 both hold 80
    assert book.bid_wall(1) == lv("0.48", "50")
    assert LocalBook("x").bid_wall(5) is None


def test_size_zero_removes_a_level_and_the_next_level_becomes_best() -> None:
    book = synced_book()

    assert book.apply_changes([change(Side.BUY, "0.480", "0", bid="0.47", ask="0.5")])
    assert book.best_bid == lv("0.47", "300")
    assert book.bid_levels == 3
    assert not book.needs_resync


def test_a_change_sets_the_new_total_size_not_a_delta() -> None:
    book = synced_book()

    assert book.apply_change(change(Side.SELL, "0.5", "7", bid="0.48", ask="0.50"))
    assert book.best_ask == lv("0.50", "7")


def test_a_new_better_level_becomes_best_and_views_are_resorted() -> None:
    book = synced_book()
    book.asks()  # build the sorted view first

    assert book.apply_change(change(Side.SELL, "0.49", "12", bid="0.48", ask="0.49"))
    assert [lvl.price for lvl in book.asks(2)] == [Decimal("0.49"), Decimal("0.50")]


def test_best_price_mismatch_resets_and_flags_a_resync() -> None:
    book = synced_book()

    ok = book.apply_change(change(Side.BUY, "0.46", "5", bid="0.46", ask="0.50"))

    assert not ok
    assert book.needs_resync
    assert not book.synced
    assert book.resync_reason is not None
    assert "mismatch" in book.resync_reason
    assert book.bid_levels == book.ask_levels == 0


def test_empty_side_is_reported_as_bid_zero_and_ask_one() -> None:
    book = LocalBook(TOKEN)
    book.apply_book(Book(TOKEN, bids=(), asks=()))

    assert book.apply_change(change(Side.BUY, "0.5", "200", bid="0.5", ask="1"))
    assert book.best_ask is None
    assert book.best_bid == lv("0.5", "200")


def test_crossed_book_resets_and_flags_a_resync() -> None:
    book = synced_book()

    assert not book.apply_change(change(Side.BUY, "0.51", "10"))
    assert book.needs_resync
    assert book.resync_reason == "crossed book: best bid 0.51 >= best ask 0.50"


def test_crossed_snapshot_is_flagged_too() -> None:
    book = LocalBook(TOKEN)
    book.apply_book(Book(TOKEN, bids=(lv("0.6", "1"),), asks=(lv("0.6", "1"),)))

    assert book.needs_resync
    assert book.bid_levels == 0


def test_tick_size_change_resets_and_ignores_deltas_until_the_next_snapshot() -> None:
    book = synced_book()
    book.apply_tick_size_change(
        TickSizeChange(
            TOKEN, "0xabc", Decimal("0.01"), Decimal("0.001"), exchange_ts=T0, received_at=T0
        )
    )

    assert book.needs_resync
    assert book.tick_size == Decimal("0.001")
    assert book.resync_reason == "tick size changed 0.01 -> 0.001"
    assert not book.apply_change(change(Side.BUY, "0.481", "5"))
    assert book.ignored_changes == 1
    assert book.bid_levels == 0

    book.apply_book(server_ordered_book())
    assert book.synced
    assert not book.needs_resync
    assert book.resync_reason is None


def test_deltas_before_the_first_snapshot_are_ignored() -> None:
    book = LocalBook(TOKEN)

    assert not book.apply_change(change(Side.BUY, "0.4", "5"))
    assert book.ignored_changes == 1
    assert not book.needs_resync
    assert book.best_bid is None


def test_top_is_checked_after_all_changes_of_a_token_in_one_message() -> None:
    book = synced_book()
    changes = [  # the intermediate state (bid 0.49 over ask 0.50 removed) is never checked
        change(Side.SELL, "0.50", "0", bid="0.49", ask="0.52"),
        change(Side.BUY, "0.49", "9", bid="0.49", ask="0.52"),
        LevelChange("other-token", Side.BUY, Decimal("0.99"), Decimal("1")),
    ]

    assert book.apply_changes(changes)
    assert (book.best_bid_price, book.best_ask_price) == (Decimal("0.49"), Decimal("0.52"))


def test_registry_routes_events_per_token_and_lists_books_to_resync() -> None:
    books = BookRegistry()
    books.apply(BookEvent(server_ordered_book("A"), T0, T0))
    books.apply(BookEvent(server_ordered_book("B"), T0, T0))
    books.apply(
        PriceChange(
            "0xabc",
            (
                LevelChange(
                    "A", Side.BUY, Decimal("0.49"), Decimal("1"), Decimal("0.49"), Decimal("0.50")
                ),
                LevelChange(
                    "B", Side.SELL, Decimal("0.51"), Decimal("1"), Decimal("0.48"), Decimal("0.49")
                ),  # wrong
            ),
            T0,
            T0,
        )
    )

    assert books.get("A") is not None
    assert books.book("A").best_bid == lv("0.49", "1")
    assert [b.token_id for b in books.needing_resync()] == ["B"]
    assert len(books) == 2
    assert "A" in books


@pytest.mark.parametrize("n", [0, 1, 10])
def test_depth_of_an_empty_book_is_zero(n: int) -> None:
    assert LocalBook("x").bid_depth(n) == Decimal(0) == LocalBook("x").ask_depth(n)
