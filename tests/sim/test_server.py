"""The simulator over real sockets: HTTP with httpx, WebSockets with the websockets client."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
import websockets

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.sim import SimConfig, SimServer
from tests.sim.conftest import START

Scenario = Callable[[SimServer, httpx.AsyncClient], Awaitable[None]]


def run_with_server(scenario: Scenario, markets: int = 30, timeout_s: float = 20.0) -> None:
    async def main() -> None:
        config = SimConfig(port=0, markets=markets, seed=5, clock=FakeClock(START),
                           step_interval_s=0.02)  # fmt: skip
        async with SimServer(config) as sim, httpx.AsyncClient(base_url=sim.base_url) as http:
            assert sim.port != 0
            await asyncio.wait_for(scenario(sim, http), timeout_s)

    asyncio.run(main())


def advance(sim: SimServer, seconds: float) -> None:
    clock = sim.clock
    assert isinstance(clock, FakeClock)
    clock.advance(timedelta(seconds=seconds))
    sim.pump()


async def recv_json(ws: Any, timeout_s: float = 3.0) -> list[dict[str, Any]]:
    """The next JSON frame (skipping PONG), as a list of objects."""
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout_s)
        if raw != "PONG":
            data = json.loads(raw)
            return data if isinstance(data, list) else [data]


def _tokens(sim: SimServer, count: int) -> list[str]:
    markets = [m for m in sim.engine.markets.values() if not m.closed][:count]
    return [t for m in markets for t in m.token_ids]


def test_subscribe_gets_the_book_dump_then_price_changes_and_trades() -> None:
    async def scenario(sim: SimServer, http: httpx.AsyncClient) -> None:
        tokens = _tokens(sim, 30)
        async with websockets.connect(sim.urls["ws_market"]) as ws:
            await ws.send(json.dumps({"assets_ids": tokens, "type": "market"}))
            dump = await recv_json(ws)
            assert [m["event_type"] for m in dump] == ["book"] * len(tokens)
            assert {m["asset_id"] for m in dump} == set(tokens)
            seen: set[str] = set()
            while not {"price_change", "last_trade_price"} <= seen:
                advance(sim, 2)
                for message in await recv_json(ws):
                    seen.add(message["event_type"])
                    assert message.get("asset_id", tokens[0]) in tokens
            assert "best_bid_ask" not in seen  # custom features were not asked for

    run_with_server(scenario)


def test_dynamic_subscribe_and_unsubscribe_on_the_same_socket() -> None:
    async def scenario(sim: SimServer, http: httpx.AsyncClient) -> None:
        first, second = _tokens(sim, 1), _tokens(sim, 30)[2:]
        async with websockets.connect(sim.urls["ws_market"]) as ws:
            await ws.send(json.dumps({"assets_ids": first, "type": "market"}))
            assert {m["asset_id"] for m in await recv_json(ws)} == set(first)
            await ws.send(json.dumps({"assets_ids": second, "operation": "subscribe",
                                      "custom_feature_enabled": True}))  # fmt: skip
            assert {m["asset_id"] for m in await recv_json(ws)} == set(second)
            await ws.send(json.dumps({"assets_ids": first, "operation": "unsubscribe"}))
            await ws.send("PING")
            assert await asyncio.wait_for(ws.recv(), 3) == "PONG"
            markets_seen = set()
            for _ in range(5):
                advance(sim, 2)
                for message in await recv_json(ws):
                    markets_seen.add(message["market"])
                    for entry in message.get("price_changes", [message]):
                        assert entry.get("asset_id") not in first
            assert sim.engine.by_token[first[0]].condition_id not in markets_seen

    run_with_server(scenario)


def test_ping_is_answered_with_pong_on_both_channels() -> None:
    async def scenario(sim: SimServer, http: httpx.AsyncClient) -> None:
        for url in (sim.urls["ws_market"], sim.urls["ws_user"]):
            async with websockets.connect(url) as ws:
                if url.endswith("user"):
                    await ws.send(json.dumps({"auth": {}, "markets": [], "type": "user"}))
                await ws.send("PING")
                assert await asyncio.wait_for(ws.recv(), 3) == "PONG"

    run_with_server(scenario)


def test_keyset_paging_visits_every_open_market_once_and_terminates() -> None:
    async def scenario(sim: SimServer, http: httpx.AsyncClient) -> None:
        for path, key, expected in (
            ("/gamma/markets/keyset", "markets", sim.engine.active_count),
            ("/gamma/events/keyset", "events", len(sim.engine.events)),
        ):
            ids: list[str] = []
            params: dict[str, Any] = {"limit": 7}
            for _ in range(100):
                body = (await http.get(path, params=params)).json()
                ids += [item["id"] for item in body[key]]
                if "next_cursor" not in body:
                    break
                params["after_cursor"] = body["next_cursor"]
            assert len(ids) == len(set(ids)) == expected

    run_with_server(scenario)


def test_gamma_filters_and_legacy_listing() -> None:
    async def scenario(sim: SimServer, http: httpx.AsyncClient) -> None:
        legacy = await http.get("/gamma/markets", params={"limit": 5, "offset": 3})
        assert legacy.status_code == 200
        assert len(legacy.json()) == 5
        assert legacy.headers["deprecation"] == "true"
        assert (await http.get("/gamma/markets", params={"offset": 20_000})).status_code == 422
        assert (await http.get("/gamma/markets/0xabc")).status_code == 422
        some = list(sim.engine.markets.values())[:3]
        by_cid = await http.get("/gamma/markets", params={
            "condition_ids": ",".join(m.condition_id for m in some[:2])})  # fmt: skip
        assert {m["conditionId"] for m in by_cid.json()} == {m.condition_id for m in some[:2]}
        by_id = await http.get("/gamma/markets", params=[("id", some[0].gamma_id),
                                                         ("id", some[2].gamma_id)])  # fmt: skip
        assert len(by_id.json()) == 2
        by_slug = await http.get("/gamma/markets", params={"slug": some[1].slug})
        assert [m["id"] for m in by_slug.json()] == [some[1].gamma_id]
        soon = (START + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M:%SZ")
        ending = (await http.get("/gamma/markets", params={"end_date_max": soon})).json()
        assert ending
        assert all(m["endDate"] <= soon for m in ending)
        rich = (await http.get("/gamma/markets", params={"volume_num_min": 50_000})).json()
        assert all(m["volumeNum"] >= 50_000 for m in rich)
        assert (await http.get("/gamma/markets", params={"closed": "true"})).json() == []
        advance(sim, 3 * 3600)
        closed = (await http.get("/gamma/markets", params={"closed": "true"})).json()
        assert closed
        assert all(m["closed"] and m["umaResolutionStatus"] == "resolved" for m in closed)
        assert all(json.loads(m["outcomePrices"]) in (["1", "0"], ["0", "1"], ["0.5", "0.5"])
                   for m in closed)  # fmt: skip

    run_with_server(scenario)


def test_clob_endpoints_answer_for_a_live_token() -> None:
    async def scenario(sim: SimServer, http: httpx.AsyncClient) -> None:
        token = _tokens(sim, 1)[1]
        market = sim.engine.by_token[token]
        for path in ("book", "price?side=BUY&", "price?side=SELL&", "midpoint", "spread",
                     "last-trade-price", "tick-size", "neg-risk", "fee-rate"):  # fmt: skip
            sep = "" if path.endswith("&") else "?"
            response = await http.get(f"/clob/{path}{sep}token_id={token}")
            assert response.status_code == 200, path
        books = await http.post("/clob/books", json=[{"token_id": t} for t in _tokens(sim, 2)])
        assert len(books.json()) == 4
        history = await http.get("/clob/prices-history", params={"market": token, "interval": "1d"})
        assert history.json()["history"][0]["t"] == int(START.timestamp())
        clob_market = await http.get(f"/clob/markets/{market.condition_id}")
        assert token in {t["token_id"] for t in clob_market.json()["tokens"]}
        advance(sim, 30)
        trades = (await http.get("/data/trades", params={"limit": 3})).json()
        assert 0 < len(trades) <= 3
        assert trades[0]["timestamp"] >= trades[-1]["timestamp"]

    run_with_server(scenario)


async def _add_fault(http: httpx.AsyncClient, **rule: Any) -> None:
    response = await http.post("/_sim/faults", json=rule)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("kind", "status"), [("http_429", 429), ("http_5xx", 502)])
def test_http_error_faults_answer_once_then_recover(kind: str, status: int) -> None:
    async def scenario(sim: SimServer, http: httpx.AsyncClient) -> None:
        await _add_fault(http, kind=kind, count=2, status=502)
        assert (await http.get("/gamma/markets")).status_code == status
        assert (await http.get("/clob/ok")).status_code == status
        assert (await http.get("/clob/ok")).status_code == 200
        if status == 429:
            assert (await http.post("/_sim/faults", json={"kind": kind})).status_code == 200
            assert (await http.get("/clob/ok")).headers["retry-after"] == "1"

    run_with_server(scenario)


def test_slow_fault_delays_the_answer() -> None:
    async def scenario(sim: SimServer, http: httpx.AsyncClient) -> None:
        await _add_fault(http, kind="http_slow", count=1, delay_s=0.6, path_prefix="/clob")
        started = time.monotonic()
        assert (await http.get("/clob/time")).status_code == 200
        assert time.monotonic() - started >= 0.6
        started = time.monotonic()
        await http.get("/clob/time")
        assert time.monotonic() - started < 0.5

    run_with_server(scenario)


def test_ws_drop_fault_cuts_the_connection() -> None:
    async def scenario(sim: SimServer, http: httpx.AsyncClient) -> None:
        async with websockets.connect(sim.urls["ws_market"]) as ws:
            await _add_fault(http, kind="ws_drop", count=1)
            await ws.send(json.dumps({"assets_ids": _tokens(sim, 2), "type": "market"}))
            with pytest.raises(websockets.ConnectionClosed):
                await recv_json(ws)

    run_with_server(scenario)


def test_ws_stall_fault_keeps_the_socket_open_but_silent() -> None:
    async def scenario(sim: SimServer, http: httpx.AsyncClient) -> None:
        async with websockets.connect(sim.urls["ws_market"]) as ws:
            await ws.send(json.dumps({"assets_ids": _tokens(sim, 1), "type": "market"}))
            await recv_json(ws)
            await _add_fault(http, kind="ws_stall", count=1, duration_s=1.0)
            await ws.send("PING")
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(ws.recv(), 0.6)
            await asyncio.sleep(0.6)
            await ws.send("PING")
            assert await asyncio.wait_for(ws.recv(), 3) == "PONG"

    run_with_server(scenario)


def test_ws_malformed_fault_sends_a_frame_that_is_not_json() -> None:
    async def scenario(sim: SimServer, http: httpx.AsyncClient) -> None:
        async with websockets.connect(sim.urls["ws_market"]) as ws:
            await _add_fault(http, kind="ws_malformed", count=1)
            await ws.send(json.dumps({"assets_ids": _tokens(sim, 2), "type": "market"}))
            raw = await asyncio.wait_for(ws.recv(), 3)
            with pytest.raises(ValueError, match=r"."):
                json.loads(raw)
            await ws.send("PING")
            assert await asyncio.wait_for(ws.recv(), 3) == "PONG"
        state = (await http.get("/_sim/faults")).json()
        assert state["fired"]["ws_malformed"] == 1
        assert state["rules"] == []

    run_with_server(scenario)


def test_bad_fault_request_is_refused_with_the_reason() -> None:
    async def scenario(sim: SimServer, http: httpx.AsyncClient) -> None:
        response = await http.post("/_sim/faults", json={"kind": "meteor"})
        assert response.status_code == 400
        assert "fault kind" in response.json()["error"]

    run_with_server(scenario)
