"""The executor service on a real database: signals to positions, styles, restart, settlement."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select, update

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.enums import (
    ExecutionMode,
    OrderStatus,
    PositionStatus,
    Resolution,
    Side,
    SignalStatus,
)
from polymarket_ml.core.types import Market, OrderbookSnapshot, Trade
from polymarket_ml.executor.config import ExecutorConfig, parse_executor_config
from polymarket_ml.executor.engine import Executor, equity_identity_gaps
from polymarket_ml.storage.bulk import write_orderbook_snapshots, write_trades
from polymarket_ml.storage.engine import make_session_factory
from polymarket_ml.storage.executor_repositories import ExecutorRepository, PositionRepository
from polymarket_ml.storage.models import FillRow, OrderRow, SignalRow
from polymarket_ml.storage.repositories import MarketRepository
from tests.executor.support import NOW, d, levels

YES, NO = "0xm1-yes", "0xm1-no"


def _config(**execution: Any) -> ExecutorConfig:
    off = {"enabled": False}
    return parse_executor_config(
        {
            "paper": {"starting_balance_usd": "1000"},
            "execution": execution,
            "strategies": {"longshot_no": off, "mean_reversion": off, "term_structure": off},
        }
    )


def _market(engine: Engine) -> int:
    market = Market(
        condition_id="0xm1",
        question="Will it?",
        yes_token_id=YES,
        no_token_id=NO,
        end_date=NOW + timedelta(hours=10),
        tick_size=d("0.01"),
        min_order_size=d(5),
        tracking_started_at=NOW,
    )
    with make_session_factory(engine).begin() as s:
        stored = MarketRepository(s).upsert(market, now=NOW)
    assert stored.id is not None
    return stored.id


def _book(engine: Engine, market_id: int, clock: FakeClock, bid: str = "0.93") -> None:
    """YES bids/asks around 0.94 (longshot_yes buys at the 0.95 ask) and the mirrored NO book."""
    b, a = d(bid), d("0.95")
    write_orderbook_snapshots(
        engine,
        [
            OrderbookSnapshot(
                market_id, YES, clock.now(), levels((bid, "500")), levels(("0.95", "500"))
            ),
            OrderbookSnapshot(
                market_id,
                NO,
                clock.now(),
                levels((str(1 - a), "500")),
                levels((str(1 - b), "500")),
            ),
        ],
    )


def _trade(engine: Engine, market_id: int, clock: FakeClock, price: str, size: str) -> None:
    trade = Trade(YES, "0xm1", d(price), d(size), Side.SELL, clock.now(), clock.now())
    write_trades(engine, [(market_id, trade)])


def _setup(engine: Engine) -> tuple[int, FakeClock]:
    clock = FakeClock(NOW)
    market_id = _market(engine)
    _book(engine, market_id, clock)
    return market_id, clock


def _signals(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(SignalRow.side, SignalRow.status).order_by(SignalRow.id))
        return [(side, status) for side, status in rows]


def _orders(engine: Engine) -> list[tuple[str, str, Decimal, Decimal]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                OrderRow.order_type, OrderRow.status, OrderRow.price, OrderRow.filled_size
            ).order_by(OrderRow.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _identity_holds(engine: Engine) -> bool:
    with make_session_factory(engine)() as s:
        repo = ExecutorRepository(s)
        state = repo.state(ExecutionMode.PAPER)
        points = repo.equity_history(ExecutionMode.PAPER)
    assert state is not None
    assert points
    return set(equity_identity_gaps(points, state.starting_balance_usd)) == {Decimal(0)}


def test_a_market_order_opens_a_position_that_a_new_executor_resumes(engine: Engine) -> None:
    market_id, clock = _setup(engine)
    executor = Executor(engine, _config(), clock)
    executor.scan()
    # fixed 25 USD at the 0.95 ask: 26.31 shares, taker fee 26.31 × .072 × .95 × .05 (unknown
    # fee rate: the conservative one)
    assert _signals(engine) == [("BUY", "executed")]
    assert _orders(engine) == [("FAK", "filled", d("0.97"), d("26.31"))]
    with engine.connect() as conn:
        fee, slippage = conn.execute(select(FillRow.fee_usd, FillRow.slippage)).one()
    assert (fee, slippage) == (d("0.08998"), d(0))
    position = executor.portfolio.position(YES)
    assert position is not None
    assert (position.size, position.cost_basis_usd) == (d("26.31"), d("24.9945"))
    assert position.current_price == d("0.93")  # marked at the bid
    assert executor.portfolio.cash_usd == d(1000) - d("24.9945") - d("0.08998")

    clock.advance(timedelta(minutes=1))
    _book(engine, market_id, clock)
    again = Executor(engine, _config(), clock)
    again.scan()
    assert again.portfolio.cash_usd == executor.portfolio.cash_usd
    assert [p.id for p in again.portfolio.positions] == [p.id for p in executor.portfolio.positions]
    assert again.portfolio.fees_usd == d("0.08998")
    assert _signals(engine)[-1] == ("BUY", "rejected")  # position_open: one per token
    assert _identity_holds(engine)


def test_a_limit_order_rests_across_a_restart_and_fills_on_a_trade_through(
    engine: Engine,
) -> None:
    market_id, clock = _setup(engine)
    Executor(engine, _config(style="limit"), clock).scan()
    # posted one tick under the mid (0.94): 0.93, good till 300 s later
    assert _orders(engine) == [("GTD", "open", d("0.93"), d(0))]
    assert _signals(engine) == [("BUY", "approved")]

    restarted = Executor(engine, _config(style="limit"), clock)
    clock.advance(timedelta(seconds=30))
    _trade(engine, market_id, clock, "0.93", "50")  # at our price: we are queued behind
    _book(engine, market_id, clock)
    restarted.scan()
    assert _orders(engine)[0][3] == 0
    clock.advance(timedelta(seconds=30))
    _trade(engine, market_id, clock, "0.92", "10")  # through our price
    _book(engine, market_id, clock)
    restarted.scan()
    assert _orders(engine)[0] == ("GTD", "partially_filled", d("0.93"), d(10))
    assert _signals(engine)[0] == ("BUY", "executed")
    with engine.connect() as conn:
        maker, fee = conn.execute(select(FillRow.is_maker, FillRow.fee_usd)).one()
    assert (maker, fee) == (True, d(0))

    clock.advance(timedelta(seconds=300))  # the rest expires
    _book(engine, market_id, clock)
    restarted.scan()
    assert _orders(engine)[0] == ("GTD", "expired", d("0.93"), d(10))
    assert _identity_holds(engine)


def test_the_average_fill_price_of_an_order_counts_its_fills_from_before_a_restart(
    engine: Engine,
) -> None:
    market_id, clock = _setup(engine)
    executor = Executor(engine, _config(style="limit"), clock)
    executor.scan()  # a bid rests at 0.93
    clock.advance(timedelta(seconds=30))
    _trade(engine, market_id, clock, "0.92", "10")  # through it: 10 filled
    _book(engine, market_id, clock)
    executor.scan()
    with engine.begin() as conn:  # as if that first fill had been at 0.90 (a taker part, live)
        conn.execute(update(FillRow).values(price=d("0.90")))
        conn.execute(update(OrderRow).values(avg_fill_price=d("0.90")))

    restarted = Executor(engine, _config(style="limit"), clock)
    restarted.scan()  # resumes the part-filled order
    clock.advance(timedelta(seconds=30))
    _trade(engine, market_id, clock, "0.92", "10")  # 10 more, at 0.93
    _book(engine, market_id, clock)
    restarted.scan()
    with engine.connect() as conn:
        filled, avg = conn.execute(select(OrderRow.filled_size, OrderRow.avg_fill_price)).one()
    assert filled == d(20)
    assert avg == d("0.915")  # (10 x 0.90 + 10 x 0.93) / 20, not 0.93 from the later fill alone


def test_a_resting_yes_bid_fills_on_a_no_trade_that_went_through_it(engine: Engine) -> None:
    """A NO buyer at 0.06 meets YES bids at 0.94 (a mint); the exchange prints the trade on NO."""
    market_id, clock = _setup(engine)
    executor = Executor(engine, _config(style="limit"), clock)
    executor.scan()
    assert _orders(engine) == [("GTD", "open", d("0.93"), d(0))]  # YES, one tick under mid

    clock.advance(timedelta(seconds=30))
    no_buy = Trade(NO, "0xm1", d("0.07"), d("12"), Side.BUY, clock.now(), clock.now())
    write_trades(engine, [(market_id, no_buy)])  # = a YES sell at 0.93: at our price, queued
    _book(engine, market_id, clock)
    executor.scan()
    assert _orders(engine)[0][3] == 0

    clock.advance(timedelta(seconds=30))
    no_buy = Trade(NO, "0xm1", d("0.08"), d("12"), Side.BUY, clock.now(), clock.now())
    write_trades(engine, [(market_id, no_buy)])  # = a YES sell at 0.92: through our bid
    _book(engine, market_id, clock)
    executor.scan()
    assert _orders(engine)[0] == ("GTD", "partially_filled", d("0.93"), d(12))
    held = executor.portfolio.position(YES)
    assert held is not None
    assert (held.size, held.entry_price) == (d(12), d("0.93"))
    assert executor.portfolio.position(NO) is None
    assert _identity_holds(engine)


def test_an_unfilled_limit_order_times_out_and_its_signal_expires(engine: Engine) -> None:
    market_id, clock = _setup(engine)
    executor = Executor(engine, _config(style="limit", limit_timeout_secs=120), clock)
    executor.scan()
    clock.advance(timedelta(seconds=121))
    _book(engine, market_id, clock)
    executor.scan()
    assert _orders(engine)[0][:2] == ("GTD", "expired")
    assert _signals(engine)[0] == ("BUY", "expired")


def test_a_spread_order_falls_back_to_a_market_order_after_its_timeout(engine: Engine) -> None:
    market_id, clock = _setup(engine)
    executor = Executor(engine, _config(style="spread", spread_timeout_secs=120), clock)
    executor.scan()
    # the spread is 0.93/0.95: improve the bid by a tick, 0.94, to capture the spread
    assert _orders(engine) == [("GTC", "open", d("0.94"), d(0))]
    clock.advance(timedelta(seconds=121))
    _book(engine, market_id, clock)
    executor.scan()
    orders = _orders(engine)
    assert orders[0] == ("GTC", "cancelled", d("0.94"), d(0))
    assert orders[1] == ("FAK", "filled", d("0.97"), d("26.31"))  # crossed at the 0.95 ask
    assert _signals(engine)[0] == ("BUY", "executed")
    assert executor.portfolio.position(YES) is not None


def test_a_position_settles_when_its_market_resolves(engine: Engine) -> None:
    market_id, clock = _setup(engine)
    executor = Executor(engine, _config(), clock)
    executor.scan()
    cash = executor.portfolio.cash_usd
    with make_session_factory(engine).begin() as s:
        MarketRepository(s).record_resolution(
            market_id, Resolution.YES, resolved_at=clock.now(), now=clock.now()
        )
    clock.advance(timedelta(minutes=1))
    executor.scan()
    assert executor.portfolio.positions == ()
    assert executor.portfolio.cash_usd == cash + d("26.31")  # YES pays 1 a share
    with make_session_factory(engine)() as s:
        (stored,) = PositionRepository(s).recent(ExecutionMode.PAPER)
    assert stored.status is PositionStatus.SETTLED
    assert stored.realized_pnl_usd == d("26.31") - d("24.9945")
    assert _identity_holds(engine)


def test_halted_state_survives_a_restart_and_stops_every_order(engine: Engine) -> None:
    from polymarket_ml.executor import control

    market_id, clock = _setup(engine)
    config = _config(style="limit")
    running = Executor(engine, config, clock)
    running.scan()
    result = control.kill(engine, config, now=clock.now(), reason="test")
    assert result.cancelled_orders == 1
    clock.advance(timedelta(minutes=1))
    _book(engine, market_id, clock)
    running.scan()  # the running executor follows the switch
    assert running.halted
    assert running.execution.open_orders() == ()
    assert _orders(engine)[0][1] == "cancelled"
    assert _signals(engine)[-1] == ("BUY", "rejected")
    restarted = Executor(engine, config, clock)
    restarted.scan()
    assert restarted.halted
    with engine.connect() as conn:
        reasons = conn.scalars(select(SignalRow.risk_reasons).order_by(SignalRow.id)).all()
    assert reasons[-1] == ["halted: the kill switch is on"]
    assert control.resume(engine, config, now=clock.now()) == restarted.portfolio.equity_usd
    clock.advance(timedelta(minutes=1))
    _book(engine, market_id, clock)
    restarted.scan()
    assert not restarted.halted
    assert _signals(engine)[-1] == ("BUY", "approved")
    _ = SignalStatus, OrderStatus  # statuses are compared by their stored values above
