"""Builders of plain executor inputs with readable defaults, for the executor tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from polymarket_ml.core.enums import ExecutionMode, Outcome, Side, Tier
from polymarket_ml.core.snapshot import FeatureSnapshot
from polymarket_ml.core.types import Level, Market, Position, Signal
from polymarket_ml.executor.strategies.base import MarketView, PricePoint

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
ONE = Decimal(1)


def d(value: str | int) -> Decimal:
    return Decimal(str(value))


def market(
    market_id: int = 1,
    *,
    hours_to_close: float = 10.0,
    event_id: str | None = None,
    neg_risk: bool = False,
    **fields: Any,
) -> Market:
    return Market(
        condition_id=f"0x{market_id:04x}",
        question=f"market {market_id}?",
        slug=f"m{market_id}",
        event_id=event_id,
        yes_token_id=f"yes{market_id}",
        no_token_id=f"no{market_id}",
        neg_risk=neg_risk,
        end_date=NOW + timedelta(hours=hours_to_close),
        tick_size=d("0.01"),
        min_order_size=d(5),
        id=market_id,
        **fields,
    )


def book_view(
    m: Market, yes_bid: str | None, yes_ask: str | None, *, size: str = "100", **fields: Any
) -> MarketView:
    """A view with mirrored YES/NO book tops (a YES bid at p is a NO ask at 1 − p)."""
    yb = None if yes_bid is None else Level(d(yes_bid), d(size))
    ya = None if yes_ask is None else Level(d(yes_ask), d(size))
    return MarketView(
        market=m,
        now=fields.pop("now", NOW),
        yes_bid=yb,
        yes_ask=ya,
        no_bid=None if ya is None else Level(ONE - ya.price, ya.size),
        no_ask=None if yb is None else Level(ONE - yb.price, yb.size),
        **fields,
    )


def snapshot(market_id: int = 1, **features: Any) -> FeatureSnapshot:
    return FeatureSnapshot(market_id=market_id, timestamp=NOW, tier=Tier.T3, **features)


def history(*points: tuple[float, str]) -> tuple[PricePoint, ...]:
    """YES prices as (minutes before NOW, price), oldest first."""
    return tuple(PricePoint(NOW - timedelta(minutes=m), d(p)) for m, p in points)


def position(
    market_id: int = 1,
    *,
    outcome: Outcome = Outcome.YES,
    size: str = "100",
    entry_price: str = "0.50",
    strategy: str = "mean_reversion",
    opened_hours_ago: float = 1.0,
) -> Position:
    token = f"yes{market_id}" if outcome is Outcome.YES else f"no{market_id}"
    return Position(
        market_id=market_id,
        token_id=token,
        outcome=outcome,
        strategy=strategy,
        mode=ExecutionMode.PAPER,
        size=d(size),
        entry_price=d(entry_price),
        cost_basis_usd=d(size) * d(entry_price),
        opened_at=NOW - timedelta(hours=opened_hours_ago),
    )


def signal(
    *,
    price: str = "0.60",
    side: Side = Side.BUY,
    token_id: str = "yes1",
    edge: float | None = None,
    suggested_size_usd: Decimal | None = None,
) -> Signal:
    return Signal(
        strategy="test",
        market_id=1,
        token_id=token_id,
        side=side,
        reason="test",
        created_at=NOW,
        price_at_signal=d(price),
        edge=edge,
        suggested_size_usd=suggested_size_usd,
        is_exit=side is Side.SELL,
    )


def levels(*pairs: tuple[str, str]) -> tuple[Level, ...]:
    return tuple(Level(d(p), d(s)) for p, s in pairs)
