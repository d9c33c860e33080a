"""``/metrics`` exposes HTTP, collector, breaker and task figures in the Prometheus format."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.enums import TaskStatus, Tier
from polymarket_ml.settings import Settings
from polymarket_ml.sources.polymarket.breaker import BreakerRegistry
from tests.api.conftest import NOW, MakeApp
from tests.api.support import add_run, seed_markets, seed_snapshots, seed_task_runs
from tests.api.test_monitoring import offline_collector


class Scrape:
    """The samples of one scrape, looked up by name and labels."""

    def __init__(self, text: str) -> None:
        self.values: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                self.values[(s.name, frozenset(s.labels.items()))] = s.value

    def get(self, name: str, **labels: str) -> float | None:
        return self.values.get((name, frozenset(labels.items())))

    def total(self, name: str) -> float:
        return sum(v for (n, _), v in self.values.items() if n == name)


def test_metrics_count_http_requests_by_route_template_and_status(client: TestClient) -> None:
    for _ in range(3):
        client.get("/api/database/tables/markets")
    client.get("/api/database/tables/nope")
    client.post("/api/admin/log-level", json={"level": "INFO"})

    got = Scrape(client.get("/metrics").text)

    route = "/api/database/tables/{name}"
    assert got.get("pmml_http_requests_total", method="GET", route=route, status="200") == 3
    assert got.get("pmml_http_requests_total", method="GET", route=route, status="404") == 1
    # refused by the token check before routing
    assert got.get("pmml_http_requests_total", method="POST", route="unmatched", status="401") == 1
    assert got.get("pmml_http_request_duration_seconds_count", method="GET", route=route) == 4


def test_metrics_report_task_runs_of_the_last_hour_and_snapshot_age(
    engine: Engine, client: TestClient
) -> None:
    ids = seed_markets(engine)
    seed_task_runs(engine)
    seed_snapshots(engine, ids["t4"], Tier.T4, NOW - timedelta(seconds=12))

    got = Scrape(client.get("/metrics").text)

    runs = "pmml_task_runs_last_hour"
    assert got.get(runs, task="snapshot", tier="T4", status="success") == 4
    assert got.get(runs, task="snapshot", tier="T4", status="failed") == 1
    assert got.get(runs, task="snapshot", tier="T4", status="skipped") == 1
    assert got.get(runs, task="discovery", tier="", status="success") is None  # 2 hours ago
    hist = "pmml_task_duration_seconds_last_hour"
    assert got.get(f"{hist}_gcount", task="snapshot", tier="T4") == 5  # skips excluded
    assert got.get(f"{hist}_gsum", task="snapshot", tier="T4") == 1.5
    assert got.get(f"{hist}_bucket", task="snapshot", tier="T4", le="0.25") == 2
    assert got.get(f"{hist}_bucket", task="snapshot", tier="T4", le="0.5") == 5
    assert got.get("pmml_snapshot_age_seconds", tier="T4") == 12
    assert got.get("pmml_database_up") == 1


def test_the_database_figures_are_aggregated_at_most_once_per_summary_age(
    engine: Engine, make_app: MakeApp, settings: Settings
) -> None:
    """Every scraper and dashboard asks at once: the task-run aggregates are computed once per
    ``PMML_API_SUMMARY_MAX_AGE_SECS`` for all of them; the HTTP counters stay live."""
    hour = settings.model_copy(
        update={"api": settings.api.model_copy(update={"api_summary_max_age_secs": 3600})}
    )
    seed_task_runs(engine)
    with TestClient(make_app(settings=hour)) as api:
        before = Scrape(api.get("/metrics").text)
        add_run(engine, "snapshot", TaskStatus.SUCCESS, started=NOW, duration_ms=50, tier=Tier.T4)
        after = Scrape(api.get("/metrics").text)
    with TestClient(make_app()) as other_process:
        fresh = Scrape(other_process.get("/metrics").text)

    success = {"task": "snapshot", "tier": "T4", "status": "success"}
    assert before.get("pmml_task_runs_last_hour", **success) == 4
    assert after.get("pmml_task_runs_last_hour", **success) == 4  # an hour may pass
    assert fresh.get("pmml_task_runs_last_hour", **success) == 5
    scraped = {"method": "GET", "route": "/metrics", "status": "200"}
    assert after.get("pmml_http_requests_total", **scraped) == 1  # the first scrape, counted


def test_metrics_read_the_live_collector_and_breakers(
    engine: Engine, settings: Settings, clock: FakeClock, make_app: MakeApp
) -> None:
    collector = offline_collector(engine, settings, clock)
    asyncio.run(collector.pool.subscribe(["a", "b", "c"]))
    collector.stats.trades_seen = 17
    collector.stats.trades_stored = 15
    breakers = BreakerRegistry(clock=clock, failure_threshold=1)
    breakers.for_host("clob.polymarket.com").record_failure()

    with TestClient(make_app(collector=collector, breakers=breakers)) as client:
        got = Scrape(client.get("/metrics").text)

    assert got.get("pmml_collector_running") == 1
    assert got.get("pmml_collector_trades_seen_total") == 17
    assert got.get("pmml_collector_trades_stored_total") == 15
    assert got.get("pmml_collector_queue_depth") == 0
    assert got.total("pmml_collector_subscribed_assets") == 3
    assert got.get("pmml_collector_messages_total", connection="market-0") == 0
    assert got.get("pmml_collector_connected", connection="market-0") == 0
    assert got.get("pmml_breaker_state", host="clob.polymarket.com", state="open") == 1
