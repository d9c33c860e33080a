"""The one schedule table. The in-process scheduler and Celery beat are both built from it.

Intervals are in simulated seconds: with ``--speed N`` every task runs N times as often in real
time, which is what makes a demo or a check cross tiers and resolutions in minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from polymarket_ml.core.enums import Tier
from polymarket_ml.settings import CollectionSettings

DISCOVERY = "discovery"
TIER_UPDATE = "tier_update"
SNAPSHOT = "snapshot"
CLEANUP = "cleanup"

# Celery queues of the original design: the general worker, and two snapshot workers (the
# second one takes the fast tiers so that T3/T4 never wait behind a slow T0 pass).
QUEUE_DEFAULT = "celery"
QUEUE_SNAPSHOTS = "snapshots"
QUEUE_SNAPSHOTS_FAST = "snapshots_fast"


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    interval_secs: float
    queue: str
    tier: Tier | None = None

    @property
    def key(self) -> str:
        return self.name if self.tier is None else f"{self.name}_t{int(self.tier)}"


def build_schedule(settings: CollectionSettings) -> list[Job]:
    """Every periodic task with its interval and queue."""
    jobs = [
        Job(DISCOVERY, settings.discovery_interval_secs, QUEUE_DEFAULT),
        Job(TIER_UPDATE, settings.tier_update_interval_secs, QUEUE_DEFAULT),
        Job(CLEANUP, settings.cleanup_interval_secs, QUEUE_DEFAULT),
    ]
    for tier, interval in settings.snapshot_intervals_secs.items():
        queue = QUEUE_SNAPSHOTS_FAST if tier >= Tier.T3 else QUEUE_SNAPSHOTS
        jobs.append(Job(SNAPSHOT, interval, queue, tier))
    return jobs
