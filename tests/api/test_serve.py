"""``serve`` runs the app with uvicorn on 127.0.0.1 by default and stops when told."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from polymarket_ml.api.app import listen, serve
from polymarket_ml.core.errors import ConfigError
from polymarket_ml.settings import Settings
from tests.api.conftest import MakeApp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_binds_to_localhost_by_default_and_stops_on_the_event(
    settings: Settings, make_app: MakeApp
) -> None:
    port = free_port()
    api = settings.api.model_copy(update={"api_port": port})
    app = make_app()

    async def scenario() -> tuple[str, int]:
        stop = asyncio.Event()
        task = asyncio.create_task(serve(app, api, stop))
        async with httpx.AsyncClient() as http:
            for _ in range(100):
                try:
                    response = await http.get(f"http://127.0.0.1:{port}/api/monitoring/redis-stats")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 10)
        return api.api_host, response.status_code

    host, status = asyncio.run(scenario())

    assert host == "127.0.0.1"
    assert status == 200


def test_a_taken_port_is_a_config_error_naming_the_setting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        with pytest.raises(ConfigError, match=f"PMML_API_PORT={port}"):
            listen("127.0.0.1", port)


def test_accepted_connections_get_tcp_nodelay() -> None:
    """asyncio sets TCP_NODELAY only on sockets whose proto is TCP; without it every small
    keep-alive answer waited for the client's delayed ACK (~40 ms)."""
    server = listen("127.0.0.1", 0)
    try:
        assert server.proto == socket.IPPROTO_TCP
        client = socket.create_connection(server.getsockname()[:2])
        accepted, _ = server.accept()
        try:
            assert accepted.proto == socket.IPPROTO_TCP  # what asyncio's _set_nodelay checks
        finally:
            accepted.close()
            client.close()
    finally:
        server.close()
