"""The registry: enabled strategies from the config, changed live with validation."""

from __future__ import annotations

import pytest

from polymarket_ml.core.errors import ConfigError
from polymarket_ml.executor.config import (
    LongshotYesParams,
    StrategiesConfig,
    TermStructureParams,
    parse_executor_config,
)
from polymarket_ml.executor.strategies.registry import StrategyRegistry
from tests.executor.support import d


def test_all_four_built_in_strategies_are_enabled_by_default() -> None:
    registry = StrategyRegistry()
    assert [s.name for s in registry.enabled()] == [
        "longshot_yes",
        "longshot_no",
        "mean_reversion",
        "term_structure",
    ]


def test_strategies_disabled_in_the_file_are_not_run() -> None:
    config = parse_executor_config({"strategies": {"longshot_no": {"enabled": False}}})
    registry = StrategyRegistry.from_config(config)
    assert "longshot_no" not in [s.name for s in registry.enabled()]


def test_disable_and_enable_while_running() -> None:
    registry = StrategyRegistry()
    registry.disable("mean_reversion")
    assert "mean_reversion" not in [s.name for s in registry.enabled()]
    registry.enable("mean_reversion")
    assert "mean_reversion" in [s.name for s in registry.enabled()]


def test_re_parameterising_replaces_the_strategy_and_keeps_other_keys() -> None:
    # given the defaults
    registry = StrategyRegistry()
    before = registry.get("longshot_yes")
    # when the band is moved
    params = registry.update("longshot_yes", {"min_probability": "0.90"})
    # then the new strategy uses it, the other keys stay, the old object is untouched
    assert params == LongshotYesParams(min_probability=d("0.90"))
    assert registry.get("longshot_yes").params.min_probability == d("0.90")
    assert registry.get("longshot_yes").params.max_probability == d("0.99")
    assert before.params.min_probability == d("0.92")
    assert registry.config.longshot_yes.min_probability == d("0.90")


def test_a_bad_parameter_raises_config_error_naming_it_and_changes_nothing() -> None:
    registry = StrategyRegistry()
    with pytest.raises(ConfigError, match=r"strategies\.term_structure\.min_violation = 2"):
        registry.update("term_structure", {"min_violation": 2})
    assert registry.config == StrategiesConfig()
    assert registry.get("term_structure").params == TermStructureParams()


def test_a_cross_field_rule_is_checked_too() -> None:
    expected = r"^strategies\.longshot_yes: min_probability must be below max_probability$"
    with pytest.raises(ConfigError, match=expected):
        StrategyRegistry().update("longshot_yes", {"min_probability": "0.995"})


def test_an_unknown_key_is_named() -> None:
    with pytest.raises(ConfigError, match=r"strategies\.longshot_no\.max_price: unknown key"):
        StrategyRegistry().update("longshot_no", {"max_price": "0.1"})


def test_an_unknown_strategy_is_named() -> None:
    with pytest.raises(ConfigError, match=r"strategies\.momentum: unknown strategy"):
        StrategyRegistry().enable("momentum")
