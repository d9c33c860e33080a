"""``GET /metrics`` in the Prometheus text format, and the HTTP middleware that feeds it.

HTTP requests are counted in process (by method, route template and status, with a latency
histogram). Collector, breaker and freshness figures are read from the live components at each
scrape; task figures come from ``task_runs`` over the last hour (so they cover every process of
a distributed deployment) and are gauges: counts and a gauge histogram of durations.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from datetime import timedelta

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeHistogramMetricFamily,
    GaugeMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector as PromCollector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from polymarket_ml.core.enums import Tier
from polymarket_ml.core.errors import StorageError
from polymarket_ml.monitoring.context import MonitoringContext
from polymarket_ml.storage import task_stats

TASK_WINDOW = timedelta(hours=1)
DURATION_BUCKETS_SECS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
HTTP_BUCKETS_SECS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class HttpMetrics:
    """The API's own request counters, in a registry of their own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "pmml_http_requests",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "pmml_http_request_duration_seconds",
            "HTTP request latency by method and route template",
            ["method", "route"],
            buckets=HTTP_BUCKETS_SECS,
            registry=self.registry,
        )


class HttpMetricsMiddleware:
    """Count every request under its route template (``/api/database/tables/{name}``), so
    that paths with parameters do not each make a new series."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - started)


async def render_metrics(ctx: MonitoringContext, http: HttpMetrics) -> bytes:
    """The whole exposition: HTTP counters, live components, and the database's figures."""
    live = list(_live_families(ctx))  # on the event loop: live components are not thread-safe
    stored = await asyncio.to_thread(_stored_families, ctx)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Families([*live, *stored]))
    text_http, text_system = await asyncio.to_thread(
        lambda: (generate_latest(http.registry), generate_latest(registry))
    )
    return text_http + text_system


class _Families(PromCollector):
    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterable[Metric]:
        return self._families


def _live_families(ctx: MonitoringContext) -> Iterable[Metric]:
    collector = ctx.collector
    running = GaugeMetricFamily("pmml_collector_running", "1 when a collector runs here")
    running.add_metric([], 1.0 if collector is not None else 0.0)
    yield running
    if collector is not None:
        health = collector.pool.health()
        per_conn = (  # metric name, ConnectionHealth field, help
            ("messages", "frames", "WebSocket frames received"),
            ("events", "events", "Market events decoded"),
            ("bad_frames", "bad_frames", "Frames that could not be decoded"),
            ("reconnects", "reconnects", "Sockets opened after the first"),
            ("disconnects", "disconnects", "Sockets lost"),
        )
        for name, attr, doc in per_conn:
            family = CounterMetricFamily(f"pmml_collector_{name}", doc, labels=["connection"])
            for h in health:
                family.add_metric([h.name], float(getattr(h, attr)))
            yield family
        connected = GaugeMetricFamily(
            "pmml_collector_connected", "1 while the socket is open", labels=["connection"]
        )
        assets = GaugeMetricFamily(
            "pmml_collector_subscribed_assets", "Assets followed", labels=["connection"]
        )
        for h in health:
            connected.add_metric([h.name], 1.0 if h.connected else 0.0)
            assets.add_metric([h.name], float(h.subscribed_assets))
        yield connected
        yield assets
        stats = collector.stats
        for name, doc, count in (
            ("trades_seen", "Trades received", stats.trades_seen),
            ("trades_stored", "Trades newly stored", stats.trades_stored),
            ("write_failures", "Failed trade batch writes", stats.write_failures),
        ):
            counter = CounterMetricFamily(f"pmml_collector_{name}", doc)
            counter.add_metric([], float(count))
            yield counter
        depth = GaugeMetricFamily("pmml_collector_queue_depth", "Trades waiting to be written")
        depth.add_metric([], float(collector.queue_depth))
        yield depth
    if ctx.breakers is not None:
        breaker = GaugeMetricFamily(
            "pmml_breaker_state",
            "1 for the state each host's breaker is in",
            labels=["host", "state"],
        )
        for b in ctx.breakers.states():
            breaker.add_metric([b.host, b.state.value], 1.0)
        yield breaker


def _stored_families(ctx: MonitoringContext) -> list[Metric]:
    """The database's figures: aggregates over the last hour's task runs, computed at most once
    per ``api_summary_max_age_secs`` for every scraper (:mod:`..monitoring.summary_cache`)."""
    now = ctx.clock.now()
    up = GaugeMetricFamily("pmml_database_up", "1 when the database answers")
    tiers = [int(t) for t in Tier]
    try:
        figures = ctx.summaries.get(
            ("metrics_figures",),
            lambda: task_stats.metrics_figures(
                ctx.engine, ctx.clock.now() - TASK_WINDOW, _BOUNDS_MS, tiers
            ),
        )
    except StorageError:
        up.add_metric([], 0.0)
        return [up]
    up.add_metric([], 1.0)
    runs = GaugeMetricFamily(
        "pmml_task_runs_last_hour",
        "Task runs started in the last hour, by status",
        labels=["task", "tier", "status"],
    )
    histogram = GaugeHistogramMetricFamily(
        "pmml_task_duration_seconds_last_hour",
        "Durations of the task runs of the last hour that finished",
        labels=["task", "tier"],
    )
    for t in figures.tasks:
        for status, n in t.by_status.items():
            runs.add_metric([t.task_name, _tier_label(t.tier), status], float(n))
        if t.finished:
            buckets = [(str(b), float(t.at_most[ms])) for b, ms in _BUCKETS]
            buckets.append(("+Inf", float(t.finished)))
            histogram.add_metric(
                [t.task_name, _tier_label(t.tier)], buckets, gsum_value=t.duration_ms_sum / 1000
            )
    age = GaugeMetricFamily(
        "pmml_snapshot_age_seconds", "Age of the newest snapshot of the tier", labels=["tier"]
    )
    for tier, when in sorted(figures.newest_snapshot.items()):
        age.add_metric([_tier_label(tier)], (now - when).total_seconds())
    return [up, runs, histogram, age]


_BUCKETS = [(b, round(b * 1000)) for b in DURATION_BUCKETS_SECS]
"""Each bucket's bound in seconds, as printed, and in milliseconds, as counted (durations are
whole milliseconds: ``ms <= b * 1000`` is ``ms / 1000 <= b``)."""
_BOUNDS_MS = [ms for _, ms in _BUCKETS]


def _tier_label(tier: int | None) -> str:
    return "" if tier is None else f"T{tier}"
