"""The monitoring endpoints report what the database and the live components hold."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine

from polymarket_ml.collection.collector import Collector
from polymarket_ml.collection.context import CollectionContext
from polymarket_ml.collection.metrics import InProcessTradeMetrics
from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.enums import TaskStatus, Tier
from polymarket_ml.runtime.schedule import build_schedule
from polymarket_ml.runtime.scheduler import Scheduler
from polymarket_ml.settings import ApiSettings, Settings
from polymarket_ml.sources.polymarket.breaker import BreakerRegistry
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.gamma import GammaClient
from polymarket_ml.sources.polymarket.market_data import MarketData
from tests.api.conftest import NOW, MakeApp
from tests.api.support import seed_markets, seed_snapshots, seed_task_runs, seed_transitions
from tests.services import fresh_redis


def offline_collector(engine: Engine, settings: Settings, clock: FakeClock) -> Collector:
    """A collector whose sockets are never opened (nothing listens on port 9)."""
    return Collector(
        CollectionContext(
            settings=settings.collection,
            engine=engine,
            market_data=MarketData(
                GammaClient("http://127.0.0.1:9/gamma"), ClobClient("http://127.0.0.1:9/clob")
            ),
            clock=clock,
            metrics=InProcessTradeMetrics(),
        ),
        "ws://127.0.0.1:9/ws/market",
        journal=None,
    )


def test_health_reports_freshness_per_tier_and_flags_a_stale_tier(
    engine: Engine, client: TestClient
) -> None:
    ids = seed_markets(engine)
    seed_snapshots(
        engine, ids["t4"], Tier.T4, NOW - timedelta(seconds=40), NOW - timedelta(seconds=10)
    )
    seed_snapshots(engine, ids["t3"], Tier.T3, NOW - timedelta(seconds=200))

    body = client.get("/api/monitoring/health").json()

    assert body["database"]["reachable"] is True
    assert body["database"]["backend"] == engine.dialect.name
    assert body["redis"] == {"in_use": False, "reachable": None, "latency_ms": None, "error": None}
    assert body["executor"]["running"] is False
    assert body["executor"]["status"] == "not running"
    fresh = {f["tier"]: f for f in body["freshness"]}
    assert fresh[4]["age_secs"] == 10.0
    assert fresh[4]["open_markets"] == 1  # the deactivated T4 market does not count
    assert fresh[4]["stale"] is False
    assert fresh[3]["age_secs"] == 200.0  # over 3 x 30 s
    assert fresh[3]["stale"] is True
    assert fresh[0]["newest_snapshot_at"] is None
    assert fresh[0]["stale"] is False  # no snapshot yet, but monitoring has just started
    assert fresh[2]["open_markets"] == 0  # closed markets are not snapshotted
    assert body["status"] == "critical"
    assert [p["check"] for p in body["problems"]] == ["freshness_t3"]


def test_critical_is_503_with_reasons_then_200_once_the_tier_is_fresh(
    engine: Engine, client: TestClient
) -> None:
    ids = seed_markets(engine)
    seed_snapshots(engine, ids["t3"], Tier.T3, NOW - timedelta(seconds=200))

    stale = client.get("/api/monitoring/critical")
    seed_snapshots(engine, ids["t3"], Tier.T3, NOW - timedelta(seconds=5))
    fresh = client.get("/api/monitoring/critical")

    assert stale.status_code == 503
    [reason] = stale.json()["reasons"]
    assert reason["check"] == "freshness_t3"
    assert reason["severity"] == "critical"
    assert "200s old" in reason["message"]
    assert fresh.status_code == 200
    assert fresh.json()["healthy"] is True
    assert fresh.json()["reasons"] == []


def test_a_tier_without_snapshots_turns_stale_three_intervals_after_monitoring_started(
    engine: Engine, make_app: MakeApp, clock: FakeClock
) -> None:
    seed_markets(engine)
    with TestClient(make_app()) as client:
        clock.advance(timedelta(seconds=3 * 3600 + 1))  # T0 every hour
        body = client.get("/api/monitoring/critical").json()
    checks = {r["check"] for r in body["reasons"]}
    assert {"freshness_t0", "freshness_t3", "freshness_t4"} <= checks


def test_database_down_is_critical_and_data_endpoints_answer_503(
    make_app: MakeApp, tmp_path: Path
) -> None:
    dead = create_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'db.sqlite3'}")
    with TestClient(make_app(engine=dead)) as client:
        critical = client.get("/api/monitoring/critical")
        health = client.get("/api/monitoring/health").json()
        tables = client.get("/api/database/tables")
        activity = client.get("/api/monitoring/task-activity")

    assert critical.status_code == 503
    assert [r["check"] for r in critical.json()["reasons"]] == ["database"]
    assert health["database"]["reachable"] is False
    assert "could not reach the database" in health["database"]["error"]
    assert tables.status_code == 503
    assert "could not count table rows" in tables.json()["detail"]
    assert activity.status_code == 503


def test_a_collector_without_a_connection_is_critical_while_markets_are_followed(
    engine: Engine, settings: Settings, clock: FakeClock, make_app: MakeApp
) -> None:
    ids = seed_markets(engine)
    seed_snapshots(engine, ids["t4"], Tier.T4, NOW)
    seed_snapshots(engine, ids["t3"], Tier.T3, NOW)
    collector = offline_collector(engine, settings, clock)
    asyncio.run(collector.pool.subscribe(["0xt4-yes", "0xt4-no"]))

    with TestClient(make_app(collector=collector)) as client:
        health = client.get("/api/monitoring/health").json()
        critical = client.get("/api/monitoring/critical")

    assert health["collector"]["running"] is True
    assert health["collector"]["connected"] == 0
    assert health["collector"]["subscribed_tokens"] == 2
    assert len(health["collector"]["connections"]) == settings.collection.websocket_num_connections
    assert health["collector"]["stats"]["trades_stored"] == 0
    assert critical.status_code == 503
    assert [r["check"] for r in critical.json()["reasons"]] == ["collector"]
    assert "2 markets of the WebSocket tiers" in critical.json()["reasons"][0]["message"]


def test_websocket_coverage_lists_missing_and_extra_tokens_per_connection(
    engine: Engine, settings: Settings, clock: FakeClock, make_app: MakeApp
) -> None:
    seed_markets(engine)
    collector = offline_collector(engine, settings, clock)
    asyncio.run(collector.pool.subscribe(["0xt4-yes", "0xt4-no", "0xt3-yes", "0xgone-yes"]))

    with TestClient(make_app(collector=collector)) as client:
        body = client.get("/api/monitoring/websocket-coverage").json()

    assert body["tiers"] == [2, 3, 4]
    assert body["collector_running"] is True
    assert body["expected"] == 4  # T4 and T3 open markets; not the closed T2 nor the gone T4
    assert body["subscribed"] == 4
    assert body["covered"] == 3
    assert body["coverage_pct"] == 75.0
    assert body["missing"] == ["0xt3-no"]
    assert body["extra"] == ["0xgone-yes"]
    per_conn = {c["name"]: c for c in body["connections"]}
    assert sum(c["subscribed"] for c in per_conn.values()) == 4
    assert [c["extra"] for c in per_conn.values() if c["extra"]] == [["0xgone-yes"]]
    assert all(c["connected"] is False for c in per_conn.values())


def test_websocket_coverage_without_a_collector_reports_every_token_missing(
    engine: Engine, client: TestClient
) -> None:
    seed_markets(engine)

    body = client.get("/api/monitoring/websocket-coverage").json()

    assert body["collector_running"] is False
    assert body["missing"] == ["0xt3-no", "0xt3-yes", "0xt4-no", "0xt4-yes"]
    assert body["coverage_pct"] == 0.0


def test_tier_transitions_count_flows_in_the_window_as_a_matrix(
    engine: Engine, client: TestClient
) -> None:
    ids = seed_markets(engine)
    seed_transitions(engine, ids["t4"])

    body = client.get("/api/monitoring/tier-transitions", params={"hours": 24}).json()
    narrow = client.get("/api/monitoring/tier-transitions", params={"hours": 6, "limit": 2}).json()

    assert body["total"] == 9
    assert body["discovered"] == 3
    assert body["deactivated"] == 1
    flows = {(f["from_tier"], f["to_tier"]): f["count"] for f in body["flows"]}
    assert flows == {
        (None, 0): 2,
        (None, 1): 1,
        (0, 1): 1,
        (1, 2): 1,
        (2, 3): 2,
        (3, 4): 1,
        (4, None): 1,
    }
    assert body["from_labels"] == ["discovered", "T0", "T1", "T2", "T3", "T4"]
    assert body["to_labels"] == ["T0", "T1", "T2", "T3", "T4", "deactivated"]
    assert body["matrix"][0] == [2, 1, 0, 0, 0, 0]  # discovered -> T0, T1
    assert body["matrix"][3] == [0, 0, 0, 2, 0, 0]  # T2 -> T3 twice
    assert body["matrix"][5] == [0, 0, 0, 0, 0, 1]  # T4 -> deactivated
    assert len(body["recent"]) == 9
    assert body["recent"][0]["to_tier"] is None  # newest first
    assert body["recent"][0]["market_slug"] == "slug-t4"
    assert narrow["total"] == 4  # 2->3 twice, 3->4, 4->gone
    assert [(r["from_tier"], r["to_tier"]) for r in narrow["recent"]] == [(4, None), (3, 4)]


def test_task_activity_gives_counts_percentiles_and_the_last_error(
    engine: Engine, client: TestClient
) -> None:
    seed_task_runs(engine)

    body = client.get("/api/monitoring/task-activity", params={"hours": 24}).json()

    tasks = {(t["task_name"], t["tier"]): t for t in body["tasks"]}
    assert set(tasks) == {("discovery", None), ("snapshot", 4)}
    snap = tasks[("snapshot", 4)]
    assert (snap["runs"], snap["success"], snap["failed"], snap["skipped"]) == (6, 4, 1, 1)
    assert snap["duration_ms_p50"] == 300.0  # of 100, 200, 300, 400, 500 (skips excluded)
    assert snap["duration_ms_p95"] == 480.0
    assert snap["duration_ms_p99"] == 496.0
    assert snap["last_error"] == "StorageError: boom"
    assert snap["last_error_at"].startswith((NOW - timedelta(minutes=5)).isoformat()[:19])
    disc = tasks[("discovery", None)]
    assert (disc["runs"], disc["failed"], disc["last_error"]) == (1, 0, None)  # old one outside
    assert disc["duration_ms_p99"] == 1000.0


def test_task_activity_is_reused_for_at_most_its_max_age(
    engine: Engine, make_app: MakeApp, settings: Settings, clock: FakeClock
) -> None:
    seed_task_runs(engine)
    keep = settings.model_copy(update={"api": ApiSettings(api_summary_max_age_secs=60)})
    fresh = settings.model_copy(update={"api": ApiSettings(api_summary_max_age_secs=0)})

    def since(body: dict[str, object]) -> datetime:
        return datetime.fromisoformat(str(body["since"]))

    with TestClient(make_app(settings=keep)) as client:
        first = client.get("/api/monitoring/task-activity").json()
        clock.advance(timedelta(minutes=6))
        reused = client.get("/api/monitoring/task-activity").json()
        other_window = client.get("/api/monitoring/task-activity", params={"hours": 0.2}).json()
    with TestClient(make_app(settings=fresh)) as client:
        clock.advance(timedelta(minutes=2))
        recomputed = client.get("/api/monitoring/task-activity", params={"hours": 0.2}).json()

    assert reused == first  # within 60 s: the same answer, its since unchanged
    assert since(first) == NOW - timedelta(hours=24)
    assert since(other_window) == NOW + timedelta(minutes=6 - 12)  # another key: computed
    [snap] = other_window["tasks"]  # the failure 5 and the skip 4 minutes before NOW
    assert (snap["runs"], snap["failed"], snap["skipped"]) == (2, 1, 1)
    assert since(recomputed) == since(other_window) + timedelta(minutes=2)  # 0: never reused
    [snap] = recomputed["tasks"]
    assert (snap["runs"], snap["failed"], snap["skipped"]) == (1, 0, 1)  # the skip only


def test_health_shows_open_breakers_and_the_scheduler_jobs(
    engine: Engine, settings: Settings, clock: FakeClock, make_app: MakeApp
) -> None:
    breakers = BreakerRegistry(clock=clock, failure_threshold=2)
    breakers.for_host("gamma-api.polymarket.com").record_failure()
    breakers.for_host("gamma-api.polymarket.com").record_failure()
    breakers.for_host("clob.polymarket.com").record_success()

    async def never(_job: object) -> TaskStatus:
        return TaskStatus.SUCCESS

    scheduler = Scheduler(build_schedule(settings.collection), never)
    with TestClient(make_app(breakers=breakers, scheduler=scheduler)) as client:
        body = client.get("/api/monitoring/health").json()

    states = {b["host"]: b["state"] for b in body["breakers"]}
    assert states == {"clob.polymarket.com": "closed", "gamma-api.polymarket.com": "open"}
    assert body["status"] == "degraded"
    [problem] = body["problems"]
    assert (problem["check"], problem["severity"]) == ("breaker", "warning")
    jobs = {j["key"]: j for j in body["scheduler"]["jobs"]}
    assert body["scheduler"]["running"] is True
    assert jobs["snapshot_t4"]["interval_secs"] == 15
    assert jobs["discovery"]["tier"] is None
    assert len(jobs) == 8


def test_redis_stats_say_not_in_use_on_one_machine(client: TestClient) -> None:
    body = client.get("/api/monitoring/redis-stats").json()

    assert body["in_use"] is False
    assert "single-machine" in body["detail"]


def test_redis_stats_report_keys_and_memory_from_info(make_app: MakeApp) -> None:
    with fresh_redis() as redis_client:
        redis_client.set("ws:a", "1")
        redis_client.hset("ws:followed", mapping={"t1": "x", "t2": "y"})
        with TestClient(make_app(redis=redis_client)) as client:
            body = client.get("/api/monitoring/redis-stats").json()
            health = client.get("/api/monitoring/health").json()

    assert body["in_use"] is True
    assert body["reachable"] is True
    assert body["keys"] == 2
    assert body["used_memory_bytes"] > 0
    assert body["ops_per_sec"] >= 0
    assert health["redis"]["in_use"] is True
    assert health["redis"]["reachable"] is True
