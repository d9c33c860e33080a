"""CLOB REST responses → core types (books, prices, market parameters, CLOB markets)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from polymarket_ml.core.enums import Resolution
from polymarket_ml.core.errors import DataError
from polymarket_ml.core.types import Book, Market
from polymarket_ml.sources.polymarket.parse import parse_levels
from polymarket_ml.sources.polymarket.values import (
    decimal_from_number,
    parse_iso,
    to_decimal,
    to_decimal_or_none,
    ts_from_text,
)
from polymarket_ml.sources.polymarket.wire_clob import (
    ClobBook,
    ClobMarket,
    FeeRateResponse,
    PricesHistory,
    TickSizeResponse,
)


def parse_clob_book(msg: ClobBook, received_at: datetime) -> Book:
    """``GET /book`` → :class:`Book`, levels best first whatever order they came in."""
    return Book(
        token_id=msg.asset_id,
        bids=parse_levels(msg.bids, bids=True),
        asks=parse_levels(msg.asks, bids=False),
        exchange_ts=ts_from_text(msg.timestamp),
        received_at=received_at,
        market=msg.market,
        tick_size=to_decimal_or_none(msg.tick_size),
        min_order_size=to_decimal_or_none(msg.min_order_size),
        book_hash=msg.hash,
    )


def parse_tick_size(msg: TickSizeResponse) -> Decimal:
    tick = decimal_from_number(msg.minimum_tick_size)
    if tick is None or not 0 < tick < 1:
        raise DataError(f"tick size out of range: {msg.minimum_tick_size!r}")
    return tick


def parse_fee_rate_bps(msg: FeeRateResponse) -> int:
    """``GET /fee-rate`` → basis points (a number in the docs, a string in fixtures)."""
    try:
        return int(msg.base_fee)
    except ValueError as exc:
        raise DataError(f"fee rate is not an integer: {msg.base_fee!r}") from exc


def parse_prices_history(msg: PricesHistory) -> list[tuple[datetime, Decimal]]:
    """``GET /prices-history`` → ``(time, price)`` pairs in the order given (``t`` is seconds)."""
    return [(ts_from_text(str(p.t)), to_decimal(repr(p.p))) for p in msg.history]


def parse_clob_market(msg: ClobMarket) -> Market:
    """``GET /markets/{condition_id}`` → :class:`Market`; resolution from ``tokens[].winner``.

    Token order follows ``tokens[]`` (first = YES / first outcome), as Gamma's ``clobTokenIds``.
    """
    tokens = msg.tokens
    resolution = None
    if msg.closed and len(tokens) == 2:
        winners = [t.winner for t in tokens]
        if winners == [True, False]:
            resolution = Resolution.YES
        elif winners == [False, True]:
            resolution = Resolution.NO
    return Market(
        condition_id=msg.condition_id,
        question=msg.question or "",
        slug=msg.market_slug or None,
        yes_token_id=tokens[0].token_id if tokens else None,
        no_token_id=tokens[1].token_id if len(tokens) > 1 else None,
        outcomes=tuple(t.outcome for t in tokens) or ("Yes", "No"),
        category=msg.tags[0] if msg.tags else None,
        neg_risk=bool(msg.neg_risk),
        end_date=parse_iso(msg.end_date_iso),
        closed=bool(msg.closed),
        accepting_orders=bool(msg.accepting_orders),
        tick_size=decimal_from_number(msg.minimum_tick_size),
        min_order_size=decimal_from_number(msg.minimum_order_size),
        resolution=resolution,
    )
