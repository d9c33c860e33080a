"""The market and user WebSocket channels: subscriptions, framing, fan-out and WS faults.

Framing as the exchange does it (``polymarket-api.md`` §5.1-5.2): the client subscribes with
``{"assets_ids": [...], "type": "market", "custom_feature_enabled": bool, "initial_dump": bool}``
and may later send ``{"assets_ids": [...], "operation": "subscribe"|"unsubscribe"}``; the text
``PING`` is answered with ``PONG``; server frames are JSON arrays of event objects. Each
connection has one sender task; feed items queued between flushes leave as one array frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import msgspec
from starlette.websockets import WebSocket, WebSocketDisconnect

from polymarket_ml.sim.faults import WS_KINDS, FaultInjector, FaultKind
from polymarket_ml.sim.feed import FeedBook, FeedItem
from polymarket_ml.sim.payloads import render_feed

log = logging.getLogger(__name__)
_encode = msgspec.json.Encoder().encode
RAW_SEND_KEY = "pmml.sim.raw_send"


class Connection:
    """One client socket: what it subscribed to and what waits to be sent to it."""

    def __init__(self, websocket: WebSocket, channel: str, max_pending: int) -> None:
        self.websocket = websocket
        self.channel = channel
        self.assets: set[str] = set()
        self.markets: set[str] = set()
        self.custom = False
        self.subscribed = False
        self.control: list[str] = []
        self.pending: list[bytes] = []
        self.wake = asyncio.Event()
        self.stalled_until = 0.0
        self.max_pending = max_pending
        self.frames_sent = 0
        self.closed = False
        self.api_key: str | None = None  # user channel: the key whose events this socket gets

    def push(self, data: bytes) -> None:
        self.pending.append(data)
        self.wake.set()

    def push_text(self, text: str) -> None:
        self.control.append(text)
        self.wake.set()


class Hub:
    """All open sockets; routes rendered feed items to the sockets subscribed to them."""

    def __init__(
        self, faults: FaultInjector, book_dump: Callable[[list[str]], list[FeedBook]],
        max_pending: int,
    ) -> None:  # fmt: skip
        self.faults = faults
        self.book_dump = book_dump
        self.max_pending = max_pending
        self.connections: set[Connection] = set()
        # User channel: maps the subscribe message's ``auth`` object to an API key (or None).
        self.user_auth: Callable[[Any], str | None] = lambda auth: None

    def dispatch(self, items: list[FeedItem]) -> None:
        """Queue each item (encoded once) on every connection that wants it."""
        market_conns = [c for c in self.connections if c.channel == "market" and c.subscribed]
        if not market_conns or not items:
            return
        for item in items:
            data: bytes | None = None
            for conn in market_conns:
                if item.custom and not conn.custom:
                    continue
                if not item.broadcast and not any(a in conn.assets for a in item.assets):
                    continue
                if data is None:
                    data = _encode(render_feed(item))
                conn.pending.append(data)
        for conn in market_conns:
            if conn.pending:
                if len(conn.pending) > conn.max_pending:
                    log.warning("dropping a WebSocket client that does not keep up")
                    abort(conn.websocket)
                    conn.pending.clear()
                conn.wake.set()

    async def serve(self, websocket: WebSocket, channel: str) -> None:
        """Run one connection until the client leaves or a fault cuts it."""
        await websocket.accept()
        conn = Connection(websocket, channel, self.max_pending)
        self.connections.add(conn)
        sender = asyncio.create_task(self._sender(conn))
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    text = (message.get("bytes") or b"").decode(errors="replace")
                self._on_text(conn, text)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            conn.closed = True
            self.connections.discard(conn)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender

    def _on_text(self, conn: Connection, text: str) -> None:
        if text.strip().upper() == "PING":
            conn.push_text("PONG")
            return
        try:
            message: Any = json.loads(text)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        if conn.channel == "user":
            self._on_user(conn, message)
        else:
            self._on_market(conn, message)

    def _on_market(self, conn: Connection, message: dict[str, Any]) -> None:
        assets = [str(a) for a in message.get("assets_ids") or []]
        operation = str(message.get("operation", "subscribe")).lower()
        if operation == "unsubscribe":
            conn.assets.difference_update(assets)
            return
        if operation != "subscribe":
            return
        if "custom_feature_enabled" in message or not conn.subscribed:
            conn.custom = bool(message.get("custom_feature_enabled", False))
        new = [a for a in dict.fromkeys(assets) if a not in conn.assets]
        conn.assets.update(new)
        conn.subscribed = True
        if message.get("initial_dump", True) and new:
            books = self.book_dump(new)
            if books:
                conn.control.append(
                    "[" + ",".join(_encode(render_feed(b)).decode() for b in books) + "]"
                )
        conn.wake.set()

    def _on_user(self, conn: Connection, message: dict[str, Any]) -> None:
        markets = [str(m) for m in message.get("markets") or []]
        if "auth" in message:
            conn.api_key = self.user_auth(message["auth"])
        if str(message.get("operation", "subscribe")).lower() == "unsubscribe":
            conn.markets.difference_update(markets)
        else:
            conn.markets.update(markets)
            conn.subscribed = True

    def publish_user(self, api_key: str, market: str, event: dict[str, Any]) -> None:
        """Queue a user-channel event for the sockets of ``api_key`` subscribed to ``market``.

        An empty ``markets`` list in the subscription means every market.
        """
        data: bytes | None = None
        for conn in self.connections:
            if conn.channel != "user" or not conn.subscribed or conn.api_key != api_key:
                continue
            if conn.markets and market not in conn.markets:
                continue
            if data is None:
                data = _encode(event)
            conn.push(data)

    async def _sender(self, conn: Connection) -> None:
        websocket = conn.websocket
        while not conn.closed:
            await conn.wake.wait()
            conn.wake.clear()
            frames = conn.control
            conn.control = []
            if conn.pending:
                frames.append("[" + b",".join(conn.pending).decode() + "]")
                conn.pending = []
            for frame in frames:
                if not await self._send(conn, websocket, frame):
                    return

    async def _send(self, conn: Connection, websocket: WebSocket, frame: str) -> bool:
        """Send one frame through the fault rules; False once the connection is gone."""
        if time.monotonic() < conn.stalled_until:
            return True
        rule = self.faults.draw(WS_KINDS) if self.faults.rules else None
        if rule is not None:
            if rule.kind is FaultKind.WS_DROP:
                abort(websocket)
                conn.closed = True
                return False
            if rule.kind is FaultKind.WS_STALL:
                conn.stalled_until = time.monotonic() + rule.duration_s
                return True
            frame = frame[: max(1, len(frame) // 2)] + "\x00}{"
        try:
            await websocket.send_text(frame)
        except Exception:  # the peer went away; the receive loop ends the connection
            conn.closed = True
            return False
        conn.frames_sent += 1
        return True


def abort(websocket: WebSocket) -> None:
    """Cut the TCP connection without a close frame (like a network drop).

    The ASGI ``send`` of the raw server is stashed in the scope by ``server.py``; uvicorn's
    protocol objects expose their transport. Falls back to close code 1011.
    """
    raw_send = websocket.scope.get(RAW_SEND_KEY)
    transport = getattr(getattr(raw_send, "__self__", None), "transport", None)
    if transport is not None:
        transport.abort()
        return
    task = asyncio.ensure_future(websocket.close(code=1011))
    task.add_done_callback(lambda t: t.exception())
