"""A scripted stand-in for the market channel: a real WebSocket server on 127.0.0.1.

Tests drive it by hand: wait for the next client socket, read what the client sent, send
frames, drop or stall the socket. Every wait is bounded by ``TIMEOUT_SECS``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from typing import Any, Self, TypeVar

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from tests.support import SAMPLES_DIR

TIMEOUT_SECS = 3.0
T = TypeVar("T")


async def within(awaitable: Awaitable[T], timeout: float = TIMEOUT_SECS) -> T:
    return await asyncio.wait_for(awaitable, timeout)


def raw_sample(name: str) -> str:
    """A recorded frame exactly as stored, e.g. ``raw_sample("ws/new_market_2025-12.json")``."""
    return (SAMPLES_DIR / name).read_text()


class ClientSocket:
    """The server's side of one client socket, and everything the client sent on it."""

    def __init__(self, ws: ServerConnection) -> None:
        self.ws = ws
        self.received: list[str] = []
        self._inbox: asyncio.Queue[str] = asyncio.Queue()
        self.closed = asyncio.Event()

    def _got(self, message: str) -> None:
        self.received.append(message)
        self._inbox.put_nowait(message)

    async def next_message(self) -> str:
        return await within(self._inbox.get())

    async def next_json(self) -> Any:
        """The next message that is not ``PING``, decoded."""
        while True:
            message = await self.next_message()
            if message != "PING":
                return json.loads(message)

    async def send(self, frame: str) -> None:
        await self.ws.send(frame)

    def drop(self) -> None:
        """Cut the TCP connection without a closing handshake."""
        transport = self.ws.transport
        assert transport is not None
        transport.abort()

    @property
    def pings(self) -> int:
        return self.received.count("PING")


class MarketChannelServer:
    """Accepts any number of client sockets; ``answer_pings=False`` makes it fully silent."""

    def __init__(self, *, answer_pings: bool = True) -> None:
        self.answer_pings = answer_pings
        self.sockets: list[ClientSocket] = []
        self._new: asyncio.Queue[ClientSocket] = asyncio.Queue()
        self._server: Server | None = None
        self.url = ""

    async def __aenter__(self) -> Self:
        self._server = await serve(self._handle, "127.0.0.1", 0)
        port = next(iter(self._server.sockets)).getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}/ws/market"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await within(self._server.wait_closed())

    async def next_socket(self) -> ClientSocket:
        return await within(self._new.get())

    async def _handle(self, ws: ServerConnection) -> None:
        client = ClientSocket(ws)
        self.sockets.append(client)
        self._new.put_nowait(client)
        try:
            async for message in ws:
                text = message if isinstance(message, str) else message.decode()
                client._got(text)
                if text == "PING" and self.answer_pings:
                    await ws.send("PONG")
        except ConnectionClosed:
            pass
        finally:
            client.closed.set()
