"""A simulator on a FakeClock in a background thread, for the synchronous live execution.

The live execution uses the SDK's synchronous client on the test's thread, so the simulator
runs its own event loop in another thread; everything that touches its state goes through
:meth:`SimThread.call`, on that loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from eth_account import Account

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.enums import OrderType, Side
from polymarket_ml.executor.execution import OrderIntent
from polymarket_ml.executor.fees import FeeSchedule
from polymarket_ml.executor.live import LiveExecution
from polymarket_ml.executor.live_credentials import (
    LiveCredentials,
    load_live_credentials,
    sdk_environment,
)
from polymarket_ml.settings import Settings, load_settings
from polymarket_ml.sim import SimConfig, SimServer
from polymarket_ml.sim.market import SimMarket

T = TypeVar("T")
WAIT_S = 10.0


class SimThread:
    """``with SimThread() as st:`` runs a simulator whose FakeClock starts at the wall clock."""

    def __init__(self, *, markets: int = 6, seed: int = 11) -> None:
        self.clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
        config = SimConfig(port=0, markets=markets, seed=seed, clock=self.clock,
                           step_interval_s=0.02)  # fmt: skip
        self.sim = SimServer(config)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="sim", daemon=True)

    def __enter__(self) -> SimThread:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.sim.start(), self.loop).result(WAIT_S)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.sim.stop(), self.loop).result(WAIT_S)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(WAIT_S)
        self.loop.close()

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the simulator's loop and return its result."""

        async def run() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(WAIT_S)

    def advance(self, seconds: float) -> None:
        """Move simulated time and step the exchange (fills, expiries, heartbeat deadlines)."""

        def step() -> None:
            self.clock.advance(timedelta(seconds=seconds))
            self.sim.pump()

        self.call(step)

    def liquid_market(self, *, with_fee: bool = False) -> SimMarket:
        """An open market on the 0.01 grid quoted on both sides between 0.2 and 0.8."""

        def find() -> SimMarket:
            for market in self.sim.engine.markets.values():
                bid, ask = market.book.best_bid(), market.book.best_ask()
                if market.closed or bid is None or ask is None or market.tick != Decimal("0.01"):
                    continue
                if with_fee and market.fee_rate <= 0:
                    continue
                if Decimal("0.2") < bid and ask < Decimal("0.8"):
                    return market
            raise AssertionError("no open market with a two-sided book")

        return self.call(find)

    def settings(self, **executor: Any) -> Settings:
        u = self.sim.urls
        sources = {"clob_url": u["clob"], "gamma_url": u["gamma"], "data_api_url": u["data"],
                   "ws_market_url": u["ws_market"], "ws_user_url": u["ws_user"]}  # fmt: skip
        return load_settings(sources=sources, executor=executor)


def new_key() -> str:
    return "0x" + bytes(Account.create().key).hex()


def credentials(st: SimThread, key: str) -> LiveCredentials:
    return load_live_credentials(st.settings(private_key=key))


@contextmanager
def live(st: SimThread, key: str, **options: Any) -> Iterator[LiveExecution]:
    """A connected live execution for ``key``, closed (orders left resting) at the end."""
    creds = credentials(st, key)
    execution = LiveExecution.connect(
        creds, sdk_environment(st.settings(private_key=key)), clock=st.clock, **options
    )
    try:
        yield execution
    finally:
        execution.close()


def intent(
    market: SimMarket,
    *,
    side: Side = Side.BUY,
    price: Decimal,
    size: Decimal = Decimal(10),
    order_type: OrderType = OrderType.GTC,
    token_index: int = 0,
    client_order_id: str = "c1",
    expires_at: datetime | None = None,
) -> OrderIntent:
    return OrderIntent(
        client_order_id=client_order_id, market_id=7, token_id=market.token_ids[token_index],
        side=side, price=price, size=size, order_type=order_type,
        fee=FeeSchedule(rate=market.fee_rate), signal_price=price, strategy="test",
        expires_at=expires_at,
    )  # fmt: skip


def wait_for(check: Callable[[], T | None], timeout_s: float = 5.0, step_s: float = 0.05) -> T:
    """Poll ``check`` until it returns something truthy (bounded)."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing after {timeout_s} s")
        time.sleep(step_s)


def key_file(tmp_path: Path, key: str, mode: int) -> Path:
    path = tmp_path / "wallet.key"
    path.write_text(key + "\n", encoding="utf-8")
    path.chmod(mode)
    return path
