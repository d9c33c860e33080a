"""The one typed, validated settings object, grouped by subsystem.

Built once per entry point with :func:`load_settings` and passed down; nothing below the entry
points reads the environment. Names follow the original design where it named them
(``DATABASE_URL``, ``REDIS_URL``, ``CELERY_BROKER_URL``); every other setting is ``PMML_*``
(the field name in upper case), read from the environment or a ``.env`` file in the working
directory. Units are in the names (``_secs``, ``_hours``, ``_usd``).

A bad value fails here, at start-up, as a :class:`~polymarket_ml.core.errors.ConfigError` that
names the variable, the value given and what is allowed.
"""

from __future__ import annotations

import difflib
import os
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from polymarket_ml.core.enums import Tier
from polymarket_ml.core.errors import ConfigError

DEFAULT_DATA_DIR = Path("data")
DEFAULT_DATABASE_URL = "sqlite:///data/polymarket_ml.sqlite3"
MAX_ASSETS_PER_CONNECTION = 500


class _Group(BaseSettings):
    """Base of every settings group: ``PMML_`` prefix, ``.env`` support, frozen, strict keys."""

    model_config = SettingsConfigDict(
        env_prefix="PMML_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )
    group: ClassVar[str] = ""


class DatabaseSettings(_Group):
    """Where everything is stored."""

    group: ClassVar[str] = "database"
    url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("DATABASE_URL", "PMML_DATABASE_URL"),
        description="SQLAlchemy URL: sqlite:///path or postgresql://user@host:port/db",
    )
    echo_sql: bool = Field(default=False, description="Log every SQL statement")
    bulk_batch_rows: int = Field(
        default=5000, ge=1, le=1_000_000, description="Rows per bulk write batch"
    )

    @model_validator(mode="after")
    def _known_backend(self) -> DatabaseSettings:
        scheme = self.url.split("://", 1)[0].split("+", 1)[0]
        if scheme not in {"sqlite", "postgresql", "postgres"} or "://" not in self.url:
            raise ValueError(
                f"DATABASE_URL={self.url!r}: must start with sqlite:/// or postgresql://"
            )
        return self


class DistributedSettings(_Group):
    """Redis and Celery, used only by the distributed deployment."""

    group: ClassVar[str] = "distributed"
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("REDIS_URL", "PMML_REDIS_URL"),
        description="Redis for live trade metrics and caches (distributed mode)",
    )
    celery_broker_url: str = Field(
        default="redis://127.0.0.1:6379/1",
        validation_alias=AliasChoices("CELERY_BROKER_URL", "PMML_CELERY_BROKER_URL"),
        description="Celery broker (distributed mode)",
    )


class SourceSettings(_Group):
    """Where the exchange is. The real Polymarket is the default; the simulator is opt-in."""

    group: ClassVar[str] = "sources"
    gamma_url: str = Field(
        default="https://gamma-api.polymarket.com", description="Gamma REST base URL"
    )
    clob_url: str = Field(default="https://clob.polymarket.com", description="CLOB REST base URL")
    data_api_url: str = Field(
        default="https://data-api.polymarket.com", description="Data API base URL"
    )
    ws_market_url: str = Field(
        default="wss://ws-subscriptions-clob.polymarket.com/ws/market",
        description="Market WebSocket URL",
    )
    ws_user_url: str = Field(
        default="wss://ws-subscriptions-clob.polymarket.com/ws/user",
        description="User WebSocket URL",
    )
    http_timeout_secs: float = Field(
        default=10.0, gt=0, le=300, description="Timeout of one HTTP request"
    )
    http_max_retries: int = Field(
        default=5, ge=0, le=20, description="Retries on 429, 5xx and timeouts"
    )


