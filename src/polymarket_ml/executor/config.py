"""``executor_config.yaml``: mode, risk, sizing, execution and per-strategy parameters.

Loaded once at start-up and validated strictly: an unknown key, a value of the wrong type or out
of range fails with a :class:`~polymarket_ml.core.errors.ConfigError` naming the key (as a dotted
path), the value given and what is allowed. Amounts are ``Decimal`` (money is exact); ratios and
thresholds on prices are ``Decimal`` too, since they are compared with prices.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from polymarket_ml.core.enums import ExecutionMode
from polymarket_ml.core.errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SizingMethod(StrEnum):
    FIXED = "fixed"
    KELLY = "kelly"
    VOLATILITY_SCALED = "volatility_scaled"


class ExecutionStyle(StrEnum):
    MARKET = "market"  # cross the spread now
    LIMIT = "limit"  # post at an offset from mid, cancel after a timeout
    SPREAD = "spread"  # post to capture the spread, fall back to market after a timeout


class PaperConfig(_Strict):
    starting_balance_usd: Decimal = Field(default=Decimal("10000"), gt=0)


class RiskConfig(_Strict):
    max_position_usd: Decimal = Field(default=Decimal("100"), gt=0)
    max_total_exposure_usd: Decimal = Field(default=Decimal("1000"), gt=0)
    max_positions: int = Field(default=20, ge=1)
    max_drawdown_pct: Decimal = Field(default=Decimal("20"), gt=0, le=100)
    max_data_age_secs: float = Field(default=300, gt=0, description="older market data is stale")
    take_profit_pct: Decimal | None = Field(default=None, gt=0)
    stop_loss_pct: Decimal | None = Field(default=None, gt=0, le=100)

    @model_validator(mode="after")
    def _exposure_covers_a_position(self) -> RiskConfig:
        if self.max_total_exposure_usd < self.max_position_usd:
            raise ValueError(
                f"risk.max_total_exposure_usd ({self.max_total_exposure_usd}) must be at least "
                f"risk.max_position_usd ({self.max_position_usd})"
            )
        return self


class SizingConfig(_Strict):
    method: SizingMethod = SizingMethod.FIXED
    fixed_amount_usd: Decimal = Field(default=Decimal("25"), gt=0)
    kelly_fraction: Decimal = Field(default=Decimal("0.25"), gt=0, le=1)
    volatility_target: float = Field(
        default=0.02, gt=0, description="per-hour target for volatility_scaled"
    )
    min_order_usd: Decimal = Field(default=Decimal("1"), gt=0)


class ExecutionConfig(_Strict):
    style: ExecutionStyle = ExecutionStyle.MARKET
    limit_offset_ticks: int = Field(default=1, ge=0)
    limit_timeout_secs: float = Field(default=300, gt=0)
    spread_timeout_secs: float = Field(default=120, gt=0)
    max_slippage: Decimal = Field(
        default=Decimal("0.02"), ge=0, lt=1, description="worst price vs mid"
    )


class ScannerConfig(_Strict):
    interval_secs: float = Field(default=60, gt=0)
    signal_ttl_secs: float = Field(
        default=300, gt=0, description="unexecuted signals expire after this"
    )


class LongshotYesParams(_Strict):
    enabled: bool = True
    min_probability: Decimal = Field(default=Decimal("0.92"), gt=0, lt=1)
    max_probability: Decimal = Field(default=Decimal("0.99"), gt=0, lt=1)
    max_hours_to_close: float = Field(default=72, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> LongshotYesParams:
        if self.min_probability >= self.max_probability:
            raise ValueError("min_probability must be below max_probability")
        return self


class LongshotNoParams(_Strict):
    enabled: bool = True
    max_yes_price: Decimal = Field(default=Decimal("0.08"), gt=0, lt=1)
    max_hours_to_close: float = Field(default=168, gt=0)


class MeanReversionParams(_Strict):
    enabled: bool = True
    move_threshold: Decimal = Field(default=Decimal("0.10"), gt=0, lt=1)
    window_minutes: float = Field(default=60, gt=0)
    max_volume_ratio: float = Field(
        default=3.0, gt=0, description="volume_1h vs average hourly volume"
    )
    max_whale_net_flow_usd: Decimal = Field(default=Decimal("5000"), ge=0)
    exit_reversion_fraction: Decimal = Field(default=Decimal("0.5"), gt=0, le=1)
    timeout_hours: float = Field(default=24, gt=0)


class TermStructureParams(_Strict):
    enabled: bool = True
    min_violation: Decimal = Field(default=Decimal("0.03"), gt=0, lt=1, description="beyond costs")


class StrategiesConfig(_Strict):
    longshot_yes: LongshotYesParams = LongshotYesParams()
    longshot_no: LongshotNoParams = LongshotNoParams()
    mean_reversion: MeanReversionParams = MeanReversionParams()
    term_structure: TermStructureParams = TermStructureParams()


class ExecutorConfig(_Strict):
    """The whole of ``executor_config.yaml``."""

    mode: ExecutionMode = ExecutionMode.PAPER
    paper: PaperConfig = PaperConfig()
    risk: RiskConfig = RiskConfig()
    sizing: SizingConfig = SizingConfig()
    execution: ExecutionConfig = ExecutionConfig()
    scanner: ScannerConfig = ScannerConfig()
    strategies: StrategiesConfig = StrategiesConfig()


def load_executor_config(path: Path, *, missing_ok: bool = True) -> ExecutorConfig:
    """Read and validate ``path``. A missing file gives the defaults when ``missing_ok``."""
    if not path.exists():
        if missing_ok:
            return ExecutorConfig()
        raise ConfigError(f"{path}: file not found (set PMML_EXECUTOR_CONFIG to its path)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    return parse_executor_config(data or {}, source=str(path))


_read_cache: dict[Path, tuple[tuple[int, int], ExecutorConfig]] = {}


def read_executor_config(path: Path) -> ExecutorConfig:
    """:func:`load_executor_config` (a missing file gives the defaults), parsed again only when
    the file's modification time or size has changed since the last call: the API reads the
    file on every request that needs it, and parsing the YAML costs ~20 ms."""
    try:
        stat = path.stat()
    except OSError:
        return load_executor_config(path)
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _read_cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]  # frozen: safe to share
    config = load_executor_config(path)
    _read_cache[path] = (key, config)
    return config


def parse_executor_config(data: Any, *, source: str = "executor_config.yaml") -> ExecutorConfig:
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source}: the top level must be a mapping of sections, got {type(data).__name__}"
        )
    try:
        return ExecutorConfig.model_validate(data)
    except ValidationError as exc:
        lines = [describe_error(ExecutorConfig, err) for err in exc.errors()]
        raise ConfigError(f"{source} is invalid:\n  " + "\n  ".join(lines)) from None


def describe_error(model: type[BaseModel], err: Any) -> str:
    """One line per problem: ``key.path = value: what is wrong; allowed: ...``."""
    loc = [str(p) for p in err.get("loc", ())]
    key = ".".join(loc) or "(top level)"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent else "?"
        return f"{key}: unknown key; allowed keys here: {allowed}"
    given = err.get("input")
    shown = "" if isinstance(given, dict) else f" = {given!r}"
    return f"{key}{shown}: {msg}"


def _model_at(model: type[BaseModel], path: list[str]) -> type[BaseModel] | None:
    current: type[BaseModel] = model
    for part in path:
        field = current.model_fields.get(part)
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        current = annotation
    return current


def dump_executor_config(config: ExecutorConfig) -> dict[str, Any]:
    """Plain data (decimals as strings) for display and the API."""
    return config.model_dump(mode="json")


StrategyName = Literal["longshot_yes", "longshot_no", "mean_reversion", "term_structure"]
