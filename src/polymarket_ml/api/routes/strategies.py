"""``/api/strategies``: the built-in strategies, switched and re-parameterised live.

A change is stored in ``<data_dir>/executor_overrides.yaml`` and acts on the executor running
in this process at once; ``pmml executor`` (sharing the data directory) takes it at its next
scan, a stopped executor at its next start. A bad parameter answers 422 naming it. Every POST
needs the bearer token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Security
from pydantic import JsonValue

from polymarket_ml.api.deps import ErrorBody, Monitoring
from polymarket_ml.api.security import bearer_scheme
from polymarket_ml.monitoring import executor as service
from polymarket_ml.monitoring.executor_reports import StrategiesReport, StrategyItem

router = APIRouter(prefix="/api/strategies", tags=["strategies"])

Name = Annotated[str, Path(max_length=100, description="The strategy's name")]
CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body could not be read"},
    401: {"model": ErrorBody, "description": "Missing or wrong bearer token"},
    404: {"model": ErrorBody, "description": "No such strategy"},
    503: {"model": ErrorBody, "description": "The change could not be stored"},
    422: {"description": "A parameter is invalid (the message names it)"},
}
WRITE = {"responses": CHANGE_ERRORS, "dependencies": [Security(bearer_scheme)]}


@router.get("", response_model=StrategiesReport)
def get_strategies(ctx: Monitoring) -> StrategiesReport:
    """Name, description, version, enabled and parameters of each built-in strategy."""
    return service.strategies_report(ctx)


@router.post("/{name}/enable", response_model=StrategyItem, **WRITE)  # type: ignore[arg-type]
async def post_enable(ctx: Monitoring, name: Name) -> StrategyItem:
    """Run the strategy from the next scan on."""
    return service.set_strategy_enabled(ctx, name, True)


@router.post("/{name}/disable", response_model=StrategyItem, **WRITE)  # type: ignore[arg-type]
async def post_disable(ctx: Monitoring, name: Name) -> StrategyItem:
    """Stop opening positions with it; its open positions still exit by its rules."""
    return service.set_strategy_enabled(ctx, name, False)


@router.post("/{name}/config", response_model=StrategyItem, **WRITE)  # type: ignore[arg-type]
async def post_config(
    ctx: Monitoring,
    name: Name,
    changes: Annotated[dict[str, JsonValue], Body(description="Parameters to change")],
) -> StrategyItem:
    """Change some parameters (only the keys given); validated as the file is."""
    return service.update_strategy(ctx, name, changes)
