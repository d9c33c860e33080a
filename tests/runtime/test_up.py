"""``pmml up --sim``: the whole single-machine system against the simulator, accelerated."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import func, select

from polymarket_ml.runtime.up import UpOptions, default_sqlite_url, run_up
from polymarket_ml.settings import Settings, load_settings
from polymarket_ml.storage.engine import make_engine
from polymarket_ml.storage.models import (
    MarketRow,
    OrderbookSnapshotRow,
    SnapshotRow,
    TaskRunRow,
    TierTransitionRow,
    TradeRow,
)


def settings_for(tmp_path: Path) -> Settings:
    s = load_settings()
    database = s.database.model_copy(update={"url": default_sqlite_url(tmp_path)})
    collection = s.collection.model_copy(update={"ml_volume_threshold": 0.0})
    general = s.general.model_copy(update={"data_dir": tmp_path})
    return s.model_copy(update={"database": database, "collection": collection, "general": general})


def test_up_with_the_simulator_collects_everything(tmp_path: Path) -> None:
    lines: list[str] = []

    async def scenario() -> None:
        stop = asyncio.Event()
        options = UpOptions(
            sim=True, speed=60, sim_markets=50, sim_seed=5, status_every_secs=2, port=0
        )
        task = asyncio.create_task(
            run_up(settings_for(tmp_path), options, stop=stop, echo=lines.append)
        )
        await asyncio.sleep(14)  # 14 simulated minutes
        stop.set()
        await asyncio.wait_for(task, 30)

    asyncio.run(scenario())

    engine = make_engine(default_sqlite_url(tmp_path))
    with engine.connect() as conn:
        tiers = Counter(conn.scalars(select(MarketRow.tier)))
        transitions = Counter(conn.scalars(select(TierTransitionRow.reason)))
        snap_tiers = Counter(conn.scalars(select(SnapshotRow.tier)))
        book_nulls = conn.execute(
            select(SnapshotRow.tier, SnapshotRow.bid_depth_5, SnapshotRow.trade_count_1h)
        ).all()
        trades = conn.execute(select(TradeRow.whale_tier, TradeRow.market_id)).all()
        books = conn.scalar(select(func.count()).select_from(OrderbookSnapshotRow))
        runs = Counter(
            tuple(r) for r in conn.execute(select(TaskRunRow.task_name, TaskRunRow.status))
        )
    engine.dispose()

    assert set(tiers) == {0, 1, 2, 3, 4}
    assert transitions["discovered"] == sum(tiers.values())
    assert {2, 3, 4} <= set(snap_tiers)
    assert snap_tiers[4] > snap_tiers[2]  # T4 snapshots come 4x as often as T2
    low = [(depth, count) for tier, depth, count in book_nulls if tier < 2]
    high = [depth for tier, depth, _ in book_nulls if tier >= 2]
    assert low
    assert all(depth is None and count is None for depth, count in low)  # no book, no WebSocket
    with_book = sum(depth is not None for depth in high)
    assert with_book >= 0.9 * len(high)  # NULL only where a book could not be had
    assert len(trades) > 100
    assert {w for w, _ in trades} >= {0, 1}
    assert books > 0
    assert runs[("discovery", "success")] >= 1
    assert runs[("snapshot", "success")] > 10
    assert not [k for k in runs if k[1] == "failed"]
    assert any(line.startswith("markets T0=") for line in lines)
    assert list((tmp_path / "journal").glob("*.jsonl.gz"))  # every raw frame, journaled
    assert lines[-1].startswith("stopped:")


def test_up_serves_on_pmml_api_port_unless_a_port_is_given(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    settings = settings_for(tmp_path)
    settings = settings.model_copy(
        update={"api": settings.api.model_copy(update={"api_port": port})}
    )
    lines: list[str] = []
    answers: list[int] = []

    async def scenario() -> None:
        stop = asyncio.Event()
        options = UpOptions(sim=True, sim_markets=5, status_every_secs=60)  # no port given
        task = asyncio.create_task(run_up(settings, options, stop=stop, echo=lines.append))
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(100):
                await asyncio.sleep(0.1)
                with contextlib.suppress(httpx.TransportError):
                    answers.append((await client.get("/api/monitoring/health")).status_code)
                    break
        stop.set()
        await asyncio.wait_for(task, 30)

    asyncio.run(scenario())
    assert f"dashboard: http://127.0.0.1:{port}/  (API docs at /docs)" in lines
    assert answers == [200]
