"""The distributed path for real: Celery worker and beat on Redis, PostgreSQL, the simulator.

The simulator runs in this process on a sped-up clock; the worker and beat are subprocesses
started as ``python -m polymarket_ml.cli.distributed worker|beat`` with settings in their
environment, sharing the simulator's clock through ``PMML_CLOCK_ORIGIN``/``PMML_CLOCK_SPEED``.
Beat sends the schedule table's ticks, the worker runs discovery, tier updates and the five
snapshot tiers, and the test reads what PostgreSQL holds. Every wait is bounded, and the
subprocesses are stopped (then killed) whatever happens.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from polymarket_ml.collection.redis_metrics import RedisTradeMetrics
from polymarket_ml.core.clock import SpeedClock
from polymarket_ml.sim.config import SimConfig
from polymarket_ml.sim.server import SimServer
from polymarket_ml.storage.engine import make_engine
from polymarket_ml.storage.migrate import upgrade
from polymarket_ml.storage.models import (
    MarketRow,
    OrderbookSnapshotRow,
    SnapshotRow,
    TaskRunRow,
    TierTransitionRow,
    TradeRow,
)
from tests.services import (
    REDIS_URL,
    fresh_postgres_database,
    fresh_redis,
    postgres_reachable,
    unavailable,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

SPEED = 120.0  # one real second is two simulated minutes
# Simulated seconds; divided by SPEED, beat ticks every 1-4 real seconds.
INTERVALS_SIM_SECS = {
    "PMML_DISCOVERY_INTERVAL_SECS": 240,
    "PMML_TIER_UPDATE_INTERVAL_SECS": 240,
    "PMML_CLEANUP_INTERVAL_SECS": 1200,
    "PMML_SNAPSHOT_INTERVAL_T0_SECS": 480,
    "PMML_SNAPSHOT_INTERVAL_T1_SECS": 360,
    "PMML_SNAPSHOT_INTERVAL_T2_SECS": 240,
    "PMML_SNAPSHOT_INTERVAL_T3_SECS": 180,
    "PMML_SNAPSHOT_INTERVAL_T4_SECS": 120,
}
WAIT_SECS = 50.0
STOP_SECS = 10.0


class SimThread:
    """The simulator on its own event loop in a thread, so the test's waits never starve it."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.sim: SimServer | None = None
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="sim", daemon=True)

    def _main(self) -> None:
        async def serve() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            async with SimServer(self.config) as sim:
                self.sim = sim
                self._ready.set()
                await self._stop.wait()

        try:
            asyncio.run(serve())
        except BaseException as exc:
            self._error = exc
            self._ready.set()

    def __enter__(self) -> SimServer:
        self._thread.start()
        if not self._ready.wait(15) or self.sim is None:
            raise RuntimeError(f"the simulator did not start: {self._error!r}")
        return self.sim

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(STOP_SECS)


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A subprocess in its own session: SIGTERM (warm stop) on exit, then SIGKILL its group."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "polymarket_ml.cli.distributed", *args],
            env=env,
            cwd=log.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                with suppress(subprocess.TimeoutExpired):
                    proc.wait(STOP_SECS)
            with suppress(ProcessLookupError):  # the worker's pool children, had any outlived it
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(STOP_SECS)


def tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else "(no output)"
    return "\n".join(text.splitlines()[-lines:])


def scalar(engine: Engine, query: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(query) or 0)


def collected(engine: Engine) -> dict[str, Any]:
    """What the database holds now, in the terms the assertions use."""
    with engine.connect() as conn:
        return {
            "market_tiers": set(conn.scalars(select(MarketRow.tier).distinct())),
            "snapshot_tiers": set(conn.scalars(select(SnapshotRow.tier).distinct())),
            "time_transitions": conn.scalar(
                select(func.count()).where(TierTransitionRow.reason == "time")
            ),
            "trades": conn.scalar(select(func.count(TradeRow.id))),
            "with_trade_metrics": conn.scalar(
                select(func.count(SnapshotRow.id)).where(SnapshotRow.trade_count_1h.is_not(None))
            ),
            "succeeded": set(
                conn.execute(
                    select(TaskRunRow.task_name, TaskRunRow.tier)
                    .where(TaskRunRow.status == "success", TaskRunRow.markets_processed > 0)
                    .distinct()
                ).all()
            ),
        }


def done(state: dict[str, Any]) -> bool:
    every_tier = {0, 1, 2, 3, 4}
    return (
        state["market_tiers"] == every_tier
        and state["snapshot_tiers"] == every_tier
        and (state["time_transitions"] or 0) > 0
        and (state["trades"] or 0) > 0  # the collector's trades are flushed every few seconds
        and (state["with_trade_metrics"] or 0) > 0
        and {("discovery", None), ("tier_update", None)} <= state["succeeded"]
        and {("snapshot", t) for t in every_tier} <= state["succeeded"]
    )


