"""The simulator's trading desk: user orders resting in or matching against the simulated books.

Placing: an order passes the exchange's checks (``orders.py``), then a marketable part takes
liquidity from the market's book at once (taker, fee on the proceeds, §4.10); a GTC/GTD rest
stays open. After every engine step, :meth:`TradingDesk.on_step` fills resting orders the
simulated market traded through (a taker trading strictly past the order's price) or crossed
(a quote at or past it), expires GTD orders (``expiration`` − 60 s), cancels the orders of keys
whose heartbeat lapsed and of resolved markets, and moves trades MATCHED → MINED → CONFIRMED.

Every change is published: ``order``/``trade`` events to the user channel of the owning key,
and book changes plus ``last_trade_price`` to the market channel; user taker fills also join
the public tape (``/data/trades``). Balances are reserved by open orders (§4.9).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from polymarket_ml.core.enums import Side
from polymarket_ml.sim.accounts import Accounts, ApiCreds, Wallet
from polymarket_ml.sim.book import CENT, ONE, ZERO, LevelChange
from polymarket_ml.sim.engine import SimEngine
from polymarket_ml.sim.feed import (
    FeedBestBidAsk,
    FeedItem,
    FeedPriceChange,
    FeedResolved,
    FeedTrade,
    PriceChangeEntry,
)
from polymarket_ml.sim.ids import millis, new_address, new_hex32, sha1_hex
from polymarket_ml.sim.market import SimMarket
from polymarket_ml.sim.orders import (
    FAK_NOT_FILLED,
    FOK_NOT_FILLED,
    GTD_SECURITY_S,
    NOT_ENOUGH_BALANCE,
    POST_ONLY_CROSSES,
    MakerFill,
    OrderRejectedError,
    OrderRequest,
    SimOrder,
    SimTrade,
    check_marketable_buy_minimum,
    check_rules,
    check_signature,
    crosses_book,
    crossing_liquidity,
    crossing_value_usd,
    order_id_of,
    quantize_shares,
    take_from_book,
    taker_fee_usd,
)
from polymarket_ml.sim.user_payloads import ws_order, ws_trade

UserPublisher = Callable[[str, str, dict[str, Any]], None]
FeedPublisher = Callable[[list[FeedItem]], None]
MINED_AFTER_S = 2.0
CONFIRMED_AFTER_S = 6.0
ALREADY_DONE = "already canceled or matched"
_OPPOSITE = {Side.BUY: Side.SELL, Side.SELL: Side.BUY}


@dataclass(frozen=True, slots=True)
class Placement:
    """What ``POST /order`` answers for an accepted order."""

    order: SimOrder
    trades: list[SimTrade]
    making: Decimal
    taking: Decimal


class TradingDesk:
    """Orders, trades and accounts of the simulator's users."""

    def __init__(
        self, engine: SimEngine, accounts: Accounts, seed: int,
        publish_user: UserPublisher | None = None, publish_feed: FeedPublisher | None = None,
    ) -> None:  # fmt: skip
        self.engine = engine
        self.accounts = accounts
        self.orders: dict[str, SimOrder] = {}
        self.open: dict[str, SimOrder] = {}
        self.trades: list[SimTrade] = []
        self.publish_user: UserPublisher = publish_user or (lambda owner, market, body: None)
        self.publish_feed: FeedPublisher = publish_feed or (lambda items: None)
        self._rng = random.Random(seed ^ 0x7EAD)
        self._seq = 0

    # ---- ids -----------------------------------------------------------------------------
    def _uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # ---- balances ------------------------------------------------------------------------
    def _open_of_wallet(self, wallet: str) -> Iterable[SimOrder]:
        return (o for o in self.open.values() if o.wallet.lower() == wallet.lower())

    def reserved_collateral(self, wallet: str) -> Decimal:
        return sum((o.remaining * o.price for o in self._open_of_wallet(wallet)
                    if o.side is Side.BUY), ZERO)  # fmt: skip

    def reserved_shares(self, wallet: str, token_id: str) -> Decimal:
        return sum((o.remaining for o in self._open_of_wallet(wallet)
                    if o.side is Side.SELL and o.asset_id == token_id), ZERO)  # fmt: skip

    def _check_balance(self, request: OrderRequest, wallet: Wallet) -> None:
        if request.side is Side.BUY:
            free = wallet.collateral - self.reserved_collateral(wallet.address)
            needed = request.maker_amount
        else:
            free = wallet.shares(request.token_id) - self.reserved_shares(
                wallet.address, request.token_id
            )
            needed = request.size
        if needed > free:
            raise OrderRejectedError(NOT_ENOUGH_BALANCE)

    # ---- placing -------------------------------------------------------------------------
    def place(self, request: OrderRequest, creds: ApiCreds, now: datetime) -> Placement:
        """Check, match and maybe rest one order; raises :class:`OrderRejectedError`."""
        market = self.engine.by_token.get(request.token_id)
        if market is None:
            raise OrderRejectedError(f"the orderbook {request.token_id} does not exist")
        if market.closed:
            raise OrderRejectedError("the market is not yet ready to process new orders")
        if request.owner != creds.key:
            raise OrderRejectedError("the order owner has to be the owner of the API KEY")
        order_id = order_id_of(request, market)
        check_signature(request, order_id, creds.address)
        if order_id in self.orders:
            raise OrderRejectedError(f"order {order_id} is invalid. Duplicated.")
        check_rules(request, order_id, market, int(now.timestamp()))
        order = SimOrder(
            id=order_id, owner=creds.key, wallet=creds.address, maker_address=request.maker,
            market=market, asset_id=request.token_id, side=request.side, price=request.price,
            original_size=request.size, order_type=request.order_type,
            expiration=request.expiration, created_at=now, post_only=request.post_only,
        )  # fmt: skip
        wallet = self.accounts.wallet(creds.address)
        crosses = crosses_book(market.book, order)
        check_marketable_buy_minimum(request, crosses)
        self._check_balance(request, wallet)
        if order.post_only and crosses:
            raise OrderRejectedError(POST_ONLY_CROSSES)
        if order.order_type == "FOK" and not self._fok_fillable(order, request):
            self._killed(order, FOK_NOT_FILLED, now)
            raise OrderRejectedError(FOK_NOT_FILLED)
        if order.order_type == "FAK" and not crosses:
            self._killed(order, FAK_NOT_FILLED, now)
            raise OrderRejectedError(FAK_NOT_FILLED)
        self.orders[order.id] = order
        trades: list[SimTrade] = []
        making = taking = ZERO
        if crosses:
            trades, making, taking = self._take(order, wallet, now, self._budget(request))
        if order.remaining > ZERO and order.order_type in ("GTC", "GTD"):
            self.open[order.id] = order
            self.publish_user(order.owner, market.condition_id,
                              ws_order(order, "PLACEMENT", now))  # fmt: skip
        else:
            order.status = "MATCHED" if order.size_matched > ZERO else "CANCELED"
        return Placement(order, trades, making, taking)

    @staticmethod
    def _budget(request: OrderRequest) -> Decimal | None:
        """A market (FOK/FAK) BUY spends its ``makerAmount`` in pUSD."""
        marketable_buy = request.side is Side.BUY and request.order_type in ("FOK", "FAK")
        return request.maker_amount if marketable_buy else None

    def _fok_fillable(self, order: SimOrder, request: OrderRequest) -> bool:
        budget = self._budget(request)
        if budget is not None:  # fully filled up to one cent of rounding dust
            return crossing_value_usd(order.market.book, order) >= budget - CENT
        return crossing_liquidity(order.market.book, order) >= order.remaining

    def _killed(self, order: SimOrder, reason: str, now: datetime) -> None:
        body = ws_order(order, "CANCELLATION", now, status=f"CANCELED_{reason}")
        self.publish_user(order.owner, order.market.condition_id, body)

    def _take(
        self, order: SimOrder, wallet: Wallet, now: datetime, budget_usd: Decimal | None
    ) -> tuple[list[SimTrade], Decimal, Decimal]:
        """Fill the marketable part of ``order`` against the book, as the taker."""
        market = order.market
        before = market.book.top(True)
        fills: list[tuple[Decimal, Decimal]] = []
        ts = millis(now)
        bps = int(market.fee_rate * 10_000)
        tx_hash = new_hex32(self._rng)
        feed: list[FeedItem] = []
        trades: list[SimTrade] = []
        making = taking = ZERO
        maker_side = Side.SELL if order.consumes_yes_asks else Side.BUY
        for yes_price, size in take_from_book(market.book, order, order.remaining, budget_usd):
            fills.append((yes_price, size))  # the level is taken: its message follows below
            price = yes_price if order.index == 0 else ONE - yes_price
            fee = taker_fee_usd(size, price, market.fee_rate)
            cost = price * size
            if order.side is Side.BUY:
                received = size - quantize_shares(fee / price)
                wallet.collateral -= cost
                wallet.add_shares(order.asset_id, received)
                making, taking = making + cost, taking + received
            else:
                wallet.add_shares(order.asset_id, -size)
                wallet.collateral += cost - fee
                making, taking = making + size, taking + cost - fee
            order.size_matched += size
            maker = MakerFill(
                order_id=new_hex32(self._rng), owner=self._uuid(),
                maker_address=new_address(self._rng), matched_amount=size, price=yes_price,
                fee_rate_bps=0, asset_id=market.token_ids[0], outcome=market.outcomes[0],
                side=maker_side,
            )  # fmt: skip
            trade = SimTrade(
                id=self._uuid(), taker_order_id=order.id, market=market,
                asset_id=order.asset_id, side=order.side, size=size, price=price,
                fee_rate_bps=bps, match_time=now, owner=order.owner,
                maker_address=order.maker_address, trader_side="TAKER",
                transaction_hash=tx_hash, maker_orders=[maker],
            )  # fmt: skip
            trades.append(trade)
            order.associate_trades.append(trade.id)
            market.volume_usd += cost
            tape = FeedTrade(market, order.asset_id, ts, price, size, order.side, bps, tx_hash,
                             order.maker_address)  # fmt: skip
            self.engine.trades.append(tape)
            left = (market.book.asks if order.consumes_yes_asks else market.book.bids).get(
                yes_price, ZERO
            )
            feed.append(tape)
            feed.append(self._price_change(market, ts, LevelChange(maker_side, yes_price, left)))
        if fills:
            last = fills[-1][0]
            market.last_trade_price[0], market.last_trade_price[1] = last, ONE - last
            market.last_trade_side[order.index] = order.side.value
            market.last_trade_side[1 - order.index] = _OPPOSITE[order.side].value
        feed.extend(self._top_changes(market, before, ts))
        self.trades.extend(trades)
        self.publish_feed(feed)
        for trade in trades:
            self.publish_user(trade.owner, market.condition_id, ws_trade(trade, now))
        return trades, making, taking

    def _price_change(self, market: SimMarket, ts: int, change: LevelChange) -> FeedPriceChange:
        self._seq += 1
        yes_bid, yes_ask = market.book.top(True)
        no_bid, no_ask = market.book.top(False)
        yes_id, no_id = market.token_ids
        entries = (
            PriceChangeEntry(yes_id, change.price, change.size, change.side, yes_bid, yes_ask,
                             sha1_hex(f"{yes_id}:{ts}:user:{self._seq}")),
            PriceChangeEntry(no_id, ONE - change.price, change.size, _OPPOSITE[change.side],
                             no_bid, no_ask, sha1_hex(f"{no_id}:{ts}:user:{self._seq}")),
        )  # fmt: skip
        return FeedPriceChange(market, ts, entries)

    def _top_changes(self, market: SimMarket, before: tuple[Decimal | None, Decimal | None],
                     ts: int) -> list[FeedItem]:  # fmt: skip
        after = market.book.top(True)
        if after == before:
            return []
        market.cached_bid, market.cached_ask = after
        return [FeedBestBidAsk(market, asset, ts, *market.book.top(i == 0))
                for i, asset in enumerate(market.token_ids)]  # fmt: skip

    # ---- cancelling ----------------------------------------------------------------------
    def cancel(self, owner: str, order_ids: Iterable[str], now: datetime,
               status: str = "CANCELED") -> tuple[list[str], dict[str, str]]:  # fmt: skip
        """Cancel the owner's open orders among ``order_ids``: (canceled, not_canceled)."""
        canceled: list[str] = []
        not_canceled: dict[str, str] = {}
        for order_id in order_ids:
            order = self.open.get(order_id)
            if order is None or order.owner != owner:
                not_canceled[order_id] = ALREADY_DONE
                continue
            del self.open[order_id]
            order.status = status
            canceled.append(order_id)
            self.publish_user(order.owner, order.market.condition_id,
                              ws_order(order, "CANCELLATION", now))  # fmt: skip
        return canceled, not_canceled

    def open_of(self, owner: str, market: str | None = None, asset_id: str | None = None,
                order_id: str | None = None) -> list[SimOrder]:  # fmt: skip
        return [
            o for o in self.open.values()
            if o.owner == owner and (not market or o.market.condition_id == market)
            and (not asset_id or o.asset_id == asset_id) and (not order_id or o.id == order_id)
        ]  # fmt: skip

    def trades_of(self, owner: str) -> list[SimTrade]:
        return [t for t in self.trades if t.owner == owner]

    # ---- the passage of time -------------------------------------------------------------
    def on_step(self, items: list[FeedItem], now: datetime) -> None:
        """React to one engine step: fills of resting orders, expiries, heartbeats, lifecycle."""
        resolved = {i.market.condition_id for i in items if isinstance(i, FeedResolved)}
        for order in list(self.open.values()):
            if order.market.condition_id in resolved or order.market.closed:
                self.cancel(order.owner, [order.id], now, "CANCELED_MARKET_RESOLVED")
            elif order.order_type == "GTD" and now.timestamp() >= order.expiration - GTD_SECURITY_S:
                self.cancel(order.owner, [order.id], now)
        for item in items:
            if isinstance(item, FeedTrade):
                self._trade_through(item, now)
        for order in list(self.open.values()):
            if crosses_book(order.market.book, order):
                self._maker_fill(order, order.remaining, now)
        for key in self.accounts.lapsed_heartbeats(now):
            self.cancel(key, [o.id for o in self.open.values() if o.owner == key], now)
        self._advance_trades(now)

    def _trade_through(self, trade: FeedTrade, now: datetime) -> None:
        market = trade.market
        index = market.token_index(trade.asset_id)
        took_asks = (index == 0) == (trade.side is Side.BUY)
        yes_price = trade.price if index == 0 else ONE - trade.price
        for order in [o for o in self.open.values() if o.market is market]:
            is_bid = order.consumes_yes_asks  # rests as a YES bid
            if is_bid == took_asks:
                continue
            through = yes_price < order.yes_limit if is_bid else yes_price > order.yes_limit
            if through:
                self._maker_fill(order, min(order.remaining, trade.size), now)

    def _maker_fill(self, order: SimOrder, size: Decimal, now: datetime) -> None:
        """The simulated market takes ``size`` of a resting user order at its price."""
        if size <= ZERO:
            return
        market, wallet = order.market, self.accounts.wallet(order.wallet)
        cost = order.price * size
        if order.side is Side.BUY:
            wallet.collateral -= cost
            wallet.add_shares(order.asset_id, size)
        else:
            wallet.add_shares(order.asset_id, -size)
            wallet.collateral += cost
        order.size_matched += size
        fill = MakerFill(order.id, order.owner, order.maker_address, size, order.price, 0,
                         order.asset_id, order.outcome, order.side)  # fmt: skip
        trade = SimTrade(
            id=self._uuid(), taker_order_id=new_hex32(self._rng), market=market,
            asset_id=order.asset_id, side=_OPPOSITE[order.side], size=size, price=order.price,
            fee_rate_bps=int(market.fee_rate * 10_000), match_time=now, owner=order.owner,
            maker_address=new_address(self._rng), trader_side="MAKER",
            transaction_hash=new_hex32(self._rng), maker_orders=[fill],
        )  # fmt: skip
        order.associate_trades.append(trade.id)
        self.trades.append(trade)
        if order.remaining <= ZERO:
            order.status = "MATCHED"
            self.open.pop(order.id, None)
        self.publish_user(order.owner, market.condition_id, ws_order(order, "UPDATE", now))
        self.publish_user(order.owner, market.condition_id, ws_trade(trade, now))

    def _advance_trades(self, now: datetime) -> None:
        mined, confirmed = timedelta(seconds=MINED_AFTER_S), timedelta(seconds=CONFIRMED_AFTER_S)
        for trade in self.trades:
            if trade.status == "CONFIRMED":
                continue
            age = now - trade.match_time
            status = "CONFIRMED" if age >= confirmed else "MINED" if age >= mined else "MATCHED"
            if status != trade.status:
                trade.status, trade.last_update = status, now
                self.publish_user(trade.owner, trade.market.condition_id, ws_trade(trade, now))
