"""Repositories speak core types and run the queries later layers need, on both backends."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from polymarket_ml.core.enums import (
    DeactivationReason,
    ExecutionMode,
    OrderStatus,
    OrderType,
    Outcome,
    PositionStatus,
    Resolution,
    Side,
    SignalStatus,
    TaskStatus,
    Tier,
)
from polymarket_ml.core.types import (
    EquityPoint,
    Fill,
    Market,
    Order,
    Position,
    Signal,
    TierTransition,
)
from polymarket_ml.storage.engine import make_session_factory
from polymarket_ml.storage.executor_repositories import (
    ExecutorRepository,
    OrderRepository,
    PositionRepository,
    SignalRepository,
)
from polymarket_ml.storage.models import MarketRow
from polymarket_ml.storage.repositories import (
    MarketRepository,
    TaskRunRepository,
    TierTransitionRepository,
)
from tests.storage.conftest import NOW, add_market


def test_market_upsert_refreshes_metadata_and_keeps_tracking_state(engine: Engine) -> None:
    factory = make_session_factory(engine)
    market_id = add_market(engine, "0x1", initial_price=Decimal("0.42"), tier=Tier.T1)
    with factory.begin() as s:
        refreshed = MarketRepository(s).upsert(
            Market(
                condition_id="0x1", question="Renamed?", tick_size=Decimal("0.001"), tier=Tier.T4
            ),
            now=NOW + timedelta(hours=1),
        )
    assert refreshed.id == market_id
    assert refreshed.question == "Renamed?"
    assert refreshed.tick_size == Decimal("0.001")
    assert refreshed.initial_price == Decimal("0.42")  # set at discovery, never refreshed
    assert refreshed.tier == Tier.T1  # tiers change only through set_tier
    assert refreshed.tracking_started_at == NOW


def test_market_tiers_deactivation_and_resolution(engine: Engine) -> None:
    factory = make_session_factory(engine)
    a = add_market(engine, "0xa")
    b = add_market(engine, "0xb")
    with factory.begin() as s:
        repo = MarketRepository(s)
        repo.set_tier(a, Tier.T3, now=NOW)
        repo.deactivate(b, DeactivationReason.RESOLVED, now=NOW)
        repo.record_resolution(b, Resolution.VOID, resolved_at=NOW, now=NOW)
    with factory() as s:
        repo = MarketRepository(s)
        assert [m.condition_id for m in repo.list_active()] == ["0xa"]
        assert [m.id for m in repo.list_active(Tier.T3)] == [a]
        assert repo.count_by_tier() == {Tier.T3: 1}
        resolved = repo.get("0xb")
    assert resolved is not None
    assert (resolved.active, resolved.resolution) == (False, Resolution.VOID)
    assert resolved.deactivation_reason is DeactivationReason.RESOLVED


def test_condition_id_is_unique(engine: Engine) -> None:
    add_market(engine, "0xdup")
    factory = make_session_factory(engine)
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), factory.begin() as s:
        s.add(
            MarketRow(
                condition_id="0xdup",
                question="?",
                tracking_started_at=NOW,
                first_seen_at=NOW,
                updated_at=NOW,
            )
        )


def test_tier_transitions_record_discovery_changes_and_deactivation(engine: Engine) -> None:
    market_id = add_market(engine)
    steps = [(None, Tier.T1, "discovered"), (Tier.T1, Tier.T2, "time"), (Tier.T2, None, "resolved")]
    with make_session_factory(engine).begin() as s:
        repo = TierTransitionRepository(s)
        for minutes, (src, dst, reason) in enumerate(steps):
            repo.add(
                TierTransition(market_id, src, dst, NOW + timedelta(minutes=minutes), 11.5, reason)
            )
    with make_session_factory(engine)() as s:
        got = TierTransitionRepository(s).since(NOW)
    assert [(t.from_tier, t.to_tier, t.reason) for t in got] == steps


def test_task_runs_record_duration_and_errors(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with factory.begin() as s:
        run_id = TaskRunRepository(s).start("snapshot", "task-1", now=NOW, tier=Tier.T2)
    with factory.begin() as s:
        TaskRunRepository(s).finish(
            run_id,
            TaskStatus.FAILED,
            now=NOW + timedelta(milliseconds=1500),
            markets_processed=3,
            error_message="boom",
            error_traceback="Traceback ...",
        )
    with factory() as s:
        [run] = TaskRunRepository(s).recent()
    assert (run.status, run.duration_ms, run.tier) == (TaskStatus.FAILED, 1500, Tier.T2)
    assert (run.markets_processed, run.error_message) == (3, "boom")


def test_signals_positions_orders_and_fills_round_trip(engine: Engine) -> None:
    market_id = add_market(engine)
    factory = make_session_factory(engine)
    with factory.begin() as s:
        signal_id = SignalRepository(s).add(
            Signal(
                strategy="longshot_yes",
                market_id=market_id,
                token_id="tok",
                side=Side.BUY,
                reason="YES at 0.95 with 3h left",
                created_at=NOW,
                price_at_signal=Decimal("0.95"),
                edge=0.02,
                outcome=Outcome.YES,
            )
        )
        SignalRepository(s).set_status(
            signal_id, SignalStatus.REJECTED, now=NOW, reasons=["max_positions reached"]
        )
        orders = OrderRepository(s)
        order_id = orders.add(
            Order(
                client_order_id="c-1",
                market_id=market_id,
                token_id="tok",
                side=Side.BUY,
                price=Decimal("0.95"),
                size=Decimal("10"),
                order_type=OrderType.GTC,
                mode=ExecutionMode.PAPER,
                status=OrderStatus.OPEN,
                created_at=NOW,
                updated_at=NOW,
                signal_id=signal_id,
            )
        )
        orders.add_fill(
            Fill(
                order_id=order_id,
                market_id=market_id,
                token_id="tok",
                side=Side.BUY,
                price=Decimal("0.95"),
                size=Decimal("4"),
                fee_usd=Decimal("0.0019"),
                filled_at=NOW,
                mode=ExecutionMode.PAPER,
                slippage=Decimal("0.01"),
            )
        )
        orders.update_status(
            order_id, OrderStatus.PARTIALLY_FILLED, filled_size=Decimal("4"), now=NOW
        )
        position = PositionRepository(s).save(
            Position(
                market_id=market_id,
                token_id="tok",
                outcome=Outcome.YES,
                strategy="longshot_yes",
                mode=ExecutionMode.PAPER,
                size=Decimal("4"),
                entry_price=Decimal("0.95"),
                cost_basis_usd=Decimal("3.80"),
                opened_at=NOW,
                current_price=Decimal("0.96"),
            ),
            now=NOW,
        )
    with factory() as s:
        [signal] = SignalRepository(s).recent()
        [order] = OrderRepository(s).open_orders(ExecutionMode.PAPER)
        [fill] = OrderRepository(s).fills(order_id)
        [open_position] = PositionRepository(s).open_positions(ExecutionMode.PAPER)
        assert PositionRepository(s).open_positions(ExecutionMode.LIVE) == []
    assert signal.status is SignalStatus.REJECTED
    assert signal.risk_reasons == ("max_positions reached",)
    assert (order.status, order.filled_size) == (OrderStatus.PARTIALLY_FILLED, Decimal("4"))
    assert fill.fee_usd == Decimal("0.0019")
    assert open_position == position
    assert open_position.unrealized_pnl_usd == Decimal("0.04")

    with factory.begin() as s:
        PositionRepository(s).save(
            Position(**{**_fields(position), "status": PositionStatus.SETTLED}), now=NOW
        )
    with factory() as s:
        assert PositionRepository(s).open_positions() == []


def test_position_totals_are_exact_sums_per_mode(engine: Engine) -> None:
    market_id = add_market(engine)
    factory = make_session_factory(engine)
    with factory() as s:  # no position yet
        assert PositionRepository(s).totals(ExecutionMode.PAPER) == (Decimal(0), Decimal(0))
    with factory.begin() as s:
        for mode, realized, fees in [
            (ExecutionMode.PAPER, "0.1", "0.000001"),
            (ExecutionMode.PAPER, "0.2", "0.000002"),
            (ExecutionMode.PAPER, "-1234567.333333", "0.3"),
            (ExecutionMode.LIVE, "1000", "1"),
        ]:
            PositionRepository(s).save(
                Position(
                    market_id=market_id,
                    token_id="tok",
                    outcome=Outcome.YES,
                    strategy="longshot_yes",
                    mode=mode,
                    size=Decimal("4"),
                    entry_price=Decimal("0.95"),
                    cost_basis_usd=Decimal("3.80"),
                    opened_at=NOW,
                    realized_pnl_usd=Decimal(realized),
                    fees_usd=Decimal(fees),
                ),
                now=NOW,
            )
    with factory() as s:
        realized, fees = PositionRepository(s).totals(ExecutionMode.PAPER)
    assert realized == Decimal("-1234567.033333")  # not 0.30000000000000004-ish
    assert fees == Decimal("0.300003")


def _fields(position: Position) -> dict[str, object]:
    return {name: getattr(position, name) for name in Position.__dataclass_fields__}


def test_executor_state_and_equity_history(engine: Engine) -> None:
    factory = make_session_factory(engine)
    point = EquityPoint(
        timestamp=NOW,
        mode=ExecutionMode.PAPER,
        cash_usd=Decimal("900"),
        positions_value_usd=Decimal("95.5"),
        realized_pnl_usd=Decimal("0"),
        unrealized_pnl_usd=Decimal("-4.5"),
        fees_usd=Decimal("0.25"),
        peak_equity_usd=Decimal("1000"),
    )
    with factory.begin() as s:
        repo = ExecutorRepository(s)
        repo.append_equity(point)
        repo.save_state(
            ExecutionMode.PAPER,
            starting_balance_usd=Decimal("1000"),
            cash_usd=Decimal("900"),
            peak_equity_usd=Decimal("1000"),
            halted=True,
            halted_reason="kill switch",
            now=NOW,
        )
    with factory() as s:
        repo = ExecutorRepository(s)
        [stored] = repo.equity_history(ExecutionMode.PAPER)
        state = repo.state(ExecutionMode.PAPER)
        assert s.scalar(select(MarketRow).limit(1)) is None
    assert stored == point
    assert stored.drawdown_pct == Decimal("0.45")
    assert state is not None
    assert state.halted
    assert state.halted_at == NOW


def test_trade_activity_of_followed_markets(engine: Engine) -> None:
    followed = add_market(engine, "0xf")
    unfollowed = add_market(engine, "0xu")
    factory = make_session_factory(engine)
    with factory.begin() as s:
        markets = MarketRepository(s)
        markets.set_tier(followed, Tier.T3, now=NOW)
        transitions = TierTransitionRepository(s)
        transitions.add(TierTransition(followed, Tier.T1, Tier.T2, NOW, 11.0, "time"))
        transitions.add(
            TierTransition(followed, Tier.T2, Tier.T3, NOW + timedelta(hours=8), 3.9, "time")
        )
        markets.record_last_trades({followed: NOW + timedelta(hours=1)})
        markets.record_last_trades({followed: NOW})  # never moves backwards
    with factory() as s:
        activity = MarketRepository(s).trade_activity({Tier.T2, Tier.T3, Tier.T4})
    assert set(activity) == {followed}
    assert activity[followed].last_trade_at == NOW + timedelta(hours=1)
    assert activity[followed].followed_since == NOW + timedelta(hours=8)
    assert unfollowed not in activity
