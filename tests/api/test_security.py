"""The token guards every state-changing request; no response ever carries a secret."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from polymarket_ml.api.security import read_or_create_token_file, token_path
from polymarket_ml.api.state import ApiState
from polymarket_ml.core.errors import ConfigError
from polymarket_ml.settings import load_settings
from polymarket_ml.storage.engine import make_engine
from tests.api.conftest import TOKEN, MakeApp
from tests.api.support import seed_markets, seed_task_runs


def test_a_token_is_generated_once_into_a_file_only_its_owner_can_read(tmp_path: Path) -> None:
    settings = load_settings(general={"data_dir": tmp_path / "data"})
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    first = ApiState(settings=settings, engine=engine).api_token
    second = ApiState(settings=settings, engine=engine).api_token

    path = token_path(tmp_path / "data")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == first == second
    assert len(first) >= 40


def test_the_environment_token_wins_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMML_API_TOKEN", "from-the-environment")
    settings = load_settings(general={"data_dir": tmp_path})
    state = ApiState(settings=settings, engine=make_engine(f"sqlite:///{tmp_path / 'db'}"))

    assert state.api_token == "from-the-environment"
    assert not token_path(tmp_path).exists()


def test_a_token_file_readable_by_others_is_narrowed_and_an_empty_one_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "api_token"
    path.write_text("abc\n")
    path.chmod(0o644)
    empty = tmp_path / "empty_token"
    empty.write_text("\n")

    assert read_or_create_token_file(path) == "abc"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(ConfigError, match="is empty"):
        read_or_create_token_file(empty)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"Authorization": TOKEN}, 401),  # no scheme
        ({"Authorization": f"Basic {TOKEN}"}, 401),
        ({"Authorization": f"Bearer {TOKEN}"}, 200),
        ({"Authorization": f"bearer {TOKEN}"}, 200),
    ],
)
def test_changing_the_log_level_needs_the_bearer_token(
    client: TestClient, headers: dict[str, str], status: int
) -> None:
    logging.getLogger("polymarket_ml").setLevel(logging.INFO)
    try:
        response = client.post("/api/admin/log-level", json={"level": "DEBUG"}, headers=headers)
        level = logging.getLogger("polymarket_ml").level
    finally:
        logging.getLogger("polymarket_ml").setLevel(logging.NOTSET)

    assert response.status_code == status
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
        assert "Authorization: Bearer" in response.json()["detail"]
        assert level == logging.INFO
    else:
        assert response.json() == {"logger": "polymarket_ml", "previous": "INFO", "level": "DEBUG"}
        assert level == logging.DEBUG


def test_every_write_method_on_any_path_needs_the_token(client: TestClient) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for path in ("/api/monitoring/health", "/api/database/tables/markets", "/nowhere"):
            assert client.request(method, path).status_code == 401, (method, path)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.delete("/api/database/tables/markets", headers=auth).status_code == 405


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "JSON decode error"),
        (b'{"level": "LOUD"}', "DEBUG"),
        (b'{"level": "INFO", "extra": 1}', "Extra inputs are not permitted"),
        (b"[]", "valid dictionary"),
    ],
)
def test_malformed_admin_requests_are_422_with_a_message(
    client: TestClient, body: bytes, message: str
) -> None:
    response = client.post(
        "/api/admin/log-level",
        content=body,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert message in response.text


SECRETS = {
    "PMML_PRIVATE_KEY": "0xdeadbeefcafe1234private",
    "PMML_CLOB_API_KEY": "clob-key-secret-5678",
    "PMML_CLOB_API_SECRET": "clob-secret-9999",
    "PMML_CLOB_API_PASSPHRASE": "clob-pass-phrase-42",
    "PMML_API_TOKEN": "api-token-should-not-leak",
    "REDIS_URL": "redis://user:redis-password-77@127.0.0.1:6379/0",
}


def test_no_response_ever_contains_a_secret(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(general={"data_dir": tmp_path})
    seed_markets(engine)
    seed_task_runs(engine)
    with TestClient(make_app(settings=settings, token=None)) as client:
        schema = client.get("/openapi.json").json()
        texts = [client.get("/openapi.json").text, client.get("/docs").text]
        for path, ops in schema["paths"].items():
            if "get" in ops and "{name}" not in path:
                texts.append(client.get(path).text)
        for table in client.get("/api/database/tables").json()["tables"]:
            texts.append(client.get(f"/api/database/tables/{table['name']}").text)
        shown = client.get("/api/admin/settings").json()

    assert len(texts) > 15
    for text in texts:
        for value in [*SECRETS.values(), "redis-password-77"]:
            assert value not in text
    assert shown["executor"]["private_key"] == "********"
    assert shown["api"]["api_token"] == "********"
    assert shown["distributed"]["redis_url"] == "redis://user:***@127.0.0.1:6379/0"
