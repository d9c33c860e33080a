"""A 405 answer whose ``Allow`` header lists every method of the path.

Starlette answers 405 with the methods of the first route matching the path only; a path
served by two routes (``GET`` and ``POST /api/executor/config``) would advertise half of them.
The methods are taken from the OpenAPI schema, which lists every operation of every path.
"""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException


def install_allow_header(app: FastAPI) -> None:
    table: list[tuple[re.Pattern[str], str]] = []

    def allowed(path: str) -> str | None:
        if not table:
            for template, operations in app.openapi().get("paths", {}).items():
                pattern = re.compile(
                    "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
                )
                methods = sorted(m.upper() for m in operations if m.isalpha())
                table.append((pattern, ", ".join(methods)))
        return next((methods for pattern, methods in table if pattern.match(path)), None)

    @app.exception_handler(HTTPException)
    async def _allow(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            methods = allowed(request.url.path)
            if methods:
                exc.headers = {**(exc.headers or {}), "Allow": methods}
        return await http_exception_handler(request, exc)
