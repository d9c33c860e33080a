"""The official ``polymarket-client`` SDK trading against the simulator over real sockets."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import pytest
import websockets
from polymarket import OrderHeartbeatMismatchError, RequestRejectedError

from polymarket_ml.sim import SimServer
from polymarket_ml.sim.orders import FAK_NOT_FILLED, FOK_NOT_FILLED, POST_ONLY_CROSSES
from tests.sim.trading_env import (
    advance,
    get,
    liquid_market,
    recv_user_events,
    run_trading,
    sdk_client,
)

UNITS = Decimal(1_000_000)


def test_sdk_derives_credentials_rests_a_gtc_order_lists_it_and_cancels_it() -> None:
    async def scenario(sim: SimServer) -> None:
        client = await sdk_client(sim)
        try:
            assert client.credentials.key in sim.accounts.keys
            assert await client.fetch_api_keys() == (client.credentials.key,)
            balance = await client.get_balance_allowance(asset_type="COLLATERAL")
            assert balance.balance == 10_000 * 1_000_000
            market = liquid_market(sim)
            token = market.token_ids[0]
            price = market.book.best_bid() - market.tick  # type: ignore[operator]

            placed = await client.place_limit_order(token_id=token, price=price, size=10,
                                                    side="BUY")  # fmt: skip

            assert placed.ok
            assert placed.status == "live"
            assert placed.trade_ids == ()
            page = await client.list_open_orders(market=market.condition_id).first_page()
            assert [(o.id, o.price, o.original_size, o.status) for o in page.items] == [
                (placed.order_id, price, Decimal(10), "LIVE")
            ]
            canceled = await client.cancel_order(order_id=placed.order_id)
            assert canceled.canceled == (placed.order_id,)
            assert canceled.not_canceled == {}
            again = await client.cancel_order(order_id=placed.order_id)
            assert again.not_canceled == {placed.order_id: "already canceled or matched"}
            assert (await client.list_open_orders().first_page()).items == ()
        finally:
            await client.close()

    run_trading(scenario)


def test_sdk_fak_buy_fills_against_the_book_and_reports_the_trade_everywhere() -> None:
    async def scenario(sim: SimServer) -> None:
        client = await sdk_client(sim)
        try:
            market = liquid_market(sim)
            token = market.token_ids[0]
            creds = client.credentials
            best_ask = market.book.best_ask()
            async with websockets.connect(sim.urls["ws_user"]) as ws:
                await ws.send(json.dumps({
                    "auth": {"apiKey": creds.key, "secret": creds.secret,
                             "passphrase": creds.passphrase},
                    "markets": [market.condition_id], "type": "user",
                }))  # fmt: skip
                await ws.send("PING")  # answered after the subscription is handled
                assert await ws.recv() == "PONG"

                placed = await client.place_market_order(token_id=token, side="BUY", amount=20,
                                                         order_type="FAK")  # fmt: skip

                assert placed.ok
                assert placed.status == "matched"
                assert placed.trade_ids
                trade_events: list[dict[str, Any]] = []
                while len(trade_events) < len(placed.trade_ids):
                    events = await recv_user_events(ws)
                    trade_events += [e for e in events if e["event_type"] == "trade"]
            assert {e["id"] for e in trade_events} == set(placed.trade_ids)
            first = trade_events[0]
            assert (first["type"], first["status"], first["trader_side"]) == (
                "TRADE", "MATCHED", "TAKER",
            )  # fmt: skip
            assert Decimal(first["price"]) == best_ask

            trades = [t async for t in client.list_account_trades(market=market.condition_id)
                      .iter_items()]  # fmt: skip
            assert {t.id for t in trades} == set(placed.trade_ids)
            spent = sum(t.price * t.size for t in trades)
            assert spent == placed.making_amount
            assert Decimal(19) < spent <= Decimal(20)
            collateral = await client.get_balance_allowance(asset_type="COLLATERAL")
            assert Decimal(collateral.balance) / UNITS == Decimal(10_000) - spent
            shares = await client.get_balance_allowance(asset_type="CONDITIONAL", token_id=token)
            assert Decimal(shares.balance) / UNITS == placed.taking_amount
            assert placed.taking_amount < sum(t.size for t in trades)  # taker fee in shares

            tape = (await get(sim, "/data/trades", user=str(client.wallet))).json()
            assert {row["transactionHash"] for row in tape} == {t.transaction_hash for t in trades}
            assert sum(Decimal(str(row["size"])) for row in tape) == sum(t.size for t in trades)
        finally:
            await client.close()

    run_trading(scenario)


def test_sdk_fok_sell_fills_completely_or_is_killed() -> None:
    async def scenario(sim: SimServer) -> None:
        client = await sdk_client(sim)
        try:
            market = liquid_market(sim)
            token = market.token_ids[0]
            bought = await client.place_market_order(token_id=token, side="BUY", amount=10,
                                                     order_type="FOK")  # fmt: skip
            assert bought.ok
            assert bought.status == "matched"
            assert bought.taking_amount > 10

            sold = await client.place_market_order(token_id=token, side="SELL", shares=5,
                                                   order_type="FOK")  # fmt: skip

            assert sold.ok
            assert sold.status == "matched"
            assert sold.making_amount == 5
            held = await client.get_balance_allowance(asset_type="CONDITIONAL", token_id=token)
            assert Decimal(held.balance) / UNITS == bought.taking_amount - 5
            market.book.bids.clear()  # nobody left to buy
            with pytest.raises(RequestRejectedError) as killed:
                await client.place_market_order(token_id=token, side="SELL", shares=5,
                                                order_type="FOK", min_price="0.2")  # fmt: skip
            assert (killed.value.status, str(killed.value)) == (400, FOK_NOT_FILLED)
            with pytest.raises(RequestRejectedError) as unmatched:
                await client.place_market_order(token_id=token, side="SELL", shares=5,
                                                order_type="FAK", min_price="0.2")  # fmt: skip
            assert str(unmatched.value) == FAK_NOT_FILLED
        finally:
            await client.close()

    run_trading(scenario)


def test_sdk_orders_breaking_the_exchange_rules_get_its_errors() -> None:
    async def scenario(sim: SimServer) -> None:
        client = await sdk_client(sim)
        try:
            market = liquid_market(sim)
            token = market.token_ids[0]
            ask, bid = market.book.best_ask(), market.book.best_bid()
            assert ask is not None
            assert bid is not None

            with pytest.raises(RequestRejectedError) as post_only:
                await client.place_limit_order(token_id=token, price=ask, size=10, side="BUY",
                                               post_only=True)  # fmt: skip
            assert (post_only.value.status, str(post_only.value)) == (400, POST_ONLY_CROSSES)

            with pytest.raises(RequestRejectedError) as too_small:
                await client.place_limit_order(token_id=token, price=bid - market.tick, size=1,
                                               side="BUY")  # fmt: skip
            assert too_small.value.status == 400
            assert str(too_small.value).endswith("is invalid. Size (1) lower than the minimum: 5")

            # The SDK caches the tick size; the market then moves to a coarser grid, as after a
            # ``tick_size_change``, and an order on the old grid reaches the exchange.
            market.book.tick = Decimal("0.001")
            fine = bid - Decimal("0.005")
            placed = await client.place_limit_order(token_id=token, price=fine, size=10,
                                                    side="BUY")  # fmt: skip
            assert placed.ok
            market.book.tick = Decimal("0.01")
            with pytest.raises(RequestRejectedError) as off_tick:
                await client.place_limit_order(token_id=token, price=fine - Decimal("0.001"),
                                               size=10, side="BUY")  # fmt: skip
            assert off_tick.value.status == 400
            assert str(off_tick.value).endswith(
                f"is invalid. Price ({fine - Decimal('0.001')}) breaks minimum tick size rule: 0.01"
            )

            sim.accounts.fund(str(client.wallet), Decimal(3))
            with pytest.raises(RequestRejectedError) as broke:
                await client.place_limit_order(token_id=token, price=Decimal("0.5"), size=10,
                                               side="BUY")  # fmt: skip
            assert (broke.value.status, str(broke.value)) == (400, "not enough balance / allowance")
            sim.accounts.fund(str(client.wallet), Decimal(1000))
            with pytest.raises(RequestRejectedError) as no_shares:
                await client.place_limit_order(token_id=token, price=ask, size=10, side="SELL")
            assert str(no_shares.value) == "not enough balance / allowance"
        finally:
            await client.close()

    run_trading(scenario)


def test_sdk_heartbeats_keep_orders_and_a_missed_heartbeat_cancels_them() -> None:
    async def scenario(sim: SimServer) -> None:
        client = await sdk_client(sim)
        try:
            market = liquid_market(sim)
            token = market.token_ids[1]
            bid = market.book.top(False)[0]
            assert bid is not None
            placed = await client.place_limit_order(token_id=token, price=bid - Decimal("0.05"),
                                                    size=20, side="BUY")  # fmt: skip
            first = await client.send_order_heartbeat()
            advance(sim, 8)
            second = await client.send_order_heartbeat(heartbeat_id=first.heartbeat_id)
            with pytest.raises(OrderHeartbeatMismatchError) as stale:
                await client.send_order_heartbeat(heartbeat_id=first.heartbeat_id)
            assert stale.value.heartbeat_id == second.heartbeat_id
            advance(sim, 12)
            open_ids = [o.id for o in (await client.list_open_orders().first_page()).items]
            assert open_ids == [placed.order_id]

            advance(sim, 4)  # 16 s since the last accepted heartbeat: past 10 s + 5 s

            assert (await client.list_open_orders().first_page()).items == ()
            restarted = await client.send_order_heartbeat()
            assert restarted.heartbeat_id not in (first.heartbeat_id, second.heartbeat_id)
        finally:
            await client.close()

    run_trading(scenario)


def test_sdk_gtd_order_is_cancelled_sixty_seconds_before_its_expiration() -> None:
    async def scenario(sim: SimServer) -> None:
        client = await sdk_client(sim)
        try:
            market = liquid_market(sim)
            bid = market.book.best_bid()
            assert bid is not None
            expiration = int(time.time()) + 300
            placed = await client.place_limit_order(
                token_id=market.token_ids[0], price=bid - Decimal("0.05"), size=10, side="BUY",
                expiration=expiration,
            )  # fmt: skip
            [order] = (await client.list_open_orders().first_page()).items
            assert order.order_type == "GTD"
            assert order.id == placed.order_id
            sim_now = int(sim.clock.now().timestamp())

            advance(sim, expiration - 60 - sim_now)

            assert (await client.list_open_orders().first_page()).items == ()
        finally:
            await client.close()

    run_trading(scenario)
