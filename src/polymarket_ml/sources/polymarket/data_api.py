"""Data API client: the public trade tape, for backfilling trade history (polymarket-api.md §8).

Rows are returned as decoded JSON, newest first. Numbers are JSON floats here (not strings as
on the CLOB) and timestamps are epoch seconds. Several fills share one ``transactionHash``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from polymarket_ml.core.enums import Side
from polymarket_ml.sources.polymarket.http import ParamValue, RestClient
from polymarket_ml.sources.polymarket.paging import PageGuard
from polymarket_ml.sources.polymarket.ratelimit import DATA_API_RATE_LIMITS

log = logging.getLogger(__name__)

DATA_API_URL = "https://data-api.polymarket.com"
MAX_TRADES_LIMIT = 500
"""``limit`` ≤ 500 on ``/trades`` since 2025-08-26 (§8)."""
MAX_TRADES_OFFSET = 1000
"""``offset`` ≤ 1000 on ``/trades`` since 2025-08-26 (§8): at most 1,500 rows per query."""

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class TradeFilters:
    """Filters of ``GET /trades`` (§8). ``condition_ids`` and ``event_ids`` exclude each other.

    ``taker_only`` defaults to true on the server (one row per fill, the taker's); ``False``
    adds the maker rows. ``min_cash_usd`` / ``min_tokens`` are the whale filter
    (``filterType`` + ``filterAmount``).
    """

    condition_ids: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()
    user: str | None = None
    side: Side | None = None
    taker_only: bool | None = None
    min_cash_usd: float | None = None
    min_tokens: float | None = None

    def __post_init__(self) -> None:
        if self.condition_ids and self.event_ids:
            raise ValueError("the Data API takes condition_ids or event_ids, not both")
        if self.min_cash_usd is not None and self.min_tokens is not None:
            raise ValueError("filter trades by min_cash_usd or min_tokens, not both")

    def to_params(self) -> dict[str, ParamValue]:
        """Query parameters; id lists are comma-joined, as the Data API expects."""
        filter_type: Literal["CASH", "TOKENS"] | None = None
        filter_amount: float | None = None
        if self.min_cash_usd is not None:
            filter_type, filter_amount = "CASH", self.min_cash_usd
        elif self.min_tokens is not None:
            filter_type, filter_amount = "TOKENS", self.min_tokens
        return {
            "market": ",".join(self.condition_ids) or None,
            "eventId": ",".join(self.event_ids) or None,
            "user": self.user,
            "side": self.side.value if self.side is not None else None,
            "takerOnly": self.taker_only,
            "filterType": filter_type,
            "filterAmount": filter_amount,
        }


@dataclass(frozen=True, slots=True)
class TradeBackfill:
    """Trades gathered by :meth:`DataApiClient.backfill_trades`, newest first.

    ``truncated`` is true when the offset cap stopped paging while full pages were still
    coming: older trades exist that this query cannot reach (narrow the filters to get them).
    """

    trades: list[JsonObject]
    truncated: bool


class DataApiClient(RestClient):
    """The Data API's public trade tape. Every method performs network requests."""

    default_base_url: ClassVar[str] = DATA_API_URL
    default_rate_limits = DATA_API_RATE_LIMITS

    async def get_trades(
        self,
        filters: TradeFilters | None = None,
        *,
        limit: int = MAX_TRADES_LIMIT,
        offset: int = 0,
    ) -> list[JsonObject]:
        """One page of trades, newest first."""
        if not 1 <= limit <= MAX_TRADES_LIMIT:
            raise ValueError(f"limit must be 1..{MAX_TRADES_LIMIT}, got {limit}")
        if not 0 <= offset <= MAX_TRADES_OFFSET:
            raise ValueError(f"offset must be 0..{MAX_TRADES_OFFSET}, got {offset}")
        params = {**(filters or TradeFilters()).to_params(), "limit": limit, "offset": offset}
        return await self._http.get_list("/trades", params)

    async def backfill_trades(
        self, filters: TradeFilters | None = None, *, page_size: int = MAX_TRADES_LIMIT
    ) -> TradeBackfill:
        """Every trade the tape serves for ``filters``, paging until a short page or the cap.

        Stops cleanly at offset 1000 (§8) with ``truncated=True`` rather than asking for an
        offset the server refuses. Raises :class:`~.errors.PagingError` if a page repeats.
        """
        guard = PageGuard("GET /trades")
        trades: list[JsonObject] = []
        offset = 0
        while True:
            page = await self.get_trades(filters, limit=page_size, offset=offset)
            guard.check_page(page)
            trades.extend(page)
            if len(page) < page_size:
                return TradeBackfill(trades=trades, truncated=False)
            offset += len(page)
            if offset > MAX_TRADES_OFFSET:
                log.info(
                    "GET /trades: offset cap %d reached after %d trades; older trades need "
                    "narrower filters",
                    MAX_TRADES_OFFSET,
                    len(trades),
                )
                return TradeBackfill(trades=trades, truncated=True)
