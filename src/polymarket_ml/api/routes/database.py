"""``/api/database``: every table with its size, and its rows page by page."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from polymarket_ml.api.deps import ERRORS, ErrorBody, Monitoring
from polymarket_ml.monitoring import database
from polymarket_ml.monitoring.reports import TablePageReport, TablesReport

router = APIRouter(prefix="/api/database", tags=["database"])

MAX_PAGE_SIZE = 500


@router.get("/tables", response_model=TablesReport, responses=ERRORS)
def get_tables(ctx: Monitoring) -> TablesReport:
    """Every table with its row count (estimated on large PostgreSQL tables)."""
    return database.list_tables(ctx.engine)


@router.get(
    "/tables/{name}",
    response_model=TablePageReport,
    responses={
        404: {"model": ErrorBody, "description": "No such table"},
        422: {"description": "Unknown column, or a page or size out of range"},
        **ERRORS,
    },
)
def get_table_page(
    ctx: Monitoring,
    name: Annotated[str, Path(max_length=100)],
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    sort: Annotated[str | None, Query(max_length=100, description="A column")] = None,
    order: Literal["asc", "desc"] = "asc",
) -> TablePageReport:
    """One page of a table's rows (sorted by the primary key unless ``sort`` names a column)."""
    return database.table_page(
        ctx.engine, name, page=page, page_size=page_size, sort=sort, order=order
    )
