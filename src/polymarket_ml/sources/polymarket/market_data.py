"""Typed market data: the REST clients' JSON turned into core types in one place.

The collector asks for markets and books in domain terms and never sees a wire type. Every
method performs network requests. A payload that does not parse is skipped and counted (with the
offending id logged), so one odd market never stops discovery.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec

from polymarket_ml.core.clock import Clock, SystemClock
from polymarket_ml.core.errors import DataError
from polymarket_ml.core.gamma import GammaMarketStats
from polymarket_ml.core.types import Book, Market
from polymarket_ml.sources.polymarket.clob import ClobClient
from polymarket_ml.sources.polymarket.gamma import GammaClient, MarketFilters
from polymarket_ml.sources.polymarket.parse_clob import parse_clob_book
from polymarket_ml.sources.polymarket.parse_gamma import parse_gamma_market, parse_gamma_stats
from polymarket_ml.sources.polymarket.wire_clob import ClobBook
from polymarket_ml.sources.polymarket.wire_gamma import GammaMarket

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MarketView:
    """One Gamma market: its identity and state, and the numbers the features need."""

    market: Market
    stats: GammaMarketStats


class MarketData:
    """Gamma and CLOB behind domain types."""

    def __init__(self, gamma: GammaClient, clob: ClobClient, clock: Clock | None = None) -> None:
        self.gamma = gamma
        self.clob = clob
        self.clock = clock or SystemClock()
        self.skipped_payloads = 0

    async def discover(
        self, *, min_volume_24h: float, end_before: datetime, end_after: datetime
    ) -> list[MarketView]:
        """Open markets with enough 24h volume whose end date falls in the window."""
        filters = MarketFilters(
            closed=False,
            end_date_min=end_after,
            end_date_max=end_before,
            min_volume_24hr=min_volume_24h,
        )
        raw = await self.gamma.list_markets(filters)
        return [v for v in map(self._view, raw) if v is not None and v.market.accepting_orders]

    async def markets(self, condition_ids: Sequence[str]) -> dict[str, MarketView]:
        """Markets by condition id, open and closed alike; absent ids are not in the result."""
        raw = await self.gamma.get_markets_by_condition_ids(condition_ids)
        views = (self._view(m) for m in raw)
        return {v.market.condition_id: v for v in views if v is not None}

    async def books(self, token_ids: Sequence[str]) -> dict[str, Book]:
        """Order books by token id (``POST /books``), levels sorted best first."""
        if not token_ids:
            return {}
        raw = await self.clob.get_books(list(token_ids))
        received_at = self.clock.now()
        out: dict[str, Book] = {}
        for item in raw:
            try:
                book = parse_clob_book(msgspec.convert(item, ClobBook), received_at)
            except (msgspec.ValidationError, DataError, ValueError, ArithmeticError) as exc:
                self.skipped_payloads += 1
                log.warning("skipping an unparseable book %r: %s", str(item)[:300], exc)
                continue
            out[book.token_id] = book
        return out

    def _view(self, raw: dict[str, object]) -> MarketView | None:
        try:
            wire = msgspec.convert(raw, GammaMarket)
            market = parse_gamma_market(wire)
            stats = parse_gamma_stats(wire)
        except (msgspec.ValidationError, DataError, ValueError, ArithmeticError, KeyError) as exc:
            self.skipped_payloads += 1
            log.warning("skipping unparseable Gamma market id=%s: %s", raw.get("id"), exc)
            return None
        if not market.condition_id or market.yes_token_id is None:
            self.skipped_payloads += 1
            log.info("skipping Gamma market id=%s without condition or token ids", raw.get("id"))
            return None
        return MarketView(market, stats)


def utc_now() -> datetime:
    return datetime.now(UTC)
