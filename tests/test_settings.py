"""The settings object: the original design's names and defaults, and clear failures."""

from __future__ import annotations

import pytest

from polymarket_ml.core.enums import Tier
from polymarket_ml.core.errors import ConfigError
from polymarket_ml.settings import GROUPS, env_name, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("PMML_") or name in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env file


def test_defaults_of_the_original_design() -> None:
    s = load_settings()
    assert s.database.url.startswith("sqlite:///data/")
    assert s.collection.ml_volume_threshold == 100.0
    assert s.collection.ml_lookahead_hours == 336
    assert s.collection.tier_boundaries_hours == (48, 12, 4, 1)
    assert s.collection.snapshot_intervals_secs == {
        Tier.T0: 3600,
        Tier.T1: 300,
        Tier.T2: 60,
        Tier.T3: 30,
        Tier.T4: 15,
    }
    assert s.collection.websocket_num_connections == 4
    assert s.collection.websocket_max_assets_per_connection == 500
    assert s.collection.websocket_enabled_tiers == [Tier.T2, Tier.T3, Tier.T4]
    assert s.api.api_host == "127.0.0.1"


def test_original_environment_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/pm")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/4")
    monkeypatch.setenv("PMML_WEBSOCKET_ENABLED_TIERS", "[3,4]")
    monkeypatch.setenv("PMML_ML_VOLUME_THRESHOLD", "2500")
    s = load_settings()
    assert s.database.url == "postgresql://postgres@127.0.0.1:5432/pm"
    assert s.distributed.redis_url.endswith("/3")
    assert s.distributed.celery_broker_url.endswith("/4")
    assert s.collection.websocket_enabled_tiers == [Tier.T3, Tier.T4]
    assert s.collection.ml_volume_threshold == 2500


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PMML_WEBSOCKET_ENABLED_TIERS", "[2,7]", "PMML_WEBSOCKET_ENABLED_TIERS[1]=7"),
        ("PMML_WEBSOCKET_NUM_CONNECTIONS", "0", "greater than or equal to 1"),
        ("PMML_WEBSOCKET_MAX_ASSETS_PER_CONNECTION", "501", "less than or equal to 500"),
        ("DATABASE_URL", "mysql://x", "must start with sqlite:/// or postgresql://"),
        ("PMML_TIER_2_MIN_HOURS", "20", "tier boundaries must strictly decrease"),
        ("PMML_LOG_LEVEL", "LOUD", "PMML_LOG_LEVEL='LOUD'"),
        ("PMML_SNAPSHOT_INTERVAL_T4_SECS", "-1", "PMML_SNAPSHOT_INTERVAL_T4_SECS='-1'"),
    ],
)
def test_bad_values_are_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match="invalid settings") as info:
        load_settings()
    assert message in str(info.value)


def test_setting_names_are_unique_across_groups() -> None:
    names = [env_name(group, field) for group in GROUPS for field in group.model_fields]
    assert len(names) == len(set(names))


def test_settings_are_frozen() -> None:
    s = load_settings()
    with pytest.raises(Exception, match="frozen"):
        s.collection.ml_volume_threshold = 1  # type: ignore[misc]
