"""The monitoring and executor API under load, over a PostgreSQL database of a million snapshot
rows and a week of paper trading.

The API runs in its own process (uvicorn on 127.0.0.1, as ``pmml up`` serves it, without a live
executor: the executor endpoints read what the executor stored, as they do beside ``pmml
executor``); a load generator of concurrent keep-alive connections calls each endpoint a bounded
number of times (and for a bounded duration), at each level of ``CONCURRENCY``. Figures per
endpoint: p50 and p99 latency, requests per second; the target is p99 under 50 ms. The baseline is
``GET /api/admin/settings``, an endpoint that touches no database, measured in the same run: its
p99 is the cost of HTTP and the framework. The load generator runs on the same machine as the
API and PostgreSQL; it speaks bare HTTP/1.1 on asyncio streams (:class:`Connection`) so that its
own CPU share stays small (~0.1 ms a request; an httpx client took as much as the baseline).

Full size: 1,000,000 snapshots; ``--quick``: 50,000.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import Engine, insert, select

from benchmarks.bench_storage import postgres_engine
from polymarket_ml.core.enums import SignalStatus, TaskStatus, Tier
from polymarket_ml.core.snapshot import FeatureSnapshot
from polymarket_ml.core.types import Market
from polymarket_ml.executor.strategies.registry import BUILT_IN
from polymarket_ml.storage.bulk import write_snapshots
from polymarket_ml.storage.engine import make_session_factory
from polymarket_ml.storage.models import (
    EquityHistoryRow,
    ExecutorStateRow,
    FillRow,
    MarketRow,
    OrderRow,
    PositionRow,
    SignalRow,
    TaskRunRow,
    TierTransitionRow,
)
from polymarket_ml.storage.repositories import MarketRepository

MARKETS = 200
CONCURRENCY = (8, 4)
"""Clients in flight: 8, and a handful of dashboard users."""
TOKEN = "bench-token"
TARGET_P99_MS = 50.0
ENDPOINTS = (
    "/api/admin/settings",  # baseline: no database
    "/api/monitoring/health",
    "/api/monitoring/critical",
    "/api/monitoring/websocket-coverage",
    "/api/monitoring/tier-transitions?hours=24",
    "/api/monitoring/task-activity?hours=24",
    "/api/monitoring/redis-stats",
    "/api/database/tables",
    "/api/database/tables/snapshots?page=3&page_size=50",
    "/metrics",
    "/api/executor/status",
    "/api/executor/positions",
    "/api/executor/trades",
    "/api/executor/signals",
    "/api/strategies",
)


def run(quick: bool = False) -> list[str]:
    snapshots = 50_000 if quick else 1_000_000
    requests = 200 if quick else 1000
    with postgres_engine() as engine:
        started = time.perf_counter()
        seed(engine, snapshots)
        seed_executor(engine, datetime.now(UTC))
        with engine.begin() as conn:  # committed: statistics of a rolled-back ANALYZE are lost
            conn.exec_driver_sql("ANALYZE")
        seeded = time.perf_counter() - started
        url = engine.url.render_as_string(hide_password=False)
        with api_process(url) as base:
            results = {n: asyncio.run(load_all(base, requests, n)) for n in CONCURRENCY}
    lines = [
        f"seeded {snapshots:,} snapshots (+ markets, transitions, task runs, a week of paper"
        f" trading) in {seeded:.1f}s"
    ]
    for clients, by_path in results.items():
        lines.append(
            f"{'endpoint':<52} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}  ({clients} clients)"
        )
        baseline_p99 = by_path[ENDPOINTS[0]][1]
        for path, (p50, p99, rate) in by_path.items():
            verdict = "ok" if p99 < TARGET_P99_MS else f"OVER {TARGET_P99_MS:g} ms"
            lines.append(
                f"{path:<52} {p50:8.1f} {p99:8.1f} {rate:8.0f}  {verdict},"
                f" p99 {p99 / baseline_p99:.1f}x baseline"
            )
    return lines


# -- data ------------------------------------------------------------------------------------


def seed(engine: Engine, n_snapshots: int) -> None:
    now = datetime.now(UTC)
    with make_session_factory(engine).begin() as s:
        repo = MarketRepository(s)
        ids = [
            repo.upsert(
                Market(
                    condition_id=f"0x{i:064x}",
                    question=f"Q{i}?",
                    yes_token_id=f"{i:070d}1",
                    no_token_id=f"{i:070d}2",
                    tier=Tier(i % 5),
                ),
                now=now,
            ).id
            or 0
            for i in range(MARKETS)
        ]
    write_snapshots(engine, snapshot_rows(ids, n_snapshots, now))
    rng = random.Random(3)
    transitions = [
        {
            "market_id": rng.choice(ids),
            "from_tier": a,
            "to_tier": None if a == 4 else a + 1,
            "transitioned_at": now - timedelta(seconds=rng.uniform(0, 7 * 86400)),
            "reason": "bench",
        }
        for a in (rng.randrange(5) for _ in range(20_000))
    ]
    with engine.begin() as conn:
        conn.execute(insert(TierTransitionRow), transitions)
        conn.execute(insert(TaskRunRow), list(task_runs(now, days=7)))


def seed_executor(engine: Engine, now: datetime) -> None:
    """A week of paper trading: an equity point per 30-second scan, 20,000 signals, 2,000
    filled orders, 1,000 positions of which 40 are open, and the executor's state."""
    rng = random.Random(5)
    with engine.connect() as conn:
        markets = list(conn.execute(select(MarketRow.id, MarketRow.yes_token_id)))
    strategies = list(BUILT_IN)
    scans = 7 * 86400 // 30
    equity = [
        {
            "timestamp": now - timedelta(seconds=30 * (scans - k)),
            "mode": "paper",
            "cash_usd": Decimal("8000") + k % 100,
            "positions_value_usd": Decimal("2100.25"),
            "equity_usd": Decimal("10100.25") + k % 100,
            "realized_pnl_usd": Decimal("150.5"),
            "unrealized_pnl_usd": Decimal("-50.25"),
            "fees_usd": Decimal("12.75"),
            "peak_equity_usd": Decimal("10300"),
            "drawdown_pct": Decimal("1.25"),
            "halted": False,
        }
        for k in range(scans)
    ]
    signals = []
    for k in range(20_000):
        market_id, token = rng.choice(markets)
        status = rng.choice(list(SignalStatus))
        signals.append(
            {
                "strategy": rng.choice(strategies),
                "market_id": market_id,
                "token_id": token,
                "outcome": "YES",
                "side": "BUY",
                "is_exit": False,
                "reason": "bench",
                "edge": 0.02,
                "confidence": 0.6,
                "price_at_signal": Decimal("0.95"),
                "suggested_size_usd": Decimal("25"),
                "status": status.value,
                "risk_reasons": ["max exposure"] if status is SignalStatus.REJECTED else None,
                "created_at": now - timedelta(seconds=30 * (20_000 - k)),
            }
        )
    positions = []
    for k in range(1000):
        market_id, token = rng.choice(markets)
        opened = now - timedelta(minutes=10 * (1000 - k))
        is_open = k >= 960
        positions.append(
            {
                "market_id": market_id,
                "token_id": token,
                "outcome": "YES",
                "strategy": rng.choice(strategies),
                "mode": "paper",
                "status": "open" if is_open else "closed",
                "size": Decimal("26.315789"),
                "entry_price": Decimal("0.95"),
                "cost_basis_usd": Decimal("25"),
                "current_price": Decimal("0.96"),
                "current_value_usd": Decimal("25.263158"),
                "unrealized_pnl_usd": Decimal("0.263158") if is_open else Decimal(0),
                "realized_pnl_usd": Decimal(0) if is_open else Decimal("1.25"),
                "fees_usd": Decimal("0.05"),
                "opened_at": opened,
                "updated_at": opened,
                "closed_at": None if is_open else opened + timedelta(minutes=5),
                "exit_price": None if is_open else Decimal("0.99"),
                "exit_reason": None if is_open else "take_profit",
            }
        )
    orders = []
    for k in range(2000):
        market_id, token = rng.choice(markets)
        created = now - timedelta(minutes=5 * (2000 - k))
        orders.append(
            {
                "client_order_id": f"bench-{k}",
                "market_id": market_id,
                "token_id": token,
                "strategy": rng.choice(strategies),
                "mode": "paper",
                "side": "BUY" if k % 2 else "SELL",
                "order_type": "FAK",
                "price": Decimal("0.95"),
                "size": Decimal("26.315789"),
                "filled_size": Decimal("26.315789"),
                "avg_fill_price": Decimal("0.95"),
                "status": "filled",
                "created_at": created,
                "updated_at": created,
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(EquityHistoryRow), equity)
        conn.execute(insert(SignalRow), signals)
        conn.execute(insert(PositionRow), positions)
        order_ids = conn.execute(insert(OrderRow).returning(OrderRow.id), orders).scalars().all()
        fills = [
            {
                "order_id": order_id,
                "market_id": o["market_id"],
                "token_id": o["token_id"],
                "mode": "paper",
                "side": o["side"],
                "price": Decimal("0.95"),
                "size": Decimal("26.315789"),
                "fee_usd": Decimal("0.05"),
                "is_maker": False,
                "slippage": Decimal("0.001"),
                "filled_at": o["created_at"],
                "received_at": o["created_at"],
            }
            for order_id, o in zip(order_ids, orders, strict=True)
        ]
        conn.execute(insert(FillRow), fills)
        conn.execute(
            insert(ExecutorStateRow).values(
                mode="paper",
                starting_balance_usd=Decimal("10000"),
                cash_usd=Decimal("8100.5"),
                peak_equity_usd=Decimal("10300"),
                halted=False,
                entries_paused=False,
                updated_at=now,
            )
        )


def snapshot_rows(ids: list[int], n: int, now: datetime) -> Iterator[FeatureSnapshot]:
    """``n`` snapshots, newest at ``now``, every market's spaced by its tier's interval."""
    intervals = {0: 3600, 1: 300, 2: 60, 3: 30, 4: 15}
    per_market = n // len(ids)
    for step in range(per_market):
        for i, market_id in enumerate(ids):
            tier = i % 5
            yield FeatureSnapshot(
                market_id=market_id,
                timestamp=now - timedelta(seconds=intervals[tier] * (per_market - step)),
                tier=Tier(tier),
                price=0.5,
                spread=0.01,
            )


def task_runs(now: datetime, days: int) -> Iterator[dict[str, object]]:
    """A week of the real schedule: every snapshot tier, tier updates and discovery."""
    rng = random.Random(4)
    jobs = [("snapshot", t, s) for t, s in ((0, 3600), (1, 300), (2, 60), (3, 30), (4, 15))]
    jobs += [("tier_update", None, 60), ("discovery", None, 600)]
    for name, tier, every in jobs:
        for k in range(days * 86400 // every):
            started = now - timedelta(seconds=k * every)
            ms = int(rng.lognormvariate(5, 0.6))
            failed = rng.random() < 0.01
            yield {
                "task_name": name,
                "task_id": f"{name}-{tier}-{k}",
                "tier": tier,
                "started_at": started,
                "finished_at": started + timedelta(milliseconds=ms),
                "duration_ms": ms,
                "status": (TaskStatus.FAILED if failed else TaskStatus.SUCCESS).value,
                "error_message": "StorageError: bench" if failed else None,
            }


# -- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class api_process:  # noqa: N801 - used as a context manager, reads like one
    """The API served by uvicorn in a child process; yields its base URL."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.tmp = tempfile.TemporaryDirectory(prefix="pmml_bench_api_")
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> str:
        code = (
            "from benchmarks.bench_api import serve_for_bench;"
            f"serve_for_bench({self.database_url!r}, {self.port}, {self.tmp.name!r})"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("PMML_")}
        root = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=root)
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/api/monitoring/redis-stats", timeout=1)
                return base
            except httpx.TransportError:
                if self.proc.poll() is not None:
                    raise RuntimeError("the API process exited during start-up") from None
                time.sleep(0.1)
        raise RuntimeError("the API did not start within 30 s")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
        self.tmp.cleanup()


def serve_for_bench(database_url: str, port: int, data_dir: str) -> None:
    """Run in the child process: the API over ``database_url`` until terminated."""
    from polymarket_ml.api.app import create_app, serve
    from polymarket_ml.api.state import ApiState
    from polymarket_ml.settings import load_settings
    from polymarket_ml.storage.engine import make_engine

    settings = load_settings(
        general={"data_dir": Path(data_dir)}, api={"api_port": port}, database={"url": database_url}
    )
    engine = make_engine(database_url, pool_size=10)
    app = create_app(ApiState(settings=settings, engine=engine, token=TOKEN))
    asyncio.run(serve(app, settings.api, asyncio.Event()))


# -- the load ----------------------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection of the load generator, on bare asyncio streams.

    httpx costs about as much CPU per request as the API's cheapest endpoint, and the load
    generator shares the machine's cores with the API and PostgreSQL: measured through it, the
    figures were mostly the client's. This reads a response by its ``Content-Length`` (or its
    chunks) and nothing more: ~0.1 ms a request.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, base: str) -> Connection:
        host, port = base.removeprefix("http://").rsplit(":", 1)
        reader, writer = await asyncio.open_connection(host, int(port))
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(reader, writer)

    async def get(self, path: str) -> tuple[int, bytes]:
        """GET ``path``: the status and the body."""
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        headers = head.lower()
        marker = headers.find(b"content-length:")
        if marker >= 0:
            length = int(headers[marker + 15 : headers.index(b"\r\n", marker)])
            return status, await self.reader.readexactly(length)
        if b"transfer-encoding: chunked" not in headers:
            raise RuntimeError(f"{path}: a response without length: {head[:200]!r}")
        body = bytearray()
        while size := int((await self.reader.readuntil(b"\r\n"))[:-2], 16):
            body += await self.reader.readexactly(size + 2)
            del body[-2:]
        await self.reader.readuntil(b"\r\n")  # the empty trailer
        return status, bytes(body)

    def close(self) -> None:
        self.writer.close()


async def load_all(base: str, requests: int, clients: int) -> dict[str, tuple[float, float, float]]:
    out = {}
    connections = [await Connection.open(base) for _ in range(clients)]
    try:
        for path in ENDPOINTS:
            for _ in range(10):  # warm up; /critical may say 503 (a slow seed ages snapshots)
                status, body = await connections[0].get(path)
                if status >= 500 and not path.endswith("/critical"):
                    raise RuntimeError(f"{path}: {status} {body[:200]!r}")
            out[path] = await load(connections, path, requests, max_secs=20)
    finally:
        for connection in connections:
            connection.close()
    return out


async def load(
    connections: list[Connection], path: str, requests: int, *, max_secs: float
) -> tuple[float, float, float]:
    """``requests`` GETs, one worker per connection (or ``max_secs``): p50, p99, rate."""
    latencies: list[float] = []
    remaining = requests
    deadline = time.perf_counter() + max_secs

    async def worker(connection: Connection) -> None:
        nonlocal remaining
        while remaining > 0 and time.perf_counter() < deadline:
            remaining -= 1
            started = time.perf_counter()
            status, body = await connection.get(path)
            latencies.append((time.perf_counter() - started) * 1000)
            if status >= 500 and not path.endswith("/critical"):
                raise RuntimeError(f"{path}: {status} {body[:200]!r}")

    started = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in connections))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return p50, p99, len(latencies) / elapsed
