"""Gamma REST client: market and event metadata (polymarket-api.md §2).

Methods return decoded JSON (dicts and lists, exactly as Gamma sends them); turning them into
core types is the job of the ``parse_*`` functions. Listings page with ``/markets/keyset``
and ``after_cursor`` (§2.3) and fall back to the legacy ``offset`` listing where keyset is
missing (older deployments, or a simulator without it).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from polymarket_ml.sources.polymarket.errors import HttpStatusError, NotFoundError, PagingError
from polymarket_ml.sources.polymarket.http import Params, ParamValue, RestClient, path_segment
from polymarket_ml.sources.polymarket.paging import PageGuard, expect_page
from polymarket_ml.sources.polymarket.ratelimit import GAMMA_RATE_LIMITS

log = logging.getLogger(__name__)

GAMMA_URL = "https://gamma-api.polymarket.com"
MAX_PAGE_SIZE = 100
"""Gamma caps ``limit`` at 100, silently on ``/markets`` and by rule on keyset (§2.2, §2.3)."""
MAX_IDS_PER_REQUEST = 100
"""``condition_ids`` takes at most 100 values per request (§2.2)."""

Resource = Literal["markets", "events"]
JsonObject = dict[str, Any]


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"Gamma date filters need timezone-aware datetimes, got {value!r}")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class MarketFilters:
    """Discovery filters for market listings, named as Gamma names them (§2.2).

    ``closed=False`` is sent explicitly (Gamma's default since 2026-04-09, not before).
    ``min_volume_24hr`` is applied here, on ``volume24hr``: Gamma has no such parameter.
    """

    closed: bool | None = False
    active: bool | None = None
    archived: bool | None = None
    volume_num_min: float | None = None
    volume_num_max: float | None = None
    liquidity_num_min: float | None = None
    end_date_min: datetime | None = None
    end_date_max: datetime | None = None
    start_date_min: datetime | None = None
    start_date_max: datetime | None = None
    tag_id: int | None = None
    order: str | None = None
    ascending: bool | None = None
    min_volume_24hr: float | None = None

    def to_params(self) -> dict[str, ParamValue]:
        """Query parameters for ``/markets`` and ``/markets/keyset``."""
        return {
            "closed": self.closed,
            "active": self.active,
            "archived": self.archived,
            "volume_num_min": self.volume_num_min,
            "volume_num_max": self.volume_num_max,
            "liquidity_num_min": self.liquidity_num_min,
            "end_date_min": _iso(self.end_date_min),
            "end_date_max": _iso(self.end_date_max),
            "start_date_min": _iso(self.start_date_min),
            "start_date_max": _iso(self.start_date_max),
            "tag_id": self.tag_id,
            "order": self.order,
            "ascending": self.ascending,
        }

    def accepts(self, market: JsonObject) -> bool:
        """The filters Gamma cannot apply; a missing ``volume24hr`` counts as zero."""
        if self.min_volume_24hr is None:
            return True
        volume = market.get("volume24hr")
        return isinstance(volume, int | float) and volume >= self.min_volume_24hr


@dataclass(frozen=True, slots=True)
class EventFilters:
    """Filters for event listings; events name some filters differently from markets (§2.2)."""

    closed: bool | None = False
    active: bool | None = None
    archived: bool | None = None
    volume_min: float | None = None
    liquidity_min: float | None = None
    end_date_min: datetime | None = None
    end_date_max: datetime | None = None
    tag_id: int | None = None
    tag_slug: str | None = None
    order: str | None = None
    ascending: bool | None = None

    def to_params(self) -> dict[str, ParamValue]:
        """Query parameters for ``/events`` and ``/events/keyset``."""
        return {
            "closed": self.closed,
            "active": self.active,
            "archived": self.archived,
            "volume_min": self.volume_min,
            "liquidity_min": self.liquidity_min,
            "end_date_min": _iso(self.end_date_min),
            "end_date_max": _iso(self.end_date_max),
            "tag_id": self.tag_id,
            "tag_slug": self.tag_slug,
            "order": self.order,
            "ascending": self.ascending,
        }


class GammaClient(RestClient):
    """Markets and events from Gamma. Every method performs network requests."""

    default_base_url: ClassVar[str] = GAMMA_URL
    default_rate_limits = GAMMA_RATE_LIMITS

    _keyset_missing: frozenset[Resource] = frozenset()
    """Listings whose keyset endpoint answered 404; this client pages them by offset."""

    # -- single objects -------------------------------------------------------------------

    async def get_market(self, market_id: str) -> JsonObject:
        """One market by its numeric Gamma id (a condition id gives HTTP 422, §2.1)."""
        return await self._http.get_object(f"/markets/{path_segment(market_id)}")

    async def get_market_by_slug(self, slug: str) -> JsonObject:
        """One market by slug."""
        return await self._http.get_object(f"/markets/slug/{path_segment(slug)}")

    async def get_event(self, event_id: str) -> JsonObject:
        """One event, with its markets, by numeric Gamma id."""
        return await self._http.get_object(f"/events/{path_segment(event_id)}")

    async def get_event_by_slug(self, slug: str) -> JsonObject:
        """One event, with its markets, by slug."""
        return await self._http.get_object(f"/events/slug/{path_segment(slug)}")

    async def get_markets_by_condition_ids(
        self, condition_ids: Sequence[str], *, closed: bool | None = None
    ) -> list[JsonObject]:
        """Markets for these condition ids, 100 ids per request, in Gamma's order.

        Gamma hides closed markets unless asked (``closed`` defaults to false since
        2026-04-09, §2.2), so ``closed=None`` asks once for open and once for closed markets.
        """
        return await self._lookup("condition_ids", condition_ids, closed)

    async def get_markets_by_token_ids(
        self, token_ids: Sequence[str], *, closed: bool | None = None
    ) -> list[JsonObject]:
        """Markets holding these CLOB token ids; paged and filtered like the condition-id lookup."""
        return await self._lookup("clob_token_ids", token_ids, closed)

    async def _lookup(
        self, key: str, values: Sequence[str], closed: bool | None
    ) -> list[JsonObject]:
        unique = list(dict.fromkeys(values))
        closed_values: tuple[bool, ...] = (False, True) if closed is None else (closed,)
        found: dict[str, JsonObject] = {}
        for start in range(0, len(unique), MAX_IDS_PER_REQUEST):
            chunk = unique[start : start + MAX_IDS_PER_REQUEST]
            for closed_value in closed_values:
                params: Params = {key: chunk, "closed": closed_value, "limit": len(chunk)}
                for market in await self._http.get_list("/markets", params):
                    found.setdefault(str(market.get("id")), market)
        return list(found.values())

    # -- listings -------------------------------------------------------------------------

    async def iter_markets(
        self,
        filters: MarketFilters | None = None,
        *,
        page_size: int = MAX_PAGE_SIZE,
        max_pages: int | None = None,
    ) -> AsyncIterator[list[JsonObject]]:
        """Yield pages of markets matching ``filters`` (pages emptied by them are skipped).

        Raises :class:`PagingError` when the listing repeats a page or a cursor, or when the
        legacy listing refuses a deep offset (HTTP 422, §2.2).
        """
        filters = filters if filters is not None else MarketFilters()
        async for page in self._iter_pages("markets", filters.to_params(), page_size, max_pages):
            kept = [market for market in page if filters.accepts(market)]
            if kept:
                yield kept

    async def list_markets(
        self, filters: MarketFilters | None = None, *, max_pages: int | None = None
    ) -> list[JsonObject]:
        """Every market matching ``filters``, all pages collected."""
        return [m async for page in self.iter_markets(filters, max_pages=max_pages) for m in page]

    async def iter_events(
        self,
        filters: EventFilters | None = None,
        *,
        page_size: int = MAX_PAGE_SIZE,
        max_pages: int | None = None,
    ) -> AsyncIterator[list[JsonObject]]:
        """Yield pages of events (each with nested ``markets[]``) matching ``filters``."""
        filters = filters if filters is not None else EventFilters()
        async for page in self._iter_pages("events", filters.to_params(), page_size, max_pages):
            yield page

    async def _iter_pages(
        self,
        resource: Resource,
        params: dict[str, ParamValue],
        page_size: int,
        max_pages: int | None,
    ) -> AsyncIterator[list[JsonObject]]:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}, got {page_size}")
        if resource not in self._keyset_missing:
            try:
                async for page in self._iter_keyset(resource, params, page_size, max_pages):
                    yield page
                return
            except _KeysetUnavailableError as exc:
                cause = exc.__cause__
                log.warning(
                    "GET /%s/keyset unavailable (%s); falling back to offset paging",
                    resource,
                    cause,
                )
                if isinstance(cause, NotFoundError):
                    self._keyset_missing = self._keyset_missing | {resource}
        async for page in self._iter_offset(resource, params, page_size, max_pages):
            yield page

    async def _iter_keyset(
        self,
        resource: Resource,
        params: dict[str, ParamValue],
        page_size: int,
        max_pages: int | None,
    ) -> AsyncIterator[list[JsonObject]]:
        path = f"/{resource}/keyset"
        guard = PageGuard(f"GET {path}", max_pages=max_pages)
        cursor: str | None = None
        while True:
            query = {**params, "limit": page_size, "after_cursor": cursor}
            try:
                body = await self._http.get_json(path, query)
            except HttpStatusError as exc:
                # 404: no keyset route. 422: an old server read "keyset" as a market id (§2.1).
                if cursor is None and exc.status in (404, 422):
                    raise _KeysetUnavailableError from exc
                raise
            items, next_cursor = expect_page(body, resource, self.base_url + path)
            guard.check_page(items)
            if items:
                yield items
            if next_cursor is None:
                return
            guard.check_cursor(next_cursor)
            cursor = next_cursor

    async def _iter_offset(
        self,
        resource: Resource,
        params: dict[str, ParamValue],
        page_size: int,
        max_pages: int | None,
    ) -> AsyncIterator[list[JsonObject]]:
        path = f"/{resource}"
        guard = PageGuard(f"GET {path}", max_pages=max_pages)
        offset = 0
        while True:
            query = {**params, "limit": page_size, "offset": offset}
            try:
                items = await self._http.get_list(path, query)
            except HttpStatusError as exc:
                if exc.status == 422 and offset > 0:
                    raise PagingError(
                        f"GET {path}: offset {offset} refused; the legacy listing is capped"
                    ) from exc
                raise
            guard.check_page(items)
            if items:
                yield items
            if len(items) < page_size:
                return
            offset += len(items)


class _KeysetUnavailableError(Exception):
    """Internal: the first keyset page answered 404/422, so the offset listing takes over.

    A 404 is remembered for the client's lifetime; a 422 may be our own bad filter, so the next
    listing tries keyset again.
    """
