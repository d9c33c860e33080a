"""Order-book features: depth, level counts, imbalance, walls, top of book."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from polymarket_ml.core.types import Book, Level
from polymarket_ml.features.book import TopOfBook, compute_book_features, top_of_book


def lv(price: str, size: str | int) -> Level:
    return Level(Decimal(price), Decimal(size))


def ladder(start: str, step: str, sizes: list[int]) -> tuple[Level, ...]:
    """Levels at start, start + step, … with the given sizes (step < 0 for bids)."""
    return tuple(
        Level(Decimal(start) + i * Decimal(step), Decimal(size)) for i, size in enumerate(sizes)
    )


def test_depths_sum_the_best_n_levels_and_levels_count_every_level() -> None:
    # given 60 bid levels from 0.600 down by 0.005 with sizes 1..60, and 3 ask levels
    book = Book(
        "yes",
        bids=ladder("0.600", "-0.005", list(range(1, 61))),
        asks=(lv("0.61", 7), lv("0.62", 8), lv("0.63", 9)),
    )
    # when
    f = compute_book_features(book)
    # then: 1+…+5 = 15, 1+…+10 = 55, 1+…+20 = 210, 1+…+50 = 1275
    assert (f.bid_depth(5), f.bid_depth(10), f.bid_depth(20), f.bid_depth(50)) == (
        15.0,
        55.0,
        210.0,
        1275.0,
    )
    # and a side with fewer levels than N sums what it has: 7 + 8 + 9 = 24
    assert f.ask_depth(5) == f.ask_depth(10) == f.ask_depth(20) == f.ask_depth(50) == 24.0
    assert (f.bid_levels, f.ask_levels) == (60, 3)


def test_bid_wall_is_the_largest_of_the_best_20_only() -> None:
    # given sizes 1..20 on the best 20 bids, then a level of 1000 at the 21st
    book = Book("yes", bids=ladder("0.600", "-0.005", [*range(1, 21), 1000]), asks=())
    # when
    f = compute_book_features(book)
    # then the wall is the 20th level: size 20 at 0.600 − 19 × 0.005 = 0.505
    assert f.bid_wall_price == pytest.approx(0.505)
    assert f.bid_wall_size == 20.0


def test_wall_ties_go_to_the_better_price_on_each_side() -> None:
    # given two levels of 30 on each side, given in a shuffled order
    book = Book(
        "yes",
        bids=(lv("0.48", 30), lv("0.50", 10), lv("0.49", 30)),
        asks=(lv("0.53", 30), lv("0.51", 10), lv("0.52", 30)),
    )
    # when
    f = compute_book_features(book)
    # then the higher bid and the lower ask win the tie
    assert (f.bid_wall_price, f.bid_wall_size) == (0.49, 30.0)
    assert (f.ask_wall_price, f.ask_wall_size) == (0.52, 30.0)


def test_imbalance_uses_the_best_10_levels_of_each_side() -> None:
    # given 11 bid levels of 30 (only 10 count: 300) and 2 ask levels of 50 (100)
    book = Book(
        "yes",
        bids=ladder("0.50", "-0.01", [30] * 11),
        asks=(lv("0.51", 50), lv("0.52", 50)),
    )
    # when
    f = compute_book_features(book)
    # then (300 − 100) / (300 + 100) = 0.5
    assert f.book_imbalance == pytest.approx(0.5)


def test_one_sided_book_has_imbalance_one_and_no_wall_on_the_empty_side() -> None:
    f = compute_book_features(Book("yes", bids=(lv("0.40", 5),), asks=()))
    assert f.book_imbalance == 1.0
    assert (f.ask_wall_price, f.ask_wall_size) == (None, None)
    assert (f.ask_depth(5), f.ask_levels) == (0.0, 0)


def test_empty_book_has_zero_depth_and_null_imbalance_walls_and_top() -> None:
    # given a book with no levels at all
    f = compute_book_features(Book("yes", bids=(), asks=()))
    # then depths and counts are known zeros, the rest is NULL
    assert f.bid_depths == (0.0, 0.0, 0.0, 0.0)
    assert f.ask_depths == (0.0, 0.0, 0.0, 0.0)
    assert (f.bid_levels, f.ask_levels) == (0, 0)
    assert f.book_imbalance is None
    assert (f.bid_wall_price, f.bid_wall_size, f.ask_wall_price, f.ask_wall_size) == (None,) * 4
    assert f.top == TopOfBook()


def test_unsorted_levels_give_the_same_features_as_sorted_ones() -> None:
    # given a sorted book and the same levels shuffled
    bids = ladder("0.600", "-0.005", [random.Random(1).randint(1, 99) for _ in range(60)])
    asks = ladder("0.605", "0.005", [random.Random(2).randint(1, 99) for _ in range(60)])
    shuffled_bids, shuffled_asks = list(bids), list(asks)
    random.Random(3).shuffle(shuffled_bids)
    random.Random(4).shuffle(shuffled_asks)
    # when
    sorted_f = compute_book_features(Book("yes", bids=bids, asks=asks))
    shuffled_f = compute_book_features(Book("yes", tuple(shuffled_bids), tuple(shuffled_asks)))
    # then
    assert shuffled_f == sorted_f
    assert sorted_f.top.best_bid == 0.6
    assert sorted_f.top.best_ask == 0.605


def test_zero_size_levels_are_dropped_and_equal_prices_merged() -> None:
    # given a zero-size best bid, and the ask 0.52 listed twice (20 + 15)
    book = Book(
        "yes",
        bids=(lv("0.50", 0), lv("0.49", 10)),
        asks=(lv("0.52", 20), lv("0.53", 30), lv("0.52", 15)),
    )
    # when
    f = compute_book_features(book)
    # then the best bid is 0.49 and 0.52 is one level of 35, the wall
    assert f.bid_levels == 1
    assert f.top.best_bid == 0.49
    assert f.top.bid_size == 10.0
    assert f.ask_levels == 2
    assert f.ask_depth(5) == 65.0
    assert (f.ask_wall_price, f.ask_wall_size) == (0.52, 35.0)
    assert top_of_book(book) == TopOfBook(0.49, 0.52, 10.0, 35.0)


def test_custom_depth_levels_are_honoured() -> None:
    book = Book("yes", bids=ladder("0.50", "-0.01", [1, 2, 3]), asks=())
    f = compute_book_features(book, depth_levels=(1, 2))
    assert (f.bid_depth(1), f.bid_depth(2)) == (1.0, 3.0)
    with pytest.raises(ValueError, match="not in"):
        f.bid_depth(5)
    with pytest.raises(ValueError, match="positive"):
        compute_book_features(book, depth_levels=(0,))
