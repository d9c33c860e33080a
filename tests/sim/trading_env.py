"""A simulator on a FakeClock plus the official ``polymarket-client`` SDK pointed at it."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from eth_account import Account
from polymarket import AsyncSecureClient, Environment
from polymarket._internal.environment import PRODUCTION_CONFIG, create_environment

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.sim import SimConfig, SimServer
from polymarket_ml.sim.auth import hmac_signature
from polymarket_ml.sim.market import SimMarket

Scenario = Callable[[SimServer], Awaitable[None]]


def sim_environment(sim: SimServer) -> Environment:
    """The SDK's production environment with every host replaced by the simulator's.

    ``Environment`` objects come from the SDK's own factory (``create_environment``) over its
    frozen config dataclass; relayer and RPC point at the simulator too (they 404 there), so
    nothing can reach the real network.
    """
    urls = sim.urls
    config = dataclasses.replace(
        PRODUCTION_CONFIG,
        clob_url=urls["clob"],
        gamma_url=urls["gamma"],
        data_url=urls["data"],
        clob_market_ws_url=urls["ws_market"],
        clob_user_ws_url=urls["ws_user"],
        relayer_url=f"{sim.base_url}/relayer",
        rpc_url=f"{sim.base_url}/rpc",
    )
    return create_environment(name="pmml-sim", config=config)


async def sdk_client(sim: SimServer, private_key: str | None = None) -> AsyncSecureClient:
    """A secure client for a throwaway EOA; credentials are derived (L1) during creation."""
    account = Account.create() if private_key is None else Account.from_key(private_key)
    return await AsyncSecureClient.create(
        private_key=account.key.hex(), wallet=account.address, environment=sim_environment(sim)
    )


def run_trading(scenario: Scenario, markets: int = 6, timeout_s: float = 20.0) -> None:
    """Run ``scenario`` against a simulator whose FakeClock starts at the wall clock's now.

    SDKs stamp GTD expirations with the wall clock, so simulated time starts there.
    """

    async def main() -> None:
        clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
        config = SimConfig(port=0, markets=markets, seed=11, clock=clock, step_interval_s=0.02)
        async with SimServer(config) as sim:
            await asyncio.wait_for(scenario(sim), timeout_s)

    asyncio.run(main())


def advance(sim: SimServer, seconds: float) -> None:
    clock = sim.clock
    assert isinstance(clock, FakeClock)
    clock.advance(timedelta(seconds=seconds))
    sim.pump()


def liquid_market(sim: SimServer) -> SimMarket:
    """An open market on the 0.01 grid with both sides quoted between 0.1 and 0.9."""
    for market in sim.engine.markets.values():
        bid, ask = market.book.best_bid(), market.book.best_ask()
        if market.closed or bid is None or ask is None or market.tick != Decimal("0.01"):
            continue
        if Decimal("0.1") < bid and ask < Decimal("0.9"):
            return market
    raise AssertionError("no open market with a two-sided book")


def l2_headers(creds: Any, address: str, method: str, path: str, body: str = "") -> dict[str, str]:
    """L2 headers signed like the SDKs do (path without ``/clob`` and query)."""
    timestamp = str(int(time.time()))
    return {
        "POLY_ADDRESS": address,
        "POLY_API_KEY": creds.key,
        "POLY_PASSPHRASE": creds.passphrase,
        "POLY_SIGNATURE": hmac_signature(creds.secret, timestamp, method, path, body),
        "POLY_TIMESTAMP": timestamp,
    }


async def recv_user_events(ws: Any, timeout_s: float = 3.0) -> list[dict[str, Any]]:
    """The next user-channel frame (skipping PONG), as a list of events."""
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout_s)
        if raw != "PONG":
            data = json.loads(raw)
            return data if isinstance(data, list) else [data]


async def get(sim: SimServer, path: str, **params: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=sim.base_url, timeout=5) as http:
        return await http.get(path, params=params)
