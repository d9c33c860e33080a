"""WebSocket coverage: the tokens the collector should follow against those it follows.

A token should be followed when its market is active, still trading, and in one of the WebSocket
tiers — the rule of the collector's own refresh, so after a refresh both sets are equal and
anything else (missing or extra) is a lag or a fault. Performs database I/O.
"""

from __future__ import annotations

import asyncio

from polymarket_ml.monitoring.context import MonitoringContext
from polymarket_ml.monitoring.reports import ConnectionCoverage, CoverageReport
from polymarket_ml.storage import monitoring as queries


async def websocket_coverage(ctx: MonitoringContext) -> CoverageReport:
    """Expected tokens (from the database) against subscribed ones (per live connection)."""
    tiers = sorted(int(t) for t in ctx.settings.collection.websocket_enabled_tiers)
    expected = await asyncio.to_thread(queries.open_market_tokens, ctx.engine, tiers)
    wanted = set(expected)
    connections: list[ConnectionCoverage] = []
    subscribed: set[str] = set()
    if ctx.collector is not None:  # read on the event loop: the pool is not thread-safe
        for conn in ctx.collector.pool.connections:
            assets = conn.assets
            subscribed |= assets
            health = conn.health()
            connections.append(
                ConnectionCoverage(
                    name=conn.name,
                    connected=health.connected,
                    subscribed=len(assets),
                    stale_assets=health.stale_assets,
                    extra=sorted(assets - wanted),
                )
            )
    covered = len(wanted & subscribed)
    return CoverageReport(
        checked_at=ctx.clock.now(),
        tiers=tiers,
        collector_running=ctx.collector is not None,
        expected=len(wanted),
        subscribed=len(subscribed),
        covered=covered,
        coverage_pct=round(100 * covered / len(wanted), 3) if wanted else None,
        missing=sorted(wanted - subscribed),
        extra=sorted(subscribed - wanted),
        connections=connections,
    )
