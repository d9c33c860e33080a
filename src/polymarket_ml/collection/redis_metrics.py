"""Live trade metrics in Redis (``ws:*`` keys): the collector writes, snapshot workers read.

The distributed twin of :class:`~polymarket_ml.collection.metrics.InProcessTradeMetrics`, behind
the same :class:`~polymarket_ml.collection.metrics.TradeMetrics` interface, answering with the
same :class:`~polymarket_ml.features.trades.TradeFeatures` the in-process
:class:`~polymarket_ml.features.trade_window.TradeWindow` gives for the same trades (floats equal
up to rounding: the window keeps running sums, this recomputes them).

Keys (``ws:`` is the default prefix):

- ``ws:followed`` — hash, token id → when the WebSocket began following it (ISO 8601).
- ``ws:trades:<token>`` — sorted set of the token's recent trades, score = our receipt time
  (epoch seconds). Trimmed on every add, as the window is, to the trades newer than the newest
  one minus an hour and the grace minute.
- ``ws:gone:<token>`` — hash: the newest trade and the newest whale trade that left the set, so
  that ``time_since_trade`` and ``time_since_whale`` outlive the hour, as in the window.

A trade is added by one Lua script (check followed, add, trim, remember what left), so the set
is never seen half-trimmed and a trade for a token unfollowed meanwhile is dropped. Writes of many
trades are pipelined; a read is one MULTI/EXEC. Performs network I/O (blocking redis-py calls).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import redis

from polymarket_ml.core.enums import Side, WhaleTier
from polymarket_ml.core.types import Trade
from polymarket_ml.features.trade_window import GRACE_S
from polymarket_ml.features.trades import (
    WHALE_THRESHOLDS_USD,
    WINDOW_1H_S,
    TradeFeatures,
    TradeTick,
    compute_trade_features,
    tick_from_trade,
)

DEFAULT_PREFIX = "ws:"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
_SEQ_DIGITS = 16  # a member is 16 hex digits of arrival order, a whale flag, then JSON
_WHALE, _NOT_WHALE = "W", "."

# KEYS: followed hash, trades zset, gone hash. ARGV: token, ts, member, window s, grace s.
# The horizon is computed as (newest − window) − grace, in the same order as the window does,
# so the same trades leave at the same instants. Numbers go back to Redis at full precision.
_ADD_LUA = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
local newest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
local horizon = tonumber(newest[2]) - tonumber(ARGV[4]) - tonumber(ARGV[5])
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', horizon, 'WITHSCORES')
if #gone == 0 then return 1 end
local v = redis.call('HGET', KEYS[3], 'ts')
local last_ts = v and tonumber(v) or -math.huge
v = redis.call('HGET', KEYS[3], 'whale_ts')
local whale_ts = v and tonumber(v) or -math.huge
local last_member = false
local whale_seen = false
for i = 1, #gone, 2 do
  local s = tonumber(gone[i + 1])
  if s >= last_ts then last_ts = s; last_member = gone[i] end
  if string.sub(gone[i], 17, 17) == 'W' and s >= whale_ts then
    whale_ts = s; whale_seen = true
  end
end
if last_member then redis.call('HSET', KEYS[3], 'ts', last_ts, 'member', last_member) end
if whale_seen then redis.call('HSET', KEYS[3], 'whale_ts', whale_ts) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', horizon)
return 1
"""


