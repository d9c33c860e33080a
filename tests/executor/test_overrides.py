"""Executor changes made while running, stored beside the data, applied at every start and
followed by a running executor before each scan."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.errors import ConfigError, StorageError
from polymarket_ml.executor.engine import Executor
from polymarket_ml.executor.overrides import (
    effective_executor_config,
    overrides_path,
    remember,
)
from polymarket_ml.runtime.executor_process import following
from polymarket_ml.settings import Settings, load_settings
from tests.executor.support import NOW, d

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
    with pytest.raises(StorageError, match="could not save the executor change"):
        remember(settings, {"risk": {"max_positions": 3}}, required=True)
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


def test_a_running_executor_takes_what_changed_in_the_file_before_its_next_scan(
    settings: Settings, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    executor = Executor(engine, effective_executor_config(settings), FakeClock(NOW))
    follow = following(settings)  # as `pmml executor` and `pmml up` do before each scan
    asyncio.run(executor.follow_config(follow))
    unchanged = executor.config
    remember(settings, {"risk": {"max_positions": 3}})
    remember(settings, {"strategies": {"longshot_no": {"enabled": True, "max_yes_price": 0.04}}})
    remember(settings, {"scanner": {"interval_secs": 5}, "paper": {"starting_balance_usd": "1"}})

    with caplog.at_level(logging.WARNING, logger="polymarket_ml.executor.engine"):
        asyncio.run(executor.follow_config(follow))
        asyncio.run(executor.follow_config(follow))  # nothing new: nothing logged again

    assert unchanged.risk.max_positions == 7
    assert executor.config.risk.max_positions == 3
    assert executor.config.risk.max_position_usd == d(50)  # kept from executor_config.yaml
    assert "longshot_no" in [s.name for s in executor.registry.enabled()]
    assert executor.registry.params("longshot_no").model_dump()["max_yes_price"] == d("0.04")
    # read at start only: left as they were, and said so
    assert executor.config.scanner.interval_secs == unchanged.scanner.interval_secs
    assert executor.config.paper == unchanged.paper
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert "risk.max_positions = 3" in messages[0]
    assert "strategies.longshot_no.enabled = true" in messages[0]
    assert "after a restart" in messages[1]
    assert "scanner.interval_secs = 5" in messages[1]


def test_an_invalid_change_in_the_file_is_logged_once_and_the_config_in_effect_stays(
    settings: Settings, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    executor = Executor(engine, effective_executor_config(settings), FakeClock(NOW))
    path = overrides_path(settings)
    path.parent.mkdir(parents=True)
    path.write_text("risk: {max_positions: -2}\n")

    with caplog.at_level(logging.ERROR, logger="polymarket_ml.executor.engine"):
        for _ in range(3):
            asyncio.run(executor.follow_config(following(settings)))
    path.write_text("risk: {max_positions: 2}\n")
    asyncio.run(executor.follow_config(following(settings)))

    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert "risk.max_positions = -2" in errors[0]
    assert "keeping the one in effect" in errors[0]
    assert executor.config.risk.max_positions == 2  # the file was fixed: taken
