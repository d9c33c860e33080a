"""Live mode through the engine: a scan places, fills and stores a real order on the simulator.

One of the simulator's markets is stored in SQLite with its book; ``longshot_yes`` is tuned to
its YES ask, so one scan signals, sizes and sends a FAK order through the SDK. A restart (a new
executor and live execution on the same database) resumes the position and reconciles it with
the exchange without reporting the fill again.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from eth_account import Account
from sqlalchemy import Engine, func, select

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.enums import ExecutionMode
from polymarket_ml.core.types import Book, Level, Market, OrderbookSnapshot
from polymarket_ml.executor.config import ExecutorConfig, parse_executor_config
from polymarket_ml.executor.engine import Executor, equity_identity_gaps
from polymarket_ml.sim.faults import FaultKind, FaultRule
from polymarket_ml.sim.market import SimMarket
from polymarket_ml.storage.bulk import write_orderbook_snapshots
from polymarket_ml.storage.engine import make_engine, make_session_factory
from polymarket_ml.storage.executor_repositories import ExecutorRepository
from polymarket_ml.storage.models import FillRow, OrderRow, SignalRow
from polymarket_ml.storage.repositories import MarketRepository
from tests.executor.live_env import SimThread, live, new_key

D = Decimal
FUNDED = D(100)


@pytest.fixture
def db(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    path = tmp_path / "live.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _config(ask: Decimal, **sections: object) -> ExecutorConfig:
    off = {"enabled": False}
    band = {"min_probability": str(ask - D("0.01")), "max_probability": str(ask + D("0.01"))}
    return parse_executor_config(
        {
            "mode": "live",
            "risk": {"max_position_usd": "10", "max_total_exposure_usd": "20", "max_positions": 2},
            "sizing": {"fixed_amount_usd": "5"},
            "strategies": {"longshot_yes": band, "longshot_no": off, "mean_reversion": off,
                           "term_structure": off},
            **sections,
        }
    )  # fmt: skip


def _store_market(engine: Engine, st: SimThread, market: SimMarket) -> int:
    now = st.clock.now()
    stored = Market(
        condition_id=market.condition_id, question=market.question,
        yes_token_id=market.token_ids[0], no_token_id=market.token_ids[1],
        end_date=now + timedelta(hours=10), tick_size=D("0.01"),
        min_order_size=market.min_order_size, tracking_started_at=now,
    )  # fmt: skip
    with make_session_factory(engine).begin() as s:
        market_id = MarketRepository(s).upsert(stored, now=now).id
    assert market_id is not None
    return market_id


def _store_book(engine: Engine, st: SimThread, market: SimMarket, market_id: int) -> None:
    """The simulator's YES book as it stands, best levels first."""
    bids, asks = st.call(lambda: market.book.levels(True))
    snapshot = OrderbookSnapshot(
        market_id, market.token_ids[0], st.clock.now(),
        tuple(Level(p, s) for p, s in reversed(bids)),
        tuple(Level(p, s) for p, s in reversed(asks)),
    )  # fmt: skip
    write_orderbook_snapshots(engine, [snapshot])


def _count(engine: Engine, column: object) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count(column))) or 0)  # type: ignore[call-overload]


def _identity_gaps(engine: Engine) -> set[Decimal]:
    with make_session_factory(engine)() as s:
        repo = ExecutorRepository(s)
        state = repo.state(ExecutionMode.LIVE)
        points = repo.equity_history(ExecutionMode.LIVE)
    assert state is not None
    assert points
    assert state.starting_balance_usd == FUNDED  # the wallet's balance at the first live start
    return set(equity_identity_gaps(points, state.starting_balance_usd))


