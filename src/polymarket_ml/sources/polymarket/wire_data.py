"""Wire schemas of the Data API (``polymarket-api.md`` §8): numbers are JSON numbers here.

``size``/``price`` are floats and ``timestamp`` is integer epoch seconds, unlike the CLOB.
"""

from __future__ import annotations

from polymarket_ml.sources.polymarket.wire_ws import WireStruct


class DataStruct(WireStruct, rename="camel"):
    """The Data API's keys are camelCase; Python names are snake_case."""


class DataTrade(DataStruct):
    """``GET /trades`` row: one fill, taker side by default; fills may share a transaction."""

    asset: str
    condition_id: str
    side: str
    size: float
    price: float
    timestamp: int
    proxy_wallet: str | None = None
    transaction_hash: str | None = None
    title: str | None = None
    slug: str | None = None
    icon: str | None = None
    event_slug: str | None = None
    outcome: str | None = None
    outcome_index: int | None = None
    name: str | None = None
    pseudonym: str | None = None


class DataPosition(DataStruct):
    """``GET /positions`` row of one wallet."""

    asset: str
    condition_id: str
    size: float
    proxy_wallet: str | None = None
    avg_price: float | None = None
    initial_value: float | None = None
    current_value: float | None = None
    cash_pnl: float | None = None
    percent_pnl: float | None = None
    total_bought: float | None = None
    realized_pnl: float | None = None
    percent_realized_pnl: float | None = None
    cur_price: float | None = None
    redeemable: bool | None = None
    mergeable: bool | None = None
    title: str | None = None
    slug: str | None = None
    event_slug: str | None = None
    outcome: str | None = None
    outcome_index: int | None = None
    opposite_outcome: str | None = None
    opposite_asset: str | None = None
    end_date: str | None = None
    negative_risk: bool | None = None
