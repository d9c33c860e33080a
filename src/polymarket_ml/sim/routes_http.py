"""HTTP routes of the simulator: Gamma under ``/gamma``, CLOB under ``/clob``, Data API under
``/data`` and the control API under ``/_sim``. Thin: they read the engine and call renderers.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from polymarket_ml.core.clock import Clock
from polymarket_ml.sim.clob_routes import ClobRoutes, json_response
from polymarket_ml.sim.engine import SimEngine
from polymarket_ml.sim.faults import FaultInjector, FaultRule
from polymarket_ml.sim.market import SimEvent, SimMarket
from polymarket_ml.sim.payloads import data_trade
from polymarket_ml.sim.payloads_gamma import gamma_event, gamma_market
from polymarket_ml.sim.queries import (
    Params,
    QueryError,
    filter_events,
    filter_markets,
    keyset_page,
    offset_page,
    order_markets,
    values,
)

Handler = Callable[[Request], Awaitable[Response]]
_LEGACY_HEADERS = {
    "deprecation": "true",
    "sunset": "Fri, 01 May 2026 00:00:00 GMT",
    "warning": '299 - "use /markets/keyset"',
}


def params_of(request: Request) -> Params:
    query = request.query_params
    return {key: query.getlist(key) for key in query}


def validation_error(message: str) -> Response:
    return json_response({"type": "validation error", "error": message}, 422)


class GammaRoutes:
    """``/gamma``: markets and events, legacy offset and keyset paging."""

    def __init__(self, engine: SimEngine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def _markets_of(self, event: SimEvent) -> list[SimMarket]:
        return [self.engine.markets[i] for i in event.market_ids if i in self.engine.markets]

    def _now(self) -> datetime:
        return self.engine.now

    def _selected_markets(self, params: Params) -> list[SimMarket]:
        return filter_markets(self.engine.markets.values(), params)

    async def markets(self, request: Request) -> Response:
        params = params_of(request)
        try:
            page = offset_page(order_markets(self._selected_markets(params), params), params)
        except QueryError as e:
            return validation_error(str(e))
        body = [gamma_market(m, self._now()) for m in page]
        return json_response(body, headers=_LEGACY_HEADERS)

    async def markets_keyset(self, request: Request) -> Response:
        params = params_of(request)
        try:
            page, cursor = keyset_page(self._selected_markets(params), params, _market_id)
        except QueryError as e:
            return validation_error(str(e))
        body: dict[str, Any] = {"markets": [gamma_market(m, self._now()) for m in page]}
        if cursor is not None:
            body["next_cursor"] = cursor
        return json_response(body)

    async def market(self, request: Request) -> Response:
        market_id = request.path_params["market_id"]
        if not market_id.isdigit():
            return validation_error("id is invalid")
        market = self.engine.markets.get(market_id)
        if market is None:
            return json_response({"type": "not found error", "error": "market not found"}, 404)
        return json_response(gamma_market(market, self._now()))

    async def market_by_slug(self, request: Request) -> Response:
        slug = request.path_params["slug"]
        for market in self.engine.markets.values():
            if market.slug == slug:
                return json_response(gamma_market(market, self._now()))
        return json_response({"type": "not found error", "error": "market not found"}, 404)

    def _selected_events(self, params: Params) -> list[SimEvent]:
        return filter_events(self.engine.events.values(), self._markets_of, params)

    def _render_event(self, event: SimEvent) -> dict[str, Any]:
        return gamma_event(event, self._markets_of(event), self._now())

    async def events(self, request: Request) -> Response:
        params = params_of(request)
        try:
            events = sorted(self._selected_events(params), key=lambda e: int(e.event_id))
            if values(params, "ascending") == ["false"]:
                events.reverse()
            page = offset_page(events, params)
        except QueryError as e:
            return validation_error(str(e))
        return json_response([self._render_event(e) for e in page], headers=_LEGACY_HEADERS)

    async def events_keyset(self, request: Request) -> Response:
        params = params_of(request)
        try:
            page, cursor = keyset_page(self._selected_events(params), params, _event_id)
        except QueryError as e:
            return validation_error(str(e))
        body: dict[str, Any] = {"events": [self._render_event(e) for e in page]}
        if cursor is not None:
            body["next_cursor"] = cursor
        return json_response(body)

    async def event(self, request: Request) -> Response:
        event_id = request.path_params["event_id"]
        if not event_id.isdigit():
            return validation_error("id is invalid")
        event = self.engine.events.get(event_id)
        if event is None:
            return json_response({"type": "not found error", "error": "event not found"}, 404)
        return json_response(self._render_event(event))

    async def event_by_slug(self, request: Request) -> Response:
        slug = request.path_params["slug"]
        for event in self.engine.events.values():
            if event.slug == slug:
                return json_response(self._render_event(event))
        return json_response({"type": "not found error", "error": "event not found"}, 404)

    async def status(self, request: Request) -> Response:
        return Response("OK", media_type="text/plain")

    def routes(self) -> list[Route]:
        return [
            Route("/gamma/markets", self.markets),
            Route("/gamma/markets/keyset", self.markets_keyset),
            Route("/gamma/markets/slug/{slug}", self.market_by_slug),
            Route("/gamma/markets/{market_id}", self.market),
            Route("/gamma/events", self.events),
            Route("/gamma/events/keyset", self.events_keyset),
            Route("/gamma/events/slug/{slug}", self.event_by_slug),
            Route("/gamma/events/{event_id}", self.event),
            Route("/gamma/status", self.status),
        ]


def _market_id(market: SimMarket) -> str:
    return market.gamma_id


def _event_id(event: SimEvent) -> str:
    return event.event_id


class DataRoutes:
    """``/data``: the public trade tape (``GET /data/trades``), newest first; ``user`` filters
    on the taker's wallet (``takerOnly`` default: simulator users appear as takers only)."""

    def __init__(self, engine: SimEngine) -> None:
        self.engine = engine

    async def trades(self, request: Request) -> Response:
        params = params_of(request)
        markets = set(values(params, "market"))
        side = request.query_params.get("side")
        user = (request.query_params.get("user") or "").lower()
        try:
            limit = min(int(request.query_params.get("limit", "100")), 500)
            offset = int(request.query_params.get("offset", "0"))
            amount = float(request.query_params.get("filterAmount", "0"))
        except ValueError:
            return json_response({"error": "invalid numeric parameter"}, 400)
        if offset > 1000:
            return json_response({"error": "offset must be <= 1000"}, 400)
        cash = request.query_params.get("filterType", "CASH").upper() == "CASH"
        rows = []
        for trade in reversed(self.engine.trades):
            if markets and trade.market.condition_id not in markets:
                continue
            if side and trade.side.value != side.upper():
                continue
            if user and trade.taker_wallet.lower() != user:
                continue
            if amount and float(trade.notional if cash else trade.size) < amount:
                continue
            rows.append(trade)
            if len(rows) >= offset + limit:
                break
        return json_response([data_trade(t) for t in rows[offset:]])

    def routes(self) -> list[Route]:
        return [Route("/data/trades", self.trades)]


