"""``/api/admin``: settings (secrets redacted) and the runtime log level (needs the token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Security
from pydantic import BaseModel, ConfigDict, JsonValue

from polymarket_ml.api.deps import ErrorBody, State
from polymarket_ml.api.security import bearer_scheme
from polymarket_ml.monitoring.log_level import LogLevel, LogLevelChange, set_log_level

router = APIRouter(prefix="/api/admin", tags=["admin"])

WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body could not be read (not UTF-8)"},
    401: {"model": ErrorBody, "description": "Missing or wrong bearer token"},
}


class LogLevelRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: LogLevel


@router.get("/settings", response_model=dict[str, dict[str, JsonValue]])
def get_settings(state: State) -> dict[str, dict[str, Any]]:
    """Every effective setting, grouped; secrets shown as ``********``, URL passwords hidden."""
    return state.settings.redacted()


@router.post(
    "/log-level",
    response_model=LogLevelChange,
    responses=WRITE_ERRORS,
    dependencies=[Security(bearer_scheme)],
)
def post_log_level(body: LogLevelRequest) -> LogLevelChange:
    """Change the level of the ``polymarket_ml`` loggers of this process until it restarts."""
    return set_log_level(body.level)
