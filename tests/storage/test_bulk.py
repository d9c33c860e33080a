"""Bulk writers: idempotent, exact, and equal on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Engine, func, select

from polymarket_ml.core.enums import Outcome, Side, Tier, WhaleTier
from polymarket_ml.core.snapshot import FeatureSnapshot
from polymarket_ml.core.types import Level, OrderbookSnapshot, Trade
from polymarket_ml.storage.bulk import write_orderbook_snapshots, write_snapshots, write_trades
from polymarket_ml.storage.engine import make_session_factory
from polymarket_ml.storage.models import OrderbookSnapshotRow, SnapshotRow, TradeRow
from polymarket_ml.storage.repositories import SnapshotRepository, TradeRepository
from tests.storage.conftest import NOW, add_market


def make_trade(i: int, *, price: str = "0.491", size: str = "85.36") -> Trade:
    return Trade(
        token_id="tok-yes",
        condition_id="0xabc",
        price=Decimal(price),
        size=Decimal(size),
        side=Side.SELL if i % 2 else Side.BUY,
        exchange_ts=NOW + timedelta(milliseconds=i),
        received_at=NOW + timedelta(milliseconds=i, microseconds=250),
        outcome=Outcome.YES,
        fee_rate_bps=0,
        whale_tier=WhaleTier.NONE,
    )


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def test_a_trade_written_twice_is_stored_once(engine: Engine) -> None:
    market_id = add_market(engine)
    trades = [(market_id, make_trade(i)) for i in range(250)]

    first = write_trades(engine, trades, batch_rows=100)
    again = write_trades(engine, [*trades[100:], (market_id, make_trade(999))], batch_rows=64)

    assert first == 250
    assert again == 1
    assert count(engine, TradeRow) == 251


def test_duplicates_inside_one_batch_are_stored_once(engine: Engine) -> None:
    market_id = add_market(engine)
    trade = make_trade(1)
    same_print = make_trade(1, price="0.4910", size="85.360")  # same trade, other spelling

    assert write_trades(engine, [(market_id, trade), (market_id, same_print)]) == 1


def test_trades_keep_exact_decimals_and_both_times(engine: Engine) -> None:
    market_id = add_market(engine)
    trade = make_trade(7, price="0.0025", size="219.217767")
    write_trades(engine, [(market_id, trade)])

    with make_session_factory(engine)() as session:
        [(stored_market, stored)] = TradeRepository(session).in_window(
            market_id, NOW, NOW + timedelta(seconds=1)
        )
    assert stored_market == market_id
    assert stored.price == Decimal("0.0025")
    assert stored.size == Decimal("219.217767")
    assert stored.exchange_ts == trade.exchange_ts
    assert stored.received_at == trade.received_at
    assert stored.dedup_key == trade.dedup_key
    with engine.connect() as conn:
        notional = conn.scalar(select(TradeRow.notional_usd))
    assert notional == Decimal("0.0025") * Decimal("219.217767")


def test_snapshots_are_idempotent_per_market_and_time(engine: Engine) -> None:
    market_id = add_market(engine)
    rows = [
        FeatureSnapshot(
            market_id=market_id,
            timestamp=NOW + timedelta(minutes=i),
            tier=Tier.T2,
            price=0.5 + i / 100,
            category="Politics",
            neg_risk=True,
            bid_levels=42,
            is_weekend=False,
            time_since_trade=None,
        )
        for i in range(5)
    ]
    assert write_snapshots(engine, rows, batch_rows=2) == 5
    assert write_snapshots(engine, rows) == 0
    assert count(engine, SnapshotRow) == 5

    with make_session_factory(engine)() as session:
        latest = SnapshotRepository(session).latest_per_market()
    assert latest[market_id] == rows[-1]  # every value round-trips, NULLs included


def test_orderbook_snapshots_store_levels_and_summaries(engine: Engine) -> None:
    market_id = add_market(engine)
    book = OrderbookSnapshot(
        market_id=market_id,
        token_id="tok-yes",
        timestamp=NOW,
        exchange_ts=NOW - timedelta(milliseconds=40),
        tier=Tier.T3,
        bids=(Level(Decimal("0.48"), Decimal("10")), Level(Decimal("0.47"), Decimal("250.5"))),
        asks=(Level(Decimal("0.50"), Decimal("250.5")), Level(Decimal("0.51"), Decimal("3"))),
    )
    assert write_orderbook_snapshots(engine, [book, book]) == 1

    with engine.connect() as conn:
        row = conn.execute(select(OrderbookSnapshotRow)).one()
    assert row.bids == [["0.48", "10"], ["0.47", "250.5"]]
    assert row.asks == [["0.50", "250.5"], ["0.51", "3"]]
    assert row.total_bid_depth == Decimal("260.5")
    assert (row.largest_bid_price, row.largest_bid_size) == (Decimal("0.47"), Decimal("250.5"))
    assert (row.largest_ask_price, row.largest_ask_size) == (Decimal("0.50"), Decimal("250.5"))
    assert (row.num_bid_levels, row.num_ask_levels) == (2, 2)
    assert row.exchange_ts == book.exchange_ts


def test_strings_with_copy_metacharacters_are_stored_verbatim(engine: Engine) -> None:
    market_id = add_market(engine)
    odd = Trade(
        token_id="tok\\with\ttab\nand\rbreaks",
        condition_id="0xabc",
        price=Decimal("0.5"),
        size=Decimal("1E+2"),  # exponent notation, as Decimal may print it
        side=Side.BUY,
        exchange_ts=NOW,
        received_at=NOW,
        transaction_hash="0x\\N",  # not a NULL
        best_bid=Decimal("0.49"),
    )
    assert write_trades(engine, [(market_id, odd)]) == 1
    with engine.connect() as conn:
        row = conn.execute(select(TradeRow)).one()
    assert row.token_id == odd.token_id
    assert row.transaction_hash == "0x\\N"
    assert (row.size, row.notional_usd, row.best_bid, row.best_ask) == (
        Decimal(100),
        Decimal(50),
        Decimal("0.49"),
        None,
    )
    assert row.outcome is None
    assert row.fee_rate_bps is None
    assert write_trades(engine, [(market_id, odd)]) == 0  # the same print, through staging
