"""Gamma market and event objects, field for field as the 2026 recordings show them.

Quirks kept on purpose (``polymarket-api.md`` §2.4): ``outcomes``, ``outcomePrices``,
``clobTokenIds`` and ``umaResolutionStatuses`` are JSON-encoded strings; market ``volume`` and
``liquidity`` are strings while event ones are numbers; price fields describe the first outcome
and ``bestBid``/``bestAsk`` are cached (they stay stale after resolution, and a key is omitted
when the side was empty); ``active`` stays true after close.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from polymarket_ml.core.enums import Resolution
from polymarket_ml.sim.ids import fmt_decimal, iso_date, iso_micro_z, iso_plus00, iso_z
from polymarket_ml.sim.market import EventKind, SimEvent, SimMarket

Json = dict[str, Any]
_HORIZONS = {
    "oneHourPriceChange": 3600,
    "oneDayPriceChange": 86_400,
    "oneWeekPriceChange": 7 * 86_400,
    "oneMonthPriceChange": 30 * 86_400,
}
_IMAGE = "https://polymarket-upload.s3.us-east-2.amazonaws.com/sim.png"
_ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


def _encoded(values: list[str]) -> str:
    """Gamma's double encoding, spaced like the real payloads: ``"[\\"Yes\\", \\"No\\"]"``."""
    return json.dumps(values, separators=(", ", ":"))


def outcome_prices(market: SimMarket) -> list[str]:
    """Displayed prices: settlement after resolution, else midpoint (last trade if spread > 0.1)."""
    if market.resolution is Resolution.VOID:
        return ["0.5", "0.5"]
    if market.resolution is not None:
        return ["1", "0"] if market.resolution is Resolution.YES else ["0", "1"]
    price = display_price(market)
    return [fmt_decimal(price), fmt_decimal(Decimal(1) - price)]


def display_price(market: SimMarket) -> Decimal:
    bid, ask = market.cached_bid, market.cached_ask
    last = market.last_trade_price[0]
    if bid is not None and ask is not None and (ask - bid <= Decimal("0.1") or last is None):
        return (bid + ask) / 2
    if last is not None:
        return last
    return Decimal(f"{market.opening_price:.3f}")


def _price_change(market: SimMarket, now: datetime, seconds: int) -> float:
    then = int((now - timedelta(seconds=seconds)).timestamp())
    past = market.opening_price
    for t, p in market.history:
        if t > then:
            break
        past = p
    return round(float(display_price(market)) - past, 4)


def _volumes(market: SimMarket) -> Json:
    live = float(market.volume_usd)
    base = market.base_volume_usd
    total = base + live
    return {
        "volume24hr": base * 0.03 + live,
        "volume1wk": base * 0.15 + live,
        "volume1mo": base * 0.6 + live,
        "volume1yr": total,
    }


