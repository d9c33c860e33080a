"""Conversions of single wire values: decimal strings, sides, timestamps, dates, JSON-in-JSON.

Every failure raises :class:`~polymarket_ml.core.errors.DataError` naming the bad value.
Decimal strings and timestamps repeat a lot in a stream (prices sit on a tick grid, messages
share milliseconds), so both are memoised in bounded dicts: the hot path is a dict lookup. The
bound is small on purpose: a memo that stays in the CPU cache beats a large one that misses it
(sizes and timestamps rarely repeat for long; a memo that fills up starts afresh).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

import msgspec

from polymarket_ml.core.clock import utc_from_epoch
from polymarket_ml.core.enums import Side
from polymarket_ml.core.errors import DataError

CACHE_LIMIT = 16_384
DECIMALS: dict[str, Decimal] = {}
"""Memo of :func:`to_decimal`; hot loops read it directly (``DECIMALS.get(t) or to_decimal(t)``)."""
AMOUNTS: dict[str, Decimal] = {}
"""Memo of :func:`to_amount` (``AMOUNTS.get(t) or to_amount(t)`` in hot loops)."""
SIDES = {"BUY": Side.BUY, "SELL": Side.SELL, "buy": Side.BUY, "sell": Side.SELL}
_TIMESTAMPS: dict[str, datetime] = {}
_MIN_MILLIS = 100_000_000_000  # smaller epoch values are seconds (as in utc_from_epoch)
_SECONDS: dict[int, datetime] = {}
_MILLISECONDS = tuple(timedelta(milliseconds=ms) for ms in range(1000))
_STRING_LIST = msgspec.json.Decoder(list[str])


def to_decimal(text: str) -> Decimal:
    """``"0.50"``, ``".48"``, ``"1096.87"`` → ``Decimal``; compare numerically, never as text."""
    value = DECIMALS.get(text)
    if value is None:
        value = _finite_decimal(text)
        if len(DECIMALS) >= CACHE_LIMIT:
            DECIMALS.clear()
        DECIMALS[text] = value
    return value


def _finite_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise DataError(f"not a decimal number: {text!r}") from exc
    if not value.is_finite():
        raise DataError(f"not a finite decimal number: {text!r}")
    return value


def to_decimal_or_none(text: str | None) -> Decimal | None:
    """Like :func:`to_decimal`, with ``None`` and ``""`` (the exchange's "unknown") as ``None``."""
    return None if not text else to_decimal(text)


def to_amount(text: str) -> Decimal:
    """A price, size or tick of a book or a trade: :func:`to_decimal`, never negative.

    Memoised apart (:data:`AMOUNTS`): the memo of :func:`to_decimal` also holds values that may
    be negative (Gamma's price changes), which must not pass for an amount.
    """
    value = AMOUNTS.get(text)
    if value is None:
        value = _finite_decimal(text)
        if value < 0:
            raise DataError(f"a negative price or size: {text!r}")
        if len(AMOUNTS) >= CACHE_LIMIT:
            AMOUNTS.clear()
        AMOUNTS[text] = value
    return value


def to_amount_or_none(text: str | None) -> Decimal | None:
    """Like :func:`to_amount`, with ``None`` and ``""`` (the exchange's "unknown") as ``None``."""
    return None if not text else to_amount(text)


def number_to_decimal(value: float | int) -> Decimal:
    """A JSON number (Gamma, CLOB markets, Data API) → ``Decimal`` by its shortest text."""
    if isinstance(value, int):
        return Decimal(value)
    return to_decimal(repr(value))


def decimal_from_number(value: float | int | None) -> Decimal | None:
    """:func:`number_to_decimal` for optional fields."""
    return None if value is None else number_to_decimal(value)


def to_side(text: str | None) -> Side:
    """``BUY``/``SELL`` → :class:`Side` (the bid or ask side for levels; the taker's for trades)."""
    side = SIDES.get(text) if text is not None else None
    if side is None:
        raise DataError(f"not a side: {text!r}")
    return side


def to_side_or_none(text: str | None) -> Side | None:
    return to_side(text) if text else None


def ts_from_text(text: str) -> datetime:
    """Epoch milliseconds or seconds as a string (told apart by magnitude) → aware UTC.

    ISO-8601 text is accepted too (the docs' examples and some fixtures use it).
    """
    value = _TIMESTAMPS.get(text)
    if value is None:
        if text.isdecimal():  # utc_from_epoch, made cheap: most timestamps of a stream are new
            number = int(text)
            try:
                if number >= _MIN_MILLIS:  # exact: the second's time plus whole milliseconds
                    seconds, millis = divmod(number, 1000)
                    second = _SECONDS.get(seconds)
                    if second is None:
                        if len(_SECONDS) >= CACHE_LIMIT:
                            _SECONDS.clear()
                        second = _SECONDS[seconds] = datetime.fromtimestamp(seconds, UTC)
                    value = second + _MILLISECONDS[millis]
                else:
                    value = utc_from_epoch(number)
            except (OverflowError, OSError, ValueError) as exc:  # beyond the year 9999
                raise DataError(f"timestamp out of range: {text!r}") from exc
        else:
            value = parse_iso(text)
            if value is None:
                raise DataError(f"not a timestamp: {text!r}")
        if len(_TIMESTAMPS) >= CACHE_LIMIT:
            _TIMESTAMPS.clear()
        _TIMESTAMPS[text] = value
    return value


def ts_or_none(value: str | int | None) -> datetime | None:
    """An optional timestamp: ``None``, ``""`` and ``"0"`` mean none."""
    if value is None or value in ("", "0", 0):
        return None
    if isinstance(value, int):
        return utc_from_epoch(value)
    return ts_from_text(value)


def parse_iso(text: str | None) -> datetime | None:
    """Gamma's dates in any of their spellings → aware UTC; ``None``/``""`` → ``None``.

    Seen: ``2026-03-12T09:25:00Z``, ``2026-03-11T09:29:01.328428Z``, ``2026-04-01T18:24:05.41Z``,
    ``2026-05-09 02:07:01+00`` and date-only ``2027-12-31`` (read as midnight UTC).
    """
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise DataError(f"not an ISO-8601 date: {text!r}") from exc
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def json_string_list(text: str | None, *, field: str) -> list[str]:
    """Decode Gamma's JSON-encoded arrays, e.g. ``outcomes``; ``None`` and ``""`` give ``[]``."""
    if not text:
        return []
    try:
        return _STRING_LIST.decode(text)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise DataError(f"{field} is not a JSON-encoded list of strings: {text[:200]!r}") from exc


def to_int_or_none(text: str | int | None) -> int | None:
    """Basis points and similar integers, sent as strings or numbers."""
    if text is None or text == "":
        return None
    try:
        return int(text)
    except ValueError as exc:
        raise DataError(f"not an integer: {text!r}") from exc


def excerpt(raw: bytes | str, limit: int = 500) -> str:
    """The start of a raw payload, for error messages and logs."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes | bytearray) else str(raw)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} chars)"
