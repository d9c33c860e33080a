"""Live fills: our executions found in the exchange's trades (pure).

A trade (user channel ``trade``, or REST ``/data/trades``; ``polymarket-api.md`` §4.7, §6)
involves our order either as the **taker** (``taker_order_id``; the top-level fields are ours)
or as a **maker** (one of ``maker_orders[]``, whose ``asset_id`` may be the complementary
token). The exchange re-sends a trade on every status change (MATCHED → MINED → CONFIRMED), so
fills are keyed by ``(trade id, order id)`` and reported once; ``FAILED`` trades are none.

Fees (§4.10) are charged to the taker at match time: a BUY pays them in **shares** (it receives
``size − fee / price``), a SELL in pUSD. A BUY fill therefore reports the shares received and
the fee as ``price × fee shares``: its cash cost ``price × size + fee`` is exactly what left
the wallet, and its size exactly what arrived. Where the order's placement answer gives the
totals (``makingAmount``/``takingAmount``), :func:`match_totals` makes the fills agree with it
to the micro-unit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from polymarket.models.clob.account import ClobTrade
from polymarket.models.clob.account import OpenOrder as SdkOpenOrder

from polymarket_ml.core.enums import ExecutionMode, Side
from polymarket_ml.core.events import MakerFill, OrderUpdate, UserTrade
from polymarket_ml.core.types import Fill
from polymarket_ml.executor.fees import FeeSchedule, taker_fee_usd
from polymarket_ml.executor.paper_fills import PaperFill, slippage

MICRO = Decimal("0.000001")  # shares and pUSD are 6-decimal integers on chain
_BPS = Decimal(10_000)
_ZERO = Decimal(0)
_NO_FILL_STATUSES = frozenset({"FAILED"})


@dataclass(frozen=True, slots=True)
class LiveFill(PaperFill):
    """A fill reported by the exchange: :class:`PaperFill` plus the exchange's trade id."""

    mode: ExecutionMode = ExecutionMode.LIVE
    exchange_trade_id: str | None = None

    def to_fill(self, order_id: int) -> Fill:
        return dataclasses.replace(
            PaperFill.to_fill(self, order_id), exchange_trade_id=self.exchange_trade_id
        )


@dataclass(frozen=True, slots=True)
class OwnFill:
    """One of our orders' part in a trade, as the exchange reports it (gross shares)."""

    trade_id: str
    order_id: str
    token_id: str
    side: Side
    price: Decimal
    size: Decimal
    is_maker: bool
    fee_rate_bps: int
    match_time: datetime | None
    status: str

    @property
    def key(self) -> tuple[str, str]:
        return self.trade_id, self.order_id


def own_fills(trade: UserTrade, order_ids: Container[str]) -> list[OwnFill]:
    """The parts of ``trade`` that belong to the orders ``order_ids`` (none if it failed)."""
    if trade.status.upper() in _NO_FILL_STATUSES:
        return []
    found: list[OwnFill] = []
    when = trade.match_time or trade.exchange_ts
    if trade.taker_order_id and trade.taker_order_id in order_ids:
        found.append(OwnFill(
            trade_id=trade.trade_id, order_id=trade.taker_order_id, token_id=trade.token_id,
            side=trade.side, price=trade.price, size=trade.size, is_maker=False,
            fee_rate_bps=trade.fee_rate_bps or 0, match_time=when, status=trade.status,
        ))  # fmt: skip
    for maker in trade.maker_fills:
        if maker.order_id in order_ids and maker.side is not None:
            found.append(OwnFill(
                trade_id=trade.trade_id, order_id=maker.order_id, token_id=maker.token_id,
                side=maker.side, price=maker.price, size=maker.matched_size, is_maker=True,
                fee_rate_bps=maker.fee_rate_bps or 0, match_time=when, status=trade.status,
            ))  # fmt: skip
    return found


def fill_of(
    own: OwnFill, *, market_id: int, signal_price: Decimal | None, received_at: datetime
) -> LiveFill:
    """The :class:`LiveFill` of ``own``: shares received and the fee, as the docstring says."""
    size, fee = own.size, Decimal("0.00000")
    if not own.is_maker and own.fee_rate_bps > 0 and 0 < own.price < 1:
        charged = taker_fee_usd(own.size, own.price, FeeSchedule(rate=own.fee_rate_bps / _BPS))
        if own.side is Side.BUY:
            fee_shares = (charged / own.price).quantize(MICRO, rounding=ROUND_DOWN)
            size, fee = own.size - fee_shares, fee_shares * own.price
        else:
            fee = charged
    return LiveFill(
        market_id=market_id,
        token_id=own.token_id,
        side=own.side,
        price=own.price,
        size=size,
        fee_usd=fee,
        filled_at=own.match_time or received_at,
        is_maker=own.is_maker,
        slippage=slippage(own.side, own.price, signal_price),
        exchange_trade_id=own.trade_id,
    )


