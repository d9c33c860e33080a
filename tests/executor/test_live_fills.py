"""Our fills found in the exchange's trades (pure)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from polymarket_ml.core.enums import OrderType, Side
from polymarket_ml.core.events import MakerFill, OrderUpdate, UserTrade
from polymarket_ml.executor.execution import OrderIntent
from polymarket_ml.executor.fees import FeeSchedule
from polymarket_ml.executor.live import buy_amount_usd
from polymarket_ml.executor.live_fills import (
    cancel_reason,
    fill_of,
    match_totals,
    new_since,
    own_fills,
    position_gaps,
)
from tests.executor.support import NOW

D = Decimal


def trade(**fields: object) -> UserTrade:
    base: dict[str, object] = {
        "trade_id": "t1", "market": "0xcid", "token_id": "yes", "side": Side.BUY,
        "price": D("0.40"), "size": D(100), "status": "MATCHED", "received_at": NOW,
        "match_time": NOW, "taker_order_id": "0xtaker", "trader_side": "TAKER",
        "fee_rate_bps": 200,
    }  # fmt: skip
    base.update(fields)
    return UserTrade(**base)  # type: ignore[arg-type]


def test_a_taker_buy_receives_its_shares_less_the_fee_and_pays_exactly_price_times_size() -> None:
    [own] = own_fills(trade(), {"0xtaker"})

    fill = fill_of(own, market_id=3, signal_price=D("0.39"), received_at=NOW)

    # fee 100 × 0.02 × 0.4 × 0.6 = 0.48 USD = 1.2 shares at 0.40
    assert (fill.size, fill.fee_usd) == (D("98.8"), D("0.48"))
    assert fill.price * fill.size + fill.fee_usd == D("40.00")
    assert fill.slippage == D("0.01")
    assert (fill.exchange_trade_id, fill.is_maker, fill.market_id) == ("t1", False, 3)
    assert fill.to_fill(order_id=9).exchange_trade_id == "t1"


def test_a_taker_sell_pays_its_fee_in_cash() -> None:
    [own] = own_fills(trade(side=Side.SELL), {"0xtaker"})

    fill = fill_of(own, market_id=3, signal_price=None, received_at=NOW)

    assert (fill.size, fill.fee_usd, fill.slippage) == (D(100), D("0.48000"), None)


def test_our_maker_order_is_found_in_maker_orders_and_pays_no_fee() -> None:
    mine = MakerFill(order_id="0xmine", token_id="no", price=D("0.60"), matched_size=D(25),
                     owner="k", side=Side.BUY)  # fmt: skip
    other = MakerFill(order_id="0xother", token_id="no", price=D("0.60"), matched_size=D(75))
    seen = trade(maker_fills=(mine, other), trader_side="MAKER")

    [own] = own_fills(seen, {"0xmine"})
    fill = fill_of(own, market_id=3, signal_price=None, received_at=NOW)

    assert (own.token_id, own.side, own.is_maker, own.key) == (
        "no",
        Side.BUY,
        True,
        ("t1", "0xmine"),
    )
    assert (fill.price, fill.size, fill.fee_usd) == (D("0.60"), D(25), D(0))


def test_failed_trades_and_trades_of_other_orders_are_no_fills() -> None:
    assert own_fills(trade(status="FAILED"), {"0xtaker"}) == []
    assert own_fills(trade(), {"0xsomeone"}) == []


def test_fills_are_made_to_agree_with_the_placement_totals() -> None:
    owns = own_fills(trade(), {"0xtaker"}) + own_fills(trade(trade_id="t2"), {"0xtaker"})
    fills = [fill_of(o, market_id=1, signal_price=None, received_at=NOW) for o in owns]

    fixed = match_totals(fills, Side.BUY, making=D(80), taking=D("197.599"))

    assert sum(f.size for f in fixed) == D("197.599")
    assert sum(f.price * f.size + f.fee_usd for f in fixed) == D(80)
    assert fixed[0] == fills[0]
    unchanged = match_totals(fills, Side.BUY, making=D(80), taking=D(150))  # not rounding
    assert tuple(unchanged) == tuple(fills)


def test_only_fills_past_what_the_database_recorded_are_new() -> None:
    owns = [
        own
        for i, size in enumerate((D(3), D(4), D(5)))
        for own in own_fills(
            trade(trade_id=f"t{i}", size=size, match_time=NOW + timedelta(seconds=i)),
            {"0xtaker"},
        )
    ]

    assert [f.trade_id for f in new_since(list(reversed(owns)), D(7))] == ["t2"]
    assert [f.trade_id for f in new_since(owns, D(0))] == ["t0", "t1", "t2"]
    assert new_since(owns, D(12)) == []


def test_cancel_reasons_keep_the_exchange_words() -> None:
    def update(status: str, kind: str | None = "CANCELLATION") -> OrderUpdate:
        return OrderUpdate("0x1", "0xcid", "yes", Side.BUY, D("0.4"), D(10), D(0), status, NOW,
                           kind=kind)  # fmt: skip

    assert cancel_reason(update("CANCELED")) == "cancelled by the exchange"
    assert cancel_reason(update("CANCELED_MARKET_RESOLVED")) == "market resolved"
    killed = "CANCELED_order couldn't be fully filled. FOK orders are fully filled or killed."
    assert cancel_reason(update(killed)).endswith("FOK orders are fully filled or killed.")  # type: ignore[union-attr]
    assert cancel_reason(update("LIVE", "PLACEMENT")) is None
    assert cancel_reason(update("INVALID", "UPDATE")) == "invalid on the exchange"


def test_position_gaps_ignore_rounding_dust() -> None:
    held = {"a": D("98.8"), "b": D(10)}

    gaps = position_gaps(held, {"a": D("98.795"), "b": D(4), "c": D(1)})

    assert gaps == [
        "token b: 10 shares in the database, 4 on the exchange",
        "token c: 0 shares in the database, 1 on the exchange",
    ]


def test_a_market_buy_spends_what_the_sized_shares_cost_never_more_than_the_limit_allows() -> None:
    def intent(spend: str | None) -> OrderIntent:
        return OrderIntent(
            client_order_id="c", market_id=1, token_id="t", side=Side.BUY, price=D("0.60"),
            size=D("10"), order_type=OrderType.FAK, fee=FeeSchedule(rate=D(0)),
            spend_usd=None if spend is None else D(spend),
        )  # fmt: skip

    assert buy_amount_usd(intent("5.4379"), D("10")) == D("5.43")  # the walk's cost, cents down
    assert buy_amount_usd(intent(None), D("10")) == D("6.00")  # no walk: the limit × size
    assert buy_amount_usd(intent("7.25"), D("10")) == D("6.00")  # never past the limit
    assert buy_amount_usd(intent("0"), D("9.99")) == D("5.99")
