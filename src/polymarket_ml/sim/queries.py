"""Gamma's filters and paging over the engine's markets and events (pure functions).

Follows ``polymarket-api.md`` §2.2-2.3: ``closed`` defaults to false; array parameters come as
repeated keys or comma-joined; legacy offset paging is capped (``offset`` > 10000 → 422);
keyset paging takes ``after_cursor`` and returns ``next_cursor`` until the last page, where the
key is absent. Keyset pages are ordered by id, so markets created meanwhile land on later pages.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from polymarket_ml.sim.ids import parse_iso
from polymarket_ml.sim.market import SimEvent, SimMarket

Params = Mapping[str, Sequence[str]]
# Deviation, for convenience: a lookup by id/slug/condition id without ``closed`` finds closed
# markets too (the real default ``closed=false`` would hide a resolved market).
MAX_LIMIT = 100
MAX_OFFSET = 10_000


class QueryError(ValueError):
    """A request Gamma would answer with HTTP 422; ``str()`` is the error text."""


def values(params: Params, name: str) -> list[str]:
    """All values of an array parameter, repeated (``a=1&a=2``) or comma-joined (``a=1,2``)."""
    out: list[str] = []
    for raw in params.get(name, ()):
        out.extend(part for part in (p.strip() for p in raw.split(",")) if part)
    return out


def _one(params: Params, name: str) -> str | None:
    got = params.get(name)
    return got[-1] if got else None


def _bool(params: Params, name: str, default: bool | None) -> bool | None:
    raw = _one(params, name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise QueryError(f"{name} must be a boolean")


def _number(params: Params, name: str) -> float | None:
    raw = _one(params, name)
    if raw is None or raw == "":
        return None
    try:
        return float(raw)
    except ValueError as e:
        raise QueryError(f"{name} must be a number") from e


def _date(params: Params, name: str) -> datetime | None:
    raw = _one(params, name)
    if raw is None or raw == "":
        return None
    try:
        return parse_iso(raw)
    except ValueError as e:
        raise QueryError(f"{name} must be an ISO date-time") from e


def page_limit(params: Params, default: int = MAX_LIMIT) -> int:
    number = _number(params, "limit")
    if number is None:
        return default
    if number < 0:
        raise QueryError("limit must be >= 0")
    return min(int(number), MAX_LIMIT)


def _range_ok(value: float, params: Params, low: str, high: str) -> bool:
    lo, hi = _number(params, low), _number(params, high)
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def _date_ok(value: datetime, params: Params, low: str, high: str) -> bool:
    lo, hi = _date(params, low), _date(params, high)
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def market_volume(market: SimMarket) -> float:
    return market.base_volume_usd + float(market.volume_usd)


_MARKET_ORDER: dict[str, Callable[[SimMarket], Any]] = {
    "id": lambda m: int(m.gamma_id),
    "volume": market_volume,
    "volumeNum": market_volume,
    "volumeClob": market_volume,
    "volume24hr": lambda m: float(m.volume_usd) + m.base_volume_usd * 0.03,
    "liquidity": lambda m: m.liquidity_usd,
    "liquidityNum": lambda m: m.liquidity_usd,
    "liquidityClob": lambda m: m.liquidity_usd,
    "endDate": lambda m: m.end_date,
    "startDate": lambda m: m.event.start_date,
    "createdAt": lambda m: m.created_at,
    "updatedAt": lambda m: m.updated_at or m.created_at,
}


def filter_markets(markets: Iterable[SimMarket], params: Params) -> list[SimMarket]:
    """Markets matching the ``GET /markets`` filters, in id order."""
    ids = set(values(params, "id"))
    slugs = set(values(params, "slug"))
    conditions = set(values(params, "condition_ids"))
    lookup = bool(ids or slugs or conditions) and "closed" not in params
    closed = None if lookup else _bool(params, "closed", False)
    tokens = set(values(params, "clob_token_ids"))
    questions = set(values(params, "question_ids"))
    out = []
    for m in markets:
        if closed is not None and m.closed != closed:
            continue
        if (ids and m.gamma_id not in ids) or (slugs and m.slug not in slugs):
            continue
        if conditions and m.condition_id not in conditions:
            continue
        if tokens and not tokens.intersection(m.token_ids):
            continue
        if questions and m.question_id not in questions:
            continue
        if not _range_ok(market_volume(m), params, "volume_num_min", "volume_num_max"):
            continue
        if not _range_ok(m.liquidity_usd, params, "liquidity_num_min", "liquidity_num_max"):
            continue
        if not _date_ok(m.end_date, params, "end_date_min", "end_date_max"):
            continue
        if not _date_ok(m.event.start_date, params, "start_date_min", "start_date_max"):
            continue
        out.append(m)
    return out


def order_markets(markets: list[SimMarket], params: Params) -> list[SimMarket]:
    fields = values(params, "order") or ["id"]
    if any(f not in _MARKET_ORDER for f in fields):
        raise QueryError("order fields are not valid")
    descending = _bool(params, "ascending", True) is False
    keys = [_MARKET_ORDER[f] for f in fields]
    return sorted(markets, key=lambda m: tuple(k(m) for k in keys), reverse=descending)


def offset_page(items: list[Any], params: Params) -> list[Any]:
    """Legacy paging: ``offset`` + ``limit`` (``offset`` > 10000 → 422)."""
    offset = int(_number(params, "offset") or 0)
    if offset < 0:
        raise QueryError("offset must be >= 0")
    if offset > MAX_OFFSET:
        raise QueryError("offset too large, use /markets/keyset for deeper pagination")
    return items[offset : offset + page_limit(params)]


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        kind, _, value = text.partition(":")
        if kind != "id":
            raise ValueError(text)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError) as e:
        raise QueryError("after_cursor is invalid") from e


def keyset_page(
    items: list[Any], params: Params, id_of: Callable[[Any], str]
) -> tuple[list[Any], str | None]:
    """One keyset page by id (ascending unless ``ascending=false``) and the next cursor."""
    if _one(params, "offset") is not None:
        raise QueryError("offset is not supported on keyset endpoints, use after_cursor")
    descending = _bool(params, "ascending", True) is False
    ordered = sorted(items, key=lambda item: int(id_of(item)), reverse=descending)
    cursor = _one(params, "after_cursor")
    if cursor:
        last = decode_cursor(cursor)
        ordered = [
            i for i in ordered if (int(id_of(i)) < last if descending else int(id_of(i)) > last)
        ]
    limit = page_limit(params)
    page = ordered[:limit]
    more = len(ordered) > limit and limit > 0
    return page, (encode_cursor(id_of(page[-1])) if more else None)


def filter_events(
    events: Iterable[SimEvent], markets_of: Callable[[SimEvent], list[SimMarket]], params: Params
) -> list[SimEvent]:
    """Events matching the ``GET /events`` filters; an event is closed when all its markets are."""
    ids = set(values(params, "id"))
    slugs = set(values(params, "slug"))
    lookup = bool(ids or slugs) and "closed" not in params
    closed = None if lookup else _bool(params, "closed", False)
    out = []
    for event in events:
        markets = markets_of(event)
        is_closed = bool(markets) and all(m.closed for m in markets)
        if closed is not None and is_closed != closed:
            continue
        if (ids and event.event_id not in ids) or (slugs and event.slug not in slugs):
            continue
        if not _date_ok(event.end_date, params, "end_date_min", "end_date_max"):
            continue
        volume = sum(market_volume(m) for m in markets)
        if not _range_ok(volume, params, "volume_min", "volume_max"):
            continue
        out.append(event)
    return out
