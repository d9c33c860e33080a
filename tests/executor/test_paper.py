"""Paper execution: marketable walks, resting fills on trade-through, expiry, balance, depth."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from polymarket_ml.core.enums import OrderStatus, OrderType, Side
from polymarket_ml.core.types import OrderbookSnapshot, Trade
from polymarket_ml.executor.execution import OrderIntent, RestingOrder
from polymarket_ml.executor.fees import FeeSchedule
from polymarket_ml.executor.paper import PaperExecution, StoredBooks
from tests.executor.support import NOW, d, levels

FEE = FeeSchedule(rate=d("0.04"))


def _books() -> StoredBooks:
    return StoredBooks(
        {
            "yes1": OrderbookSnapshot(
                market_id=1,
                token_id="yes1",
                timestamp=NOW,
                bids=levels(("0.58", "40"), ("0.57", "60")),
                asks=levels(("0.60", "50"), ("0.61", "30"), ("0.63", "100")),
            )
        }
    )


def _paper(cash: str = "1000") -> PaperExecution:
    balance = Decimal(cash)
    return PaperExecution(_books(), lambda: balance)


def _intent(
    cid: str = "c1",
    side: Side = Side.BUY,
    price: str = "0.65",
    size: str = "100",
    order_type: OrderType = OrderType.FAK,
    expires_in_secs: float | None = None,
) -> OrderIntent:
    return OrderIntent(
        client_order_id=cid,
        market_id=1,
        token_id="yes1",
        side=side,
        price=d(price),
        size=d(size),
        order_type=order_type,
        fee=FEE,
        signal_price=d("0.60"),
        strategy="s",
        expires_at=None if expires_in_secs is None else NOW + timedelta(seconds=expires_in_secs),
    )


def _trade(price: str, size: str) -> Trade:
    return Trade("yes1", "0xc", d(price), d(size), Side.SELL, NOW, NOW)


def test_a_market_order_walks_the_levels_and_pays_what_they_cost() -> None:
    report = _paper().submit(_intent(), NOW)
    assert [(f.price, f.size, f.slippage) for f in report.fills] == [
        (d("0.60"), d(50), d("0.00")),
        (d("0.61"), d(30), d("0.01")),
        (d("0.63"), d(20), d("0.03")),
    ]
    assert report.order.status is OrderStatus.FILLED
    assert report.order.filled_size == d(100)


def test_a_fak_order_beyond_the_depth_at_its_limit_is_cancelled_for_the_rest() -> None:
    report = _paper().submit(_intent(price="0.61"), NOW)
    assert report.filled_now == d(80)
    assert report.order.status is OrderStatus.CANCELLED
    assert report.order.filled_size == d(80)


def test_two_orders_in_one_scan_do_not_take_the_same_liquidity() -> None:
    paper = _paper()
    first = paper.submit(_intent("c1", price="0.60", size="30"), NOW)
    second = paper.submit(_intent("c2", price="0.60", size="30"), NOW)
    assert first.filled_now == d(30)
    assert second.filled_now == d(20)  # only 50 at 0.60, 30 of them taken by the first
    third = paper.submit(_intent("c3", price="0.61", size="40"), NOW)
    assert [(f.price, f.size) for f in third.fills] == [(d("0.61"), d(30))]


def test_liquidity_comes_back_when_the_book_changes() -> None:
    books = _books()
    paper = PaperExecution(books, lambda: Decimal(1000))
    paper.submit(_intent("c1", price="0.60", size="50"), NOW)
    assert paper.submit(_intent("c2", price="0.60", size="50"), NOW).filled_now == 0
    later = NOW + timedelta(seconds=30)
    books.replace(
        {"yes1": OrderbookSnapshot(1, "yes1", later, bids=(), asks=levels(("0.60", "50")))}
    )
    assert paper.submit(_intent("c3", price="0.60", size="50"), later).filled_now == d(50)


def test_a_resting_order_fills_only_when_the_market_trades_through_its_price() -> None:
    paper = _paper()
    posted = paper.submit(_intent(price="0.55", size="30", order_type=OrderType.GTC), NOW)
    assert posted.fills == ()
    assert posted.order.status is OrderStatus.OPEN
    assert paper.on_trade(_trade("0.55", "100"), NOW) == ()  # at our price: still queued
    (partial,) = paper.on_trade(_trade("0.54", "12.345"), NOW)  # through: 12.34 shares
    assert [(f.price, f.size, f.is_maker, f.fee_usd) for f in partial.fills] == [
        (d("0.55"), d("12.34"), True, d(0))
    ]
    assert partial.order.status is OrderStatus.PARTIALLY_FILLED
    (done,) = paper.on_trade(_trade("0.50", "500"), NOW)
    assert done.filled_now == d("17.66")
    assert done.order.status is OrderStatus.FILLED
    assert paper.open_orders() == ()


def test_a_limit_order_is_cancelled_when_its_time_in_force_runs_out() -> None:
    paper = _paper()
    paper.submit(_intent(price="0.55", order_type=OrderType.GTD, expires_in_secs=300), NOW)
    assert paper.on_time(NOW + timedelta(seconds=299)) == ()
    (expired,) = paper.on_time(NOW + timedelta(seconds=300))
    assert expired.order.status is OrderStatus.EXPIRED
    assert paper.open_orders() == ()


def test_a_buy_needs_its_cost_and_fee_in_free_cash() -> None:
    # $50 of cash: 100 shares up to 0.65 need 65 + fee: rejected; 70 shares need 45.5 + fee
    paper = _paper("50")
    rejected = paper.submit(_intent(size="100"), NOW)
    assert rejected.order.status is OrderStatus.REJECTED
    assert rejected.order.reject_reason is not None
    assert rejected.order.reject_reason.startswith("balance:")
    resting = paper.submit(_intent("c2", price="0.55", size="70", order_type=OrderType.GTC), NOW)
    assert resting.order.status is OrderStatus.OPEN
    assert paper.reserved_usd() == d("38.5") + d("0.693")  # 70 × 0.55 + 70 × .04 × .55 × .45
    # what the resting order holds is no longer free: the balance runs out
    third = paper.submit(_intent("c3", price="0.60", size="20"), NOW)
    assert third.order.status is OrderStatus.REJECTED


def test_a_sell_needs_no_cash() -> None:
    report = _paper("0").submit(_intent(side=Side.SELL, price="0.57", size="50"), NOW)
    assert [(f.price, f.size) for f in report.fills] == [(d("0.58"), d(40)), (d("0.57"), d(10))]


def test_cancel_and_restore() -> None:
    paper = _paper()
    order = paper.submit(_intent(price="0.55", order_type=OrderType.GTC), NOW).order
    cancelled = paper.cancel("c1", NOW, "by hand")
    assert cancelled is not None
    assert cancelled.order.status is OrderStatus.CANCELLED
    assert paper.cancel("c1", NOW, "again") is None
    fresh = _paper()
    fresh.restore([RestingOrder(order, FEE, d("0.60"))])
    assert [o.client_order_id for o in fresh.open_orders()] == ["c1"]
    assert fresh.on_trade(_trade("0.50", "10"), NOW)[0].fills[0].slippage == d("-0.05")
