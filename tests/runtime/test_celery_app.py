"""The Celery app is built from the settings and the one schedule table."""

from __future__ import annotations

from datetime import timedelta

import redis
from sqlalchemy.exc import OperationalError

from polymarket_ml.core.enums import Tier
from polymarket_ml.runtime.celery_app import beat_schedule, create_app
from polymarket_ml.runtime.schedule import (
    QUEUE_DEFAULT,
    QUEUE_SNAPSHOTS,
    QUEUE_SNAPSHOTS_FAST,
    build_schedule,
)
from polymarket_ml.runtime.tasks import TASK_NAMES, is_transient
from polymarket_ml.settings import CollectionSettings, Settings, load_settings


def settings(speed: float = 1.0, **collection: float) -> Settings:
    return load_settings(
        collection=collection,
        runtime={"clock_speed": speed},
        distributed={"celery_broker_url": "redis://broker.example:6379/3"},
    )


def test_beat_schedule_is_the_schedule_table() -> None:
    s = settings(snapshot_interval_t4_secs=20)
    entries = beat_schedule(s)
    jobs = build_schedule(s.collection)
    assert set(entries) == {job.key for job in jobs}
    for job in jobs:
        entry = entries[job.key]
        assert entry["task"] == TASK_NAMES[job.name]
        assert entry["schedule"] == timedelta(seconds=job.interval_secs)
        assert entry["args"] == (() if job.tier is None else (int(job.tier),))
        assert entry["options"] == {"queue": job.queue, "expires": job.interval_secs}
    assert entries["snapshot_t4"]["schedule"] == timedelta(seconds=20)


def test_the_clock_speed_divides_every_interval() -> None:
    plain, fast = beat_schedule(settings()), beat_schedule(settings(speed=60))
    for key, entry in plain.items():
        assert fast[key]["schedule"] * 60 == entry["schedule"]
        assert fast[key]["options"]["expires"] * 60 == entry["options"]["expires"]


def test_app_is_configured_from_the_settings() -> None:
    app = create_app(settings())
    assert app.conf.broker_url == "redis://broker.example:6379/3"
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert set(TASK_NAMES.values()) <= set(app.tasks)
    assert app.conf.beat_schedule == beat_schedule(settings())


def test_tasks_queued_by_hand_go_to_their_tier_queue() -> None:
    app = create_app(settings())
    route = app.amqp.router.route
    snapshot = TASK_NAMES["snapshot"]

    def queue_of(name: str, *args: int) -> str:
        return str(route({}, name, args, {}).get("queue").name)

    assert queue_of(TASK_NAMES["discovery"]) == QUEUE_DEFAULT
    assert queue_of(TASK_NAMES["cleanup"]) == QUEUE_DEFAULT
    assert queue_of(snapshot, int(Tier.T0)) == QUEUE_SNAPSHOTS
    assert queue_of(snapshot, int(Tier.T2)) == QUEUE_SNAPSHOTS
    assert queue_of(snapshot, int(Tier.T3)) == QUEUE_SNAPSHOTS_FAST
    assert queue_of(snapshot, int(Tier.T4)) == QUEUE_SNAPSHOTS_FAST
    # the queues are the schedule table's
    assert {job.queue for job in build_schedule(CollectionSettings())} == {
        QUEUE_DEFAULT,
        QUEUE_SNAPSHOTS,
        QUEUE_SNAPSHOTS_FAST,
    }


def test_only_named_transient_errors_are_retried() -> None:
    assert is_transient(redis.exceptions.ConnectionError("down"))
    assert is_transient(redis.exceptions.TimeoutError("slow"))
    assert is_transient(OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert not is_transient(ValueError("a bug"))
    assert not is_transient(KeyError("market"))
