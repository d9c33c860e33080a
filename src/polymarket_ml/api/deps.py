"""FastAPI dependencies: the app's state, and the error body the OpenAPI schema documents."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel

from polymarket_ml.api.state import ApiState
from polymarket_ml.monitoring.context import MonitoringContext


class ErrorBody(BaseModel):
    """What every 4xx and 5xx answer of ours carries."""

    detail: str


def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.api
    return state


def get_monitoring(request: Request) -> MonitoringContext:
    return get_state(request).monitoring


State = Annotated[ApiState, Depends(get_state)]
Monitoring = Annotated[MonitoringContext, Depends(get_monitoring)]

ERRORS: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorBody, "description": "The database does not answer"},
}
