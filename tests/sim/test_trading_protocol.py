"""The simulator's trading protocol seen on the wire: auth errors, maker fills, payload shapes."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import websockets
from eth_account import Account
from polymarket._internal.actions.orders.post import build_post_order_request
from polymarket._internal.l1_auth import sign_api_key_auth

from polymarket_ml.core.enums import Side
from polymarket_ml.core.events import PriceChange
from polymarket_ml.core.orderbook import BookRegistry
from polymarket_ml.sim import SimServer
from polymarket_ml.sim.feed import FeedTrade
from polymarket_ml.sources.polymarket.parse import decode_market_frame
from tests.sim.shape import shape_mismatches
from tests.sim.trading_env import (
    advance,
    l2_headers,
    liquid_market,
    recv_user_events,
    run_trading,
    sdk_client,
)

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "polymarket-samples"
UNITS = Decimal(1_000_000)


def _sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


def _l1_headers(account: Any, nonce: int = 0) -> dict[str, str]:
    signed = sign_api_key_auth(account, chain_id=137, timestamp=1_780_000_000, nonce=nonce)
    return {"POLY_ADDRESS": signed.address, "POLY_SIGNATURE": signed.signature,
            "POLY_TIMESTAMP": str(signed.timestamp), "POLY_NONCE": str(signed.nonce)}  # fmt: skip


def test_l1_creates_a_key_once_and_derives_it_after_and_refuses_a_forged_signature() -> None:
    async def scenario(sim: SimServer) -> None:
        account, other = Account.create(), Account.create()
        async with httpx.AsyncClient(base_url=sim.urls["clob"] + "/", timeout=5) as http:
            created = await http.post("auth/api-key", headers=_l1_headers(account))
            again = await http.post("auth/api-key", headers=_l1_headers(account))
            derived = await http.get("auth/derive-api-key", headers=_l1_headers(account))
            forged = {**_l1_headers(other), "POLY_ADDRESS": account.address}
            refused = await http.get("auth/derive-api-key", headers=forged)
        assert created.status_code == 200
        assert set(created.json()) == {"apiKey", "secret", "passphrase"}
        assert (again.status_code, again.json()) == (400, {"error": "Could not create api key"})
        assert derived.json() == created.json()
        assert (refused.status_code, refused.json()) == (
            401, {"error": "Invalid L1 Request headers"},
        )  # fmt: skip

    run_trading(scenario)


def test_l2_requests_with_a_bad_signature_or_key_get_the_exchanges_401() -> None:
    async def scenario(sim: SimServer) -> None:
        client = await sdk_client(sim)
        try:
            creds, address = client.credentials, str(client.signer)
            good = l2_headers(creds, address, "GET", "/data/orders")
            bad_signature = {**good, "POLY_SIGNATURE": good["POLY_SIGNATURE"][:-4] + "AAA="}
            signed_other_path = l2_headers(creds, address, "GET", "/data/trades")
            unknown_key = {**good, "POLY_API_KEY": "00000000-0000-4000-8000-000000000000"}
            async with httpx.AsyncClient(base_url=sim.urls["clob"] + "/", timeout=5) as http:
                ok = await http.get("data/orders", headers=good, params={"next_cursor": "MA=="})
                answers = [
                    await http.get("data/orders", headers=headers)
                    for headers in (bad_signature, signed_other_path, unknown_key, {})
                ]
        finally:
            await client.close()
        assert ok.status_code == 200
        assert ok.json() == {"data": [], "next_cursor": "LTE=", "limit": 1, "count": 0}
        for answer in answers:
            assert answer.status_code == 401
            assert answer.json() == {"error": "Unauthorized/Invalid api key"}

    run_trading(scenario)


def test_resting_order_fills_when_the_simulated_market_crosses_or_trades_through_it() -> None:
    async def scenario(sim: SimServer) -> None:
        client = await sdk_client(sim)
        try:
            creds = client.credentials
            market = liquid_market(sim)
            yes, no = market.token_ids
            bid = market.book.best_bid()
            assert bid is not None
            price = bid - Decimal("0.05")
            async with websockets.connect(sim.urls["ws_user"]) as ws:
                await ws.send(json.dumps({"auth": {"apiKey": creds.key, "secret": creds.secret,
                                                   "passphrase": creds.passphrase},
                                          "markets": [], "type": "user"}))  # fmt: skip
                await ws.send("PING")
                assert await ws.recv() == "PONG"
                placed = await client.place_limit_order(token_id=yes, price=price, size=30,
                                                        side="BUY")  # fmt: skip
                [placement] = await recv_user_events(ws)
                assert (placement["type"], placement["status"]) == ("PLACEMENT", "LIVE")

                # A simulated taker buys NO at 1 - (price - 0.01): it sold YES below our bid.
                through = FeedTrade(market, no, 0, Decimal(1) - price + market.tick, Decimal(12),
                                    Side.BUY, 0, "0x" + "ab" * 32, "0x" + "cd" * 20)  # fmt: skip
                sim.trading.on_step([through], sim.clock.now())
                first = await recv_user_events(ws)
                # Then the market's asks move down onto our bid: the rest fills at once.
                market.book.set_level(Side.SELL, price, Decimal(100))
                advance(sim, 0)
                second = await recv_user_events(ws)
        finally:
            await client.close()
        updates = [e for e in first + second if e["event_type"] == "order"]
        trades = [e for e in first + second if e["event_type"] == "trade"]
        assert [(u["type"], u["size_matched"], u["status"]) for u in updates] == [
            ("UPDATE", "12", "LIVE"), ("UPDATE", "30", "MATCHED"),
        ]  # fmt: skip
        assert [(t["trader_side"], t["size"], t["side"]) for t in trades] == [
            ("MAKER", "12", "SELL"), ("MAKER", "18", "SELL"),
        ]  # fmt: skip
        assert {t["maker_orders"][0]["order_id"] for t in trades} == {placed.order_id}
        wallet = sim.accounts.wallet(str(client.signer))
        assert wallet.collateral == Decimal(10_000) - price * 30
        assert wallet.shares(yes) == Decimal(30)

    run_trading(scenario)


def test_batch_orders_answer_per_leg_with_rejections_inline() -> None:
    async def scenario(sim: SimServer) -> None:
        client = await sdk_client(sim)
        try:
            market = liquid_market(sim)
            bid = market.book.best_bid()
            assert bid is not None
            good = await client.create_limit_order(token_id=market.token_ids[0],
                                                   price=bid - Decimal("0.05"), size=5,
                                                   side="BUY")  # fmt: skip
            tiny = await client.create_limit_order(token_id=market.token_ids[0],
                                                   price=bid - Decimal("0.05"), size=2,
                                                   side="BUY")  # fmt: skip
            accepted, rejected = await client.post_orders([good, tiny])
        finally:
            await client.close()
        assert accepted.ok
        assert accepted.status == "live"
        assert not rejected.ok
        assert rejected.message.endswith("Size (2) lower than the minimum: 5")

    run_trading(scenario)


def test_trading_payloads_have_the_recorded_shapes() -> None:
    async def scenario(sim: SimServer) -> None:
        client = await sdk_client(sim)
        try:
            creds, address = client.credentials, str(client.signer)
            market = liquid_market(sim)
            token = market.token_ids[0]
            ask, bid = market.book.best_ask(), market.book.best_bid()
            assert ask is not None
            assert bid is not None
            async with websockets.connect(sim.urls["ws_user"]) as ws:
                await ws.send(
                    json.dumps(
                        {
                            "auth": {
                                "apiKey": creds.key,
                                "secret": creds.secret,
                                "passphrase": creds.passphrase,
                            },
                            "markets": [market.condition_id],
                            "type": "user",
                        }
                    )
                )
                await ws.send("PING")
                assert await ws.recv() == "PONG"
                signed = await client.create_limit_order(token_id=token, price=ask, size=10,
                                                         side="BUY")  # fmt: skip
                path, body = build_post_order_request(signed, owner_api_key=creds.key)
                text = json.dumps(body, separators=(",", ":"))
                async with httpx.AsyncClient(base_url=sim.urls["clob"] + "/", timeout=5) as http:
                    posted = await http.post(
                        "order",
                        content=text,
                        headers=l2_headers(creds, address, "POST", path, text),
                    )
                    resting = await client.place_limit_order(
                        token_id=token, price=bid - Decimal("0.05"), size=5, side="BUY"
                    )  # fmt: skip
                    orders = await http.get("data/orders",
                                            headers=l2_headers(creds, address, "GET",
                                                               "/data/orders"))  # fmt: skip
                    trades = await http.get("data/trades",
                                            headers=l2_headers(creds, address, "GET",
                                                               "/data/trades"))  # fmt: skip
                    cancel_body = json.dumps({"orderID": resting.order_id}, separators=(",", ":"))
                    canceled = await http.request(
                        "DELETE", "order", content=cancel_body,
                        headers=l2_headers(creds, address, "DELETE", "/order", cancel_body),
                    )  # fmt: skip
                events: list[dict[str, Any]] = []
                while not {"trade", "order"} <= {e["event_type"] for e in events}:
                    events += await recv_user_events(ws)
                advance(sim, 3)
                mined: list[dict[str, Any]] = []
                while not any(e["event_type"] == "trade" for e in mined):
                    mined += await recv_user_events(ws)
        finally:
            await client.close()
        expected = {
            "clob/docs_post_order_response_example_2026.json": posted.json(),
            "clob/fixture_open_orders_page.json": orders.json(),
            "clob/data_trade_item_2024-09.json": trades.json()["data"][0],
            "clob/fixture_cancel_response_ok.json": canceled.json(),
            "ws/user_trade_matched_taker_2024-09.json":
                next(e for e in events if e["event_type"] == "trade"),
            "ws/user_order_placement_2024-09.json":
                next(e for e in events if e["type"] == "PLACEMENT"),
        }  # fmt: skip
        for sample, ours in expected.items():
            assert shape_mismatches(_sample(sample), ours) == [], sample
        assert posted.json()["status"] == "matched"
        assert [e["status"] for e in mined if e["event_type"] == "trade"] == ["MINED"]
        assert orders.json()["data"][0]["id"] == resting.order_id

    run_trading(scenario)


def test_orders_of_a_resolved_market_are_cancelled() -> None:
    async def scenario(sim: SimServer) -> None:
        client = await sdk_client(sim)
        try:
            market = liquid_market(sim)
            bid = market.book.best_bid()
            assert bid is not None
            await client.place_limit_order(
                token_id=market.token_ids[0], price=bid - Decimal("0.05"), size=5, side="BUY"
            )
            hours = (market.resolve_at - sim.clock.now()) / timedelta(seconds=1) + 1
            advance(sim, hours)
            assert market.closed
            assert (await client.list_open_orders().first_page()).items == ()
            [order] = sim.trading.orders.values()
            assert order.status == "CANCELED_MARKET_RESOLVED"
        finally:
            await client.close()

    run_trading(scenario)


async def _frames_until_quiet(ws: Any, quiet_s: float = 0.5) -> list[str | bytes]:
    frames: list[str | bytes] = []
    while True:
        try:
            frames.append(await asyncio.wait_for(ws.recv(), quiet_s))
        except TimeoutError:
            return frames


def test_an_order_sweeping_levels_sends_each_level_with_the_top_of_book_after_it() -> None:
    """A marketable order taking three ask levels: every ``price_change`` on the market channel
    carries the top of book after its own level (§5.3), so a LocalBook following the channel
    from its first snapshots takes them all without a reset."""

    async def scenario(sim: SimServer) -> None:
        client = await sdk_client(sim)
        try:
            market = liquid_market(sim)
            yes, no = market.token_ids
            asks = sorted(market.book.asks.items())[:3]
            size = int(sum(s for _, s in asks[:2]) + asks[2][1] / 2)  # into the third level
            books = BookRegistry()
            async with websockets.connect(sim.urls["ws_market"]) as ws:
                await ws.send(json.dumps({"assets_ids": [yes, no], "type": "market"}))
                frames = await _frames_until_quiet(ws)  # the initial dump
                await client.place_limit_order(
                    token_id=yes, price=asks[2][0], size=size, side="BUY"
                )
                frames += await _frames_until_quiet(ws)
        finally:
            await client.close()
        changes = 0
        for frame in frames:
            for event in decode_market_frame(frame):
                books.apply(event)
                changes += isinstance(event, PriceChange)
        assert changes >= 3  # one per level taken
        for token in (yes, no):
            book = books.get(token)
            assert book is not None
            assert (book.resyncs, book.synced) == (0, True), book.resync_reason
        yes_book = books.get(yes)
        assert yes_book is not None
        assert yes_book.best_ask_price == asks[2][0]  # the third level, part taken

    run_trading(scenario)
