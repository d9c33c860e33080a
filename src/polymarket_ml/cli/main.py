"""The ``pmml`` command. Commands are thin: they load settings and call service functions.

Every command loads and validates the settings first; a bad setting or a bad
``executor_config.yaml`` prints one clear message and exits with status 2.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from polymarket_ml import __version__
from polymarket_ml.cli import distributed, executor_commands
from polymarket_ml.core.errors import ConfigError, PmmlError
from polymarket_ml.executor.config import dump_executor_config
from polymarket_ml.executor.overrides import (
    describe_overrides,
    effective_executor_config,
    overrides_path,
)
from polymarket_ml.monitoring.log_level import configure_logging
from polymarket_ml.runtime.up import UpOptions, default_sqlite_url, run_up
from polymarket_ml.settings import (
    DEFAULT_DATABASE_URL,
    GROUPS,
    Settings,
    env_name,
    load_settings,
    redact_url,
)
from polymarket_ml.storage.engine import make_engine
from polymarket_ml.storage.migrate import current_revision, head_revision, upgrade

app = typer.Typer(
    name="pmml",
    help="polymarket-ml: record Polymarket, compute features, and trade on them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
config_app = typer.Typer(help="Inspect and validate the configuration.", no_args_is_help=True)
db_app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)
app.add_typer(config_app, name="config")
app.add_typer(db_app, name="db")

EXIT_CONFIG = 2
EXIT_FAILURE = 1

P = ParamSpec("P")
R = TypeVar("R")


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn our errors into one line on stderr and a non-zero exit, without a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            typer.echo(f"configuration error: {exc}", err=True)
            raise typer.Exit(EXIT_CONFIG) from None
        except PmmlError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_FAILURE) from None

    return wrapper


@app.command()
def version() -> None:
    """Print the version of polymarket-ml."""
    typer.echo(f"polymarket-ml {__version__}")


@config_app.command("show")
@friendly_errors
def config_show(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Print the effective settings (secrets redacted) and the executor configuration."""
    settings = load_settings()
    executor = effective_executor_config(settings)
    if as_json:
        payload: dict[str, Any] = {
            "settings": settings.redacted(),
            "executor_config": dump_executor_config(executor),
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    _print_settings(settings)
    source = settings.executor.executor_config
    where = str(source) if source.exists() else f"{source} (not found: built-in defaults)"
    changes = describe_overrides(settings)
    if changes:
        where += f", with {len(changes)} change(s) made through the API from " + str(
            overrides_path(settings)
        )
    typer.echo(f"\n# executor configuration from {where}")
    typer.echo(json.dumps(dump_executor_config(executor), indent=2))


def _print_settings(settings: Settings) -> None:
    redacted = settings.redacted()
    for group_cls in GROUPS:
        typer.echo(f"[{group_cls.group}]")
        for name, value in redacted[group_cls.group].items():
            typer.echo(f"  {env_name(group_cls, name)} = {json.dumps(value)}")


@config_app.command("check")
@friendly_errors
def config_check() -> None:
    """Validate the settings and executor_config.yaml; exit non-zero with the problems."""
    settings = load_settings()
    effective_executor_config(settings)
    typer.echo("configuration OK")


@db_app.command("upgrade")
@friendly_errors
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the schema of DATABASE_URL (default: a SQLite file under ./data/)."""
    settings = load_settings()
    engine = make_engine(settings.database.url)
    try:
        before = current_revision(engine)
        upgrade(engine, revision)
        after = current_revision(engine)
    finally:
        engine.dispose()
    where = redact_url(settings.database.url)
    if before == after:
        typer.echo(f"{where}: already at revision {after}")
    else:
        typer.echo(f"{where}: upgraded from {before or 'an empty database'} to revision {after}")


@db_app.command("current")
@friendly_errors
def db_current() -> None:
    """Show the schema revision of DATABASE_URL and whether it is up to date."""
    settings = load_settings()
    engine = make_engine(settings.database.url)
    try:
        current, head = current_revision(engine), head_revision(engine)
    finally:
        engine.dispose()
    state = "up to date" if current == head else f"behind {head}: run `pmml db upgrade`"
    typer.echo(f"{redact_url(settings.database.url)}: revision {current or 'none'} ({state})")
    if current != head:
        raise typer.Exit(EXIT_FAILURE)


@app.command()
@friendly_errors
def up(
    sim: Annotated[bool, typer.Option("--sim", help="Run against the built-in simulator.")] = False,
    speed: Annotated[
        float, typer.Option(min=0.001, help="With --sim: simulated time runs N times faster.")
    ] = 1.0,
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Port of the API (default PMML_API_PORT, 8000)."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Where the SQLite database lives (default ./data, or PMML_DATA_DIR)."),
    ] = None,
    markets: Annotated[int, typer.Option(min=1, help="With --sim: markets to simulate.")] = 200,
    seed: Annotated[int, typer.Option(help="With --sim: the simulator's seed.")] = 7,
) -> None:
    """Run everything in one process: scheduler, snapshots, WebSocket collector."""
    if speed != 1.0 and not sim:
        raise typer.BadParameter(
            "--speed only applies to the simulator; add --sim", param_hint="--speed"
        )
    overrides: dict[str, dict[str, Any]] = {}
    if data_dir is not None:
        overrides["general"] = {"data_dir": data_dir}
    settings = load_settings(**overrides)
    if settings.database.url == DEFAULT_DATABASE_URL:  # DATABASE_URL not given
        url = default_sqlite_url(settings.general.data_dir)
        settings = settings.model_copy(
            update={"database": settings.database.model_copy(update={"url": url})}
        )
    configure_logging(settings.general.log_level)
    options = UpOptions(sim=sim, speed=speed, port=port, sim_markets=markets, sim_seed=seed)
    asyncio.run(run_up(settings, options, echo=typer.echo))


@app.command()
@friendly_errors
def replay(
    files: Annotated[
        list[Path],
        typer.Argument(
            exists=True, help="Journal files (*.jsonl.gz), or folders of them (data/journal)."
        ),
    ],
    store: Annotated[
        bool,
        typer.Option(
            "--store",
            help="Write the trades to DATABASE_URL (tokens of known markets only; idempotent).",
        ),
    ] = False,
) -> None:
    """Rebuild books and trades from raw-frame journal files and print a summary."""
    from polymarket_ml.collection.replay import replay_command

    settings = load_settings()
    url = None
    if store:
        url = settings.database.url
        if url == DEFAULT_DATABASE_URL:  # DATABASE_URL not given: the database of `pmml up`
            url = default_sqlite_url(settings.general.data_dir)
    c = settings.collection
    summary = replay_command(
        files, database_url=url, whales=(c.whale_tier_1_usd, c.whale_tier_2_usd, c.whale_tier_3_usd)
    )
    for line in summary.lines():
        typer.echo(line)


@app.command()
@friendly_errors
def sim(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on (0: a free one).")] = 8765,
    markets: Annotated[int, typer.Option(min=1, help="Markets at start.")] = 200,
    seed: Annotated[int, typer.Option(help="Same seed, same markets and events.")] = 7,
    speed: Annotated[
        float, typer.Option(min=0.001, help="Simulated time runs this many times faster.")
    ] = 1.0,
    activity: Annotated[float, typer.Option(min=0.0, help="Scales the message rate.")] = 1.0,
    origin: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%dT%H:%M:%S%z"],
            help="With --speed: the wall-clock instant simulated time starts from (default now);"
            " give workers the same PMML_CLOCK_ORIGIN.",
        ),
    ] = None,
    fault: Annotated[
        list[str] | None,
        typer.Option(
            "--fault",
            help=(
                "A fault to inject, repeatable: kind[:key=value,...] with kind ws_drop, ws_stall,"
                " ws_malformed, http_429, http_5xx or http_slow, e.g. 'http_429:rate=0.05'."
            ),
        ),
    ] = None,
) -> None:
    """Serve a simulated Polymarket (Gamma, CLOB, Data API, WebSockets) on one port."""
    from polymarket_ml.sim.faults import FaultRule
    from polymarket_ml.sim.main import main as run_sim

    for spec in fault or ():
        try:
            FaultRule.parse(spec)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--fault") from None
    run_sim(
        host=host,
        port=port,
        markets=markets,
        seed=seed,
        speed=speed,
        activity=activity,
        faults=list(fault or ()),
        origin=origin,
    )


@app.command()
@friendly_errors
def api(
    host: Annotated[str | None, typer.Option(help="Bind address (default PMML_API_HOST).")] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port (default PMML_API_PORT).")
    ] = None,
) -> None:
    """Serve the API and the dashboard alone, on DATABASE_URL (distributed deployment)."""
    from polymarket_ml.runtime.api_process import run_api

    settings = load_settings()
    changes = {k: v for k, v in {"api_host": host, "api_port": port}.items() if v is not None}
    settings = settings.model_copy(update={"api": settings.api.model_copy(update=changes)})
    configure_logging(settings.general.log_level)
    asyncio.run(run_api(settings, echo=typer.echo))


app.command("worker")(friendly_errors(distributed.worker))
app.command("beat")(friendly_errors(distributed.beat))
app.command("collector")(friendly_errors(distributed.collector))
app.add_typer(executor_commands.executor_app, name="executor")
app.command("positions")(friendly_errors(executor_commands.positions))
app.command("signals")(friendly_errors(executor_commands.signals))
app.command("kill")(friendly_errors(executor_commands.kill))
app.command("resume")(friendly_errors(executor_commands.resume))


def main() -> None:
    """Entry point of the ``pmml`` console script."""
    app(prog_name="pmml")


if __name__ == "__main__":  # pragma: no cover
    main()
