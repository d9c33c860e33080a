"""Column types that behave the same on SQLite and PostgreSQL.

- :class:`UTCDateTime` — ``timestamptz`` on PostgreSQL; on SQLite a naive UTC text column.
  Always takes and returns timezone-aware UTC datetimes, so code never sees a naive time.
- :class:`ExactDecimal` — ``NUMERIC`` on both. PostgreSQL keeps every digit; SQLite stores
  numbers with NUMERIC affinity and we read them back through their shortest repr, which is exact
  for values of up to 15 significant digits (prices, sizes and USD amounts here have at most 12).
- :data:`JsonColumn` — ``JSON`` on SQLite, ``JSONB`` on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, Numeric
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

JsonColumn = JSON().with_variant(JSONB(), "postgresql")

SQLITE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; naive input is a bug and rejected."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass timezone-aware UTC times")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL paths on SQLite
            value = datetime.fromisoformat(value)
        when: datetime = value
        if when.tzinfo is None:
            return when.replace(tzinfo=UTC)
        return when.astimezone(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """Money and sizes: ``Decimal`` in and out on every backend (see the module docstring)."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 20, scale: int = 6) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            # asdecimal=False: we convert ourselves, from the float's shortest repr.
            return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=False))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError(f"float {value!r} given for an exact column: use Decimal")
        if dialect.name == "sqlite":
            return to_sqlite_number(value)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_sqlite_number(value) if dialect.name == "sqlite" else Decimal(value)


def to_sqlite_number(value: Decimal | int) -> str:
    """Decimal -> the text SQLite stores with NUMERIC affinity (as an exact REAL or INTEGER)."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def from_sqlite_number(value: Any) -> Decimal:
    """What SQLite returns for a NUMERIC column (int, float or text) -> Decimal, exactly."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)