class CollectionSettings(_Group):
    """Discovery, tiers, snapshot cadence and the WebSocket collector."""

    group: ClassVar[str] = "collection"
    ml_volume_threshold: float = Field(
        default=100.0,
        ge=0,
        validation_alias=AliasChoices("PMML_ML_VOLUME_THRESHOLD", "ML_VOLUME_THRESHOLD"),
        description="Minimum 24h volume (USD) for discovery",
    )
    ml_lookahead_hours: float = Field(
        default=336,
        gt=0,
        validation_alias=AliasChoices("PMML_ML_LOOKAHEAD_HOURS", "ML_LOOKAHEAD_HOURS"),
        description="Only markets ending within this many hours are tracked",
    )
    tier_0_min_hours: float = Field(
        default=48, gt=0, description="T0 above this many hours to close"
    )
    tier_1_min_hours: float = Field(
        default=12, gt=0, description="T1 from this to tier_0_min_hours"
    )
    tier_2_min_hours: float = Field(default=4, gt=0, description="T2 from this to tier_1_min_hours")
    tier_3_min_hours: float = Field(
        default=1, gt=0, description="T3 from this to tier_2_min_hours; T4 below"
    )
    discovery_interval_secs: float = Field(
        default=600, gt=0, description="How often discovery looks for markets on Gamma"
    )
    tier_update_interval_secs: float = Field(
        default=60, gt=0, description="How often tiers are recomputed"
    )
    cleanup_interval_secs: float = Field(
        default=3600, gt=0, description="How often retention is applied"
    )
    expiry_grace_hours: float = Field(
        default=24, gt=0, description="Past its end date and unresolved this long: expired"
    )
    no_trades_hours: float = Field(
        default=6, gt=0, description="Followed but without a trade this long: no_trades"
    )
    snapshot_interval_t0_secs: float = Field(default=3600, gt=0, description="T0 snapshot cadence")
    snapshot_interval_t1_secs: float = Field(default=300, gt=0, description="T1 snapshot cadence")
    snapshot_interval_t2_secs: float = Field(default=60, gt=0, description="T2 snapshot cadence")
    snapshot_interval_t3_secs: float = Field(default=30, gt=0, description="T3 snapshot cadence")
    snapshot_interval_t4_secs: float = Field(default=15, gt=0, description="T4 snapshot cadence")
    websocket_num_connections: int = Field(
        default=4,
        ge=1,
        le=64,
        validation_alias=AliasChoices(
            "PMML_WEBSOCKET_NUM_CONNECTIONS", "WEBSOCKET_NUM_CONNECTIONS"
        ),
        description="WebSocket connections of the collector",
    )
    websocket_max_assets_per_connection: int = Field(
        default=MAX_ASSETS_PER_CONNECTION,
        ge=1,
        le=MAX_ASSETS_PER_CONNECTION,
        description="Tokens per WebSocket connection (at most 500)",
    )
    websocket_enabled_tiers: list[Tier] = Field(
        default_factory=lambda: [Tier.T2, Tier.T3, Tier.T4],
        validation_alias=AliasChoices("PMML_WEBSOCKET_ENABLED_TIERS", "WEBSOCKET_ENABLED_TIERS"),
        description="Tiers whose tokens the WebSocket follows, e.g. [2,3,4]",
    )
    min_trades_per_minute: float = Field(
        default=30,
        ge=0,
        validation_alias=AliasChoices("PMML_MIN_TRADES_PER_MINUTE", "MIN_TRADES_PER_MINUTE"),
        description="A busy connection trading slower than this is reconnected",
    )
    whale_tier_1_usd: float = Field(
        default=100, gt=0, description="Whale tier 1 from this notional"
    )
    whale_tier_2_usd: float = Field(
        default=1_000, gt=0, description="Whale tier 2 (a whale) from this"
    )
    whale_tier_3_usd: float = Field(default=10_000, gt=0, description="Whale tier 3 from this")
    journal_enabled: bool = Field(
        default=True, description="Write every raw WebSocket frame to a compressed journal"
    )
    orderbook_retention_days: float = Field(
        default=30, gt=0, description="Order books older than this are deleted"
    )

    @model_validator(mode="after")
    def _ordered(self) -> CollectionSettings:
        bounds = [
            self.tier_0_min_hours,
            self.tier_1_min_hours,
            self.tier_2_min_hours,
            self.tier_3_min_hours,
        ]
        if bounds != sorted(bounds, reverse=True) or len(set(bounds)) != 4:
            raise ValueError(
                "tier boundaries must strictly decrease: PMML_TIER_0_MIN_HOURS >"
                " PMML_TIER_1_MIN_HOURS > PMML_TIER_2_MIN_HOURS > PMML_TIER_3_MIN_HOURS"
                f" (got {bounds})"
            )
        whales = [self.whale_tier_1_usd, self.whale_tier_2_usd, self.whale_tier_3_usd]
        if whales != sorted(whales) or len(set(whales)) != 3:
            raise ValueError(f"whale tier thresholds must strictly increase (got {whales})")
        return self

    @property
    def tier_boundaries_hours(self) -> tuple[float, float, float, float]:
        return (
            self.tier_0_min_hours,
            self.tier_1_min_hours,
            self.tier_2_min_hours,
            self.tier_3_min_hours,
        )

    @property
    def snapshot_intervals_secs(self) -> dict[Tier, float]:
        """One schedule table (tier -> seconds) feeds both runtimes."""
        return {
            Tier.T0: self.snapshot_interval_t0_secs,
            Tier.T1: self.snapshot_interval_t1_secs,
            Tier.T2: self.snapshot_interval_t2_secs,
            Tier.T3: self.snapshot_interval_t3_secs,
            Tier.T4: self.snapshot_interval_t4_secs,
        }


