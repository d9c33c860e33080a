"""The simulator's server: one port, HTTP and WebSocket, run by uvicorn (Starlette routing).

``SimServer`` owns the engine, the clock, the fault injector and the WebSocket hub. A background
task steps the engine every ``step_interval_s`` and fans the feed out; tests on a ``FakeClock``
advance the clock and call :meth:`SimServer.pump` to step at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from polymarket_ml.core.clock import SpeedClock
from polymarket_ml.sim.accounts import Accounts
from polymarket_ml.sim.clob_routes import json_response
from polymarket_ml.sim.config import SimConfig
from polymarket_ml.sim.engine import SimEngine
from polymarket_ml.sim.exchange import TradingDesk
from polymarket_ml.sim.faults import HTTP_KINDS, FaultInjector, FaultKind
from polymarket_ml.sim.feed import FeedBook, FeedItem
from polymarket_ml.sim.routes_http import all_routes
from polymarket_ml.sim.trading_routes import TradingRoutes
from polymarket_ml.sim.ws import RAW_SEND_KEY, Hub

log = logging.getLogger(__name__)


class FaultMiddleware:
    """HTTP faults (429, 5xx, slow) for every path but ``/_sim``; stashes the raw WS ``send``."""

    def __init__(self, app: ASGIApp, faults: FaultInjector) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            scope[RAW_SEND_KEY] = send
        elif scope["type"] == "http" and self.faults.rules:
            path: str = scope.get("path", "")
            rule = None if path.startswith("/_sim") else self.faults.draw(HTTP_KINDS, path)
            if rule is not None and rule.kind is FaultKind.HTTP_SLOW:
                await asyncio.sleep(rule.delay_s)
            elif rule is not None:
                status = 429 if rule.kind is FaultKind.HTTP_429 else rule.status
                body = {"error": "Too Many Requests"} if status == 429 else {"error": "simulated"}
                headers = {"retry-after": "1"} if status == 429 else None
                await json_response(body, status, headers)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SimServer:
    """A running simulator. ``async with SimServer(config) as sim:`` starts and stops it."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.clock = config.clock or SpeedClock(config.speed)
        self.engine = SimEngine(
            markets=config.markets, seed=config.seed, start=self.clock.now(),
            activity=config.activity, catchup_s=config.catchup_s,
        )  # fmt: skip
        self.faults = FaultInjector(config.seed, list(config.faults))
        self.hub = Hub(self.faults, self._book_dump, config.max_pending_frames)
        self.accounts = Accounts(config.seed, config.starting_balance_usd)
        self.trading = TradingDesk(self.engine, self.accounts, config.seed,
                                   self.hub.publish_user, self.hub.dispatch)  # fmt: skip
        self.hub.user_auth = self._user_auth
        routes: list[Any] = [
            *all_routes(self.engine, self.clock, self.faults),
            *TradingRoutes(self.trading, self.clock).routes(),
            WebSocketRoute("/ws/market", self._ws_market),
            WebSocketRoute("/ws/user", self._ws_user),
        ]
        self.app = FaultMiddleware(Starlette(routes=routes), self.faults)
        self._server: uvicorn.Server | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self.port = config.port
        self.items_emitted = 0

    # ---- URLs ----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.config.host}:{self.port}"

    @property
    def urls(self) -> dict[str, str]:
        ws = f"ws://{self.config.host}:{self.port}"
        return {
            "gamma": f"{self.base_url}/gamma", "clob": f"{self.base_url}/clob",
            "data": f"{self.base_url}/data", "ws_market": f"{ws}/ws/market",
            "ws_user": f"{ws}/ws/user", "control": f"{self.base_url}/_sim",
        }  # fmt: skip

    # ---- engine --------------------------------------------------------------------------
    def pump(self) -> list[FeedItem]:
        """Step the engine to the clock's now and queue the feed on the sockets."""
        now = self.clock.now()
        items = self.engine.step(now)
        self.items_emitted += len(items)
        self.hub.dispatch(items)
        self.trading.on_step(items, now)
        return items

    def _user_auth(self, auth: Any) -> str | None:
        """The API key of a user-channel ``auth`` object whose secret and passphrase match."""
        if not isinstance(auth, dict):
            return None
        creds = self.accounts.keys.get(str(auth.get("apiKey", "")))
        if creds is None or (auth.get("secret"), auth.get("passphrase")) != (
            creds.secret, creds.passphrase,
        ):  # fmt: skip
            return None
        return creds.key

    def _book_dump(self, asset_ids: list[str]) -> list[FeedBook]:
        books = []
        for asset_id in asset_ids:
            market = self.engine.by_token.get(asset_id)
            if market is None:
                continue
            index = market.token_index(asset_id)
            books.append(self.engine.book_items(market, self.engine.now)[index])
        return books

    async def _run_engine(self) -> None:
        while True:
            await asyncio.sleep(self.config.step_interval_s)
            try:
                self.pump()
            except Exception:
                log.exception("simulator step failed")

    async def _ws_market(self, websocket: WebSocket) -> None:
        await self.hub.serve(websocket, "market")

    async def _ws_user(self, websocket: WebSocket) -> None:
        await self.hub.serve(websocket, "user")

    # ---- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        """Bind the port and start serving; returns once the server accepts connections."""
        config = uvicorn.Config(
            self.app, host=self.config.host, port=self.config.port,
            log_level=self.config.log_level, lifespan="off", ws="websockets-sansio",
            ws_ping_interval=None, ws_max_size=4 * 1024 * 1024,
        )  # fmt: skip
        server = uvicorn.Server(config)
        self._server = server
        serve_task = asyncio.create_task(server.serve())
        self._tasks = [serve_task]
        while not server.started:
            if serve_task.done():
                serve_task.result()
                raise RuntimeError("the simulator's server stopped during start-up")
            await asyncio.sleep(0.01)
        sockets = [s for srv in server.servers for s in (srv.sockets or ())]
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        self._tasks.append(asyncio.create_task(self._run_engine()))

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        for task in self._tasks[1:]:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, timeout=5)
        self._tasks = []

    async def wait_closed(self) -> None:
        """Wait until the HTTP server stops (Ctrl-C on the command line)."""
        if self._tasks:
            await self._tasks[0]

    async def __aenter__(self) -> SimServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


async def serve(config: SimConfig) -> None:
    """Run a simulator until cancelled; prints the base URLs once it is ready."""
    async with SimServer(config) as sim:
        print(f"pmml sim: {config.markets} markets, seed {config.seed}, speed {config.speed}x")
        for name, url in sim.urls.items():
            print(f"  {name:<10} {url}")
        await sim.wait_closed()