def gamma_market(market: SimMarket, now: datetime, *, with_events: bool = True) -> Json:
    """One market object of ``GET /markets`` (and nested in ``GET /events``)."""
    event, closed = market.event, market.closed
    vols = _volumes(market)
    volume = market.base_volume_usd + float(market.volume_usd)
    liquidity = round(market.liquidity_usd, 4)
    bid, ask = market.cached_bid, market.cached_ask
    last = market.last_trade_price[0]
    body: Json = {
        "id": market.gamma_id,
        "question": market.question,
        "conditionId": market.condition_id,
        "slug": market.slug,
        "resolutionSource": "",
        "endDate": iso_z(market.end_date),
        "liquidity": str(liquidity),
        "startDate": iso_micro_z(event.start_date),
        "image": _IMAGE,
        "icon": _IMAGE,
        "description": market.description,
        "outcomes": _encoded(list(market.outcomes)),
        "outcomePrices": _encoded(outcome_prices(market)),
        "volume": str(volume),
        "active": True,
        "closed": closed,
        "marketMakerAddress": "",
        "createdAt": iso_micro_z(market.created_at),
        "updatedAt": iso_micro_z(market.updated_at or now),
        "new": (now - market.created_at) < timedelta(days=1),
        "featured": False,
        "submitted_by": _ZERO_ADDRESS,
        "archived": False,
        "resolvedBy": _ZERO_ADDRESS,
        "restricted": True,
        "groupItemTitle": market.group_item_title,
        "groupItemThreshold": str(event.market_ids.index(market.gamma_id)),
        "questionID": market.question_id,
        "enableOrderBook": True,
        "orderPriceMinTickSize": float(market.tick),
        "orderMinSize": int(market.min_order_size),
        "volumeNum": volume,
        "liquidityNum": liquidity,
        "endDateIso": iso_date(market.end_date),
        "startDateIso": iso_date(event.start_date),
        "hasReviewedDates": True,
        **vols,
        "clobTokenIds": _encoded(list(market.token_ids)),
        "umaBond": "500",
        "umaReward": "5",
        **{f"{key}Clob": value for key, value in vols.items()},
        "volumeClob": volume,
        "liquidityClob": liquidity,
        "liquidityAmm": 0,
        "makerBaseFee": 1000 if market.fee_type else 0,
        "takerBaseFee": 1000 if market.fee_type else 0,
        "customLiveness": 0,
        "acceptingOrders": not closed,
        "negRisk": event.neg_risk,
        "negRiskRequestID": market.neg_risk_request_id,
        "ready": False,
        "funded": False,
        "acceptingOrdersTimestamp": iso_z(event.start_date),
        "cyom": False,
        "competitive": _competitive(bid, ask),
        "pagerDutyNotificationEnabled": False,
        "approved": True,
        "clobRewards": [{"id": market.gamma_id, "conditionId": market.condition_id,
                         "assetAddress": "0xc011a7e12a19f7b1f670d46f03b03f3342e82dfb",
                         "rewardsAmount": 0, "rewardsDailyRate": 0.001,
                         "startDate": iso_date(event.start_date), "endDate": "2500-12-31"}],
        "rewardsMinSize": 50,
        "rewardsMaxSpread": 4.5,
        "spread": float(ask - bid) if bid is not None and ask is not None else 1.0,
        **{key: _price_change(market, now, secs) for key, secs in _HORIZONS.items()},
        "lastTradePrice": float(last) if last is not None else round(market.opening_price, 3),
        "automaticallyActive": True,
        "clearBookOnStart": True,
        "seriesColor": "",
        "showGmpSeries": False,
        "showGmpOutcome": False,
        "manualActivation": False,
        "negRiskOther": False,
        "umaResolutionStatuses": _encoded(["proposed"] if closed else []),
        "pendingDeployment": False,
        "deploying": False,
        "deployingTimestamp": iso_micro_z(market.created_at),
        "rfqEnabled": False,
        "holdingRewardsEnabled": False,
        "feesEnabled": market.fee_type is not None,
        "requiresTranslation": False,
        "feeType": market.fee_type,
    }  # fmt: skip
    if bid is not None:
        body["bestBid"] = float(bid)
    if ask is not None:
        body["bestAsk"] = float(ask)
    if event.neg_risk:
        body["negRiskMarketID"] = event.neg_risk_market_id
    if market.fee_type is not None:
        body["feeSchedule"] = {"exponent": 1, "rate": float(market.fee_rate), "takerOnly": True,
                               "rebateRate": 0.25}  # fmt: skip
    if event.kind is EventKind.UP_DOWN:
        body["makerRebatesFeeShareBps"] = 10000
    if event.kind in (EventKind.UP_DOWN, EventKind.SPORTS):
        start = market.end_date - timedelta(hours=2 if event.kind is EventKind.SPORTS else 0)
        body["eventStartTime"] = iso_z(start)
        body["gameStartTime"] = iso_plus00(start)
    if market.sports_market_type:
        body["sportsMarketType"] = market.sports_market_type
        body["secondsDelay"] = 3
        body["gameId"] = str(event.game_id)
        if market.line is not None:
            body["line"] = market.line
    if closed and market.resolved_at is not None:
        body["closedTime"] = iso_plus00(market.resolved_at)
        body["umaEndDate"] = iso_z(market.resolved_at)
        body["umaResolutionStatus"] = "resolved"
        body["automaticallyResolved"] = True
    if with_events:
        body["events"] = [gamma_event(event, [market], now, with_markets=False)]
    return body