class ApiSettings(_Group):
    """The HTTP API and dashboard."""

    group: ClassVar[str] = "api"
    api_host: str = Field(
        default="127.0.0.1", description="Bind address; 0.0.0.0 exposes the API to the network"
    )
    api_port: int = Field(default=8000, ge=1, le=65535, description="API and dashboard port")
    api_token: SecretStr | None = Field(
        default=None, description="Bearer token for state-changing endpoints"
    )
    api_summary_max_age_secs: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="How old task activity, signal counts and /metrics' task and snapshot "
        "figures served by the API may be (0: fresh)",
    )


class ExecutorSettings(_Group):
    """Where the executor's configuration and the wallet secrets come from."""

    group: ClassVar[str] = "executor"
    executor_config: Path = Field(
        default=Path("executor_config.yaml"), description="Path of executor_config.yaml"
    )
    private_key: SecretStr | None = Field(
        default=None, description="Wallet private key (live mode only)"
    )
    private_key_file: Path | None = Field(
        default=None, description="File holding the wallet private key"
    )
    clob_api_key: SecretStr | None = Field(
        default=None, description="CLOB L2 API key (derived if unset)"
    )
    clob_api_secret: SecretStr | None = Field(default=None, description="CLOB L2 API secret")
    clob_api_passphrase: SecretStr | None = Field(
        default=None, description="CLOB L2 API passphrase"
    )


class GeneralSettings(_Group):
    group: ClassVar[str] = "general"
    data_dir: Path = Field(
        default=DEFAULT_DATA_DIR, description="Where the SQLite file, journals and tokens live"
    )
    log_level: str = Field(
        default="INFO",
        pattern=r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)$",
        description=(
            "DEBUG, INFO, WARNING, ERROR or CRITICAL (httpx's line per request only at DEBUG)"
        ),
    )


class RuntimeSettings(_Group):
    """The time base and limits of scheduled work, shared by every process of a deployment."""

    group: ClassVar[str] = "runtime"
    clock_speed: float = Field(
        default=1.0,
        gt=0,
        le=100_000,
        description="Time runs this many times faster than the wall clock (simulator runs only)",
    )
    clock_origin: datetime | None = Field(
        default=None,
        description=(
            "Wall-clock instant (ISO 8601, with offset) a sped-up clock starts from;"
            " every distributed process must share it"
        ),
    )
    task_time_limit_secs: float = Field(
        default=600, gt=0, description="A Celery task is killed past this; its overlap lock expires"
    )

    @field_validator("clock_origin")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2026-06-01T12:00:00+00:00")
        return value


GROUPS: tuple[type[_Group], ...] = (
    GeneralSettings,
    DatabaseSettings,
    DistributedSettings,
    SourceSettings,
    CollectionSettings,
    ApiSettings,
    ExecutorSettings,
    RuntimeSettings,
)


