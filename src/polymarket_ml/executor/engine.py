"""The executor service: scanner → strategies → signals → risk → sizing → execution → positions.

One :meth:`Executor.scan` reads what changed in the database (markets, snapshots, the control
state a person sets with ``pmml kill``/``pmml resume``, and, without a live feed, stored books
and trades), then, in order:

1. follows the kill switch (halting cancels every open order) and a resume (clears the
   drawdown latch, the peak becomes the current equity);
2. fills resting orders from the trades seen since the last scan;
3. times out orders: ``limit`` orders expire, ``spread`` orders fall back to a market order
   for what is left, and signals unfilled after ``scanner.signal_ttl_secs`` expire;
4. settles positions of resolved markets (YES 1 / NO 0 / VOID 0.5) and marks the others at
   the bid; a drawdown past ``max_drawdown_pct`` latches ``entries_paused``;
5. exits: each open position's strategy (``safe_should_exit``), then take-profit/stop-loss;
6. entries: the enabled strategies over every market (``safe_scan``);
7. stores every signal with its status, orders, fills, positions, the executor state and one
   equity point, in one transaction.

Every signal ends ``rejected`` (risk, sizing or execution said no, with the reasons),
``approved`` (an order rests), ``executed`` (something filled) or ``expired`` (its resting
order timed out or it outlived its TTL unfilled). One position per token: an entry signal on a
token held or being entered is rejected as ``position_open``. Exits are market orders.

A new :class:`Executor` resumes from the database: open positions, resting orders, cash, peak,
halted and paused state. Performs database I/O; time comes from the injected clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine

from polymarket_ml.core.clock import Clock
from polymarket_ml.core.enums import (
    ExecutionMode,
    OrderStatus,
    OrderType,
    Outcome,
    Side,
    SignalStatus,
)
from polymarket_ml.core.errors import ConfigError
from polymarket_ml.core.types import (
    EquityPoint,
    Market,
    Position,
    Signal,
    Trade,
)
from polymarket_ml.executor.book_walk import total_notional, walk_book
from polymarket_ml.executor.config import ExecutorConfig
from polymarket_ml.executor.events import EventHub, EventType, ExecutorEvent
from polymarket_ml.executor.execution import (
    BookSource,
    Execution,
    ExecutionReport,
    OrderIntent,
    RestingOrder,
)
from polymarket_ml.executor.fees import CONSERVATIVE_FEE
from polymarket_ml.executor.intents import fallback_limit, mirrored, new_client_id, order_intent
from polymarket_ml.executor.live import LiveExecution
from polymarket_ml.executor.loop_books import LoopBooks
from polymarket_ml.executor.market_state import MarketData, MarketState
from polymarket_ml.executor.overrides import ConfigUpdate, live_update
from polymarket_ml.executor.paper import PaperExecution, StoredBooks
from polymarket_ml.executor.portfolio import Portfolio, equity_identity_gaps
from polymarket_ml.executor.risk import (
    PendingOrder,
    PortfolioState,
    check_signal,
    drawdown_breached,
    exit_for_limits,
)
from polymarket_ml.executor.scan_records import (
    Control,
    Inputs,
    OrderRecord,
    Plan,
    ScanStats,
    SignalRecord,
)
from polymarket_ml.executor.sizing import MarketLimits, size_entry, size_exit
from polymarket_ml.executor.strategies.base import MarketView, safe_scan, safe_should_exit
from polymarket_ml.executor.strategies.registry import BUILT_IN, StrategyRegistry
from polymarket_ml.storage.engine import make_session_factory
from polymarket_ml.storage.executor_repositories import (
    ExecutorRepository,
    OrderRepository,
    PositionRepository,
    SignalRepository,
)
from polymarket_ml.storage.repositories import (
    MarketRepository,
    OrderbookRepository,
    SnapshotRepository,
    TradeRepository,
)

log = logging.getLogger(__name__)

_ZERO = Decimal(0)
_ONE = Decimal(1)
_TWO = Decimal(2)
_SNAPSHOT_OVERLAP = timedelta(minutes=5)  # snapshots may be stored a little after their time
_HALTED = "halted: the kill switch is on"


class Executor:
    """The executor of one mode; ``books``: live (``pmml up``) or stored (``pmml executor``)."""

    def __init__(
        self,
        engine: Engine,
        config: ExecutorConfig,
        clock: Clock,
        *,
        registry: StrategyRegistry | None = None,
        books: BookSource | None = None,
        execution: Execution | None = None,
        trades_from_database: bool | None = None,
    ) -> None:
        """Without ``books``, the latest stored books are read on every scan; without a live
        trade feed (``trades_from_database``, default: when books are stored), resting orders
        fill from the trades stored since the last scan."""
        self.engine = engine
        self.config = config
        self.clock = clock
        self.registry = registry or StrategyRegistry.from_config(config)
        self.sessions = make_session_factory(engine)
        self.mode = config.mode
        self._stored_books = books is None
        live = execution is not None and execution.mode is ExecutionMode.LIVE
        if books is not None and live:  # a live scan runs in a thread: see scan_async
            books = LoopBooks(books)
        self.books: BookSource = books if books is not None else StoredBooks()
        self._trades_from_db = (
            self._stored_books if trades_from_database is None else (trades_from_database)
        )
        start = config.paper.starting_balance_usd
        self.portfolio = Portfolio(mode=self.mode, starting_balance_usd=start)
        if execution is None:
            if self.mode is not ExecutionMode.PAPER:
                raise ConfigError(
                    "mode: live execution is not available in this executor; set mode: paper"
                )
            execution = PaperExecution(self.books, lambda: self.portfolio.cash_usd)
        self.execution = execution
        window = timedelta(minutes=config.strategies.mean_reversion.window_minutes)
        self.market_state = MarketState(window + timedelta(minutes=5))
        self.halted = False
        self.entries_paused = False
        self.stats = ScanStats()
        self._resumed_seen: datetime | None = None
        self._signal_keys = itertools.count(1)
        self._signals: dict[int, SignalRecord] = {}  # approved, or changed since stored
        self._orders: dict[str, OrderRecord] = {}  # open, or changed since stored
        self._feed: deque[Trade] = deque()
        self._trade_cursor = 0
        self._snapshot_cursor: datetime | None = None
        self._equity: list[EquityPoint] = []  # to store
        self._ready = False
        self._config_seen: ExecutorConfig | None = config  # by config_source (see run)
        self._config_error: str | None = None
        self.events = EventHub()  # fills, positions, signals, alerts: once a scan is stored
        self._outbox: list[ExecutorEvent] = []

    # -- start and feed ------------------------------------------------------------------

    def resume(self) -> None:
        """Load the stored state of this mode (idempotent). Performs database I/O."""
        if self._ready:
            return
        with self.sessions() as s:
            state = ExecutorRepository(s).state(self.mode)
            positions = PositionRepository(s).open_positions(self.mode)
            realized, fees = PositionRepository(s).totals(self.mode)
            orders = OrderRepository(s).open_orders(self.mode)
            earlier_fills = {  # of orders part filled before the restart: their average price
                o.id: OrderRepository(s).fills(o.id)
                for o in orders
                if o.id is not None and o.filled_size > 0
            }
            approved = SignalRepository(s).with_status(SignalStatus.APPROVED)
            self._trade_cursor = TradeRepository(s).last_id() if self._trades_from_db else 0
        start = self.config.paper.starting_balance_usd
        cash = peak = None
        if state is not None:
            start, cash, peak = state.starting_balance_usd, state.cash_usd, state.peak_equity_usd
            self.halted, self.entries_paused = state.halted, state.entries_paused
            self._resumed_seen = state.resumed_at
        self.portfolio = Portfolio(
            mode=self.mode,
            starting_balance_usd=start,
            cash_usd=cash,
            peak_equity_usd=peak,
            positions=positions,
            realized_pnl_usd=realized,
            fees_usd=fees,
        )
        records = {r.id: SignalRecord(r, r.id, dirty=False) for r in approved}
        self._signals = dict(zip(self._signal_keys, records.values(), strict=False))
        resting = []
        for order in orders:
            sig = records.get(order.signal_id) if order.signal_id is not None else None
            price = sig.signal.price_at_signal if sig is not None else None
            fallback = None
            if order.order_type is OrderType.GTC and order.expires_at is not None and price:
                slip = self.config.execution.max_slippage
                fallback = fallback_limit(order.side, price, Decimal("0.01"), slip)
            done = earlier_fills.get(order.id, []) if order.id is not None else []
            self._orders[order.client_order_id] = OrderRecord(
                order, sig, order.side is Side.SELL, None, fallback, CONSERVATIVE_FEE,
                id=order.id, dirty=False,
                filled_notional=sum((f.price * f.size for f in done), Decimal(0)),
                filled_shares=sum((f.size for f in done), Decimal(0)),
            )  # fmt: skip
            resting.append(RestingOrder(order, CONSERVATIVE_FEE, price))
        self.execution.restore(resting)
        if isinstance(self.execution, LiveExecution):
            if state is None:  # the first live start: the wallet is the starting balance
                balance = self.execution.balance_usd()
                self.portfolio = Portfolio(mode=self.mode, starting_balance_usd=balance)
            self.execution.position_gaps({p.token_id: p.size for p in positions})  # logged
        self._ready = True
        log.info(
            "executor (%s) resumed: cash %s, %d open positions, %d open orders%s",
            self.mode.value,
            self.portfolio.cash_usd,
            len(positions),
            len(orders),
            ", HALTED" if self.halted else "",
        )

    def feed_trade(self, trade: Trade) -> None:
        """A trade from the live market channel (the collector's hook); used on the next scan."""
        self._feed.append(trade)

    # -- the loop ------------------------------------------------------------------------

    async def run(
        self,
        stop: asyncio.Event,
        *,
        period_secs: float,
        config_source: Callable[[], ExecutorConfig] | None = None,
    ) -> None:
        """Scan every ``period_secs`` (real seconds) until ``stop`` is set; before each scan,
        take what changed in ``config_source()`` (see :meth:`follow_config`)."""
        await asyncio.to_thread(self.resume)
        while not stop.is_set():
            started = time.monotonic()
            if config_source is not None:
                await self.follow_config(config_source)
            try:
                await self.scan_async()
            except Exception:  # the database may be busy: the next scan tries again
                log.exception("executor scan failed; retrying on the next one")
            delay = max(0.0, period_secs - (time.monotonic() - started))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)

    async def follow_config(self, source: Callable[[], ExecutorConfig]) -> None:
        """Apply :meth:`apply_config` to ``source()`` (read in a thread: it may read files) when
        it gives a configuration not seen before; an invalid one is logged once and the one in
        effect stays."""
        try:
            new = await asyncio.to_thread(source)
        except ConfigError as exc:
            if str(exc) != self._config_error:
                log.error("executor: the changed configuration is invalid; keeping the one in "
                          "effect: %s", exc)  # fmt: skip
            self._config_error = str(exc)
            return
        self._config_error = None
        if new is self._config_seen:
            return
        self._config_seen = new
        update = self.apply_config(new)
        if update.changed:
            log.warning("executor: %d setting(s) changed, applied from this scan on: %s",
                        len(update.changed), "; ".join(update.changed))  # fmt: skip
        if update.needs_restart:
            log.warning("executor: %d setting(s) changed that apply only after a restart: %s",
                        len(update.needs_restart), "; ".join(update.needs_restart))  # fmt: skip

    def apply_config(self, new: ExecutorConfig) -> ConfigUpdate:
        """Take the risk, sizing, execution and strategy settings of ``new`` (the next scan
        uses them; a re-parameterised strategy starts afresh); ``mode``, ``paper`` and
        ``scanner`` are read at start only and stay as they are."""
        current = self.config.model_copy(update={"strategies": self.registry.config})
        update = live_update(current, new)
        for name in self.registry.names():
            params = getattr(new.strategies, name)
            if params != self.registry.params(name):
                self.registry.update(name, params.model_dump())
        self.config = update.config
        return update

    async def scan_async(self) -> None:
        """One scan: reads and writes in a thread; the decisions on the calling loop (where
        the live books are updated) on paper, in a thread too when live, since live orders wait
        on the exchange (the books are then read through :class:`LoopBooks`)."""
        now = self.clock.now()
        inputs = await asyncio.to_thread(self._load, now)
        if self.execution.mode is ExecutionMode.LIVE:
            books = self.books if isinstance(self.books, LoopBooks) else None
            if books is not None:
                books.freeze(_tokens_of(inputs.markets), asyncio.get_running_loop())
            try:
                await asyncio.to_thread(self._step, inputs, now)
            finally:
                if books is not None:
                    books.thaw()
        else:
            self._step(inputs, now)
        await asyncio.to_thread(self._persist, now)
        self._flush_events()

    def scan(self) -> None:
        """One scan, synchronously (tests, the ``pmml executor`` process)."""
        self.resume()
        now = self.clock.now()
        self._step(self._load(now), now)
        self._persist(now)
        self._flush_events()

    # -- reading -------------------------------------------------------------------------

    def _load(self, now: datetime) -> Inputs:
        self.resume()
        c = self.config
        lookback = max(
            self.market_state.history_window,
            timedelta(seconds=c.risk.max_data_age_secs) + _SNAPSHOT_OVERLAP,
        )
        since = now - lookback
        if self._snapshot_cursor is not None:
            since = max(since, self._snapshot_cursor - _SNAPSHOT_OVERLAP)
        with self.sessions() as s:
            state = ExecutorRepository(s).state(self.mode)
            markets_repo = MarketRepository(s)
            markets = list(markets_repo.list_active())
            known = {m.id for m in markets}
            wanted = {p.market_id for p in self.portfolio.positions} | {
                r.order.market_id for r in self._orders.values()
            }
            for market_id in sorted(wanted - known):
                found = markets_repo.get_by_id(market_id)
                if found is not None:
                    markets.append(found)
            snapshots = SnapshotRepository(s).since(since)
            books = None
            if self._stored_books:
                stale = now - timedelta(seconds=c.risk.max_data_age_secs)
                books = OrderbookRepository(s).latest_per_token(stale)
            trades: list[tuple[int, int, Trade]] = []
            if self._trades_from_db:
                trades = TradeRepository(s).after_id(self._trade_cursor)
        control = None
        if state is not None:
            control = Control(state.halted, state.entries_paused, state.resumed_at)
        return Inputs(control, markets, snapshots, books, trades)

    # -- deciding ------------------------------------------------------------------------

    def _step(self, inputs: Inputs, now: datetime) -> None:
        started = time.perf_counter()
        ms = self.market_state
        ms.set_markets(inputs.markets)
        ms.add_snapshots(inputs.snapshots)
        ms.trim(now)
        if inputs.snapshots:
            self._snapshot_cursor = max(s.timestamp for s in inputs.snapshots)
        if inputs.books is not None and isinstance(self.books, StoredBooks):
            self.books.replace(inputs.books)
        self._follow_control(inputs.control, now)
        self._drain_trades(inputs.trades, now)
        self._time_out(now)
        views = ms.views(self.books, now)
        self._settle_and_mark(now)
        self.portfolio.update_peak()
        if drawdown_breached(self._risk_state(), self.config.risk):
            if not self.entries_paused:
                log.warning(
                    "drawdown %.2f%% past %s%%: entries paused until a person resumes",
                    self.portfolio.drawdown_pct,
                    self.config.risk.max_drawdown_pct,
                )
            if not self.entries_paused:
                self._emit("alert", now, kind="entries_paused", reason="drawdown past the limit")
            self.entries_paused = True
        self._exits(views, now)
        self._entries(views, now)
        self._settle_and_mark(now)
        self.portfolio.update_peak()
        gap = self.portfolio.identity_gap()
        if gap != 0:
            log.error("accounting identity off by %s USD: this is a bug", gap)
        self._equity.append(self.portfolio.equity_point(now, halted=self.halted))
        self.stats.scans += 1
        self.stats.last_scan_at = now
        self.stats.markets = len(views)
        self.stats.last_scan_ms = (time.perf_counter() - started) * 1000

    def _follow_control(self, control: Control | None, now: datetime) -> None:
        if control is None:
            return
        if control.halted and not self.halted:
            log.warning("kill switch on: cancelling every open order, trading halted")
            self._emit("alert", now, kind="halted", reason="the kill switch is on")
        self.halted = control.halted
        if self.halted:
            for order in self.execution.open_orders():
                self._cancel(order.client_order_id, now, "kill switch")
        if control.resumed_at is not None and control.resumed_at != self._resumed_seen:
            self._resumed_seen = control.resumed_at
            self.entries_paused = False
            self.portfolio.reset_peak()
            log.info("resumed by a person: entries allowed, peak equity reset")

    def _drain_trades(self, stored: Sequence[tuple[int, int, Trade]], now: datetime) -> None:
        trades: list[Trade] = []
        while self._feed:
            trades.append(self._feed.popleft())
        for row_id, _, trade in stored:
            self._trade_cursor = max(self._trade_cursor, row_id)
            trades.append(trade)
        resting = {o.token_id for o in self.execution.open_orders()}
        for trade in trades:
            self.market_state.add_trade_fee(trade)
            at = min(trade.received_at, now)
            for report in self.execution.on_trade(trade, at):
                self._apply(report, now)
            mirror = mirrored(trade, self.market_state.by_token) if resting else None
            if mirror is not None and mirror.token_id in resting:
                for report in self.execution.on_trade(mirror, at):
                    self._apply(report, now)

    def _time_out(self, now: datetime) -> None:
        for report in self.execution.on_time(now):
            self._apply(report, now)
        ttl = timedelta(seconds=self.config.scanner.signal_ttl_secs)
        for rec in list(self._orders.values()):
            order = rec.order
            if order.status not in (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED):
                continue
            if order.order_type is OrderType.GTC and order.expires_at and order.expires_at <= now:
                self._fall_back_to_market(rec, now)
            elif (
                rec.signal is not None
                and order.filled_size == 0
                and rec.signal.signal.created_at + ttl <= now
            ):
                self._cancel(order.client_order_id, now, "signal expired unfilled")

    def _fall_back_to_market(self, rec: OrderRecord, now: datetime) -> None:
        report = self.execution.cancel(rec.order.client_order_id, now, "spread timeout")
        if report is None:
            return
        self._apply(report, now, expire_signal=False)
        left = rec.order.size - rec.order.filled_size
        if self.halted or rec.fallback_limit is None or left <= 0:
            self._finish_signal(rec, now, "spread timeout; no market fallback")
            return
        intent = OrderIntent(
            client_order_id=new_client_id(),
            market_id=rec.order.market_id,
            token_id=rec.order.token_id,
            side=rec.order.side,
            price=rec.fallback_limit,
            size=left,
            order_type=OrderType.FAK,
            fee=rec.fee,
            signal_price=rec.signal.signal.price_at_signal if rec.signal else None,
            strategy=rec.order.strategy,
            spend_usd=self._cost_now(rec.order.token_id, rec.order.side, rec.fallback_limit, left),
        )
        fallback = OrderRecord(
            dataclasses.replace(rec.order, client_order_id=intent.client_order_id),
            rec.signal, rec.is_exit, rec.exit_reason, None, rec.fee,
        )  # fmt: skip
        self._orders[intent.client_order_id] = fallback
        self._apply(self.execution.submit(intent, now), now)

    def _cost_now(
        self, token_id: str, side: Side, limit: Decimal, shares: Decimal
    ) -> Decimal | None:
        """What buying ``shares`` up to ``limit`` costs on the current book (``None``: a SELL,
        or no book)."""
        book = self.books.book(token_id) if side is Side.BUY else None
        if book is None:
            return None
        return total_notional(walk_book(book.asks, Side.BUY, limit, max_shares=shares, step=None))

    def _settle_and_mark(self, now: datetime) -> None:
        markets = self.market_state.markets
        for position in self.portfolio.positions:
            market = markets.get(position.market_id)
            if market is not None and market.resolution is not None:
                for order in self.execution.open_orders():
                    if order.market_id == position.market_id:
                        self._cancel(order.client_order_id, now, "market resolved")
                settled = self.portfolio.settle(position.token_id, market.resolution, now=now)
                self._emit_position("settled", settled, now, resolution=market.resolution)
                continue
            top = self.books.top(position.token_id)
            if top is not None and top[0] is not None:
                self.portfolio.mark(position.token_id, top[0].price)

    def _exits(self, views: dict[int, MarketData], now: datetime) -> None:
        busy = {o.token_id for o in self.execution.open_orders()}
        for position in self.portfolio.positions:
            data = views.get(position.market_id)
            if data is None or position.token_id in busy:
                continue
            signal = None
            if position.strategy in BUILT_IN:
                found = safe_should_exit(self.registry.get(position.strategy), position, data.view)
                if isinstance(found, Signal):
                    signal = found
                elif found is not None:
                    self.stats.strategy_errors += 1
            bid = data.view.bid(position.outcome)
            if signal is None and bid is not None:
                reason = exit_for_limits(position, bid.price, self.config.risk)
                if reason is not None:
                    signal = Signal(
                        strategy=position.strategy,
                        market_id=position.market_id,
                        token_id=position.token_id,
                        side=Side.SELL,
                        reason=reason,
                        created_at=now,
                        price_at_signal=bid.price,
                        suggested_size_usd=bid.price * position.size,
                        outcome=position.outcome,
                        is_exit=True,
                    )
            if signal is not None:
                self._decide(signal, data, now)

    def _entries(self, views: dict[int, MarketData], now: datetime) -> None:
        result = safe_scan(self.registry.enabled(), [d.view for d in views.values()])
        self.stats.strategy_errors += len(result.errors)
        legs: dict[str, list[tuple[Signal, MarketData]]] = {}
        for signal in result.signals:
            data = views.get(signal.market_id)
            if data is None:
                continue
            if signal.leg_of is None:
                self._decide(signal, data, now)
            else:
                legs.setdefault(signal.leg_of, []).append((signal, data))
        for group in legs.values():
            self._decide_legs(group, now)

    def _decide(self, signal: Signal, data: MarketData, now: datetime) -> None:
        """Risk, sizing and execution of one signal; the signal ends with its status."""
        rec = self._record(signal)
        plan = self._plan(signal, data, now)
        if isinstance(plan, Plan):
            self._place(rec, plan, now)
        else:
            self._set_status(rec, SignalStatus.REJECTED, now, plan)

    def _decide_legs(self, legs: Sequence[tuple[Signal, MarketData]], now: datetime) -> None:
        """The legs of one trade (signals sharing ``leg_of``): each is checked by risk as if
        the legs before it were placed, all are sized to the same number of shares, and either
        every leg is placed or none is (a leg alone would be an unhedged bet)."""
        recs = [self._record(signal) for signal, _ in legs]
        plans: list[Plan] = []
        placed: list[PendingOrder] = []
        for rec, (signal, data) in zip(recs, legs, strict=True):
            plan = self._plan(signal, data, now, also_pending=tuple(placed))
            if not isinstance(plan, Plan):
                self._reject_legs(recs, rec, plan, now)
                return
            plans.append(plan)
            placed.append(PendingOrder(signal.token_id, plan.sized.expected_notional_usd))
        shares = min(plan.sized.shares for plan in plans)
        for rec, plan in zip(recs, plans, strict=True):
            if shares < plan.limits.min_order_size:
                why = f"sizing: {shares} shares on every leg, below the minimum order size"
                self._reject_legs(recs, rec, (why,), now)
                return
        for rec, plan in zip(recs, plans, strict=True):
            self._place(rec, plan.with_shares(shares), now)

    def _reject_legs(
        self, recs: Sequence[SignalRecord], failed: SignalRecord, reasons: tuple[str, ...],
        now: datetime,
    ) -> None:  # fmt: skip
        for rec in recs:
            if rec is failed:
                self._set_status(rec, SignalStatus.REJECTED, now, reasons)
            else:
                why = f"leg_rejected: another leg of this trade was rejected ({reasons[0]})"
                self._set_status(rec, SignalStatus.REJECTED, now, (why,))

    def _record(self, signal: Signal) -> SignalRecord:
        rec = SignalRecord(signal)
        self._signals[next(self._signal_keys)] = rec
        return rec

    def _plan(
        self,
        signal: Signal,
        data: MarketData,
        now: datetime,
        also_pending: tuple[PendingOrder, ...] = (),
    ) -> Plan | tuple[str, ...]:
        """Risk and sizing of one signal: the order to place, or why not. ``also_pending``:
        orders about to be placed before this one (the other legs of its trade)."""
        busy = {o.token_id for o in self.execution.open_orders()}
        holding = self.portfolio.position(signal.token_id) is not None
        if signal.side is Side.BUY and (holding or signal.token_id in busy):
            return ("position_open: " + _held(holding),)
        c = self.config
        state = self._risk_state()
        if also_pending:
            committed = sum((o.notional_usd for o in also_pending), _ZERO)
            state = dataclasses.replace(
                state, pending=state.pending + also_pending, cash_usd=state.cash_usd - committed
            )
        decision = check_signal(signal, state, c.risk, market_data_at=data.data_at, now=now)
        if not decision.approved:
            return decision.reasons
        book = self.books.book(signal.token_id)
        if book is None:
            return ("no_book: no usable book",)
        market = data.view.market
        limits = MarketLimits(
            tick_size=book.tick_size or MarketLimits.of(market).tick_size,
            min_order_size=book.min_order_size or MarketLimits.of(market).min_order_size,
        )
        if signal.side is Side.BUY:
            sized = size_entry(
                signal,
                book.asks,
                config=c.sizing,
                max_size_usd=decision.max_size_usd,
                max_slippage=c.execution.max_slippage,
                limits=limits,
                bankroll_usd=self.portfolio.equity_usd,
                volatility_1h=data.view.snapshot.volatility_1h if data.view.snapshot else None,
            )
        else:
            held = self.portfolio.position(signal.token_id)
            sized = size_exit(
                signal,
                book.bids,
                position_size=held.size if held else _ZERO,
                max_slippage=c.execution.max_slippage,
                limits=limits,
                config=c.sizing,
            )
        if sized.order is None:
            return tuple(f"sizing: {r}" for r in sized.reasons) or ("sizing: no order",)
        return Plan(signal, sized.order, book, limits, data.view.fee_schedule)

    def _place(self, rec: SignalRecord, plan: Plan, now: datetime) -> None:
        signal = plan.signal
        intent, fallback = order_intent(
            signal,
            plan.sized,
            plan.book,
            plan.limits.tick_size,
            plan.fee,
            now,
            self.config.execution,
        )
        order = intent.to_order(self.mode, OrderStatus.PENDING, now)
        exit_reason = signal.reason if signal.is_exit else None
        self._orders[intent.client_order_id] = OrderRecord(
            order, rec, signal.is_exit, exit_reason, fallback, plan.fee
        )
        self._apply(self.execution.submit(intent, now), now)

    # -- applying what the execution reports ------------------------------------------------

    def _cancel(self, client_order_id: str, now: datetime, reason: str) -> None:
        report = self.execution.cancel(client_order_id, now, reason)
        if report is not None:
            self._apply(report, now)

    def _apply(self, report: ExecutionReport, now: datetime, *, expire_signal: bool = True) -> None:
        order = report.order
        rec = self._orders.get(order.client_order_id)
        if rec is None:  # an order this executor does not know (another run's): ignore
            log.warning("report on unknown order %s", order.client_order_id)
            return
        rec.order = dataclasses.replace(order, id=rec.id, signal_id=rec.order.signal_id)
        rec.dirty = True
        for fill in report.fills:
            found = self.market_state.by_token.get(fill.token_id)
            held = self.portfolio.position(fill.token_id)
            outcome = held.outcome if held else (found[1] if found else Outcome.YES)
            strategy = held.strategy if held else (order.strategy or "unknown")
            self.portfolio.apply_fill(
                fill, outcome=outcome, strategy=strategy, now=fill.filled_at, reason=rec.exit_reason
            )
            rec.fills.append(fill)
            rec.filled_notional += fill.price * fill.size
            rec.filled_shares += fill.size
            self.stats.fills += 1
            self._emit("fill", now, market_id=fill.market_id, token_id=fill.token_id,
                       side=fill.side, price=fill.price, size=fill.size, fee_usd=fill.fee_usd,
                       strategy=strategy, market=self._question(fill.market_id))  # fmt: skip
            after = self.portfolio.position(fill.token_id)
            change = "opened" if held is None else "closed" if after is None else "changed"
            self._emit_position(change, after or held, now)
        if rec.signal is None:
            return
        if report.fills:
            self._set_status(rec.signal, SignalStatus.EXECUTED, now)
        elif order.status is OrderStatus.REJECTED:
            reason = f"execution: {order.reject_reason or 'rejected'}"
            self._set_status(rec.signal, SignalStatus.REJECTED, now, (reason,))
        elif order.status in (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED):
            self._set_status(rec.signal, SignalStatus.APPROVED, now)
        elif order.filled_size == 0 and order.order_type in (OrderType.FAK, OrderType.FOK):
            reason = f"execution: {order.reject_reason or 'nothing filled'}"
            self._set_status(rec.signal, SignalStatus.REJECTED, now, (reason,))
        elif expire_signal:
            self._finish_signal(rec, now, order.reject_reason or order.status.value)

    def _finish_signal(self, rec: OrderRecord, now: datetime, reason: str) -> None:
        """An order is over: its signal is executed if anything filled, else expired."""
        if rec.signal is None or rec.signal.signal.status is SignalStatus.EXECUTED:
            return
        if rec.order.filled_size > 0:
            self._set_status(rec.signal, SignalStatus.EXECUTED, now)
        else:
            self._set_status(rec.signal, SignalStatus.EXPIRED, now, (f"expired: {reason}",))

    def _set_status(
        self,
        rec: SignalRecord,
        status: SignalStatus,
        now: datetime,
        reasons: Sequence[str] = (),
    ) -> None:
        if rec.signal.status is SignalStatus.EXECUTED and status is not SignalStatus.EXECUTED:
            return  # executed is final
        if rec.signal.status is status and not reasons:
            return
        reasons = tuple(reasons) or rec.signal.risk_reasons
        rec.signal = dataclasses.replace(rec.signal, status=status, risk_reasons=reasons)
        rec.decided_at = now
        rec.dirty = True
        key = status.value
        self.stats.signals[key] = self.stats.signals.get(key, 0) + 1
        s = rec.signal
        self._emit("signal", now, strategy=s.strategy, market_id=s.market_id, side=s.side,
                   status=status, reasons=reasons, price=s.price_at_signal, is_exit=s.is_exit,
                   market=self._question(s.market_id))  # fmt: skip

    # -- events --------------------------------------------------------------------------

    def _emit(self, type_: EventType, now: datetime, **data: object) -> None:
        self._outbox.append(ExecutorEvent(type_, now, data))

    def _emit_position(
        self, change: str, position: Position | None, now: datetime, **data: object
    ) -> None:
        if position is not None:
            self._emit("position", now, change=change, market_id=position.market_id,
                       token_id=position.token_id, outcome=position.outcome,
                       strategy=position.strategy, size=position.size,
                       realized_pnl_usd=position.realized_pnl_usd,
                       market=self._question(position.market_id), **data)  # fmt: skip

    def _question(self, market_id: int) -> str | None:
        market = self.market_state.markets.get(market_id)
        return market.question if market is not None else None

    def _flush_events(self) -> None:
        """Publish what the stored scan did, in order."""
        events, self._outbox = self._outbox, []
        for event in events:
            self.events.publish(event)

    def _risk_state(self) -> PortfolioState:
        p = self.portfolio
        pending = tuple(
            PendingOrder(o.token_id, (o.size - o.filled_size) * o.price)
            for o in self.execution.open_orders()
            if o.side is Side.BUY
        )
        return PortfolioState(
            cash_usd=p.cash_usd - self.execution.reserved_usd(),
            equity_usd=p.equity_usd,
            peak_equity_usd=p.peak_equity_usd,
            positions=p.positions,
            pending=pending,
            halted=self.halted,
            entries_paused=self.entries_paused,
        )

    # -- storing -------------------------------------------------------------------------

    def _persist(self, now: datetime) -> None:
        """Store everything that changed, in one transaction; ids are taken only once it
        commits, so a failed write is retried whole on the next scan."""
        signal_ids: dict[int, int] = {}
        order_ids: dict[str, int] = {}
        position_ids: dict[int, Position] = {}
        stored_fills: dict[str, int] = {}
        signals = [(k, r) for k, r in self._signals.items() if r.dirty]
        orders = [r for r in self._orders.values() if r.dirty]
        changed = list(self.portfolio.changed.items())
        equity = list(self._equity)
        p = self.portfolio
        with self.sessions.begin() as s:
            sig_repo = SignalRepository(s)
            for key, srec in signals:
                if srec.id is None:
                    signal_ids[key] = sig_repo.add(srec.signal)
                    stored_id = signal_ids[key]
                else:
                    stored_id = srec.id
                sig_repo.set_status(
                    stored_id,
                    srec.signal.status,
                    now=srec.decided_at or now,
                    reasons=srec.signal.risk_reasons,
                )
            pos_repo = PositionRepository(s)
            for key, held in changed:
                position_ids[key] = pos_repo.save(held.position, now=now)
            order_repo = OrderRepository(s)
            key_of = {id(r): k for k, r in self._signals.items()}
            for rec in orders:
                sig_id: int | None = None
                if rec.signal is not None:
                    sig_id = rec.signal.id or signal_ids.get(key_of.get(id(rec.signal), -1))
                avg = None
                if rec.filled_shares > 0:  # weighted by the shares each fill delivered
                    avg = (rec.filled_notional / rec.filled_shares).quantize(Decimal("1e-6"))
                if rec.id is None:
                    order = dataclasses.replace(rec.order, signal_id=sig_id)
                    order_id = order_ids[rec.order.client_order_id] = order_repo.add(order)
                else:
                    order_id = rec.id
                order_repo.update_status(
                    order_id,
                    rec.order.status,
                    filled_size=rec.order.filled_size,
                    now=rec.order.updated_at,
                    avg_fill_price=avg,
                    reject_reason=rec.order.reject_reason,
                )
                for fill in rec.fills:
                    order_repo.add_fill(fill.to_fill(order_id))
                stored_fills[rec.order.client_order_id] = len(rec.fills)
            ex = ExecutorRepository(s)
            ex.save_balances(
                self.mode,
                starting_balance_usd=p.starting_balance_usd,
                cash_usd=p.cash_usd,
                peak_equity_usd=p.peak_equity_usd,
                entries_paused=self.entries_paused,
                now=now,
            )
            for point in equity:
                ex.append_equity(point)
        # committed: take the ids, forget what is over
        for key, srec in signals:
            srec.id = srec.id or signal_ids.get(key)
            srec.dirty = False
            if srec.signal.status is not SignalStatus.APPROVED:
                self._signals.pop(key, None)
        for key, saved in position_ids.items():
            p.stored(key, saved)
            p.changed.pop(key, None)
        for rec in orders:
            rec.id = rec.id or order_ids.get(rec.order.client_order_id)
            rec.order = dataclasses.replace(rec.order, id=rec.id)
            del rec.fills[: stored_fills.get(rec.order.client_order_id, 0)]
            rec.dirty = False
            if rec.order.status not in (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED):
                self._orders.pop(rec.order.client_order_id, None)
        del self._equity[: len(equity)]


def _tokens_of(markets: Iterable[Market]) -> list[str]:
    return [t for m in markets for t in (m.yes_token_id, m.no_token_id) if t is not None]


def _held(position_held: bool) -> str:
    return "a position in this token is open" if position_held else "an order on this token rests"


__all__ = ["Executor", "MarketView", "ScanStats", "equity_identity_gaps"]