def test_celery_worker_and_beat_collect_into_postgresql(tmp_path: Path) -> None:
    problem = postgres_reachable()
    if problem is not None:
        unavailable("PostgreSQL", problem)
    origin = datetime.now(UTC)
    clock = SpeedClock(SPEED, origin=origin)
    with (
        fresh_redis() as client,
        fresh_postgres_database("pmml_distributed") as url,
        SimThread(SimConfig(port=0, markets=80, seed=11, clock=clock)) as sim,
    ):
        engine = make_engine(url)
        try:
            upgrade(engine)
            env = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith("PMML_")
                and k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
            }
            env |= {
                "DATABASE_URL": url,
                "REDIS_URL": REDIS_URL,
                "CELERY_BROKER_URL": REDIS_URL,
                "PMML_GAMMA_URL": sim.urls["gamma"],
                "PMML_CLOB_URL": sim.urls["clob"],
                "PMML_DATA_API_URL": sim.urls["data"],
                "PMML_WS_MARKET_URL": sim.urls["ws_market"],
                "PMML_JOURNAL_ENABLED": "false",
                "PMML_CLOCK_SPEED": str(SPEED),
                "PMML_CLOCK_ORIGIN": origin.isoformat(),
                "PMML_ML_VOLUME_THRESHOLD": "0",
                "PMML_DATA_DIR": str(tmp_path),
                "PMML_LOG_LEVEL": "INFO",
            } | {name: str(value) for name, value in INTERVALS_SIM_SECS.items()}
            queues = "celery,snapshots,snapshots_fast"
            worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
            collector_log = tmp_path / "collector.log"
            with (
                process(["worker", "--queues", queues, "--concurrency", "2"], env, worker_log),
                process(["beat"], env, beat_log) as beat,
                process(["collector"], env, collector_log) as collector,
            ):
                deadline = time.monotonic() + WAIT_SECS
                state = collected(engine)
                metrics = RedisTradeMetrics(client)
                followed: set[str] = set()  # every token followed at some point (markets end)
                while not done(state) and time.monotonic() < deadline:
                    assert beat.poll() is None, f"beat exited:\n{tail(beat_log)}"
                    assert collector.poll() is None, f"collector exited:\n{tail(collector_log)}"
                    time.sleep(0.5)
                    followed |= set(metrics.followed())
                    state = collected(engine)
            assert done(state), (
                f"after {WAIT_SECS:g} s: {state}\n--- worker\n{tail(worker_log)}\n"
                f"--- beat\n{tail(beat_log)}\n--- collector\n{tail(collector_log)}"
            )
            followed |= set(metrics.followed())
            assert_stored(engine, followed)
        finally:
            engine.dispose()


def assert_stored(engine: Engine, followed: set[str]) -> None:
    # every market was discovered with its tier, and tiers moved as time passed
    markets = scalar(engine, select(func.count()).select_from(MarketRow))
    discovered = scalar(
        engine, select(func.count()).where(TierTransitionRow.reason == "discovered")
    )
    assert markets > 0
    assert discovered == markets
    with engine.connect() as conn:
        moves = conn.execute(
            select(TierTransitionRow.from_tier, TierTransitionRow.to_tier).where(
                TierTransitionRow.reason == "time"
            )
        ).all()
        # snapshots: market figures in every tier, book columns only from T2
        rows = conn.execute(
            select(
                SnapshotRow.market_id,
                SnapshotRow.timestamp,
                SnapshotRow.tier,
                SnapshotRow.bid_depth_10,
                SnapshotRow.price,
            )
        ).all()
        books = conn.execute(
            select(
                OrderbookSnapshotRow.market_id,
                OrderbookSnapshotRow.timestamp,
                OrderbookSnapshotRow.tier,
            )
        ).all()
        trade_columns = conn.execute(
            select(
                MarketRow.yes_token_id, SnapshotRow.trade_count_1h, SnapshotRow.time_since_trade
            ).join(MarketRow, MarketRow.id == SnapshotRow.market_id)
        ).all()
        runs = conn.execute(select(TaskRunRow.status, TaskRunRow.task_id)).all()
        failures = conn.execute(
            select(TaskRunRow.task_name, TaskRunRow.error_message).where(
                TaskRunRow.status == "failed"
            )
        ).all()
    assert all(to > frm for frm, to in moves if to is not None), moves  # towards resolution
    # (a market that closed since the last discovery has no book left: NULL from T2 too)
    fetched = {(market, at) for market, at, _ in books}
    assert {tier for _, _, tier in books} == {2, 3, 4}
    for market, at, tier, depth, price in rows:
        assert price is not None
        assert (depth is not None) == (tier >= 2 and (market, at) in fetched), (market, tier)
    with_books = Counter(tier for _, _, tier, depth, _ in rows if depth is not None)
    assert set(with_books) == {2, 3, 4}
    # the collector stored the trades of the markets it followed, each once
    with engine.connect() as conn:
        columns = (TradeRow.token_id, TradeRow.dedup_key, TradeRow.whale_tier)
        trades = conn.execute(select(*columns)).all()
    assert trades, "the collector stored no trade"
    assert len({key for _, key, _ in trades}) == len(trades)
    ever_followed = followed | {token for token, _, _ in trades}
    # the workers read the live trade metrics from Redis, on the clock the collector used
    with_metrics = [(t, n, s) for t, n, s in trade_columns if n is not None]
    assert with_metrics, "no snapshot saw the collector's trade metrics"
    for token, count, since in trade_columns:
        if count is None:
            continue
        assert token in ever_followed  # only tokens the WebSocket followed have trade features
        assert since is None or 0 <= since <= (WAIT_SECS + 60) * SPEED
    # every run went through Celery (its task id) and none failed
    assert not failures, "\n\n".join(f"{n}: {m}" for n, m in failures)
    assert {status for status, _ in runs} <= {"success", "skipped", "running"}
    assert all(len(task_id) == 36 and task_id.count("-") == 4 for _, task_id in runs)