class RedisTradeMetrics:
    """Per-token trade windows in Redis, shared by the collector and the snapshot workers."""

    def __init__(
        self,
        client: redis.Redis,
        whale_thresholds_usd: Sequence[float | Decimal] = WHALE_THRESHOLDS_USD,
        *,
        prefix: str = DEFAULT_PREFIX,
    ) -> None:
        self._redis = client
        self._thresholds = tuple(whale_thresholds_usd)
        self._prefix = prefix
        self._followed_key = f"{prefix}followed"
        self._add = client.register_script(_ADD_LUA)
        self._seq = 0

    # -- the TradeMetrics interface ----------------------------------------------------------

    def follow(self, token_ids: Iterable[str], *, now: datetime) -> None:
        """Start windows for tokens not followed yet (a followed token keeps its window)."""
        since = now.astimezone(UTC).isoformat()
        pipe = self._redis.pipeline(transaction=False)
        for token in token_ids:
            pipe.hsetnx(self._followed_key, token, since)
        pipe.execute()

    def unfollow(self, token_ids: Iterable[str]) -> None:
        """Forget the tokens and their windows."""
        pipe = self._redis.pipeline(transaction=True)
        for token in token_ids:
            pipe.hdel(self._followed_key, token)
            pipe.delete(self._trades_key(token), self._gone_key(token))
        pipe.execute()

    def add(self, trade: Trade) -> None:
        self.add_many([trade])

    def features(self, token_id: str, now: datetime) -> TradeFeatures | None:
        """The token's trade features at ``now``, or None when the WebSocket does not follow it."""
        if now.tzinfo is None:
            raise ValueError("RedisTradeMetrics.features needs a timezone-aware now")
        now_s = now.timestamp()
        pipe = self._redis.pipeline(transaction=True)
        pipe.hexists(self._followed_key, token_id)
        pipe.zrangebyscore(self._trades_key(token_id), "-inf", now_s, withscores=True)
        pipe.hgetall(self._gone_key(token_id))
        followed, rows, gone = pipe.execute()
        if not followed:
            return None
        result = compute_trade_features([_decode(m, s) for m, s in rows], now_s)
        gone = {_text(k): v for k, v in gone.items()}
        if result.time_since_trade is None and "member" in gone:
            last = _decode(gone["member"], float(gone["ts"]))
            result = dataclasses.replace(
                result, time_since_trade=now_s - last.ts, last_trade_exchange_ts=last.exchange_ts
            )
        if result.time_since_whale is None and "whale_ts" in gone:
            result = dataclasses.replace(result, time_since_whale=now_s - float(gone["whale_ts"]))
        return result

    # -- more than the interface ---------------------------------------------------------------

    def add_many(self, trades: Iterable[Trade]) -> int:
        """Add trades in one pipelined round trip; return how many were for followed tokens."""
        pipe = self._redis.pipeline(transaction=False)
        n = 0
        for trade in trades:
            tick = tick_from_trade(trade, self._thresholds)
            if not (tick.price > 0 and tick.size > 0):
                raise ValueError(f"a trade needs a positive price and size, got {trade}")
            token = trade.token_id
            self._add(
                keys=[self._followed_key, self._trades_key(token), self._gone_key(token)],
                args=[token, tick.ts, self._member(tick), WINDOW_1H_S, GRACE_S],
                client=pipe,
            )
            n += 1
        if n == 0:
            return 0
        return sum(int(r) for r in pipe.execute())

    def followed(self) -> dict[str, datetime]:
        """Every followed token with the time its window began."""
        raw: dict[Any, Any] = self._redis.hgetall(self._followed_key)
        return {_text(k): datetime.fromisoformat(_text(v)) for k, v in raw.items()}

    def clear(self) -> int:
        """Delete every key under the prefix (a collector starting afresh); return how many."""
        deleted = 0
        batch: list[Any] = []
        for key in self._redis.scan_iter(match=f"{self._prefix}*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                deleted += int(self._redis.delete(*batch))
                batch = []
        if batch:
            deleted += int(self._redis.delete(*batch))
        return deleted

    # -- internals -----------------------------------------------------------------------------

    def _trades_key(self, token: str) -> str:
        return f"{self._prefix}trades:{token}"

    def _gone_key(self, token: str) -> str:
        return f"{self._prefix}gone:{token}"

    def _member(self, tick: TradeTick) -> str:
        """Unique, and ordered by arrival among equal scores (the window keeps arrival order)."""
        self._seq = max(self._seq + 1, time.time_ns())
        flag = _WHALE if tick.is_whale else _NOT_WHALE
        exchange_us = None if tick.exchange_ts is None else (tick.exchange_ts - _EPOCH) // _MICRO
        body = [tick.price, tick.size, tick.side.value, tick.notional, int(tick.whale_tier)]
        return f"{self._seq:0{_SEQ_DIGITS}x}{flag}{json.dumps([*body, exchange_us])}"


def _decode(member: bytes | str, score: float) -> TradeTick:
    price, size, side, notional, whale_tier, exchange_us = json.loads(
        _text(member)[_SEQ_DIGITS + 1 :]
    )
    return TradeTick(
        ts=score,
        price=price,
        size=size,
        side=Side(side),
        notional=notional,
        whale_tier=WhaleTier(whale_tier),
        exchange_ts=None if exchange_us is None else _EPOCH + exchange_us * _MICRO,
    )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
