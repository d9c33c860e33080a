"""``pmml worker`` and ``pmml beat``: the Celery processes of the distributed deployment.

Plain functions with Typer annotations, registered by ``cli/main.py``; they load the settings
and call the runtime's service functions. ``python -m polymarket_ml.cli.distributed worker|beat``
runs them without the main CLI (the integration test does).
"""

from __future__ import annotations

from typing import Annotated

import typer

from polymarket_ml.runtime.celery_app import POOLS, start_beat, start_worker
from polymarket_ml.runtime.schedule import QUEUE_DEFAULT, QUEUE_SNAPSHOTS, QUEUE_SNAPSHOTS_FAST
from polymarket_ml.settings import load_settings

ALL_QUEUES = f"{QUEUE_DEFAULT},{QUEUE_SNAPSHOTS},{QUEUE_SNAPSHOTS_FAST}"


def worker(
    queues: Annotated[
        str,
        typer.Option(
            help=(
                f"Comma-separated queues: {QUEUE_DEFAULT} (discovery, tiers, cleanup),"
                f" {QUEUE_SNAPSHOTS} (T0-T2), {QUEUE_SNAPSHOTS_FAST} (T3-T4)."
            )
        ),
    ] = ALL_QUEUES,
    concurrency: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 2,
    hostname: Annotated[
        str | None,
        typer.Option(help="Node name (default: the queues @ host); unique per worker."),
    ] = None,
    pool: Annotated[str, typer.Option(help=f"Execution pool: {' or '.join(POOLS)}.")] = "prefork",
) -> None:
    """Run a Celery worker (discovery, tier updates, snapshots, cleanup) on CELERY_BROKER_URL."""
    names = [q.strip() for q in queues.split(",") if q.strip()]
    if pool not in POOLS:
        raise typer.BadParameter(f"must be one of {', '.join(POOLS)}", param_hint="--pool")
    if not names:
        raise typer.BadParameter("name at least one queue", param_hint="--queues")
    start_worker(load_settings(), names, concurrency=concurrency, hostname=hostname, pool=pool)


def beat() -> None:
    """Run Celery beat: the schedule table's ticks (intervals / PMML_CLOCK_SPEED) to the broker."""
    start_beat(load_settings())


def collector() -> None:
    """Run the WebSocket collector: trades into DATABASE_URL, live trade metrics into REDIS_URL."""
    import asyncio

    from polymarket_ml.monitoring.log_level import configure_logging
    from polymarket_ml.runtime.collector_process import run_collector

    settings = load_settings()
    configure_logging(settings.general.log_level)
    asyncio.run(run_collector(settings, echo=typer.echo))


app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
app.command()(worker)
app.command()(beat)
app.command()(collector)

if __name__ == "__main__":  # pragma: no cover
    app()
