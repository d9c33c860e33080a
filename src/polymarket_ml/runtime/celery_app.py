"""The Celery app of the distributed deployment, configured from the settings.

Broker: ``CELERY_BROKER_URL`` (Redis); no result backend (every run is a ``task_runs`` row).
Queues come from the schedule table (``schedule.py``); the processes of the original design
consume them:

- celery-worker, ``pmml worker --queues celery``: discovery, tier updates, cleanup;
- celery-snapshots, ``pmml worker --queues snapshots,snapshots_fast``: T0–T4 snapshots;
- celery-snapshots-2, ``pmml worker --queues snapshots_fast``: T3–T4 snapshots;
- celery-beat, ``pmml beat``: sends the ticks of the schedule below.

Beat's schedule is built from :func:`~polymarket_ml.runtime.schedule.build_schedule`, the table
the in-process scheduler runs, with every interval divided by ``PMML_CLOCK_SPEED``. Each tick
expires after one interval: a tick no worker picked up in time is dropped, not run late in a
burst, and the next tick takes its place.

``celery -A polymarket_ml.runtime.celery_app flower`` (and any other ``celery`` command) finds
this module's ``app``, built from the environment on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from celery import Celery

from polymarket_ml.core.errors import DatabaseNotReadyError
from polymarket_ml.runtime.schedule import SNAPSHOT, Job, build_schedule
from polymarket_ml.runtime.tasks import TASK_NAMES, register_tasks
from polymarket_ml.settings import Settings, load_settings, redact_url
from polymarket_ml.storage.engine import make_engine
from polymarket_ml.storage.migrate import current_revision, head_revision

BEAT_SCHEDULE_FILE = "celerybeat-schedule"
POOLS = ("prefork", "solo")  # a task runs on its process's event loop: one task at a time each


def create_app(settings: Settings) -> Celery:
    """The app, its tasks, routes and beat schedule; connects to nothing until used."""
    app = Celery("polymarket_ml", set_as_current=False)
    app.pmml_settings = settings
    jobs = build_schedule(settings.collection)
    limit = settings.runtime.task_time_limit_secs
    app.conf.update(
        broker_url=settings.distributed.celery_broker_url,
        broker_connection_retry_on_startup=True,
        # acks_late: an unacknowledged tick is redelivered after this; longer than any run
        broker_transport_options={"visibility_timeout": max(3600.0, 2 * limit)},
        result_backend=None,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_time_limit=limit,
        task_routes=(QueueRouter(jobs),),
        worker_prefetch_multiplier=1,  # a slow T0 pass never holds T4 ticks in its prefetch
        worker_send_task_events=True,  # for flower
        timezone="UTC",
        enable_utc=True,
        beat_schedule=beat_schedule(settings),
        beat_schedule_filename=str(settings.general.data_dir / BEAT_SCHEDULE_FILE),
    )
    register_tasks(app)
    return app


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """Beat's entries: one per job of the schedule table, intervals divided by the clock speed."""
    speed = settings.runtime.clock_speed
    entries: dict[str, dict[str, Any]] = {}
    for job in build_schedule(settings.collection):
        period_secs = job.interval_secs / speed
        entries[job.key] = {
            "task": TASK_NAMES[job.name],
            "schedule": timedelta(seconds=period_secs),
            "args": () if job.tier is None else (int(job.tier),),
            "options": {"queue": job.queue, "expires": period_secs},
        }
    return entries


class QueueRouter:
    """Routes a task (a snapshot by its tier) to its queue in the schedule table.

    Beat names the queue itself; this sends a task queued by hand (``snapshot.delay(4)``) to the
    same place.
    """

    def __init__(self, jobs: Iterable[Job]) -> None:
        self._queues = {
            (TASK_NAMES[j.name], None if j.tier is None else int(j.tier)): j.queue for j in jobs
        }

    def __call__(
        self,
        name: str,
        args: Sequence[Any] | None,
        kwargs: Mapping[str, Any] | None,
        options: Mapping[str, Any] | None,
        task: Any = None,
        **_: Any,
    ) -> dict[str, str] | None:
        tier = None
        if name == TASK_NAMES[SNAPSHOT]:
            tier = (kwargs or {}).get("tier", args[0] if args else None)
        queue = self._queues.get((name, tier))
        return None if queue is None else {"queue": queue}


def ensure_database_ready(settings: Settings) -> None:
    """Raise :class:`DatabaseNotReadyError` unless the schema is at head (workers never migrate:
    several starting at once would race)."""
    engine = make_engine(settings.database.url)
    try:
        current, head = current_revision(engine), head_revision(engine)
    finally:
        engine.dispose()
    if current != head:
        raise DatabaseNotReadyError(
            f"{redact_url(settings.database.url)} is at revision {current or 'none'}, the code"
            f" needs {head}: run `pmml db upgrade` first"
        )


def start_worker(
    settings: Settings,
    queues: Sequence[str],
    *,
    concurrency: int,
    hostname: str | None = None,
    pool: str = "prefork",
) -> None:
    """Run a worker on ``queues`` in the foreground until it is stopped (SIGTERM: warm stop)."""
    if pool not in POOLS:
        raise ValueError(f"pool must be one of {', '.join(POOLS)}, got {pool!r}")
    if not queues:
        raise ValueError("a worker needs at least one queue")
    ensure_database_ready(settings)
    app = create_app(settings)
    name = hostname or f"{'+'.join(queues)}@%h"  # two workers on one host: give --hostname
    app.worker_main(
        [
            "worker",
            f"--queues={','.join(queues)}",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            f"--hostname={name}",
            f"--loglevel={settings.general.log_level}",
            "--without-mingle",  # no start-up round of gossip between workers: starts faster
            "--without-gossip",
        ]
    )


def start_beat(settings: Settings) -> None:
    """Run beat in the foreground: it sends the schedule table's ticks to the broker."""
    settings.general.data_dir.mkdir(parents=True, exist_ok=True)
    app = create_app(settings)
    app.start(["beat", f"--loglevel={settings.general.log_level}"])


_app: Celery | None = None


def __getattr__(name: str) -> Any:
    """``app``, for the ``celery`` command (``-A polymarket_ml.runtime.celery_app``)."""
    global _app
    if name == "app":
        if _app is None:
            _app = create_app(load_settings())
        return _app
    raise AttributeError(name)