def _competitive(bid: Decimal | None, ask: Decimal | None) -> float:
    if bid is None or ask is None:
        return 0.0
    return round(max(0.0, 1.0 - float(ask - bid) * 2), 6)


def gamma_event(
    event: SimEvent, markets: list[SimMarket], now: datetime, *, with_markets: bool = True
) -> Json:
    """One event of ``GET /events``; ``markets`` holds its market objects when asked."""
    closed = event.closed_at is not None
    volume = sum(m.base_volume_usd + float(m.volume_usd) for m in markets)
    liquidity = sum(m.liquidity_usd for m in markets)
    body: Json = {
        "id": event.event_id,
        "ticker": event.slug,
        "slug": event.slug,
        "title": event.title,
        "description": event.description,
        "resolutionSource": "",
        "startDate": iso_micro_z(event.start_date),
        "creationDate": iso_micro_z(event.created_at),
        "endDate": iso_z(event.end_date),
        "image": _IMAGE,
        "icon": _IMAGE,
        "active": True,
        "closed": closed,
        "archived": False,
        "new": False,
        "featured": False,
        "restricted": True,
        "liquidity": liquidity,
        "volume": volume,
        "openInterest": 0,
        "sortBy": "price",
        "createdAt": iso_micro_z(event.created_at),
        "updatedAt": iso_micro_z(now),
        "competitive": 0.9,
        "volume24hr": volume * 0.03,
        "volume1wk": volume * 0.15,
        "volume1mo": volume * 0.6,
        "volume1yr": volume,
        "enableOrderBook": True,
        "liquidityClob": liquidity,
        "negRisk": event.neg_risk,
        "commentCount": 0,
        "cyom": False,
        "showAllOutcomes": True,
        "showMarketImages": True,
        "enableNegRisk": event.neg_risk,
        "automaticallyActive": True,
        "startTime": iso_z(event.end_date),
        "gmpChartMode": "default",
        "negRiskAugmented": event.neg_risk,
        "countryName": "Simland",
        "electionType": "Simulated",
        "estimateValue": False,
        "cumulativeMarkets": False,
        "pendingDeployment": False,
        "deploying": False,
        "deployingTimestamp": iso_micro_z(event.created_at),
        "requiresTranslation": False,
        "eventMetadata": {"context_description": event.description,
                          "context_requires_regen": False,
                          "context_updated_at": iso_micro_z(event.created_at)},
        "tags": [{"id": str(100 + i), "label": tag, "slug": tag.lower(), "forceShow": False,
                  "createdAt": iso_micro_z(event.created_at),
                  "updatedAt": iso_micro_z(event.created_at), "requiresTranslation": False}
                 for i, tag in enumerate(event.tags)],
    }  # fmt: skip
    if event.neg_risk:
        body["negRiskMarketID"] = event.neg_risk_market_id
    if event.series_slug is not None:
        body["seriesSlug"] = event.series_slug
        body["series"] = [_series(event)]
    if event.kind is EventKind.SPORTS:
        body.update({"automaticallyResolved": True, "ended": closed, "live": False,
                     "eventDate": iso_date(event.end_date), "eventWeek": 1,
                     "gameId": event.game_id, "period": "", "score": "0-0"})  # fmt: skip
        body["eventMetadata"].update({"league": "Sim League", "leagueTier": "1",
                                      "tournament": "Regular Season"})  # fmt: skip
        if closed:
            body["closedTime"] = iso_z(event.closed_at or now)
    if with_markets:
        body["markets"] = [gamma_market(m, now, with_events=False) for m in markets]
    return body


def _series(event: SimEvent) -> Json:
    slug = event.series_slug or ""
    return {
        "id": str(10_000 + sum(map(ord, slug))), "ticker": slug, "slug": slug,
        "title": slug.replace("-", " ").title(), "seriesType": "single",
        "recurrence": event.recurrence or "daily", "image": "", "icon": "", "active": True,
        "closed": False, "archived": False, "featured": False, "restricted": True,
        "createdAt": iso_micro_z(event.created_at), "updatedAt": iso_micro_z(event.created_at),
        "volume24hr": 0.0, "volume": 0.0, "liquidity": 0.0, "commentCount": 0,
        "requiresTranslation": False,
    }  # fmt: skip
