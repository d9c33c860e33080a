"""Refusing a live start: credentials, key files, URLs and limits (no network)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from polymarket import PRODUCTION
from polymarket._internal.environment import get_environment_config

from polymarket_ml.core.enums import ExecutionMode
from polymarket_ml.core.errors import ConfigError
from polymarket_ml.executor.config import ExecutorConfig, parse_executor_config
from polymarket_ml.executor.live_credentials import (
    check_live_config,
    load_live_credentials,
    sdk_environment,
)
from polymarket_ml.settings import Settings, load_settings
from tests.executor.live_env import key_file, new_key

LIVE = parse_executor_config({"mode": "live", "risk": {"max_position_usd": 100}})
SIM = {
    "clob_url": "http://127.0.0.1:9999/clob",
    "gamma_url": "http://127.0.0.1:9999/gamma",
    "data_api_url": "http://127.0.0.1:9999/data",
    "ws_market_url": "ws://127.0.0.1:9999/ws/market",
    "ws_user_url": "ws://127.0.0.1:9999/ws/user",
}


def settings(sources: dict[str, str] | None = None, **executor: object) -> Settings:
    return load_settings(sources=sources or {}, executor=executor)


def test_live_start_is_refused_without_a_private_key() -> None:
    with pytest.raises(ConfigError, match="PMML_PRIVATE_KEY_FILE") as refused:
        check_live_config(settings(), LIVE)
    assert "live mode needs the wallet's private key" in str(refused.value)


def test_live_start_is_refused_with_both_a_key_and_a_key_file(tmp_path: Path) -> None:
    key = new_key()
    path = key_file(tmp_path, key, 0o600)

    with pytest.raises(ConfigError, match="both set") as refused:
        load_live_credentials(settings(private_key=key, private_key_file=path))

    assert key not in str(refused.value)


def test_a_world_readable_key_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    key = new_key()
    path = key_file(tmp_path, key, 0o644)

    with pytest.raises(ConfigError) as refused:
        load_live_credentials(settings(private_key_file=path))

    message = str(refused.value)
    assert "accessible to every user (mode 0644)" in message
    assert f"chmod 600 {path}" in message
    assert key not in message


def test_a_private_key_file_readable_by_its_owner_only_is_accepted(tmp_path: Path) -> None:
    key = new_key()
    path = key_file(tmp_path, key, 0o600)

    creds = load_live_credentials(settings(private_key_file=path))

    assert creds.private_key.get_secret_value() == key
    assert creds.wallet_address == creds.signer_address
    assert creds.key_source == f"PMML_PRIVATE_KEY_FILE={path}"


@pytest.mark.parametrize("bad", ["0x1234", "not a key", "0x" + "0" * 64, "0x" + "g" * 64])
def test_a_malformed_private_key_is_refused_without_quoting_it(bad: str) -> None:
    with pytest.raises(ConfigError, match="not a private key") as refused:
        load_live_credentials(settings(private_key=bad))
    assert bad not in str(refused.value)


def test_incomplete_api_credentials_are_refused_naming_what_is_missing() -> None:
    with pytest.raises(ConfigError, match="PMML_CLOB_API_PASSPHRASE not set"):
        load_live_credentials(
            settings(private_key=new_key(), clob_api_key="k", clob_api_secret="s")
        )


def test_credentials_never_show_a_secret_in_repr_or_str() -> None:
    key = new_key()
    creds = load_live_credentials(
        settings(
            private_key=key,
            clob_api_key="key-uuid",
            clob_api_secret="c2VjcmV0",
            clob_api_passphrase="pass-phrase",
        )
    )

    shown = repr(creds) + str(creds) + repr([creds])

    for secret in creds.secrets():
        assert secret not in shown
    assert creds.signer_address in shown
    assert "api key given" in shown


def test_check_live_config_lists_every_problem_at_once() -> None:
    paper = ExecutorConfig()
    mixed = {**SIM, "clob_url": "https://clob.polymarket.com"}

    with pytest.raises(ConfigError) as refused:
        check_live_config(settings(mixed), paper, balance_usd=Decimal(50))

    message = str(refused.value)
    assert message.startswith("refusing to start live trading:")
    assert "mode: paper" in message
    assert "private key" in message
    assert "point at different exchanges" in message
    assert "risk.max_position_usd (100) is larger than the wallet's balance (50 pUSD)" in message


def test_plain_http_is_refused_for_a_remote_exchange_but_allowed_for_a_local_simulator() -> None:
    remote = {k: v.replace("127.0.0.1", "sim.example.com") for k, v in SIM.items()}
    key = new_key()

    with pytest.raises(ConfigError, match="use https/wss"):
        check_live_config(settings(remote, private_key=key), LIVE)
    creds = check_live_config(settings(SIM, private_key=key), LIVE, balance_usd=Decimal(1000))
    assert creds.key_source == "PMML_PRIVATE_KEY"


def test_an_empty_wallet_is_refused() -> None:
    with pytest.raises(ConfigError, match="holds 0 pUSD"):
        check_live_config(settings(SIM, private_key=new_key()), LIVE, balance_usd=Decimal(0))


def test_the_sdk_environment_is_production_by_default_and_ours_otherwise() -> None:
    assert sdk_environment(settings()) is PRODUCTION

    env = get_environment_config(sdk_environment(settings(SIM)))

    assert (env.clob_url, env.clob_user_ws_url) == (SIM["clob_url"], SIM["ws_user_url"])
    assert env.data_url == SIM["data_api_url"]
    assert env.relayer_url == "http://127.0.0.1:9999/relayer"
    assert env.rpc_url == "http://127.0.0.1:9999/rpc"
    assert LIVE.mode is ExecutionMode.LIVE
