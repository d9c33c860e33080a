"""CLOB REST client, public market data only (polymarket-api.md §3); no keys, no trading.

Methods return decoded JSON exactly as the CLOB sends it: prices and sizes stay strings and
book levels keep the server's order (bids ascending, asks descending — best level LAST, §3.1).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, ClassVar, Literal

from polymarket_ml.core.enums import Side
from polymarket_ml.sources.polymarket.http import RestClient, path_segment
from polymarket_ml.sources.polymarket.paging import PageGuard, expect_page
from polymarket_ml.sources.polymarket.ratelimit import CLOB_RATE_LIMITS

CLOB_URL = "https://clob.polymarket.com"
MAX_BATCH_ITEMS = 500
"""Batch POST endpoints (``/books``, ``/prices``...) take at most 500 items (§3)."""
FIRST_CURSOR = "MA=="
"""base64 of "0": the first page of a CLOB market list (§3.4)."""
END_CURSOR = "LTE="
"""base64 of "-1": the CLOB's "no more pages" sentinel (§3.4)."""

PriceInterval = Literal["1h", "6h", "1d", "1w", "1m", "max"]
MarketList = Literal[
    "markets", "simplified-markets", "sampling-markets", "sampling-simplified-markets"
]
JsonObject = dict[str, Any]


class ClobClient(RestClient):
    """Order books, prices and market parameters from the CLOB. Every method performs network
    requests."""

    default_base_url: ClassVar[str] = CLOB_URL
    default_rate_limits = CLOB_RATE_LIMITS

    # -- books and prices -----------------------------------------------------------------

    async def get_book(self, token_id: str) -> JsonObject:
        """The order book of one token. Levels are in wire order: best bid and ask are LAST."""
        return await self._http.get_object("/book", {"token_id": token_id})

    async def get_books(self, token_ids: Sequence[str]) -> list[JsonObject]:
        """Books of many tokens, ``POST /books`` in batches of 500, in the server's order."""
        books: list[JsonObject] = []
        for start in range(0, len(token_ids), MAX_BATCH_ITEMS):
            body = [
                {"token_id": token_id} for token_id in token_ids[start : start + MAX_BATCH_ITEMS]
            ]
            books.extend(await self._http.post_list("/books", body))
        return books

    async def get_price(self, token_id: str, side: Side) -> JsonObject:
        """``{"price": "0.52"}``. Observed: ``BUY`` gives the best bid, ``SELL`` the best ask —
        the side of the resting orders, the reverse of the docs (§3.2, §12.2)."""
        return await self._http.get_object("/price", {"token_id": token_id, "side": side.value})

    async def get_midpoint(self, token_id: str) -> JsonObject:
        """``{"mid": "0.53"}``."""
        return await self._http.get_object("/midpoint", {"token_id": token_id})

    async def get_spread(self, token_id: str) -> JsonObject:
        """``{"spread": "0.02"}``."""
        return await self._http.get_object("/spread", {"token_id": token_id})

    async def get_last_trade_price(self, token_id: str) -> JsonObject:
        """``{"price": "0.52", "side": "BUY"}``; the side is the taker's."""
        return await self._http.get_object("/last-trade-price", {"token_id": token_id})

    async def get_prices_history(
        self,
        token_id: str,
        *,
        interval: PriceInterval | None = None,
        start_ts: int | None = None,
        end_ts: int | None = None,
        fidelity_mins: int | None = None,
    ) -> JsonObject:
        """``{"history": [{"t": seconds, "p": number}]}``, empty for new markets (§3.5).

        The parameter is called ``market`` but takes a token id. ``interval`` is relative to
        now and excludes ``start_ts``/``end_ts`` (epoch seconds); ``fidelity_mins`` is the
        bucket size.
        """
        if interval is not None and (start_ts is not None or end_ts is not None):
            raise ValueError("prices-history takes either interval or start_ts/end_ts, not both")
        params = {
            "market": token_id,
            "interval": interval,
            "startTs": start_ts,
            "endTs": end_ts,
            "fidelity": fidelity_mins,
        }
        return await self._http.get_object("/prices-history", params)

    # -- market parameters ----------------------------------------------------------------

    async def get_tick_size(self, token_id: str) -> JsonObject:
        """``{"minimum_tick_size": 0.01}`` (a number); changes live near 0 and 1 (§4.9)."""
        return await self._http.get_object("/tick-size", {"token_id": token_id})

    async def get_neg_risk(self, token_id: str) -> JsonObject:
        """``{"neg_risk": false}``."""
        return await self._http.get_object("/neg-risk", {"token_id": token_id})

    async def get_fee_rate(self, token_id: str) -> JsonObject:
        """``{"base_fee": <bps>}``, a V1-era field; the fee charged is in the market's
        ``feeSchedule`` (§3.3, §4.10)."""
        return await self._http.get_object("/fee-rate", {"token_id": token_id})

    # -- markets --------------------------------------------------------------------------

    async def get_market(self, condition_id: str) -> JsonObject:
        """The CLOB market (tokens with ``winner`` flags). New markets 404 for minutes (§3.4)."""
        return await self._http.get_object(f"/markets/{path_segment(condition_id)}")

    async def get_clob_market(self, condition_id: str) -> JsonObject:
        """Compact V2 market info with short keys (``c``, ``t``, ``mts``, ``mos``, ``fd``; §3.3)."""
        return await self._http.get_object(f"/clob-markets/{path_segment(condition_id)}")

    async def get_market_by_token(self, token_id: str) -> JsonObject:
        """The market holding ``token_id`` (V2; has ``condition_id``)."""
        return await self._http.get_object(f"/markets-by-token/{path_segment(token_id)}")

    async def iter_markets(
        self, listing: MarketList = "markets", *, max_pages: int | None = None
    ) -> AsyncIterator[list[JsonObject]]:
        """Yield pages of a CLOB market list, from cursor ``MA==`` until ``LTE=`` (§3.4).

        The full list starts with thousands of dead 2020–2022 markets; discover with Gamma.
        """
        path = f"/{listing}"
        guard = PageGuard(f"GET {path}", max_pages=max_pages)
        cursor = FIRST_CURSOR
        while True:
            body = await self._http.get_json(path, {"next_cursor": cursor})
            items, next_cursor = expect_page(body, "data", self.base_url + path)
            guard.check_page(items)
            if items:
                yield items
            if next_cursor is None or next_cursor == END_CURSOR:
                return
            guard.check_cursor(next_cursor)
            cursor = next_cursor

    # -- misc -----------------------------------------------------------------------------

    async def get_server_time(self) -> Any:
        """Server time in epoch seconds: a bare integer (SDKs also accept an object, §12.15)."""
        return await self._http.get_json("/time")

    async def get_version(self) -> JsonObject:
        """``{"version": 2}`` since the V2 cut-over; a missing key means 2 (§3.6)."""
        return await self._http.get_object("/version")
