"""Live trading: the :class:`~polymarket_ml.executor.execution.Execution` of real orders.

Orders go to the CLOB V2 through the official ``polymarket-client`` SDK's synchronous
:class:`~polymarket.SecureClient` (signing, L2 headers, tick and amount rounding;
``polymarket-api.md`` §4). Reports follow the paper execution's semantics:

- ``submit`` answers at once with what filled on arrival (the placement's trades, read from the
  user channel or ``/data/trades`` by id) or why the exchange refused it, in its own words.
  ``GTC``/``GTD`` are limit orders (optionally post-only); ``FAK``/``FOK`` are market orders
  bounded by the intent's price. A market BUY is an amount of pUSD (§4.3): it spends what the
  intent's size cost on the book it was sized on (``spend_usd``), at most ``price × size``;
- fills of resting orders arrive on the user channel (:class:`UserStream`), with REST polling
  of ``/data/orders`` and ``/data/trades`` as the fallback (after every reconnect, every
  ``rest_poll_secs``, and whenever the socket is down); fills are reported once per
  ``(trade id, order id)``. ``on_time`` returns the fills and cancels seen since the last call,
  expires GTD orders, and sends the order heartbeat (also kept by a thread between scans);
- ``restore`` reconciles the orders the database holds with the exchange: fills and
  cancellations that happened while the executor was down are reported by the next
  ``on_time``. Fill sizes are the shares received; ``Order.filled_size`` is the exchange's
  matched size (before a BUY taker's fee in shares; see :mod:`.live_fills`).

Market trades (``on_trade``) fill nothing here: the exchange tells us what filled. Performs
network I/O on the calling thread; secrets are never logged (see :mod:`.live_credentials`).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Literal

from polymarket import SecureClient
from polymarket._internal.environment import get_environment_config
from polymarket.environments import Environment
from polymarket.errors import (
    OrderHeartbeatMismatchError,
    PolymarketError,
    RequestRejectedError,
    TransportError,
    UserInputError,
)
from polymarket.models.clob.order_response import OrderResponse, RejectedOrder

from polymarket_ml.core.clock import Clock
from polymarket_ml.core.enums import ExecutionMode, OrderStatus, OrderType, Side
from polymarket_ml.core.errors import ConfigError, SourceError
from polymarket_ml.core.events import OrderUpdate, UserEvent, UserTrade
from polymarket_ml.core.types import Order, Trade
from polymarket_ml.executor.book_walk import round_size_down
from polymarket_ml.executor.config import ExecutorConfig
from polymarket_ml.executor.execution import ExecutionReport, OrderIntent, RestingOrder
from polymarket_ml.executor.fees import FeeSchedule, taker_fee_usd
from polymarket_ml.executor.live_credentials import (
    LiveCredentials,
    balance_problems,
    check_live_config,
    sdk_environment,
)
from polymarket_ml.executor.live_fills import (
    LiveFill,
    OwnFill,
    cancel_reason,
    fill_of,
    match_totals,
    new_since,
    order_from_sdk,
    own_fills,
    position_gaps,
    trade_from_sdk,
)
from polymarket_ml.executor.live_stream import HeartbeatKeeper, UserStream
from polymarket_ml.settings import Settings

log = logging.getLogger(__name__)

UNITS = Decimal(1_000_000)
CENT = Decimal("0.01")
GTD_SECURITY_SECS = 60  # the exchange cancels a GTD order this long before its expiration
SDK_MIN_EXPIRATION_SECS = 180  # the SDK refuses an expiration nearer than this (wall clock)
_ZERO = Decimal(0)
_OPEN = (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)
_KILLED = ("no orders found to match with FAK order", "order couldn't be fully filled")
_RECENTLY_CLOSED = 1000  # closed orders kept to attribute late trades to


@dataclass(slots=True)
class _Tracked:
    order: Order
    fee: FeeSchedule
    signal_price: Decimal | None
    placed_at: datetime
    awaiting: set[str] = field(default_factory=set)  # placement trade ids not seen yet


@dataclass(slots=True)
class _Out:
    order: Order
    fills: list[LiveFill] = field(default_factory=list)


class LiveExecution:
    """Real orders through ``client``; see the module docstring.

    ``stream``: the user channel (``None``: REST polling only). ``heartbeat_interval_secs``
    (``None``: no heartbeat, tests only) is in ``clock`` time.
    """

    def __init__(
        self,
        client: SecureClient,
        *,
        clock: Clock,
        stream: UserStream | None = None,
        heartbeat_interval_secs: float | None = 5.0,
        rest_poll_secs: float = 30.0,
        poll_overlap_secs: float = 120.0,
        gone_grace_secs: float = 10.0,
    ) -> None:
        self.client = client
        self.clock = clock
        self.stream = stream
        self.rest_poll = timedelta(seconds=rest_poll_secs)
        self.poll_overlap = timedelta(seconds=poll_overlap_secs)
        self.gone_grace = timedelta(seconds=gone_grace_secs)
        self.heartbeat: HeartbeatKeeper | None = None
        if heartbeat_interval_secs is not None:
            self.heartbeat = HeartbeatKeeper(
                self._send_heartbeat, _expected_heartbeat_id, clock,
                interval_secs=heartbeat_interval_secs,
            )  # fmt: skip
        self._tracked: dict[str, _Tracked] = {}  # open orders by client order id
        self._by_exchange: dict[str, str] = {}  # exchange order id -> client order id
        self._closed: OrderedDict[str, _Tracked] = OrderedDict()  # by exchange id, bounded
        self._out: dict[str, _Out] = {}  # changes not reported yet, by client order id
        self._seen: set[tuple[str, str]] = set()  # (trade id, exchange order id) reported
        self._seen_trades: set[str] = set()
        self._last_poll: datetime | None = None
        self.unknown_open_orders: tuple[str, ...] = ()  # open on the exchange, not ours

    # -- opening and closing --------------------------------------------------------------

    @classmethod
    def connect(
        cls,
        credentials: LiveCredentials,
        environment: Environment,
        *,
        clock: Clock,
        listen: bool = True,
        connect_timeout_secs: float = 5.0,
        **options: float,
    ) -> LiveExecution:
        """Create the SDK client (deriving API credentials when none are given), start the
        user channel and the heartbeat. Performs network I/O.

        Raises :class:`ConfigError` when the exchange refuses the key or credentials, and
        :class:`SourceError` when it cannot be reached.
        """
        config = get_environment_config(environment)
        try:
            client = SecureClient.create(
                private_key=credentials.private_key.get_secret_value(),
                wallet=credentials.wallet_address,
                environment=environment,
                credentials=credentials.api_creds,
            )
        except UserInputError:
            raise ConfigError(
                f"the SDK refused the wallet settings ({credentials!r}); check the key"
            ) from None
        except RequestRejectedError as exc:
            raise ConfigError(
                f"{config.clob_url} refused the API credentials (HTTP {exc.status}); check"
                " PMML_CLOB_API_KEY/_SECRET/_PASSPHRASE or unset them to derive the key"
            ) from None
        except PolymarketError as exc:
            raise SourceError(
                f"cannot open a session with {config.clob_url}: {type(exc).__name__}"
            ) from None
        stream = None
        if listen:
            creds = client.credentials
            stream = UserStream(
                config.clob_user_ws_url, api_key=creds.key, secret=creds.secret,
                passphrase=creds.passphrase, clock=clock,
            )  # fmt: skip
        execution = cls(client, clock=clock, stream=stream, **options)
        execution.start(connect_timeout_secs)
        return execution

    def start(self, connect_timeout_secs: float = 5.0) -> None:
        """Start the user channel and the heartbeat threads (idempotent)."""
        if self.stream is not None:
            self.stream.start()
            if not self.stream.wait_connected(connect_timeout_secs):
                log.warning("user channel not connected after %g s; polling REST meanwhile",
                            connect_timeout_secs)  # fmt: skip
        if self.heartbeat is not None:
            self.heartbeat.beat_if_due(self.clock.now())
            self.heartbeat.start()

    def close(self, *, cancel_open: bool = False) -> None:
        """Stop the threads; with ``cancel_open``, cancel our open orders first. Without it,
        the exchange cancels them itself once the heartbeat lapses (10–15 s)."""
        if cancel_open and self._tracked:
            ids = [t.order.exchange_order_id for t in self._tracked.values()]
            try:
                self.client.cancel_orders(order_ids=[i for i in ids if i])
            except PolymarketError as exc:
                log.warning("cancelling open orders at shutdown failed: %s", type(exc).__name__)
        if self.heartbeat is not None:
            self.heartbeat.stop()
        if self.stream is not None:
            self.stream.stop()
        self.client.close()

    # -- the protocol ---------------------------------------------------------------------

    @property
    def mode(self) -> ExecutionMode:
        return ExecutionMode.LIVE

    def submit(
        self, intent: OrderIntent, now: datetime, *, post_only: bool = False
    ) -> ExecutionReport:
        size = round_size_down(intent.size)
        order = intent.to_order(
            ExecutionMode.LIVE, OrderStatus.OPEN, now, size=size, post_only=post_only
        )
        if size <= 0:
            return ExecutionReport(_with(order, OrderStatus.REJECTED, now, "size below 0.01 share"))
        try:
            response = self._post(intent, size, post_only)
        except RequestRejectedError as exc:
            return ExecutionReport(self._refused(order, str(exc), now))
        except TransportError as exc:
            log.error("order %s: no answer from the exchange (%s); it may rest there: the next"
                      " poll lists it as unknown", order.client_order_id, exc)  # fmt: skip
            self._last_poll = None
            reason = "exchange unreachable: order state unknown"
            return ExecutionReport(_with(order, OrderStatus.REJECTED, now, reason))
        except PolymarketError as exc:
            reason = f"{type(exc).__name__}: {exc}"
            return ExecutionReport(_with(order, OrderStatus.REJECTED, now, reason))
        if isinstance(response, RejectedOrder):
            return ExecutionReport(self._refused(order, response.message, now))
        order = dataclasses.replace(order, exchange_order_id=response.order_id)
        tracked = _Tracked(order, intent.fee, intent.signal_price, now)
        self._track(tracked)
        if response.trade_ids:
            self._find_trades(response.trade_ids, now)
            tracked.awaiting = set(response.trade_ids) - self._seen_trades
        out = self._out.pop(order.client_order_id, None)
        fills = list(out.fills) if out is not None else []
        order = tracked.order
        if fills and not tracked.awaiting and all(not f.is_maker for f in fills):
            making, taking = response.making_amount, response.taking_amount
            fills = list(match_totals(fills, order.side, making=making, taking=taking))
        if order.order_type in (OrderType.FAK, OrderType.FOK) and not tracked.awaiting:
            spent = response.making_amount if order.side is Side.BUY else _ZERO
            budget = buy_amount_usd(intent, size)
            done = order.filled_size >= order.size or (spent > 0 and spent >= budget - CENT)
            self._untrack(tracked)
            if done:
                order = _with(order, OrderStatus.FILLED, now)
            else:
                why = "rest of a FAK order" if fills else "nothing marketable up to the limit"
                order = _with(order, OrderStatus.CANCELLED, now, why)
        tracked.order = order
        return ExecutionReport(order, tuple(fills))

    def cancel(self, client_order_id: str, now: datetime, reason: str) -> ExecutionReport | None:
        tracked = self._tracked.get(client_order_id)
        if tracked is None or tracked.order.exchange_order_id is None:
            return None
        exchange_id = tracked.order.exchange_order_id
        try:
            answer = self.client.cancel_order(order_id=exchange_id)
        except PolymarketError as exc:
            log.warning("cancel of %s failed (%s); it stays open", client_order_id,
                        type(exc).__name__)  # fmt: skip
            return None
        if exchange_id not in answer.canceled:  # filled or cancelled meanwhile: find out
            self._absorb(self._drain(), now)
            if client_order_id in self._tracked:
                self._poll(now)
        if client_order_id in self._tracked:
            self._close(tracked, OrderStatus.CANCELLED, now, reason)
        out = self._out.pop(client_order_id, None)
        if out is None:
            return None
        return ExecutionReport(out.order, tuple(out.fills))

    def open_orders(self) -> tuple[Order, ...]:
        return tuple(t.order for t in self._tracked.values())

    def on_trade(self, trade: Trade, now: datetime) -> tuple[ExecutionReport, ...]:
        """Market trades fill nothing live: the exchange reports our fills itself."""
        return ()

    def on_time(self, now: datetime) -> tuple[ExecutionReport, ...]:
        """Heartbeat, then every fill and cancel seen since the last call; GTD expiries."""
        if self.heartbeat is not None:
            self.heartbeat.beat_if_due(now)
        self._absorb(self._drain(), now)
        if self._poll_due(now):
            self._poll(now)
        self._settle_market_orders(now)
        self._expire(now)
        return self._flush()

    def restore(self, orders: Sequence[RestingOrder]) -> None:
        """Reconcile the stored open orders with the exchange; the changes are reported by
        the next :meth:`on_time`. Performs network I/O."""
        now = self.clock.now()
        restored: list[_Tracked] = []
        for resting in orders:
            order = resting.order
            if order.status not in _OPEN or order.client_order_id in self._tracked:
                continue
            if order.exchange_order_id is None:
                why = "never reached the exchange (no exchange order id stored)"
                self._touch(_with(order, OrderStatus.CANCELLED, now, why))
                continue
            tracked = _Tracked(order, resting.fee, resting.signal_price, order.created_at)
            self._track(tracked)
            restored.append(tracked)
        since = min((t.order.created_at for t in restored), default=now) - self.poll_overlap
        open_ids = self._open_on_exchange(now)
        trades = self._trades_since(since, now)
        for tracked in restored:
            exchange_id = tracked.order.exchange_order_id
            assert exchange_id is not None
            mine = [f for t in trades for f in own_fills(t, (exchange_id,))]
            fresh = new_since(mine, tracked.order.filled_size)
            self._seen.update(f.key for f in mine if f not in fresh)
            self._seen_trades.update(f.trade_id for f in mine if f not in fresh)
            for own in fresh:
                self._record(tracked, own, now)
        self._close_missing(open_ids, now, before=now)
        self._last_poll = now
        log.info("live execution restored %d open orders (%d still open on the exchange)",
                 len(restored), len(self._tracked))  # fmt: skip

    def reserved_usd(self) -> Decimal:
        """Cash held by open BUY orders: unfilled cost plus the taker fee it may pay."""
        total = _ZERO
        for t in self._tracked.values():
            if t.order.side is Side.BUY:
                left = max(t.order.size - t.order.filled_size, _ZERO)
                total += t.order.price * left + taker_fee_usd(left, t.order.price, t.fee)
        return total

    # -- account --------------------------------------------------------------------------

    def balance_usd(self) -> Decimal:
        """The wallet's pUSD balance on the exchange. Performs a request."""
        found = self.client.get_balance_allowance(asset_type="COLLATERAL")
        return Decimal(found.balance) / UNITS

    def shares(self, token_id: str) -> Decimal:
        """The wallet's shares of ``token_id`` on the exchange. Performs a request."""
        found = self.client.get_balance_allowance(asset_type="CONDITIONAL", token_id=token_id)
        return Decimal(found.balance) / UNITS

    def position_gaps(self, held: Mapping[str, Decimal]) -> list[str]:
        """Tokens whose size in ``held`` (token -> shares, the open positions the database
        holds) differs from the wallet's on the exchange; logged as errors. Performs one
        request per token."""
        on_exchange = {token: self.shares(token) for token in held}
        gaps = position_gaps(held, on_exchange)
        for gap in gaps:
            log.error("position differs from the exchange: %s", gap)
        return gaps

    # -- placing --------------------------------------------------------------------------

    def _post(self, intent: OrderIntent, size: Decimal, post_only: bool) -> OrderResponse:
        token = intent.token_id
        if intent.order_type in (OrderType.GTC, OrderType.GTD):
            return self.client.place_limit_order(
                token_id=token, price=intent.price, size=size, side=_side(intent.side),
                post_only=post_only, expiration=self._expiration(intent),
            )  # fmt: skip
        if post_only:
            raise UserInputError("post-only orders must be GTC or GTD")
        kind: Literal["FOK", "FAK"] = "FOK" if intent.order_type is OrderType.FOK else "FAK"
        if intent.side is Side.BUY:
            amount = buy_amount_usd(intent, size)
            return self.client.place_market_order(
                token_id=token, side="BUY", amount=amount, max_price=intent.price, order_type=kind
            )
        return self.client.place_market_order(
            token_id=token, side="SELL", shares=size, min_price=intent.price, order_type=kind
        )

    @staticmethod
    def _expiration(intent: OrderIntent) -> int | None:
        """The exchange expiration of a GTD order (its ``expires_at`` + the 60 s threshold,
        §4.9), or ``None`` when the SDK would refuse one that near: the order then rests as
        GTC and :meth:`on_time` cancels it at ``expires_at``."""
        if intent.order_type is not OrderType.GTD or intent.expires_at is None:
            return None
        expiration = int(intent.expires_at.timestamp()) + GTD_SECURITY_SECS
        if expiration < int(time.time()) + SDK_MIN_EXPIRATION_SECS + 5:
            return None
        return expiration

    def _refused(self, order: Order, message: str, now: datetime) -> Order:
        """An order the exchange would not take: killed FAK/FOK are cancelled (as on paper),
        the rest rejected, with the exchange's reason."""
        if order.order_type in (OrderType.FAK, OrderType.FOK) and message.startswith(_KILLED):
            return _with(order, OrderStatus.CANCELLED, now, message)
        return _with(order, OrderStatus.REJECTED, now, message)

    def _find_trades(self, trade_ids: Iterable[str], now: datetime) -> None:
        """The placement's trades: from the user channel if already there, else by id."""
        self._absorb(self._drain(), now)
        for trade_id in trade_ids:
            if trade_id in self._seen_trades:
                continue
            try:
                found = [trade_from_sdk(t, now) for t in
                         self.client.list_account_trades(id=trade_id).iter_items()]  # fmt: skip
            except PolymarketError as exc:
                log.warning("trade %s not readable yet (%s)", trade_id, type(exc).__name__)
                continue
            self._absorb(found, now)

    # -- what the exchange says -----------------------------------------------------------

    def _drain(self) -> list[UserEvent]:
        return self.stream.drain() if self.stream is not None else []

    def _absorb(self, events: Sequence[UserEvent], now: datetime) -> None:
        """Trades first (fills), then order changes (cancels), as one batch."""
        for event in events:
            if isinstance(event, UserTrade):
                self._absorb_trade(event, now)
        for event in events:
            if isinstance(event, OrderUpdate):
                self._absorb_order(event, now)

    def _absorb_trade(self, trade: UserTrade, now: datetime) -> None:
        ids = self._by_exchange.keys() | self._closed.keys()
        for own in own_fills(trade, ids):
            if own.key in self._seen:
                continue
            tracked = self._lookup(own.order_id)
            if tracked is not None:
                self._record(tracked, own, now)

    def _absorb_order(self, update: OrderUpdate, now: datetime) -> None:
        client_id = self._by_exchange.get(update.order_id)
        tracked = self._tracked.get(client_id) if client_id else None
        if tracked is None:
            return
        reason = cancel_reason(update)
        if reason is None:
            return
        order = tracked.order
        expired = (
            order.order_type is OrderType.GTD
            and order.expires_at is not None
            and order.expires_at <= now + timedelta(seconds=5)
            and reason == "cancelled by the exchange"
        )
        status = OrderStatus.EXPIRED if expired else OrderStatus.CANCELLED
        self._close(tracked, status, now, "time in force ran out" if expired else reason)

    def _record(self, tracked: _Tracked, own: OwnFill, now: datetime) -> None:
        """One new fill of ``tracked``: report it, update the order."""
        self._seen.add(own.key)
        self._seen_trades.add(own.trade_id)
        tracked.awaiting.discard(own.trade_id)
        order = tracked.order
        fill = fill_of(own, market_id=order.market_id, signal_price=tracked.signal_price,
                       received_at=now)  # fmt: skip
        filled = order.filled_size + own.size
        still_open = order.client_order_id in self._tracked
        if still_open and filled >= order.size:
            status = OrderStatus.FILLED
        elif still_open:
            status = OrderStatus.PARTIALLY_FILLED
        else:
            status = order.status
        order = dataclasses.replace(order, filled_size=filled, status=status, updated_at=now)
        tracked.order = order
        self._touch(order, fill)
        if status is OrderStatus.FILLED:
            self._untrack(tracked)

    def _poll_due(self, now: datetime) -> bool:
        if self._last_poll is None or now - self._last_poll >= self.rest_poll:
            return True
        if any(t.awaiting for t in self._tracked.values()):
            return True
        if self.heartbeat is not None and self.heartbeat.lapsed.is_set():
            self.heartbeat.lapsed.clear()
            return True
        if self.stream is None:
            return False
        if self.stream.resync.is_set():
            self.stream.resync.clear()
            return True
        return not self.stream.connected.is_set()

    def _poll(self, now: datetime) -> None:
        """The REST fallback: open orders, then the trades since the last poll (in that
        order, so an order gone from the list has its fills in the trades)."""
        since = (self._last_poll or now) - self.poll_overlap
        try:
            open_ids = self._open_on_exchange(now)
            self._absorb(self._trades_since(since, now), now)
        except SourceError as exc:
            log.warning("REST poll failed: %s", exc)
            return
        self._close_missing(open_ids, now, before=now - self.gone_grace)
        self._last_poll = now

    def _open_on_exchange(self, now: datetime) -> set[str]:
        try:
            found = [order_from_sdk(o, now) for o in self.client.list_open_orders().iter_items()]
        except PolymarketError as exc:
            raise SourceError(f"listing open orders failed: {type(exc).__name__}") from None
        ids = {o.order_id for o in found}
        unknown = tuple(sorted(ids - self._by_exchange.keys()))
        if unknown and unknown != self.unknown_open_orders:
            log.warning("%d open orders on the exchange are not ours to manage: %s",
                        len(unknown), ", ".join(unknown[:5]))  # fmt: skip
        self.unknown_open_orders = unknown
        return ids

    def _trades_since(self, since: datetime, now: datetime) -> list[UserTrade]:
        after = str(int(since.timestamp()))
        try:
            pages = self.client.list_account_trades(after=after).iter_items()
            return [trade_from_sdk(t, now) for t in pages]
        except PolymarketError as exc:
            raise SourceError(f"listing trades failed: {type(exc).__name__}") from None

    def _close_missing(self, open_ids: set[str], now: datetime, *, before: datetime) -> None:
        """Orders placed before ``before`` that the exchange no longer lists are over."""
        for tracked in list(self._tracked.values()):
            order = tracked.order
            if order.exchange_order_id in open_ids or tracked.placed_at > before:
                continue
            if tracked.awaiting:
                continue
            if order.filled_size >= order.size:
                self._close(tracked, OrderStatus.FILLED, now, None)
            elif order.order_type is OrderType.GTD and order.expires_at and order.expires_at <= now:
                self._close(tracked, OrderStatus.EXPIRED, now, "time in force ran out")
            else:
                self._close(tracked, OrderStatus.CANCELLED, now, "no longer open on the exchange")

    def _settle_market_orders(self, now: datetime) -> None:
        """FAK/FOK orders whose placement trades were late: over once all are seen."""
        for tracked in list(self._tracked.values()):
            order = tracked.order
            if order.order_type not in (OrderType.FAK, OrderType.FOK) or tracked.awaiting:
                continue
            if order.filled_size >= order.size:
                self._close(tracked, OrderStatus.FILLED, now, None)
            else:
                self._close(tracked, OrderStatus.CANCELLED, now, "rest of a FAK order")

    def _expire(self, now: datetime) -> None:
        """GTD orders past ``expires_at`` that the exchange has not cancelled yet."""
        for tracked in list(self._tracked.values()):
            order = tracked.order
            if order.order_type is not OrderType.GTD or order.expires_at is None:
                continue
            if order.expires_at > now or order.exchange_order_id is None:
                continue
            try:
                self.client.cancel_order(order_id=order.exchange_order_id)
            except PolymarketError as exc:
                log.warning("expiring %s failed (%s)", order.client_order_id, type(exc).__name__)
                continue
            self._close(tracked, OrderStatus.EXPIRED, now, "time in force ran out")

    # -- bookkeeping ----------------------------------------------------------------------

    def _track(self, tracked: _Tracked) -> None:
        order = tracked.order
        self._tracked[order.client_order_id] = tracked
        if order.exchange_order_id is not None:
            self._by_exchange[order.exchange_order_id] = order.client_order_id

    def _untrack(self, tracked: _Tracked) -> None:
        order = tracked.order
        self._tracked.pop(order.client_order_id, None)
        if order.exchange_order_id is not None:
            self._by_exchange.pop(order.exchange_order_id, None)
            self._closed[order.exchange_order_id] = tracked
            while len(self._closed) > _RECENTLY_CLOSED:
                self._closed.popitem(last=False)

    def _lookup(self, exchange_id: str) -> _Tracked | None:
        client_id = self._by_exchange.get(exchange_id)
        if client_id is not None:
            return self._tracked.get(client_id)
        return self._closed.get(exchange_id)

    def _close(
        self, tracked: _Tracked, status: OrderStatus, now: datetime, reason: str | None
    ) -> None:
        tracked.order = _with(tracked.order, status, now, reason)
        self._untrack(tracked)
        self._touch(tracked.order)

    def _touch(self, order: Order, fill: LiveFill | None = None) -> None:
        out = self._out.get(order.client_order_id)
        if out is None:
            out = self._out[order.client_order_id] = _Out(order)
        out.order = order
        if fill is not None:
            out.fills.append(fill)

    def _flush(self) -> tuple[ExecutionReport, ...]:
        reports = tuple(ExecutionReport(o.order, tuple(o.fills)) for o in self._out.values())
        self._out.clear()
        return reports

    def _send_heartbeat(self, heartbeat_id: str) -> str:
        return self.client.send_order_heartbeat(heartbeat_id=heartbeat_id).heartbeat_id


