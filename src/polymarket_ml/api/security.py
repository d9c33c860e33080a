"""The API's bearer token, and the rule that every state-changing request must carry it.

The token is ``PMML_API_TOKEN`` when set; otherwise it is generated on first run and kept in
``<data_dir>/api_token``, readable by its owner only (0600). Requests with a method that can
change state (POST, PUT, PATCH, DELETE) need ``Authorization: Bearer <token>``, whatever their
path: the check is a middleware, so a new router cannot forget it. Reads need no token: the API
binds to 127.0.0.1 unless told otherwise, and no endpoint returns a secret.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import stat
from pathlib import Path

from fastapi.security import HTTPBearer
from starlette.types import ASGIApp, Receive, Scope, Send

from polymarket_ml.core.errors import ConfigError
from polymarket_ml.settings import Settings

log = logging.getLogger(__name__)

TOKEN_FILE = "api_token"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="The API token: PMML_API_TOKEN, or the content of <data_dir>/api_token",
)
"""Declared on write routers so that OpenAPI documents the requirement (the check itself is
:class:`TokenMiddleware`)."""


def token_path(data_dir: Path) -> Path:
    return data_dir / TOKEN_FILE


def load_or_create_token(settings: Settings) -> str:
    """``PMML_API_TOKEN``, else the token file, created (0600) with a new token if missing."""
    if settings.api.api_token is not None:
        token = settings.api.api_token.get_secret_value().strip()
        if not token:
            raise ConfigError("PMML_API_TOKEN is empty: unset it or give a token")
        return token
    return read_or_create_token_file(token_path(settings.general.data_dir))


def read_or_create_token_file(path: Path) -> str:
    """Read the token at ``path``; create it with a random token first if it does not exist.

    A file readable by others is narrowed to 0600 (with a warning).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning("%s was readable by others (%o): narrowed to 0600", path, mode)
            path.chmod(0o600)
        token = path.read_text(encoding="utf-8").strip()
        if not token:
            raise ConfigError(f"{path} is empty: delete it to have a new token generated") from None
        return token
    token = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(token + "\n")
    path.chmod(0o600)  # whatever the umask did
    log.info("generated an API token in %s", path)
    return token


def token_matches(header: str | None, token: str) -> bool:
    """True when an ``Authorization`` header value is ``Bearer <token>`` (constant time)."""
    if not header:
        return False
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(
        given.strip().encode(), token.encode()
    )


class TokenMiddleware:
    """Answer 401 to a state-changing request without the right bearer token."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in WRITE_METHODS:
            header = None
            for name, value in scope["headers"]:
                if name == b"authorization":
                    header = value.decode("latin-1")
                    break
            if not token_matches(header, self.token):
                await _unauthorized(send)
                return
        await self.app(scope, receive, send)


async def _unauthorized(send: Send) -> None:
    body = json.dumps(
        {"detail": "this request changes state: send 'Authorization: Bearer <token>'"}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"www-authenticate", b"Bearer"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