class ControlRoutes:
    """``/_sim``: fault control for tests and demos, and a small state summary."""

    def __init__(self, engine: SimEngine, faults: FaultInjector) -> None:
        self.engine = engine
        self.faults = faults

    async def faults_endpoint(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.faults.clear()
        elif request.method == "POST":
            try:
                data = json.loads(await request.body() or b"{}")
                rules = data if isinstance(data, list) else [data]
                for rule in rules:
                    self.faults.add(FaultRule.from_mapping(rule))
            except (ValueError, TypeError) as e:
                return json_response({"error": str(e)}, 400)
        return json_response({
            "rules": [rule.to_json() for rule in self.faults.rules],
            "fired": {kind.value: n for kind, n in self.faults.fired.items()},
        })  # fmt: skip

    async def state(self, request: Request) -> Response:
        tiers = self.engine.tier_counts()
        return json_response({
            "now": self.engine.now.isoformat(),
            "markets": len(self.engine.markets),
            "open_markets": self.engine.active_count,
            "tiers": {f"T{int(t)}": n for t, n in tiers.items()},
        })  # fmt: skip

    def routes(self) -> list[Route]:
        return [
            Route("/_sim/faults", self.faults_endpoint, methods=["GET", "POST", "DELETE"]),
            Route("/_sim/state", self.state),
        ]


def all_routes(engine: SimEngine, clock: Clock, faults: FaultInjector) -> list[Route]:
    return [
        *GammaRoutes(engine, clock).routes(),
        *ClobRoutes(engine).routes(),
        *DataRoutes(engine).routes(),
        *ControlRoutes(engine, faults).routes(),
    ]