def buy_amount_usd(intent: OrderIntent, size: Decimal) -> Decimal:
    """The pUSD a market BUY of ``size`` shares spends: ``intent.spend_usd`` (what they cost on
    the book the engine saw), never more than ``price × size``, down to the cent."""
    cap = intent.price * size
    spend = cap if intent.spend_usd is None or intent.spend_usd <= 0 else min(intent.spend_usd, cap)
    return spend.quantize(CENT, rounding=ROUND_DOWN)


def _side(side: Side) -> Literal["BUY", "SELL"]:
    return "BUY" if side is Side.BUY else "SELL"


def _expected_heartbeat_id(exc: Exception) -> str | None:
    return exc.heartbeat_id if isinstance(exc, OrderHeartbeatMismatchError) else None


def _with(order: Order, status: OrderStatus, now: datetime, reason: str | None = None) -> Order:
    return dataclasses.replace(
        order, status=status, updated_at=now, reject_reason=reason or order.reject_reason
    )


def open_live_execution(
    settings: Settings, config: ExecutorConfig, clock: Clock, *, wallet_address: str | None = None
) -> LiveExecution:
    """Check the configuration, connect, and check the wallet's balance against the risk
    limits: the one call an entry point makes to trade live. Raises :class:`ConfigError`
    (refused, with every reason) or :class:`SourceError`. Performs network I/O."""
    credentials = check_live_config(settings, config, wallet_address=wallet_address)
    execution = LiveExecution.connect(credentials, sdk_environment(settings), clock=clock)
    try:
        balance = execution.balance_usd()
    except PolymarketError as exc:
        execution.close()
        raise SourceError(f"reading the wallet's balance failed: {type(exc).__name__}") from None
    problems = balance_problems(config, balance)
    if problems:
        execution.close()
        raise ConfigError("refusing to start live trading:\n  " + "\n  ".join(problems))
    log.info("live trading as %r; balance %s pUSD", credentials, balance)
    return execution
