"""Live execution through the official SDK against the simulator, over real sockets."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from eth_account import Account

from polymarket_ml.core.enums import OrderStatus, OrderType, Side
from polymarket_ml.executor.execution import RestingOrder
from polymarket_ml.executor.fees import FeeSchedule
from polymarket_ml.executor.live_fills import LiveFill
from polymarket_ml.sim.orders import FAK_NOT_FILLED, POST_ONLY_CROSSES
from tests.executor.live_env import SimThread, credentials, intent, live, new_key, wait_for

D = Decimal
GAP = D("0.1")  # resting orders this far under the bid are not reached by the market


def test_a_gtc_order_rests_on_the_exchange_and_is_cancelled() -> None:
    with SimThread() as st, live(st, new_key()) as ex:
        market = st.liquid_market()
        price = st.call(market.book.best_bid) - GAP  # type: ignore[operator]

        placed = ex.submit(intent(market, price=price), st.clock.now())

        assert placed.order.status is OrderStatus.OPEN
        assert placed.fills == ()
        exchange_id = placed.order.exchange_order_id
        assert exchange_id is not None
        assert exchange_id.startswith("0x")
        assert [o.client_order_id for o in ex.open_orders()] == ["c1"]
        assert st.call(lambda: list(st.sim.trading.open)) == [exchange_id]
        assert ex.reserved_usd() >= price * 10

        cancelled = ex.cancel("c1", st.clock.now(), "signal expired unfilled")

        assert cancelled is not None
        assert cancelled.order.status is OrderStatus.CANCELLED
        assert cancelled.order.reject_reason == "signal expired unfilled"
        assert ex.open_orders() == ()
        assert st.call(lambda: list(st.sim.trading.open)) == []
        assert ex.cancel("c1", st.clock.now(), "again") is None
        assert ex.reserved_usd() == 0
        assert ex.on_time(st.clock.now()) == ()  # the exchange's cancellation event is no news


def test_a_marketable_fak_buy_fills_with_price_size_and_fee_and_moves_the_balance() -> None:
    key = new_key()
    with SimThread() as st:
        st.call(lambda: st.sim.accounts.fund(Account.from_key(key).address, D(1000)))
        market = st.liquid_market(with_fee=True)
        ask = st.call(market.book.best_ask)
        assert ask is not None
        st.call(lambda: market.book.asks.__setitem__(ask, D(500)))
        with live(st, key) as ex:
            report = ex.submit(intent(market, price=ask, order_type=OrderType.FAK), st.clock.now())

            assert report.order.status is OrderStatus.FILLED
            assert report.order.filled_size == 10
            [fill] = report.fills
            assert isinstance(fill, LiveFill)
            assert (fill.price, fill.is_maker, fill.side) == (ask, False, Side.BUY)
            assert fill.exchange_trade_id
            assert fill.fee_usd > 0
            assert fill.size < 10  # the taker fee is paid in shares
            assert fill.price * fill.size + fill.fee_usd == ask * 10
            assert ex.balance_usd() == D(1000) - (fill.price * fill.size + fill.fee_usd)
            assert ex.shares(market.token_ids[0]) == fill.size
            token = market.token_ids[0]
            assert ex.position_gaps({token: fill.size}) == []
            [gap] = ex.position_gaps({token: D(12)})
            shares = f"{fill.size.normalize():f}"
            assert gap == f"token {token}: 12 shares in the database, {shares} on the exchange"
            stored = fill.to_fill(order_id=1)
            assert stored.exchange_trade_id == fill.exchange_trade_id

            st.advance(3)  # the trade goes MATCHED -> MINED: re-sent, never re-reported
            assert wait_for(lambda: st.call(lambda: st.sim.trading.trades[0].status == "MINED"))
            assert all(not r.fills for r in ex.on_time(st.clock.now()))


def test_post_only_crossing_and_unmarketable_fak_get_the_exchange_reason() -> None:
    with SimThread() as st, live(st, new_key()) as ex:
        market = st.liquid_market()
        ask, bid = st.call(market.book.best_ask), st.call(market.book.best_bid)
        assert ask is not None
        assert bid is not None
        now = st.clock.now()

        crossing = ex.submit(intent(market, price=ask), now, post_only=True)
        killed = ex.submit(
            intent(market, price=bid - GAP, order_type=OrderType.FAK, client_order_id="c2"), now
        )

        assert crossing.order.status is OrderStatus.REJECTED
        assert crossing.order.reject_reason == POST_ONLY_CROSSES
        assert crossing.order.post_only
        assert killed.order.status is OrderStatus.CANCELLED
        assert killed.order.reject_reason == FAK_NOT_FILLED
        assert ex.open_orders() == ()


def test_a_resting_order_filled_by_the_market_is_reported_once_from_the_user_channel() -> None:
    with SimThread() as st, live(st, new_key()) as ex:
        market = st.liquid_market()
        price = st.call(market.book.best_bid) - GAP  # type: ignore[operator]
        placed = ex.submit(intent(market, price=price), st.clock.now())
        assert ex.on_time(st.clock.now()) == ()
        assert ex.stream is not None
        assert ex.stream.connected.is_set()

        st.call(lambda: market.book.asks.__setitem__(price, D(100)))  # the market comes down
        st.advance(0.5)
        [report] = wait_for(lambda: ex.on_time(st.clock.now()))

        assert report.order.client_order_id == "c1"
        assert report.order.status is OrderStatus.FILLED
        [fill] = report.fills
        assert (fill.price, fill.size, fill.fee_usd, fill.is_maker) == (price, D(10), D(0), True)
        assert ex.open_orders() == ()
        assert placed.order.exchange_order_id not in st.call(lambda: list(st.sim.trading.open))
        ex.rest_poll = ex.rest_poll * 0  # the REST fallback sees the same trade: no new fill
        assert ex.on_time(st.clock.now()) == ()


def test_without_the_user_channel_fills_come_from_rest_polling() -> None:
    with SimThread() as st, live(st, new_key(), listen=False, rest_poll_secs=0.0) as ex:
        market = st.liquid_market()
        price = st.call(market.book.best_bid) - GAP  # type: ignore[operator]
        ex.submit(intent(market, price=price, size=D(12)), st.clock.now())

        st.call(lambda: market.book.asks.__setitem__(price, D(100)))
        st.advance(0.5)
        [report] = ex.on_time(st.clock.now())

        assert report.order.status is OrderStatus.FILLED
        assert sum(f.size for f in report.fills) == 12
        assert ex.on_time(st.clock.now()) == ()


def test_a_restart_reconciles_fills_and_open_orders_from_while_it_was_down() -> None:
    key = new_key()
    fee = FeeSchedule(rate=D("0.02"))
    with SimThread() as st:
        market = st.liquid_market()
        price = st.call(market.book.best_bid) - GAP  # type: ignore[operator]
        with live(st, key) as first:
            now = st.clock.now()
            filled = first.submit(intent(market, price=price, client_order_id="a"), now).order
            resting = first.submit(
                intent(market, price=price - D("0.01"), client_order_id="b"), now
            ).order
        # the executor is down; the market trades through order "a" only
        st.call(lambda: market.book.asks.__setitem__(price, D(100)))
        st.advance(1)

        with live(st, key) as second:
            second.restore([RestingOrder(filled, fee), RestingOrder(resting, fee)])
            reports = {r.order.client_order_id: r for r in second.on_time(st.clock.now())}

            assert set(reports) == {"a"}
            assert reports["a"].order.status is OrderStatus.FILLED
            assert [(f.price, f.size, f.is_maker) for f in reports["a"].fills] == [
                (price, D(10), True)
            ]
            assert [o.client_order_id for o in second.open_orders()] == ["b"]
            assert second.on_time(st.clock.now()) == ()
            assert second.unknown_open_orders == ()


def test_heartbeats_keep_resting_orders_and_a_dead_executor_loses_them() -> None:
    key = new_key()
    with SimThread() as st:
        market = st.liquid_market()
        price = st.call(market.book.best_bid) - GAP  # type: ignore[operator]
        with live(st, key) as ex:
            order = ex.submit(intent(market, price=price), st.clock.now()).order
            for _ in range(6):  # 24 s: longer than the 10 s + 5 s deadline, several times
                st.advance(4)
                ex.on_time(st.clock.now())
            assert st.call(lambda: list(st.sim.trading.open)) == [order.exchange_order_id]
            assert ex.heartbeat is not None
            assert ex.heartbeat.sent >= 4
        # the executor died: no more heartbeats
        st.advance(16)
        assert st.call(lambda: list(st.sim.trading.open)) == []

        with live(st, key) as again:
            again.restore([RestingOrder(order, FeeSchedule(rate=D(0)))])
            [report] = again.on_time(st.clock.now())
            assert report.order.status is OrderStatus.CANCELLED
            assert report.order.reject_reason == "no longer open on the exchange"
            assert report.fills == ()


def test_no_secret_reaches_the_logs_or_a_repr(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    key = new_key()
    with SimThread() as st:
        creds = credentials(st, key)
        market = st.liquid_market()
        price = st.call(market.book.best_bid) - GAP  # type: ignore[operator]
        with live(st, key) as ex:
            ex.submit(intent(market, price=price), st.clock.now())
            ex.submit(intent(market, price=D("0.001"), client_order_id="bad"), st.clock.now())
            st.advance(6)
            ex.on_time(st.clock.now())
            ex.cancel("c1", st.clock.now(), "done")
            api = ex.client.credentials
            shown = repr(creds) + repr(api) + repr(ex) + str(creds)
    secrets = [*creds.secrets(), api.key, api.secret, api.passphrase]

    assert caplog.records
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in repr(creds) + repr(api)
    assert key not in shown
