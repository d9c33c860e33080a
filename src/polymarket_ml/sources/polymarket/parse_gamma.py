"""Gamma markets and events → :class:`Market` and :class:`GammaMarketStats`.

Gamma's traps, handled here: JSON arrays encoded as strings (``outcomes``, ``outcomePrices``,
``clobTokenIds``); price fields that describe the first token only; ``category`` present on
legacy markets only (modern ones: the event's category or the first tag's label); closed
markets that keep ``acceptingOrders: true``; missing keys everywhere (§2.4, §2.5).
"""

from __future__ import annotations

from decimal import Decimal

from polymarket_ml.core.enums import Resolution
from polymarket_ml.core.errors import DataError
from polymarket_ml.core.gamma import GammaMarketStats
from polymarket_ml.core.types import Market
from polymarket_ml.sources.polymarket.values import (
    decimal_from_number,
    json_string_list,
    parse_iso,
    to_decimal,
)
from polymarket_ml.sources.polymarket.wire_gamma import GammaEvent, GammaMarket

_ONE, _ZERO, _HALF = Decimal(1), Decimal(0), Decimal("0.5")


def outcome_prices(market: GammaMarket) -> list[Decimal]:
    """``outcomePrices`` decoded and made exact (``["0.505", "0.495"]``); ``[]`` when absent."""
    return [to_decimal(p) for p in json_string_list(market.outcome_prices, field="outcomePrices")]


def resolution_of(market: GammaMarket) -> Resolution | None:
    """The final outcome of a closed binary market, from ``outcomePrices``; else ``None``.

    ``["1","0"]`` YES (first outcome), ``["0","1"]`` NO, ``["0.5","0.5"]`` VOID. Legacy
    ``["0","0"]`` and scalar prices give ``None``: ask the CLOB (``tokens[].winner``).
    """
    if not market.closed:
        return None
    prices = outcome_prices(market)
    if len(prices) != 2:
        return None
    if prices == [_ONE, _ZERO]:
        return Resolution.YES
    if prices == [_ZERO, _ONE]:
        return Resolution.NO
    if prices == [_HALF, _HALF]:
        return Resolution.VOID
    return None


def category_of(market: GammaMarket, event: GammaEvent | None = None) -> str | None:
    """``category``, else the (parent or first) event's ``category``, else the first tag label."""
    if market.category:
        return market.category
    events = [event] if event is not None else (market.events or [])
    for candidate in events[:1]:
        if candidate.category:
            return candidate.category
    for tags in (market.tags, *(e.tags for e in events[:1])):
        for tag in tags or ():
            if tag.label:
                return tag.label
    return None


def parse_gamma_market(market: GammaMarket, *, event: GammaEvent | None = None) -> Market:
    """A Gamma market → :class:`Market`. ``event`` is the parent when it came nested in one.

    The YES token is ``clobTokenIds[0]``, index-aligned with ``outcomes``.
    """
    if not market.condition_id:
        raise DataError(f"Gamma market {market.id} has no conditionId")
    token_ids = json_string_list(market.clob_token_ids, field="clobTokenIds")
    outcomes = json_string_list(market.outcomes, field="outcomes")
    parent = event if event is not None else (market.events[0] if market.events else None)
    resolution = resolution_of(market)
    return Market(
        condition_id=market.condition_id,
        question=market.question or "",
        slug=market.slug,
        gamma_id=market.id,
        event_id=parent.id if parent else None,
        event_slug=parent.slug if parent else None,
        event_title=parent.title if parent else None,
        yes_token_id=token_ids[0] if token_ids else None,
        no_token_id=token_ids[1] if len(token_ids) > 1 else None,
        outcomes=tuple(outcomes) or ("Yes", "No"),
        category=category_of(market, event),
        neg_risk=bool(market.neg_risk),
        start_date=parse_iso(market.start_date) or parse_iso(market.start_date_iso),
        end_date=parse_iso(market.end_date) or parse_iso(market.end_date_iso),
        closed=bool(market.closed),
        accepting_orders=bool(market.accepting_orders),
        tick_size=decimal_from_number(market.order_price_min_tick_size),
        min_order_size=decimal_from_number(market.order_min_size),
        resolution=resolution,
        resolved_at=parse_iso(market.closed_time) if resolution is not None else None,
    )


def parse_gamma_event(event: GammaEvent) -> list[Market]:
    """Every market of an event (``GET /events`` items carry full ``markets[]``)."""
    return [parse_gamma_market(m, event=event) for m in event.markets or ()]


def parse_gamma_stats(market: GammaMarket, *, event: GammaEvent | None = None) -> GammaMarketStats:
    """The numbers Gamma publishes for the first token, for the features layer."""
    prices = outcome_prices(market)
    token_ids = json_string_list(market.clob_token_ids, field="clobTokenIds")
    return GammaMarketStats(
        condition_id=market.condition_id or "",
        gamma_id=market.id,
        token_id=token_ids[0] if token_ids else None,
        updated_at=parse_iso(market.updated_at),
        price=float(prices[0]) if prices else None,
        best_bid=market.best_bid,
        best_ask=market.best_ask,
        spread=market.spread,
        last_trade_price=market.last_trade_price,
        price_change_1h=market.one_hour_price_change,
        price_change_1d=market.one_day_price_change,
        price_change_1w=market.one_week_price_change,
        price_change_1m=market.one_month_price_change,
        volume_total=market.volume_num,
        volume_24h=market.volume_24hr,
        volume_1w=market.volume_1wk,
        volume_1m=market.volume_1mo,
        liquidity=market.liquidity_num,
        competitive=market.competitive,
        tick_size=market.order_price_min_tick_size,
        neg_risk=market.neg_risk,
        category=category_of(market, event),
    )
