"""``/clob`` trading: keys (L1), orders, cancels, queries, balances, heartbeats (L2).

Shapes and error texts follow ``polymarket-api.md`` §4 and the recorded samples: errors are
``{"error": "..."}`` (401 ``Unauthorized/Invalid api key`` for bad L2 credentials), order
results carry ``success``/``errorMsg``/``orderID``/``status``/``tradeIDs``, pages are
``{"data", "next_cursor": "LTE=", "limit", "count"}``. Also the two market-parameter lookups
V2 SDKs make before signing an order: ``/markets-by-token/{id}`` and ``/clob-markets/{cid}``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from polymarket_ml.core.clock import Clock
from polymarket_ml.sim.accounts import ApiCreds, HeartbeatMismatchError
from polymarket_ml.sim.auth import (
    INVALID_API_KEY,
    NEG_RISK_ADAPTER,
    NEG_RISK_EXCHANGE,
    STANDARD_EXCHANGE,
    AuthError,
    L2Headers,
    verify_l1,
    verify_l2,
)
from polymarket_ml.sim.clob_routes import json_response
from polymarket_ml.sim.exchange import Placement, TradingDesk
from polymarket_ml.sim.ids import fmt_decimal
from polymarket_ml.sim.orders import UNITS, OrderRejectedError, parse_order_request
from polymarket_ml.sim.user_payloads import open_order, rest_trade

PREFIX = "/clob"
MAX_BATCH_ORDERS = 15
MAX_CANCEL_IDS = 1000
END_CURSOR = "LTE="
_MAX_ALLOWANCE = str(2**256 - 1)
Authed = Callable[[Request, ApiCreds, str], Awaitable[Response]]


def _error(message: str, status: int = 400) -> Response:
    return json_response({"error": message}, status)


def _creds_body(creds: ApiCreds) -> dict[str, str]:
    return {"apiKey": creds.key, "secret": creds.secret, "passphrase": creds.passphrase}


def _order_result(placed: Placement) -> dict[str, Any]:
    matched = bool(placed.trades)
    return {
        "success": True,
        "errorMsg": "",
        "orderID": placed.order.id,
        "takingAmount": fmt_decimal(placed.taking) if matched else "",
        "makingAmount": fmt_decimal(placed.making) if matched else "",
        "status": "matched" if matched else "live",
        "transactionsHashes": [],
        "tradeIDs": [t.id for t in placed.trades],
    }


def _rejected_leg(message: str) -> dict[str, Any]:
    return {"success": True, "errorMsg": message, "orderID": "", "takingAmount": "",
            "makingAmount": "", "status": "", "transactionsHashes": [], "tradeIDs": []}  # fmt: skip


def _page(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"data": items, "next_cursor": END_CURSOR, "limit": max(len(items), 1),
            "count": len(items)}  # fmt: skip


class TradingRoutes:
    def __init__(self, desk: TradingDesk, clock: Clock) -> None:
        self.desk = desk
        self.accounts = desk.accounts
        self.clock = clock

    # ---- auth ----------------------------------------------------------------------------
    def l2(self, handler: Authed) -> Callable[[Request], Awaitable[Response]]:
        """Wrap a handler with L2 verification (path without ``/clob`` and query, exact body)."""

        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            body = raw.decode(errors="replace")
            found = L2Headers.of(request.headers)
            creds = self.accounts.keys.get(found.api_key)
            if creds is None:
                return _error(INVALID_API_KEY, 401)
            path = request.url.path.removeprefix(PREFIX) or "/"
            try:
                verify_l2(found, secret=creds.secret, passphrase=creds.passphrase,
                          owner_address=creds.address, method=request.method, path=path,
                          body=body)  # fmt: skip
            except AuthError as e:
                return _error(str(e), e.status)
            return await handler(request, creds, body)

        return endpoint

    async def create_api_key(self, request: Request) -> Response:
        try:
            l1 = verify_l1(request.headers)
        except AuthError as e:
            return _error(str(e), e.status)
        creds = self.accounts.create_key(l1.address, l1.nonce)
        if creds is None:
            return _error("Could not create api key")
        return json_response(_creds_body(creds))

    async def derive_api_key(self, request: Request) -> Response:
        try:
            l1 = verify_l1(request.headers)
        except AuthError as e:
            return _error(str(e), e.status)
        return json_response(_creds_body(self.accounts.derive_key(l1.address, l1.nonce)))

    async def api_keys(self, request: Request, creds: ApiCreds, body: str) -> Response:
        if request.method == "DELETE":
            self.accounts.delete_key(creds.key)
            return json_response("OK")
        return json_response({"apiKeys": self.accounts.keys_of(creds.address)})

    async def closed_only(self, request: Request, creds: ApiCreds, body: str) -> Response:
        return json_response({"closed_only": False})

    # ---- orders --------------------------------------------------------------------------
    def _place_one(self, item: Any, creds: ApiCreds) -> Placement:
        return self.desk.place(parse_order_request(item), creds, self.clock.now())

    async def order(self, request: Request, creds: ApiCreds, body: str) -> Response:
        if request.method == "DELETE":
            data = _json(body)
            order_id = data.get("orderID") if isinstance(data, dict) else None
            if not isinstance(order_id, str) or not order_id:
                return _error("Invalid order payload")
            return self._cancel_response(creds, [order_id])
        try:
            placed = self._place_one(_json(body), creds)
        except OrderRejectedError as e:
            return _error(str(e))
        return json_response(_order_result(placed))

    async def orders(self, request: Request, creds: ApiCreds, body: str) -> Response:
        data = _json(body)
        if request.method == "DELETE":
            if not isinstance(data, list) or len(data) > MAX_CANCEL_IDS:
                return _error(f"Invalid payload: at most {MAX_CANCEL_IDS} order ids")
            return self._cancel_response(creds, [str(i) for i in data])
        if not isinstance(data, list) or not data:
            return _error("Invalid order payload")
        if len(data) > MAX_BATCH_ORDERS:
            return _error(f"Too many orders in payload, max allowed: {MAX_BATCH_ORDERS}")
        results = []
        for item in data:
            try:
                results.append(_order_result(self._place_one(item, creds)))
            except OrderRejectedError as e:
                results.append(_rejected_leg(str(e)))
        return json_response(results)

    def _cancel_response(self, creds: ApiCreds, order_ids: list[str]) -> Response:
        canceled, not_canceled = self.desk.cancel(creds.key, order_ids, self.clock.now())
        return json_response({"canceled": canceled, "not_canceled": not_canceled})

    async def cancel_all(self, request: Request, creds: ApiCreds, body: str) -> Response:
        return self._cancel_response(creds, [o.id for o in self.desk.open_of(creds.key)])

    async def cancel_market(self, request: Request, creds: ApiCreds, body: str) -> Response:
        data = _json(body)
        if not isinstance(data, dict):
            return _error("Invalid payload")
        market, asset = str(data.get("market") or ""), str(data.get("asset_id") or "")
        orders = self.desk.open_of(creds.key, market=market, asset_id=asset)
        return self._cancel_response(creds, [o.id for o in orders])

    # ---- queries -------------------------------------------------------------------------
    async def open_orders(self, request: Request, creds: ApiCreds, body: str) -> Response:
        q = request.query_params
        if q.get("next_cursor") == END_CURSOR:
            return json_response(_page([]))
        orders = self.desk.open_of(creds.key, market=q.get("market"), asset_id=q.get("asset_id"),
                                   order_id=q.get("id"))  # fmt: skip
        return json_response(_page([open_order(o) for o in orders]))

    async def one_order(self, request: Request, creds: ApiCreds, body: str) -> Response:
        """A live order of the key; filled and cancelled orders are forgotten (empty body)."""
        found = self.desk.open_of(creds.key, order_id=request.path_params["order_id"])
        return json_response(open_order(found[0]) if found else None)

    async def trades(self, request: Request, creds: ApiCreds, body: str) -> Response:
        q = request.query_params
        if q.get("next_cursor") == END_CURSOR:
            return json_response(_page([]))
        try:
            after = int(q.get("after") or 0)
            before = int(q.get("before") or 2**63)
        except ValueError:
            return _error("invalid filters")
        rows = [
            rest_trade(t) for t in self.desk.trades_of(creds.key)
            if (not q.get("id") or t.id == q.get("id"))
            and (not q.get("market") or t.market.condition_id == q.get("market"))
            and (not q.get("asset_id") or t.asset_id == q.get("asset_id"))
            and (not q.get("maker_address")
                 or t.maker_address.lower() == str(q.get("maker_address")).lower())
            and after <= int(t.match_time.timestamp()) <= before
        ]  # fmt: skip
        return json_response(_page(rows))

    async def balance_allowance(self, request: Request, creds: ApiCreds, body: str) -> Response:
        q = request.query_params
        asset_type = (q.get("asset_type") or "").upper()
        wallet = self.accounts.wallet(creds.address)
        if asset_type == "COLLATERAL":
            amount = wallet.collateral
        elif asset_type in ("CONDITIONAL", "CONDITIONAL-V2") and q.get("token_id"):
            amount = wallet.shares(str(q.get("token_id")))
        else:
            return _error("invalid asset type")
        allowances = dict.fromkeys((STANDARD_EXCHANGE, NEG_RISK_EXCHANGE, NEG_RISK_ADAPTER),
                                   _MAX_ALLOWANCE)  # fmt: skip
        return json_response({"balance": str(int(amount * UNITS)), "allowances": allowances})

    async def heartbeat(self, request: Request, creds: ApiCreds, body: str) -> Response:
        data = _json(body)
        heartbeat_id = data.get("heartbeat_id", "") if isinstance(data, dict) else None
        if not isinstance(heartbeat_id, str):
            return _error("Invalid payload")
        try:
            next_id = self.accounts.heartbeat(creds.key, heartbeat_id, self.clock.now())
        except HeartbeatMismatchError as e:
            return json_response({"error_msg": "Invalid Heartbeat ID",
                                  "heartbeat_id": e.expected}, 400)  # fmt: skip
        return json_response({"heartbeat_id": next_id})

    # ---- market parameters for order signing ---------------------------------------------
    async def markets_by_token(self, request: Request) -> Response:
        market = self.desk.engine.by_token.get(request.path_params["token_id"])
        if market is None:
            return _error("market not found", 404)
        return json_response({"condition_id": market.condition_id,
                              "primary_token_id": market.token_ids[0],
                              "secondary_token_id": market.token_ids[1]})  # fmt: skip

    async def clob_market(self, request: Request) -> Response:
        """Compact V2 market info; ``nr`` and ``fd.to`` are omitted when false (§3.3)."""
        market = self.desk.engine.by_condition.get(request.path_params["condition_id"])
        if market is None:
            return _error("market not found", 404)
        body: dict[str, Any] = {
            "c": market.condition_id,
            "t": [{"t": t, "o": o} for t, o in zip(market.token_ids, market.outcomes,
                                                     strict=True)],
            "mts": float(market.tick),
            "mos": float(market.min_order_size),
            "mbf": 0,
            "tbf": 0,
            "r": None,
            "ao": not market.closed,
            "sd": 3 if market.sports_market_type else 0,
        }  # fmt: skip
        if market.event.neg_risk:
            body["nr"] = True
        if market.fee_rate > Decimal(0):
            body["fd"] = {"r": float(market.fee_rate), "e": 1, "to": True}
        return json_response(body)

    def routes(self) -> list[Route]:
        l2 = self.l2
        return [
            Route(f"{PREFIX}/auth/api-key", self.create_api_key, methods=["POST"]),
            Route(f"{PREFIX}/auth/api-key", l2(self.api_keys), methods=["DELETE"]),
            Route(f"{PREFIX}/auth/derive-api-key", self.derive_api_key),
            Route(f"{PREFIX}/auth/api-keys", l2(self.api_keys)),
            Route(f"{PREFIX}/auth/ban-status/closed-only", l2(self.closed_only)),
            Route(f"{PREFIX}/order", l2(self.order), methods=["POST", "DELETE"]),
            Route(f"{PREFIX}/orders", l2(self.orders), methods=["POST", "DELETE"]),
            Route(f"{PREFIX}/cancel-all", l2(self.cancel_all), methods=["DELETE"]),
            Route(f"{PREFIX}/cancel-market-orders", l2(self.cancel_market), methods=["DELETE"]),
            Route(f"{PREFIX}/data/orders", l2(self.open_orders)),
            Route(f"{PREFIX}/data/order/{{order_id}}", l2(self.one_order)),
            Route(f"{PREFIX}/data/trades", l2(self.trades)),
            Route(f"{PREFIX}/balance-allowance", l2(self.balance_allowance)),
            Route(f"{PREFIX}/balance-allowance/update", l2(self.balance_allowance)),
            Route(f"{PREFIX}/v1/heartbeats", l2(self.heartbeat), methods=["POST"]),
            Route(f"{PREFIX}/markets-by-token/{{token_id}}", self.markets_by_token),
            Route(f"{PREFIX}/clob-markets/{{condition_id}}", self.clob_market),
        ]


def _json(body: str) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None
