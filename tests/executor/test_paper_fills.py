"""Paper fills: marketable orders walk the book; resting orders fill on trade-through only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from polymarket_ml.core.enums import ExecutionMode, OrderStatus, OrderType, Side
from polymarket_ml.core.types import Book, Fill, Order, Trade
from polymarket_ml.executor.fees import FeeSchedule
from polymarket_ml.executor.paper_fills import PaperFill, fill_marketable, fill_resting
from tests.executor.support import NOW, d, levels

FEE = FeeSchedule(rate=d("0.04"))
BOOK = Book(
    "yes1",
    bids=levels(("0.58", "40"), ("0.57", "60"), ("0.55", "100")),
    asks=levels(("0.60", "50"), ("0.61", "30"), ("0.63", "100")),
)


def _order(
    side: Side = Side.BUY,
    price: str = "0.65",
    size: str = "100",
    order_type: OrderType = OrderType.FAK,
    filled: str = "0",
) -> Order:
    return Order(
        client_order_id="c1",
        market_id=1,
        token_id="yes1",
        side=side,
        price=d(price),
        size=d(size),
        order_type=order_type,
        mode=ExecutionMode.PAPER,
        status=OrderStatus.OPEN,
        created_at=NOW,
        updated_at=NOW,
        filled_size=d(filled),
    )


def _trade(price: str, size: str, token_id: str = "yes1") -> Trade:
    return Trade(token_id, "0xc", d(price), d(size), Side.SELL, NOW, NOW)


Row = tuple[Decimal, Decimal, Decimal, Decimal | None]


def _summary(fills: tuple[PaperFill, ...]) -> list[Row]:
    return [(f.price, f.size, f.fee_usd, f.slippage) for f in fills]


def test_a_buy_walks_three_levels_and_fills_the_last_one_partially() -> None:
    # given asks 50 @ 0.60, 30 @ 0.61, 100 @ 0.63 and a BUY of 100 up to 0.65, signal at 0.60
    fills = fill_marketable(_order(), BOOK, fee=FEE, now=NOW, signal_price=d("0.60"))
    # then 50 + 30 + 20 shares, each at its level's price, taker fee 0.04 × p × (1 − p) each:
    # 50×0.04×0.60×0.40 = 0.48, 30×0.04×0.61×0.39 = 0.28548, 20×0.04×0.63×0.37 = 0.18648
    assert _summary(fills) == [
        (d("0.60"), d(50), d("0.48000"), d("0.00")),
        (d("0.61"), d(30), d("0.28548"), d("0.01")),
        (d("0.63"), d(20), d("0.18648"), d("0.03")),
    ]
    assert all(not f.is_maker and f.filled_at == NOW for f in fills)


def test_a_buy_stops_at_its_limit_price() -> None:
    # given a limit of 0.62: the 0.63 level is out of reach, 80 of 100 shares fill
    fills = fill_marketable(_order(price="0.62"), BOOK, fee=FEE, now=NOW)
    assert [(f.price, f.size) for f in fills] == [(d("0.60"), d(50)), (d("0.61"), d(30))]
    assert fills[0].slippage is None  # no signal price given


def test_a_buy_fills_partially_when_depth_runs_out() -> None:
    fills = fill_marketable(_order(size="500"), BOOK, fee=FEE, now=NOW)
    assert sum(f.size for f in fills) == d(180)


def test_a_fok_order_fills_completely_or_not_at_all() -> None:
    # given 80 shares up to 0.62 and 180 up to 0.65, for an order of 100
    short = _order(price="0.62", order_type=OrderType.FOK)
    assert fill_marketable(short, BOOK, fee=FEE, now=NOW) == ()
    assert len(fill_marketable(_order(order_type=OrderType.FOK), BOOK, fee=FEE, now=NOW)) == 3


def test_a_sell_walks_the_bids_with_slippage_signed_against_us() -> None:
    # given a SELL of 50 down to 0.56, signal at 0.58: 40 @ 0.58 then 10 @ 0.57
    order = _order(Side.SELL, price="0.56", size="50")
    fills = fill_marketable(order, BOOK, fee=FEE, now=NOW, signal_price=d("0.58"))
    assert [(f.price, f.size, f.slippage) for f in fills] == [
        (d("0.58"), d(40), d("0.00")),
        (d("0.57"), d(10), d("0.01")),  # got 0.01 less than signalled: positive is worse
    ]


def test_only_the_unfilled_part_of_an_order_is_filled() -> None:
    fills = fill_marketable(_order(size="100", filled="90"), BOOK, fee=FEE, now=NOW)
    assert [(f.price, f.size) for f in fills] == [(d("0.60"), d(10))]


@pytest.mark.parametrize(
    ("trade_price", "fills"), [("0.56", False), ("0.55", False), ("0.54", True)]
)
def test_a_resting_buy_fills_only_when_the_market_trades_through_it(
    trade_price: str, fills: bool
) -> None:
    # given a BUY resting at 0.55: a trade at 0.55 leaves us in the queue, 0.54 goes through
    fill = fill_resting(_order(price="0.55"), _trade(trade_price, "30"), fee=FEE, now=NOW)
    assert (fill is not None) is fills


def test_a_resting_fill_is_at_our_price_for_at_most_the_trade_size_as_a_maker() -> None:
    order = _order(price="0.55", size="100", filled="60")
    # a trade of 30 through it: 30 shares at 0.55, no maker fee, 0.01 better than signalled
    small = fill_resting(order, _trade("0.54", "30"), fee=FEE, now=NOW, signal_price=d("0.56"))
    assert small is not None
    assert (small.price, small.size, small.is_maker) == (d("0.55"), d(30), True)
    assert small.fee_usd == 0
    assert small.slippage == d("-0.01")
    # a trade of 500: only the 40 shares left
    big = fill_resting(order, _trade("0.50", "500"), fee=FEE, now=NOW)
    assert big is not None
    assert big.size == d(40)


def test_a_resting_sell_fills_when_the_market_trades_above_it() -> None:
    order = _order(Side.SELL, price="0.70")
    assert fill_resting(order, _trade("0.70", "10"), fee=FEE, now=NOW) is None
    assert fill_resting(order, _trade("0.71", "10"), fee=FEE, now=NOW) is not None


def test_a_trade_on_another_token_fills_nothing() -> None:
    assert fill_resting(_order(price="0.55"), _trade("0.40", "10", "no1"), fee=FEE, now=NOW) is None


def test_a_paper_fill_becomes_a_core_fill_once_the_order_has_an_id() -> None:
    (first, *_) = fill_marketable(_order(), BOOK, fee=FEE, now=NOW, signal_price=d("0.60"))
    fill = first.to_fill(order_id=42)
    assert fill == Fill(
        order_id=42,
        market_id=1,
        token_id="yes1",
        side=Side.BUY,
        price=d("0.60"),
        size=d(50),
        fee_usd=d("0.48000"),
        filled_at=NOW,
        mode=ExecutionMode.PAPER,
        is_maker=False,
        slippage=d("0.00"),
        received_at=NOW,
    )
