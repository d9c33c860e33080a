"""Executor changes made while running, stored beside the data and applied at every start."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from polymarket_ml.core.errors import ConfigError
from polymarket_ml.executor.overrides import (
    effective_executor_config,
    overrides_path,
    remember,
)
from polymarket_ml.settings import Settings, load_settings
from tests.executor.support import d

CONFIG = """\
# my notes on risk
risk: {max_positions: 7, max_position_usd: 50}
strategies:
  longshot_no: {enabled: false, max_yes_price: 0.05}
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    config = tmp_path / "executor_config.yaml"
    config.write_text(CONFIG)
    return load_settings(
        general={"data_dir": tmp_path / "data"}, executor={"executor_config": config}
    )


def test_stored_changes_apply_on_top_of_the_file_which_stays_as_written(
    settings: Settings,
) -> None:
    assert remember(settings, {"risk": {"max_positions": 3}})
    assert remember(settings, {"strategies": {"longshot_no": {"enabled": True}}})

    config = effective_executor_config(settings)
    assert (config.risk.max_positions, config.risk.max_position_usd) == (3, d(50))
    assert config.strategies.longshot_no.enabled is True
    assert config.strategies.longshot_no.max_yes_price == d("0.05")  # kept from the file
    assert settings.executor.executor_config.read_text() == CONFIG  # comments and all
    assert overrides_path(settings).read_text().startswith("# Executor settings changed")


def test_a_bad_stored_change_is_a_config_error_naming_the_file_and_the_key(
    settings: Settings,
) -> None:
    path = overrides_path(settings)
    path.parent.mkdir(parents=True)
    path.write_text("risk: {max_positions: -2}\n")
    with pytest.raises(ConfigError, match=r"executor_overrides.yaml.*\n.*risk.max_positions"):
        effective_executor_config(settings)
    path.write_text("- not a mapping\n")
    with pytest.raises(ConfigError, match="delete the file"):
        effective_executor_config(settings)


def test_a_change_that_cannot_be_saved_is_reported_and_changes_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "data").write_text("a file where the data folder should be")

    assert remember(settings, {"risk": {"max_positions": 3}}) is False
    assert effective_executor_config(settings).risk.max_positions == 7


def test_the_config_is_parsed_again_only_once_either_file_has_changed(settings: Settings) -> None:
    path = settings.executor.executor_config
    first = effective_executor_config(settings)
    again = effective_executor_config(settings)
    path.write_text(CONFIG.replace("max_positions: 7", "max_positions: 8"))  # same size
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # the time tells
    edited = effective_executor_config(settings)
    remember(settings, {"risk": {"max_positions": 2}})
    overridden = effective_executor_config(settings)
    path.write_text("risk: [unclosed\n")

    assert again is first  # not parsed again
    assert (first.risk.max_positions, edited.risk.max_positions) == (7, 8)
    assert overridden.risk.max_positions == 2
    with pytest.raises(ConfigError, match="not valid YAML"):
        effective_executor_config(settings)