def match_totals(
    fills: Sequence[LiveFill], side: Side, *, making: Decimal, taking: Decimal
) -> tuple[LiveFill, ...]:
    """Make taker ``fills`` of one placement agree with its answer's totals.

    A BUY received ``taking`` shares for ``making`` pUSD; a SELL gave ``making`` shares for
    ``taking`` pUSD after fees. The difference from the fee formula (rounding) goes to the
    last fill; a difference larger than a cent's worth is left alone (not rounding).
    """
    if not fills or taking <= 0:
        return tuple(fills)
    *head, last = fills
    if side is Side.BUY:
        excess = sum((f.size for f in fills), _ZERO) - taking  # more shares than arrived
        if excess == 0 or abs(excess * last.price) > Decimal("0.01") or last.size <= excess:
            return tuple(fills)
        fixed = dataclasses.replace(
            last, size=last.size - excess, fee_usd=last.fee_usd + excess * last.price
        )
    else:
        net = sum((f.price * f.size - f.fee_usd for f in fills), _ZERO)
        excess = net - taking  # more pUSD than arrived
        if excess == 0 or abs(excess) > Decimal("0.01") or last.fee_usd + excess < 0:
            return tuple(fills)
        fixed = dataclasses.replace(last, fee_usd=last.fee_usd + excess)
    return (*head, fixed)


def gross_size(fills: Sequence[OwnFill]) -> Decimal:
    return sum((f.size for f in fills), _ZERO)


def new_since(fills: Sequence[OwnFill], recorded: Decimal) -> list[OwnFill]:
    """Fills of one order after the first ``recorded`` shares (what a database already holds):
    whole trades in match order, skipped until their running total passes ``recorded``."""
    ordered = sorted(fills, key=lambda f: (f.match_time is None, f.match_time, f.trade_id))
    out: list[OwnFill] = []
    total = _ZERO
    for fill in ordered:
        total += fill.size
        if total > recorded:
            out.append(fill)
    return out


# ---- SDK models → core events -----------------------------------------------------------------


def trade_from_sdk(trade: ClobTrade, received_at: datetime) -> UserTrade:
    """A REST ``/data/trades`` item as the SDK parsed it → :class:`UserTrade`."""
    return UserTrade(
        trade_id=trade.id,
        market=str(trade.condition_id),
        token_id=str(trade.asset_id),
        side=Side(trade.side),
        price=trade.price,
        size=trade.size,
        status=str(trade.status),
        received_at=received_at,
        match_time=trade.matched_at,
        last_update=trade.updated_at,
        taker_order_id=trade.taker_order_id,
        trader_side=trade.trader_side,
        outcome=trade.outcome or None,
        fee_rate_bps=int(trade.fee_rate_bps),
        transaction_hash=trade.transaction_hash,
        maker_fills=tuple(
            MakerFill(
                order_id=m.order_id,
                token_id=str(m.asset_id),
                price=m.price,
                matched_size=m.matched_amount,
                owner=m.owner,
                maker_address=m.maker_address,
                outcome=m.outcome or None,
                side=Side(m.side),
                fee_rate_bps=int(m.fee_rate_bps) if m.fee_rate_bps is not None else None,
            )
            for m in trade.maker_orders
        ),
    )


def order_from_sdk(order: SdkOpenOrder, received_at: datetime) -> OrderUpdate:
    """A REST open order as the SDK parsed it → :class:`OrderUpdate`."""
    return OrderUpdate(
        order_id=order.id,
        market=str(order.condition_id),
        token_id=str(order.asset_id),
        side=Side(order.side),
        price=order.price,
        original_size=order.original_size,
        size_matched=order.size_matched,
        status=order.status,
        received_at=received_at,
        order_type=order.order_type,
        outcome=order.outcome or None,
        created_at=order.created_at,
        expiration=order.expires_at,
        associate_trades=tuple(order.associate_trades),
        maker_address=order.maker_address,
    )


def cancel_reason(update: OrderUpdate) -> str | None:
    """Why the exchange closed an order without filling it, or ``None`` if it did not.

    Statuses are kept verbatim by the exchange: ``CANCELED``, ``CANCELED_MARKET_RESOLVED``,
    ``"CANCELED_order couldn't be fully filled. ..."``, ``INVALID``.
    """
    status = (update.status or "").strip()
    upper = status.upper()
    if upper == "INVALID":
        return "invalid on the exchange"
    if upper.startswith("CANCELED") or upper.startswith("CANCELLED"):
        detail = status.split("_", 1)[1] if "_" in status else ""
        if detail.upper() == "MARKET_RESOLVED":
            return "market resolved"
        return f"cancelled by the exchange: {detail}" if detail else "cancelled by the exchange"
    if update.kind == "CANCELLATION":
        return "cancelled by the exchange"
    return None


def position_gaps(
    held: Mapping[str, Decimal],
    on_exchange: Mapping[str, Decimal],
    *,
    tolerance: Decimal = Decimal("0.01"),
) -> list[str]:
    """One line per token whose size in our books differs from the wallet's by more than
    ``tolerance`` shares (dust from fee rounding is not a gap)."""
    gaps = []
    for token in sorted(held.keys() | on_exchange.keys()):
        ours, theirs = held.get(token, _ZERO), on_exchange.get(token, _ZERO)
        if abs(ours - theirs) > tolerance:
            gaps.append(
                f"token {token}: {_plain(ours)} shares in the database,"
                f" {_plain(theirs)} on the exchange"
            )
    return gaps


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
