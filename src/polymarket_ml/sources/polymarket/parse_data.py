"""Data API rows → core types. Numbers there are floats; they become ``Decimal`` by their text."""

from __future__ import annotations

from datetime import datetime

from polymarket_ml.core.clock import utc_from_epoch
from polymarket_ml.core.enums import Outcome
from polymarket_ml.core.types import Trade
from polymarket_ml.sources.polymarket.values import number_to_decimal, to_side
from polymarket_ml.sources.polymarket.wire_data import DataTrade

_OUTCOMES = {0: Outcome.YES, 1: Outcome.NO}


def parse_data_trade(row: DataTrade, received_at: datetime) -> Trade:
    """A ``GET /trades`` row → :class:`Trade` (the taker's side; ``timestamp`` is seconds).

    Several fills share one transaction hash; the trade's ``dedup_key`` also covers token,
    price, size and side.
    """
    return Trade(
        token_id=row.asset,
        condition_id=row.condition_id,
        price=number_to_decimal(row.price),
        size=number_to_decimal(row.size),
        side=to_side(row.side),
        exchange_ts=utc_from_epoch(row.timestamp),
        received_at=received_at,
        outcome=_OUTCOMES.get(row.outcome_index) if row.outcome_index is not None else None,
        transaction_hash=row.transaction_hash or None,
    )