def test_a_live_scan_fills_on_the_simulator_and_a_restart_reconciles(
    db: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    key = new_key()
    with SimThread() as st:
        st.call(lambda: st.sim.accounts.fund(Account.from_key(key).address, FUNDED))
        market = st.liquid_market(with_fee=True)
        token = market.token_ids[0]
        ask = st.call(market.book.best_ask)
        assert ask is not None
        st.call(lambda: market.book.asks.__setitem__(ask, D(500)))  # deep enough for one fill
        market_id = _store_market(db, st, market)
        _store_book(db, st, market, market_id)
        config = _config(ask)

        with live(st, key) as ex:
            executor = Executor(db, config, st.clock, execution=ex)
            executor.scan()

            with make_session_factory(db)() as s:
                signals = s.execute(select(SignalRow.strategy, SignalRow.status)).all()
                order = s.scalars(select(OrderRow)).one()
                fill = s.scalars(select(FillRow)).one()
            assert [tuple(r) for r in signals] == [("longshot_yes", "executed")]
            assert (order.mode, order.order_type, order.status) == ("live", "FAK", "filled")
            assert order.exchange_order_id is not None
            assert order.exchange_order_id.startswith("0x")
            assert fill.order_id == order.id
            assert fill.exchange_trade_id
            assert (fill.price, fill.side, fill.is_maker) == (ask, "BUY", False)
            assert fill.fee_usd > 0
            assert 0 < fill.size < order.filled_size  # the taker fee is paid in shares
            assert fill.price * fill.size + fill.fee_usd <= order.price * order.size  # §4.3
            # the limit is above the ask (slippage allowance), yet the pUSD amount sent is what
            # the sized shares cost at the ask: the exchange matched no more shares than sized
            assert order.price > ask
            assert order.size - D("0.01") / ask <= order.filled_size <= order.size
            assert order.avg_fill_price == fill.price  # one fill: its price, not diluted by fees

            position = executor.portfolio.position(token)
            assert position is not None
            assert position.size == fill.size
            assert position.id is not None
            spent = fill.price * fill.size + fill.fee_usd
            assert executor.portfolio.cash_usd == FUNDED - spent
            assert ex.balance_usd() == FUNDED - spent  # the wallet on the exchange agrees
            assert ex.shares(token) == fill.size
            assert executor.portfolio.identity_gap() == 0
            assert _identity_gaps(db) == {D(0)}
            cash = executor.portfolio.cash_usd

        st.advance(3)  # the trade goes MATCHED -> MINED: re-sent, never re-reported
        _store_book(db, st, market, market_id)
        caplog.set_level(logging.ERROR)
        with live(st, key) as ex2:
            restarted = Executor(db, config, st.clock, execution=ex2)
            restarted.scan()

            resumed = restarted.portfolio.position(token)
            assert resumed is not None
            assert (resumed.id, resumed.size) == (position.id, position.size)
            assert restarted.portfolio.cash_usd == cash
            assert restarted.portfolio.starting_balance_usd == FUNDED
            assert ex2.position_gaps({token: resumed.size}) == []
            assert "position differs from the exchange" not in caplog.text
            assert ex2.open_orders() == ()
            assert ex2.balance_usd() == cash
        assert (_count(db, OrderRow.id), _count(db, FillRow.id)) == (1, 1)  # no duplicate
        with db.connect() as conn:
            last = conn.execute(
                select(SignalRow.status, SignalRow.risk_reasons).order_by(SignalRow.id.desc())
            ).first()
        assert last is not None
        assert last.status == "rejected"
        assert last.risk_reasons[0].startswith("position_open")
        assert _identity_gaps(db) == {D(0)}


def test_a_resting_live_order_is_cancelled_on_the_exchange_when_its_signal_expires(
    db: Engine,
) -> None:
    key = new_key()
    with SimThread() as st:
        st.call(lambda: st.sim.accounts.fund(Account.from_key(key).address, FUNDED))
        market = st.liquid_market()
        ask = st.call(market.book.best_ask)
        assert ask is not None
        market_id = _store_market(db, st, market)
        _store_book(db, st, market, market_id)
        limit = {"style": "limit", "limit_offset_ticks": 3}
        config = _config(ask, execution=limit, scanner={"signal_ttl_secs": 30})
        # the executor's own clock: the simulator's stays put, so its heartbeat deadline holds
        clock = FakeClock(st.clock.now())
        with live(st, key) as ex:
            executor = Executor(db, config, clock, execution=ex)
            executor.scan()
            with make_session_factory(db)() as s:
                order = s.scalars(select(OrderRow)).one()
            assert (order.order_type, order.status) == ("GTD", "open")
            assert st.call(lambda: list(st.sim.trading.open)) == [order.exchange_order_id]
            assert ex.balance_usd() == FUNDED  # nothing spent while it rests

            clock.advance(timedelta(seconds=31))
            _store_book(db, st, market, market_id)
            executor.scan()

            with make_session_factory(db)() as s:
                first, again = s.scalars(select(OrderRow).order_by(OrderRow.id)).all()
                signal = s.scalars(select(SignalRow).order_by(SignalRow.id)).first()
            assert (first.status, first.reject_reason) == ("cancelled", "signal expired unfilled")
            assert signal is not None
            assert signal.status == "expired"
            # the same scan enters again (the signal still holds): only the new order rests
            assert again.status == "open"
            open_on_exchange = st.call(lambda: list(st.sim.trading.open))
            assert open_on_exchange == [again.exchange_order_id] != [first.exchange_order_id]
            assert [o.exchange_order_id for o in ex.open_orders()] == open_on_exchange
            assert _count(db, FillRow.id) == 0
            assert executor.portfolio.positions == ()
            assert executor.portfolio.cash_usd == FUNDED == ex.balance_usd()
        assert _identity_gaps(db) == {D(0)}


class _LoopOnlyBooks:
    """One token's book, which (like the collector's) may only be read on its event loop."""

    def __init__(self, book: Book) -> None:
        self._book = book
        self.loop: asyncio.AbstractEventLoop | None = None
        self.reads = 0

    def book(self, token_id: str) -> Book | None:
        self._on_loop()
        return self._book if token_id == self._book.token_id else None

    def top(self, token_id: str) -> tuple[Level | None, Level | None, datetime | None] | None:
        self._on_loop()
        if token_id != self._book.token_id:
            return None
        return self._book.bids[0], self._book.asks[0], self._book.received_at

    def _on_loop(self) -> None:
        assert asyncio.get_running_loop() is self.loop  # RuntimeError in a worker thread
        self.reads += 1


def test_a_live_scan_waits_on_the_exchange_off_the_event_loop_and_reads_books_on_it(
    db: Engine,
) -> None:
    key = new_key()
    with SimThread() as st:
        st.call(lambda: st.sim.accounts.fund(Account.from_key(key).address, FUNDED))
        market = st.liquid_market()
        ask = st.call(market.book.best_ask)
        assert ask is not None
        st.call(lambda: market.book.asks.__setitem__(ask, D(500)))
        _store_market(db, st, market)
        bids, asks = st.call(lambda: market.book.levels(True))
        books = _LoopOnlyBooks(Book(
            token_id=market.token_ids[0], received_at=st.clock.now(),
            bids=tuple(Level(p, s) for p, s in reversed(bids)),
            asks=tuple(Level(p, s) for p, s in reversed(asks)),
        ))  # fmt: skip
        slow = FaultRule(FaultKind.HTTP_SLOW, count=1, delay_s=1.0, path_prefix="/clob/order")
        st.call(lambda: st.sim.faults.add(slow))

        with live(st, key) as ex:
            executor = Executor(db, _config(ask), st.clock, books=books, execution=ex)

            async def scan_while_ticking() -> float:
                books.loop = asyncio.get_running_loop()
                await asyncio.to_thread(executor.resume)
                gaps: list[float] = []
                scanning = asyncio.create_task(executor.scan_async())
                last = time.monotonic()
                while not scanning.done():  # the collector's work, on the same loop
                    await asyncio.sleep(0.01)
                    gaps.append(time.monotonic() - last)
                    last = time.monotonic()
                await scanning
                return max(gaps)

            longest_stall = asyncio.run(scan_while_ticking())

        assert st.call(lambda: st.sim.faults.fired[FaultKind.HTTP_SLOW]) == 1  # waited 1 s
        assert longest_stall < 0.5  # ... but not on the loop
        assert books.reads >= 2  # the tops and the book to size on, all read on the loop
        with make_session_factory(db)() as s:
            order = s.scalars(select(OrderRow)).one()
            signal = s.scalars(select(SignalRow)).one()
        assert (order.status, signal.status) == ("filled", "executed")
        assert executor.portfolio.position(market.token_ids[0]) is not None
