"""The database browser: tables with their sizes, and pages of rows as JSON-safe values.

Performs database I/O (blocking: call from a worker thread).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import JsonValue
from sqlalchemy import Engine

from polymarket_ml.monitoring.reports import (
    ColumnSummary,
    TablePageReport,
    TablesReport,
    TableSummary,
)
from polymarket_ml.storage import browse


def list_tables(engine: Engine) -> TablesReport:
    return TablesReport(
        tables=[
            TableSummary(name=t.name, rows=t.rows, estimated=t.estimated)
            for t in browse.count_rows(engine)
        ]
    )


def table_page(
    engine: Engine,
    name: str,
    *,
    page: int,
    page_size: int,
    sort: str | None,
    order: browse.SortOrder,
) -> TablePageReport:
    """One page of a table (NotFoundError / InvalidInputError for unknown names)."""
    result = browse.read_page(engine, name, page=page, page_size=page_size, sort=sort, order=order)
    return TablePageReport(
        table=result.table,
        columns=[
            ColumnSummary(name=c.name, type=c.type, nullable=c.nullable, primary_key=c.primary_key)
            for c in result.columns
        ],
        page=page,
        page_size=page_size,
        total_rows=result.total_rows,
        total_estimated=result.total_estimated,
        sort=result.sort,
        order=result.order,
        rows=[{k: json_safe(v) for k, v in row.items()} for row in result.rows],
    )


def json_safe(value: Any) -> JsonValue:
    """A stored value as JSON: Decimal as its exact string (:func:`decimal_text`), times as
    ISO 8601, UUIDs as text, non-finite floats as ``"nan"``/``"inf"``/``"-inf"`` (JSON has no
    such numbers)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return str(value)


def decimal_text(value: Decimal) -> str:
    """``Decimal("1.125000")`` -> ``"1.125"``, ``Decimal("1E+2")`` -> ``"100"``: one spelling
    per number on every backend (PostgreSQL returns the column's scale, SQLite does not)."""
    if not value.is_finite():
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
