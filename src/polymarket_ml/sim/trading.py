"""Trading activity on one market: resting-order churn, requotes, and takers (whales included).

Called by the engine with the market's fair probability; returns feed items. Takers' notional
is Pareto-distributed (``$3 · U^(-1/1.05)``), so a trade of $1,000 or more happens about once
in 400 trades and one of $10,000 or more about once in 4,000.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from polymarket_ml.core.enums import Side
from polymarket_ml.sim.book import CENT, ONE, Fill, LevelChange
from polymarket_ml.sim.feed import (
    FeedBestBidAsk,
    FeedItem,
    FeedPriceChange,
    FeedTrade,
    PriceChangeEntry,
)
from polymarket_ml.sim.ids import millis, new_address, new_hex32, sha1_hex
from polymarket_ml.sim.market import SimMarket

TRADE_SHARE = 0.14
REQUOTE_SHARE = 0.25
WHALE_TOP_UP = 0.7
MAX_NOTIONAL_USD = 250_000.0
_OPPOSITE = {Side.BUY: Side.SELL, Side.SELL: Side.BUY}


class MarketActivity:
    """Turns one activity tick of a market into level changes and trades."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._seq = 0
        self._wallets = [new_address(rng) for _ in range(64)]

    def act(self, market: SimMarket, when: datetime, p: float) -> list[FeedItem]:
        rng = self.rng
        roll = rng.random()
        book = market.book
        if roll < TRADE_SHARE and book.bids and book.asks:
            return self._trade(market, when)
        changes: Iterable[LevelChange]
        if roll < TRADE_SHARE + REQUOTE_SHARE:
            changes = book.requote(rng, p, market.half_spread_ticks)  # made one by one...
        else:
            change = book.jiggle(rng)
            changes = [change] if change is not None else []
        ts = millis(when)
        return [self.price_change(market, ts, change) for change in changes]  # ...as sent

    def price_change(self, market: SimMarket, ts: int, change: LevelChange) -> FeedPriceChange:
        """The change on the first token plus its mirror on the second, each with its top."""
        self._seq += 1
        yes_bid, yes_ask = market.book.top(True)
        no_bid, no_ask = market.book.top(False)
        yes_id, no_id = market.token_ids
        entries = (
            PriceChangeEntry(yes_id, change.price, change.size, change.side, yes_bid, yes_ask,
                             sha1_hex(f"{yes_id}:{ts}:{self._seq}")),
            PriceChangeEntry(no_id, ONE - change.price, change.size, _OPPOSITE[change.side],
                             no_bid, no_ask, sha1_hex(f"{no_id}:{ts}:{self._seq}")),
        )  # fmt: skip
        return FeedPriceChange(market, ts, entries)

    def best_bid_ask(self, market: SimMarket, when: datetime) -> list[FeedItem]:
        ts = millis(when)
        return [
            FeedBestBidAsk(market, asset_id, ts, *market.book.top(index == 0))
            for index, asset_id in enumerate(market.token_ids)
        ]

    def _trade(self, market: SimMarket, when: datetime) -> list[FeedItem]:
        """A taker buys or sells either token; fills walk the mirrored YES book."""
        rng, book = self.rng, market.book
        index = rng.randrange(2)
        side = Side.BUY if rng.random() < 0.5 else Side.SELL
        consume_asks = (index == 0) == (side is Side.BUY)
        top = book.best_ask() if consume_asks else book.best_bid()
        if top is None:
            return []
        price = top if index == 0 else ONE - top
        notional = min(3.0 * rng.random() ** (-1 / 1.05), MAX_NOTIONAL_USD)
        shares = (Decimal(f"{notional:.2f}") / price).quantize(CENT, rounding=ROUND_DOWN)
        shares = max(shares, market.min_order_size)
        ts = millis(when)
        out: list[FeedItem] = []
        levels = book.asks if consume_asks else book.bids
        if shares > levels[top] and rng.random() < WHALE_TOP_UP:
            maker_side = Side.SELL if consume_asks else Side.BUY
            out.append(self.price_change(market, ts, book.set_level(maker_side, top, shares)))
        tx_hash = new_hex32(rng)
        wallet = rng.choice(self._wallets)
        bps = int(market.fee_rate * 10_000)
        book_side = Side.SELL if consume_asks else Side.BUY
        fills: list[Fill] = []
        remaining = shares
        while remaining > 0 and (fill := book.take_best(consume_asks, remaining)) is not None:
            fills.append(fill)
            remaining -= fill.size
            token_price = fill.yes_price if index == 0 else ONE - fill.yes_price
            out.append(FeedTrade(market, market.token_ids[index], ts, token_price, fill.size,
                                 side, bps, tx_hash, wallet))  # fmt: skip
            market.volume_usd += token_price * fill.size
            left = levels.get(fill.yes_price, Decimal(0))
            change = LevelChange(book_side, fill.yes_price, left)
            out.append(self.price_change(market, ts, change))
        if fills:
            last = fills[-1].yes_price
            market.last_trade_price[0] = last
            market.last_trade_price[1] = ONE - last
            market.last_trade_side[index] = side.value
            market.last_trade_side[1 - index] = _OPPOSITE[side].value
        return out
