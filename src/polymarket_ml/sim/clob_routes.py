"""``/clob``: the CLOB's public market-data endpoints (``polymarket-api.md`` §3).

Quirks kept: ``/price?side=BUY`` answers the best bid and ``side=SELL`` the best ask (the side
of the resting orders, as live probes show); ``/prices-history?market=`` takes a token id and
answers numbers; ``/tick-size`` answers a number. A resolved market has no order book (404).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from polymarket_ml.sim.engine import SimEngine
from polymarket_ml.sim.ids import fmt_decimal
from polymarket_ml.sim.market import SimMarket
from polymarket_ml.sim.payloads import NO_ORDERBOOK, clob_market, rest_book

_encode = msgspec.json.Encoder().encode
_INTERVAL_S = {"1h": 3600, "6h": 6 * 3600, "1d": 86_400, "1w": 7 * 86_400, "1m": 30 * 86_400}
_MAX_BATCH = 500


def json_response(
    body: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(_encode(body), status, headers=headers, media_type="application/json")


def _bad(message: str, status: int = 400) -> Response:
    return json_response({"error": message}, status)


class ClobRoutes:
    def __init__(self, engine: SimEngine) -> None:
        self.engine = engine

    def _token(self, token_id: str | None) -> tuple[SimMarket, int] | None:
        market = self.engine.by_token.get(token_id or "")
        return None if market is None else (market, market.token_index(token_id or ""))

    async def _batch(self, request: Request) -> list[dict[str, Any]] | Response:
        try:
            body = json.loads(await request.body() or b"[]")
        except ValueError:
            return _bad("Invalid payload")
        if not isinstance(body, list) or len(body) > _MAX_BATCH:
            return _bad(f"payload must be an array of at most {_MAX_BATCH} items")
        return [item for item in body if isinstance(item, dict)]

    def _book_or_none(self, token_id: str | None) -> dict[str, Any] | None:
        found = self._token(token_id)
        if found is None or found[0].closed:
            return None
        return rest_book(found[0], found[1], self.engine.now)

    async def book(self, request: Request) -> Response:
        body = self._book_or_none(request.query_params.get("token_id"))
        return json_response(body) if body is not None else json_response(NO_ORDERBOOK, 404)

    async def books(self, request: Request) -> Response:
        items = await self._batch(request)
        if isinstance(items, Response):
            return items
        books = [self._book_or_none(str(i.get("token_id", ""))) for i in items]
        return json_response([b for b in books if b is not None])

    def _top(self, token_id: str | None) -> tuple[Decimal | None, Decimal | None] | None:
        found = self._token(token_id)
        if found is None or found[0].closed:
            return None
        return found[0].book.top(found[1] == 0)

    def _price(self, token_id: str | None, side: str) -> str | None:
        top = self._top(token_id)
        if top is None:
            return None
        value = top[0] if side.upper() == "BUY" else top[1]
        return fmt_decimal(value) if value is not None else "0"

    async def price(self, request: Request) -> Response:
        side = request.query_params.get("side", "")
        if side.upper() not in ("BUY", "SELL"):
            return _bad("Invalid side")
        price = self._price(request.query_params.get("token_id"), side)
        return json_response({"price": price}) if price else json_response(NO_ORDERBOOK, 404)

    async def prices(self, request: Request) -> Response:
        if request.method == "POST":
            items = await self._batch(request)
            if isinstance(items, Response):
                return items
            pairs = [(str(i.get("token_id", "")), str(i.get("side", "BUY"))) for i in items]
        else:
            tokens = request.query_params.get("token_ids", "").split(",")
            sides = request.query_params.get("sides", "").split(",")
            pairs = list(zip(tokens, sides, strict=False))
        out: dict[str, dict[str, str]] = {}
        for token, side in pairs:
            price = self._price(token, side)
            if price is not None:
                out.setdefault(token, {})[side.upper()] = price
        return json_response(out)

    def _mid(self, token_id: str | None) -> str | None:
        top = self._top(token_id)
        if top is None or top[0] is None or top[1] is None:
            return None
        return fmt_decimal((top[0] + top[1]) / 2)

    def _spread(self, token_id: str | None) -> str | None:
        top = self._top(token_id)
        if top is None or top[0] is None or top[1] is None:
            return None
        return fmt_decimal(top[1] - top[0])

    async def midpoint(self, request: Request) -> Response:
        mid = self._mid(request.query_params.get("token_id"))
        return json_response({"mid": mid}) if mid else json_response(NO_ORDERBOOK, 404)

    async def spread(self, request: Request) -> Response:
        spread = self._spread(request.query_params.get("token_id"))
        return json_response({"spread": spread}) if spread else json_response(NO_ORDERBOOK, 404)

    async def midpoints(self, request: Request) -> Response:
        return await self._per_token(request, self._mid)

    async def spreads(self, request: Request) -> Response:
        return await self._per_token(request, self._spread)

    async def _per_token(self, request: Request, fn: Any) -> Response:
        items = await self._batch(request)
        if isinstance(items, Response):
            return items
        out = {}
        for item in items:
            token = str(item.get("token_id", ""))
            value = fn(token)
            if value is not None:
                out[token] = value
        return json_response(out)

    def _last_trade(self, token_id: str | None) -> dict[str, str] | None:
        found = self._token(token_id)
        if found is None:
            return None
        market, index = found
        price = market.last_trade_price[index]
        if price is None:
            return {"price": "0.5", "side": ""}
        return {"price": fmt_decimal(price), "side": market.last_trade_side[index]}

    async def last_trade_price(self, request: Request) -> Response:
        last = self._last_trade(request.query_params.get("token_id"))
        return json_response(last) if last else json_response(NO_ORDERBOOK, 404)

    async def last_trades_prices(self, request: Request) -> Response:
        items = await self._batch(request)
        if isinstance(items, Response):
            return items
        out = []
        for item in items:
            token = str(item.get("token_id", ""))
            last = self._last_trade(token)
            if last is not None:
                out.append({"token_id": token, **last})
        return json_response(out)

    async def tick_size(self, request: Request) -> Response:
        found = self._token(request.query_params.get("token_id"))
        if found is None:
            return _bad("market not found", 404)
        return json_response({"minimum_tick_size": float(found[0].tick)})

    async def neg_risk(self, request: Request) -> Response:
        found = self._token(request.query_params.get("token_id"))
        if found is None:
            return _bad("market not found", 404)
        return json_response({"neg_risk": found[0].event.neg_risk})

    async def fee_rate(self, request: Request) -> Response:
        found = self._token(request.query_params.get("token_id"))
        if found is None:
            return _bad("market not found", 404)
        return json_response({"base_fee": int(found[0].fee_rate * 10_000)})

    async def prices_history(self, request: Request) -> Response:
        q = request.query_params
        found = self._token(q.get("market"))
        if found is None:
            return json_response({"history": []})
        market, index = found
        now_s = int(self.engine.now.timestamp())
        try:
            if "startTs" in q or "endTs" in q:
                start, end = int(q.get("startTs", "0")), int(q.get("endTs", str(now_s)))
            else:
                start, end = now_s - _INTERVAL_S.get(q.get("interval", "1d"), 10**10), now_s
            fidelity_s = max(1, int(q.get("fidelity", "1"))) * 60
        except ValueError:
            return _bad("invalid filters")
        history, last_bucket = [], None
        for t, p in market.history:
            if not start <= t <= end or t // fidelity_s == last_bucket:
                continue
            last_bucket = t // fidelity_s
            history.append({"t": t, "p": p if index == 0 else round(1 - p, 4)})
        return json_response({"history": history})

    async def market(self, request: Request) -> Response:
        market = self.engine.by_condition.get(request.path_params["condition_id"])
        if market is None:
            return _bad("market not found", 404)
        return json_response(clob_market(market))

    async def markets(self, request: Request) -> Response:
        """``GET /markets?next_cursor=``: base64 offsets, first ``MA==``, last ``LTE=``."""
        import base64

        cursor = request.query_params.get("next_cursor") or "MA=="
        try:
            offset = int(base64.b64decode(cursor).decode())
        except ValueError:
            return _bad("invalid next_cursor")
        if offset < 0:
            return json_response({"data": [], "next_cursor": "LTE=", "limit": 100, "count": 0})
        chunk = list(self.engine.markets.values())[offset : offset + 100]
        nxt = offset + len(chunk)
        more = nxt < len(self.engine.markets)
        return json_response({
            "data": [clob_market(m) for m in chunk],
            "next_cursor": base64.b64encode(str(nxt if more else -1).encode()).decode(),
            "limit": 100, "count": len(chunk),
        })  # fmt: skip

    async def time(self, request: Request) -> Response:
        return json_response(int(self.engine.now.timestamp()))

    async def ok(self, request: Request) -> Response:
        return json_response("OK")

    async def version(self, request: Request) -> Response:
        return json_response({"version": 2})

    def routes(self) -> list[Route]:
        return [
            Route("/clob/book", self.book),
            Route("/clob/books", self.books, methods=["POST"]),
            Route("/clob/price", self.price),
            Route("/clob/prices", self.prices, methods=["GET", "POST"]),
            Route("/clob/midpoint", self.midpoint),
            Route("/clob/midpoints", self.midpoints, methods=["POST"]),
            Route("/clob/spread", self.spread),
            Route("/clob/spreads", self.spreads, methods=["POST"]),
            Route("/clob/last-trade-price", self.last_trade_price),
            Route("/clob/last-trades-prices", self.last_trades_prices, methods=["POST"]),
            Route("/clob/tick-size", self.tick_size),
            Route("/clob/neg-risk", self.neg_risk),
            Route("/clob/fee-rate", self.fee_rate),
            Route("/clob/prices-history", self.prices_history),
            Route("/clob/markets", self.markets),
            Route("/clob/markets/{condition_id}", self.market),
            Route("/clob/time", self.time),
            Route("/clob/ok", self.ok),
            Route("/clob/version", self.version),
        ]