class Settings(BaseModel):
    """All settings, one attribute per subsystem."""

    model_config = ConfigDict(frozen=True)

    general: GeneralSettings
    database: DatabaseSettings
    distributed: DistributedSettings
    sources: SourceSettings
    collection: CollectionSettings
    api: ApiSettings
    executor: ExecutorSettings
    runtime: RuntimeSettings

    def redacted(self) -> dict[str, dict[str, Any]]:
        """Every effective setting with secrets shown as ``********``; safe to print or log."""
        out: dict[str, dict[str, Any]] = {}
        for name in type(self).model_fields:
            group: _Group = getattr(self, name)
            values = group.model_dump(mode="json")
            for key, value in values.items():
                if isinstance(getattr(group, key), SecretStr) and value is not None:
                    values[key] = "********"
                elif (key == "url" or key.endswith("_url")) and isinstance(value, str):
                    values[key] = redact_url(value)
            out[name] = values
        return out


def env_name(group: type[_Group], field_name: str) -> str:
    """The environment variable a field is read from (the first alias, else PMML_<NAME>)."""
    info = group.model_fields[field_name]
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        first = alias.choices[0]
        return first if isinstance(first, str) else field_name.upper()
    return f"PMML_{field_name.upper()}"


def settings_table_markdown() -> str:
    """The README's table of settings, generated from the fields (a test keeps them equal)."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for group in GROUPS:
        for name, info in group.model_fields.items():
            default = info.get_default(call_default_factory=True)
            if isinstance(default, list):
                shown = "[" + ",".join(str(int(x)) for x in default) + "]"
            else:
                shown = "(unset)" if default is None else str(default)
            lines.append(f"| `{env_name(group, name)}` | `{shown}` | {info.description or ''} |")
    return "\n".join(lines)


def redact_url(url: str) -> str:
    """Hide a password in a URL (``postgresql://u:secret@h`` -> ``postgresql://u:***@h``)."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    if ":" in creds:
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


def load_settings(**overrides: Any) -> Settings:
    """Read and validate every group; raise :class:`ConfigError` naming each bad setting.

    ``overrides`` maps a group name to a dict of field values (used by the CLI flags and tests).
    """
    groups: dict[str, _Group] = {}
    problems: list[str] = _unknown_env_vars()
    for group_cls in GROUPS:
        try:
            groups[group_cls.group] = group_cls(**overrides.get(group_cls.group, {}))
        except ValidationError as exc:
            problems.extend(_describe(group_cls, exc))
    if problems:
        raise ConfigError("invalid settings:\n  " + "\n  ".join(problems))
    return Settings.model_validate(groups)


def known_env_names() -> set[str]:
    return {env_name(g, f) for g in GROUPS for f in g.model_fields} | {
        f"PMML_{f.upper()}" for g in GROUPS for f in g.model_fields
    }


# Variables with the PMML_ prefix that configure other things than the settings object:
# the tests' and benchmarks' servers, and the C accelerators of the market channel (read at
# import by core/accelerator.py, which cannot import settings).
_OTHER_PMML_VARS = frozenset(
    {
        "PMML_TEST_POSTGRES_URL",
        "PMML_TEST_REDIS_URL",
        "PMML_BENCH_POSTGRES_URL",
        "PMML_PURE_PYTHON",
        "PMML_REQUIRE_ACCELERATOR",
    }
)


def _unknown_env_vars() -> list[str]:
    """A misspelt ``PMML_*`` variable would otherwise be ignored silently."""
    known = known_env_names() | _OTHER_PMML_VARS
    problems = []
    for name in sorted(os.environ):
        if name.startswith("PMML_") and name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(f"{name}: unknown setting{hint}; see `pmml config show` for the names")
    return problems


def _describe(group: type[_Group], exc: ValidationError) -> list[str]:
    names: dict[str, str] = {}
    for field_name, info in group.model_fields.items():
        canonical = env_name(group, field_name)
        names[field_name] = canonical
        if isinstance(info.validation_alias, AliasChoices):
            names.update({str(choice): canonical for choice in info.validation_alias.choices})
    lines = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        msg = err["msg"].removeprefix("Value error, ")
        if loc and loc[0] in names:
            where = names[loc[0]] + "".join(f"[{p}]" for p in loc[1:])
            given = f"={err['input']!r}" if "input" in err else ""
            lines.append(f"{where}{given}: {msg}")
        else:
            lines.append(f"{group.group}: {msg}")
    return lines
