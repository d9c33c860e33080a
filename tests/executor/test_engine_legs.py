"""The legs of one trade (``term_structure``'s NO + YES pair): both placed, or neither."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Engine, select

from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.types import Market, OrderbookSnapshot
from polymarket_ml.executor.config import ExecutorConfig, parse_executor_config
from polymarket_ml.executor.engine import Executor
from polymarket_ml.storage.bulk import write_orderbook_snapshots
from polymarket_ml.storage.engine import make_session_factory
from polymarket_ml.storage.models import OrderRow, SignalRow
from polymarket_ml.storage.repositories import MarketRepository
from tests.executor.support import NOW, d, levels

ONE = Decimal(1)


def _config(**risk: object) -> ExecutorConfig:
    off = {"enabled": False}
    return parse_executor_config(
        {
            "paper": {"starting_balance_usd": "1000"},
            "risk": risk,
            "sizing": {"fixed_amount_usd": "25"},
            "strategies": {"longshot_yes": off, "longshot_no": off, "mean_reversion": off},
        }
    )


def _series(engine: Engine, clock: FakeClock) -> None:
    """One event, two deadlines: "by 5 h" YES at 0.60/0.61, "by 10 h" YES at 0.49/0.50 — the
    later deadline is priced 10 cents below the earlier one. NO books mirror YES."""
    books = []
    for name, hours, bid, ask, depth in (("early", 5, "0.60", "0.61", "500"),
                                         ("late", 10, "0.49", "0.50", "500")):  # fmt: skip
        market = Market(
            condition_id=f"0x{name}", question=f"Will it happen within {hours} h?",
            event_id="ev1", yes_token_id=f"{name}-yes", no_token_id=f"{name}-no",
            end_date=NOW + timedelta(hours=hours), tick_size=d("0.01"), min_order_size=d(5),
            tracking_started_at=NOW,
        )  # fmt: skip
        with make_session_factory(engine).begin() as s:
            market_id = MarketRepository(s).upsert(market, now=NOW).id
        assert market_id is not None
        b, a = d(bid), d(ask)
        books += [
            OrderbookSnapshot(market_id, f"{name}-yes", clock.now(), levels((bid, depth)),
                              levels((ask, depth))),
            OrderbookSnapshot(market_id, f"{name}-no", clock.now(),
                              levels((str(ONE - a), depth)), levels((str(ONE - b), depth))),
        ]  # fmt: skip
    write_orderbook_snapshots(engine, books)


def _signals(engine: Engine) -> list[tuple[str, str, list[str]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(SignalRow.token_id, SignalRow.status, SignalRow.risk_reasons).order_by(
                SignalRow.token_id
            )
        )
        return [(token, status, list(reasons or [])) for token, status, reasons in rows]


def test_both_legs_of_a_violation_are_bought_for_the_same_number_of_shares(
    engine: Engine,
) -> None:
    clock = FakeClock(NOW)
    _series(engine, clock)
    executor = Executor(engine, _config(), clock)
    executor.scan()

    assert [(t, s) for t, s, _ in _signals(engine)] == [
        ("early-no", "executed"),
        ("late-yes", "executed"),
    ]
    early_no = executor.portfolio.position("early-no")
    late_yes = executor.portfolio.position("late-yes")
    assert early_no is not None
    assert late_yes is not None
    # 25 USD buys 62.5 NO at 0.40 but only 50 YES at 0.50: both legs get 50 shares
    assert early_no.size == late_yes.size == d(50)
    assert early_no.entry_price == d("0.40")
    assert late_yes.entry_price == d("0.50")


def test_when_risk_refuses_one_leg_neither_is_placed(engine: Engine) -> None:
    clock = FakeClock(NOW)
    _series(engine, clock)
    executor = Executor(engine, _config(max_positions=1), clock)  # room for one leg only
    executor.scan()

    (first, first_status, first_why), (second, second_status, second_why) = _signals(engine)
    assert (first, second) == ("early-no", "late-yes")
    assert first_status == second_status == "rejected"
    assert first_why[0].startswith("leg_rejected: another leg of this trade was rejected")
    assert second_why[0] == "max_positions: 1 open, limit 1"  # the first leg counted as open
    with engine.connect() as conn:
        assert conn.scalar(select(OrderRow.id)) is None  # no order, not even the first leg
    assert executor.portfolio.positions == ()
    assert executor.portfolio.cash_usd == d(1000)
