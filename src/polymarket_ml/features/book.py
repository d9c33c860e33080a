"""Order-book features (T2+): depth on the best N levels, level counts, imbalance and walls.

See ``FEATURES.md``, "From the CLOB order book". A core :class:`Book` is sorted best first, but
these functions do not rely on it: each side is normalised first (levels with a size of zero or
less dropped, equal prices merged, then sorted best first), which costs one pass when the book is
already clean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate

from polymarket_ml.core.types import Book, Level

DEPTH_LEVELS = (5, 10, 20, 50)
WALL_LEVELS = 20
IMBALANCE_LEVELS = 10


@dataclass(frozen=True, slots=True)
class TopOfBook:
    """Best bid and ask with their sizes; ``None`` on an empty side."""

    best_bid: float | None = None
    best_ask: float | None = None
    bid_size: float | None = None
    ask_size: float | None = None


@dataclass(frozen=True, slots=True)
class BookFeatures:
    """The 15 book columns of a snapshot, plus the top of the book for the context features.

    ``bid_depths[i]`` and ``ask_depths[i]`` are the total sizes on the best ``depth_levels[i]``
    levels; read them with :meth:`bid_depth` / :meth:`ask_depth`. An empty side has depth 0,
    0 levels and no wall (the book is known to be empty, so 0 is not a guess).
    """

    depth_levels: tuple[int, ...]
    bid_depths: tuple[float, ...]
    ask_depths: tuple[float, ...]
    bid_levels: int
    ask_levels: int
    book_imbalance: float | None
    bid_wall_price: float | None
    bid_wall_size: float | None
    ask_wall_price: float | None
    ask_wall_size: float | None
    top: TopOfBook

    def bid_depth(self, levels: int) -> float:
        """Total bid size on the best ``levels`` levels (one of ``depth_levels``)."""
        return self.bid_depths[self.depth_levels.index(levels)]

    def ask_depth(self, levels: int) -> float:
        """Total ask size on the best ``levels`` levels (one of ``depth_levels``)."""
        return self.ask_depths[self.depth_levels.index(levels)]


def compute_book_features(
    book: Book,
    *,
    depth_levels: Sequence[int] = DEPTH_LEVELS,
    wall_levels: int = WALL_LEVELS,
    imbalance_levels: int = IMBALANCE_LEVELS,
) -> BookFeatures:
    """Depth, level counts, imbalance and walls of one book, from its best levels.

    ``book_imbalance`` is ``(bid − ask) / (bid + ask)`` over the best ``imbalance_levels`` levels
    of each side, ``None`` when both are 0. A wall is the level with the largest size among the
    best ``wall_levels`` of a side; on a tie the better price wins. Sizes are added up exactly
    (``Decimal``) and converted to float once.
    """
    if any(n <= 0 for n in depth_levels) or wall_levels <= 0 or imbalance_levels <= 0:
        raise ValueError("level counts must be positive")
    bids = normalize_levels(book.bids, descending=True)
    asks = normalize_levels(book.asks, descending=False)
    deepest = max(*depth_levels, imbalance_levels)
    bid_sums = list(accumulate(lvl.size for lvl in bids[:deepest]))
    ask_sums = list(accumulate(lvl.size for lvl in asks[:deepest]))
    bid_imb = _depth(bid_sums, imbalance_levels)
    ask_imb = _depth(ask_sums, imbalance_levels)
    total = bid_imb + ask_imb
    bid_wall = _wall(bids, wall_levels)
    ask_wall = _wall(asks, wall_levels)
    return BookFeatures(
        depth_levels=tuple(depth_levels),
        bid_depths=tuple(_depth(bid_sums, n) for n in depth_levels),
        ask_depths=tuple(_depth(ask_sums, n) for n in depth_levels),
        bid_levels=len(bids),
        ask_levels=len(asks),
        book_imbalance=(bid_imb - ask_imb) / total if total > 0 else None,
        bid_wall_price=float(bid_wall.price) if bid_wall else None,
        bid_wall_size=float(bid_wall.size) if bid_wall else None,
        ask_wall_price=float(ask_wall.price) if ask_wall else None,
        ask_wall_size=float(ask_wall.size) if ask_wall else None,
        top=_top(bids, asks),
    )


def top_of_book(book: Book) -> TopOfBook:
    """Best bid and ask of a book (normalised as above), with their sizes."""
    return _top(
        normalize_levels(book.bids, descending=True),
        normalize_levels(book.asks, descending=False),
    )


def normalize_levels(levels: Sequence[Level], *, descending: bool) -> Sequence[Level]:
    """One side of a book, best first, one level per price, every size positive.

    Levels with a size of zero or less are dropped (on the exchange they mean "no orders");
    sizes at equal prices are added up. Bids are ``descending``, asks ascending. A side that is
    already clean is returned as it is, after one pass of comparisons.
    """
    prev: Decimal | None = None
    for lvl in levels:
        if not lvl.size > 0 or (
            prev is not None and (lvl.price >= prev if descending else lvl.price <= prev)
        ):
            return _normalize_slow(levels, descending=descending)
        prev = lvl.price
    return levels


def _normalize_slow(levels: Sequence[Level], *, descending: bool) -> list[Level]:
    merged: dict[Decimal, Decimal] = {}
    for lvl in levels:
        if lvl.size > 0:
            merged[lvl.price] = merged.get(lvl.price, Decimal(0)) + lvl.size
    return [Level(price, size) for price, size in sorted(merged.items(), reverse=descending)]


def _depth(prefix_sums: list[Decimal], levels: int) -> float:
    """Total size on the best ``levels`` levels, from the running sums of the sizes."""
    if not prefix_sums:
        return 0.0
    return float(prefix_sums[min(levels, len(prefix_sums)) - 1])


def _wall(side: Sequence[Level], levels: int) -> Level | None:
    # max() keeps the first of equal sizes: on a tie the better price wins
    return max(side[:levels], key=_size) if side else None


def _size(level: Level) -> Decimal:
    return level.size


def _top(bids: Sequence[Level], asks: Sequence[Level]) -> TopOfBook:
    return TopOfBook(
        best_bid=float(bids[0].price) if bids else None,
        best_ask=float(asks[0].price) if asks else None,
        bid_size=float(bids[0].size) if bids else None,
        ask_size=float(asks[0].size) if asks else None,
    )
