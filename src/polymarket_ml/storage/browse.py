"""Reading any table of the schema page by page, for the database browser.

Only the tables of :mod:`polymarket_ml.storage.models` and their columns are accepted: a name is
looked up in the metadata, never pasted into SQL. Row counts are exact on SQLite; on PostgreSQL
they come from the planner's estimate (``pg_class.reltuples``) so that listing tables stays
instant on a table of millions of rows, and are counted exactly only where the table is small
or has never been analysed. Performs database I/O.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Engine, Table, bindparam, func, select, text

from polymarket_ml.core.errors import InvalidInputError, NotFoundError
from polymarket_ml.storage.models import TABLES
from polymarket_ml.storage.monitoring import translated_errors

EXACT_COUNT_BELOW = 10_000
"""On PostgreSQL, a table estimated below this many rows is counted exactly (under a millisecond;
a count of 50,000 rows takes ~4 ms, and the listing counts every small table at once)."""

SortOrder = Literal["asc", "desc"]


@dataclass(frozen=True, slots=True)
class TableCount:
    name: str
    rows: int
    estimated: bool


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    name: str
    type: str
    nullable: bool
    primary_key: bool


@dataclass(frozen=True, slots=True)
class TablePage:
    table: str
    columns: list[ColumnInfo]
    rows: list[dict[str, Any]]
    """Values as SQLAlchemy returns them (Decimal, aware datetime, JSON as Python values)."""
    total_rows: int
    total_estimated: bool
    sort: str
    order: SortOrder


def table_names() -> list[str]:
    return sorted(TABLES)


def count_rows(engine: Engine, names: list[str] | None = None) -> list[TableCount]:
    """Tables of the schema (all, or ``names``) with their row counts (see the module doc)."""
    names = table_names() if names is None else names
    tables = [_table(name) for name in names]
    with translated_errors("count table rows"), engine.connect() as conn:
        return _count_rows(conn, tables)


def _count_rows(conn: Connection, tables: list[Table]) -> list[TableCount]:
    """At most two statements: the planner's estimates (PostgreSQL), then one that counts
    every table that needs an exact count."""
    estimates: dict[str, int] = {}
    if conn.dialect.name == "postgresql":
        names = [t.name for t in tables]
        estimates = {name: int(n) for name, n in conn.execute(_ESTIMATES, {"names": names})}
    exact = [t for t in tables if estimates.get(t.name, -1) < EXACT_COUNT_BELOW]  # -1: never
    counted: dict[str, int] = {}
    if exact:
        counts = [select(func.count()).select_from(t).scalar_subquery() for t in exact]
        row = conn.execute(select(*counts)).one()
        counted = {t.name: int(n or 0) for t, n in zip(exact, row, strict=True)}
    return [
        TableCount(t.name, counted[t.name], estimated=False)
        if t.name in counted
        else TableCount(t.name, estimates[t.name], estimated=True)
        for t in tables
    ]


_ESTIMATES = text(
    "SELECT c.relname, c.reltuples FROM pg_class c"
    " WHERE c.relname IN :names AND c.relkind IN ('r', 'p')"
    " AND c.relnamespace = to_regnamespace(current_schema())"
).bindparams(bindparam("names", expanding=True))


def read_page(
    engine: Engine,
    name: str,
    *,
    page: int,
    page_size: int,
    sort: str | None = None,
    order: SortOrder = "asc",
) -> TablePage:
    """Rows ``(page-1)*page_size ..`` of a table, sorted by ``sort`` (default: the primary key).

    Raises :class:`NotFoundError` for an unknown table, :class:`InvalidInputError` for an
    unknown column or a page number or size below 1.
    """
    table = _table(name)
    if page < 1 or page_size < 1:
        raise InvalidInputError(f"page and page_size start at 1 (got {page}, {page_size})")
    keys = list(table.primary_key.columns)
    sort_name = sort if sort is not None else keys[0].name
    if sort_name not in table.columns:
        allowed = ", ".join(c.name for c in table.columns)
        raise InvalidInputError(f"table {name!r} has no column {sort_name!r}; one of: {allowed}")
    column = table.columns[sort_name]
    ordering = [column.desc() if order == "desc" else column.asc()]
    ordering += [k.desc() if order == "desc" else k.asc() for k in keys if k is not column]
    query = select(table).order_by(*ordering).limit(page_size).offset((page - 1) * page_size)
    with translated_errors(f"read table {name}"), engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
        with translated_errors("count table rows"):
            [total] = _count_rows(conn, [table])
    return TablePage(
        table=name,
        columns=list(_column_infos(name)),
        rows=rows,
        total_rows=total.rows,
        total_estimated=total.estimated,
        sort=sort_name,
        order=order,
    )


@functools.cache
def _column_infos(name: str) -> tuple[ColumnInfo, ...]:
    """The columns of a table of the schema (fixed for the life of the process)."""
    return tuple(
        ColumnInfo(c.name, str(c.type), bool(c.nullable), bool(c.primary_key))
        for c in _table(name).columns
    )


def _table(name: str) -> Table:
    table = TABLES.get(name)
    if table is None:
        raise NotFoundError(f"no table {name!r}; known tables: {', '.join(table_names())}")
    return table
