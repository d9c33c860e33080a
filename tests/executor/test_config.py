"""executor_config.yaml: the shipped file is valid, and every mistake is named."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from polymarket_ml.core.enums import ExecutionMode
from polymarket_ml.core.errors import ConfigError
from polymarket_ml.executor.config import (
    ExecutorConfig,
    SizingMethod,
    load_executor_config,
    parse_executor_config,
    read_executor_config,
)
from tests.support import REPO_ROOT


def test_the_shipped_file_holds_the_defaults() -> None:
    config = load_executor_config(REPO_ROOT / "executor_config.yaml", missing_ok=False)
    assert config == ExecutorConfig()
    assert config.mode is ExecutionMode.PAPER
    assert config.strategies.longshot_yes.min_probability == Decimal("0.92")
    assert config.strategies.longshot_yes.max_probability == Decimal("0.99")
    assert config.strategies.longshot_no.max_yes_price == Decimal("0.08")


def test_yaml_numbers_become_exact_decimals() -> None:
    config = parse_executor_config({"sizing": {"method": "kelly", "kelly_fraction": 0.1}})
    assert config.sizing.method is SizingMethod.KELLY
    assert config.sizing.kelly_fraction == Decimal("0.1")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"mode": "papr"}, "mode = 'papr': Input should be 'paper' or 'live'"),
        (
            {"risk": {"max_postions": 3}},
            "risk.max_postions: unknown key; allowed keys here: max_position_usd,",
        ),
        (
            {"risk": {"max_positions": 0}},
            "risk.max_positions = 0: Input should be greater than or equal to 1",
        ),
        (
            {"strategies": {"longshot_yes": {"min_probability": 1.5}}},
            "strategies.longshot_yes.min_probability = 1.5: Input should be less than 1",
        ),
        (
            {"strategies": {"longshot_maybe": {}}},
            "strategies.longshot_maybe: unknown key; allowed keys here: longshot_yes, longshot_no,",
        ),
        (
            {"sizing": {"method": "martingale"}},
            "sizing.method = 'martingale': Input should be 'fixed'",
        ),
        (
            {"risk": {"max_position_usd": 500, "max_total_exposure_usd": 100}},
            "must be at least risk.max_position_usd (500)",
        ),
        ({"colour": "blue"}, "colour: unknown key; allowed keys here: mode, paper, risk"),
    ],
)
def test_a_bad_value_or_key_is_named_with_what_is_allowed(
    data: dict[str, object], expected: str
) -> None:
    with pytest.raises(ConfigError) as info:
        parse_executor_config(data)
    assert expected in str(info.value)


def test_broken_yaml_and_missing_file_are_clear(tmp_path: Path) -> None:
    broken = tmp_path / "executor_config.yaml"
    broken.write_text("risk: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_executor_config(broken)
    with pytest.raises(ConfigError, match="file not found"):
        load_executor_config(tmp_path / "absent.yaml", missing_ok=False)
    assert load_executor_config(tmp_path / "absent.yaml") == ExecutorConfig()
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("paper\n")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        load_executor_config(scalar)


def test_read_executor_config_parses_the_file_again_only_once_it_has_changed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "executor_config.yaml"
    assert read_executor_config(path) == ExecutorConfig()  # missing: the defaults
    path.write_text("risk:\n  max_position_usd: 20\n")
    first = read_executor_config(path)
    again = read_executor_config(path)
    path.write_text("risk:\n  max_position_usd: 30\n")  # same size: the time tells
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    changed = read_executor_config(path)
    path.write_text("risk: [unclosed\n")

    assert first.risk.max_position_usd == Decimal(20)
    assert again is first  # not parsed again
    assert changed.risk.max_position_usd == Decimal(30)
    with pytest.raises(ConfigError, match="not valid YAML"):
        read_executor_config(path)
