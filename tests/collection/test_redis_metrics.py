"""Live trade metrics in Redis answer as the in-process windows do, for the same trades."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import redis

from polymarket_ml.collection.metrics import InProcessTradeMetrics
from polymarket_ml.collection.redis_metrics import RedisTradeMetrics
from polymarket_ml.core.enums import Side
from polymarket_ml.core.types import Trade
from polymarket_ml.features.trades import TradeFeatures
from tests.services import fresh_redis

pytestmark = pytest.mark.redis

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    with fresh_redis() as c:
        yield c


def trade(token: str, received: datetime, price: str, size: str, side: Side = Side.BUY) -> Trade:
    return Trade(
        token_id=token,
        condition_id=f"0xcond{token}",
        price=Decimal(price),
        size=Decimal(size),
        side=side,
        exchange_ts=received - timedelta(milliseconds=250),
        received_at=received,
    )


def assert_same(expected: TradeFeatures | None, got: TradeFeatures | None, where: str) -> None:
    if expected is None or got is None:
        assert expected is got, where
        return
    for field in dataclasses.fields(TradeFeatures):
        a, b = getattr(expected, field.name), getattr(got, field.name)
        if isinstance(a, float) and isinstance(b, float):
            assert b == pytest.approx(a, rel=1e-9, abs=1e-9), f"{field.name} {where}"
        else:
            assert a == b, f"{field.name} {where}"


def test_redis_features_equal_the_in_process_windows_for_the_same_trades(
    client: redis.Redis,
) -> None:
    # given both implementations fed the same seeded stream: out-of-order and simultaneous
    # arrivals, whales, trades that arrive after their hour has passed, and gaps of hours
    rng = random.Random(20260601)
    local, shared = InProcessTradeMetrics(), RedisTradeMetrics(client)
    for metrics in (local, shared):
        metrics.follow(["A", "B"], now=START)  # C is never followed
    t = START
    asked = START
    slow_path = outlived = 0
    for step in range(2500):
        t += timedelta(seconds=rng.expovariate(1 / 6))
        if rng.random() < 0.004:
            t += timedelta(hours=rng.uniform(1, 3))  # quiet for hours: the window empties
        received = t
        roll = rng.random()
        if roll < 0.08:
            received = t - timedelta(seconds=rng.uniform(0, 40))  # out of order
        elif roll < 0.10:
            received = t - timedelta(seconds=rng.uniform(3700, 5000))  # after its hour
        size = rng.choice(["3", "25", "180", "2500", "40000"])  # whales from $1,000
        new = trade(
            rng.choice("AABC"),
            received,
            f"0.{rng.randint(5, 95):02d}",
            size,
            rng.choice([Side.BUY, Side.SELL]),
        )
        repeats = 2 if rng.random() < 0.03 else 1  # the same instant twice
        for _ in range(repeats):
            local.add(new)
            shared.add(new)
        # when asked now and then, sometimes a little before the newest trade's receipt
        if step % 7 == 0:
            asked = max(asked, t + timedelta(seconds=rng.uniform(-20, 30)))
            slow_path += asked < t
            for token in "ABC":
                expected = local.features(token, asked)
                # then the answers are the same
                assert_same(expected, shared.features(token, asked), f"{token} at step {step}")
                if expected and expected.time_since_trade and expected.trade_count_1h == 0:
                    outlived += 1
    assert slow_path > 20
    assert outlived > 5  # time_since_* answered from what left the window


def test_a_token_not_followed_has_no_features_and_its_trades_are_dropped(
    client: redis.Redis,
) -> None:
    metrics = RedisTradeMetrics(client)
    metrics.follow(["A"], now=START)
    metrics.add(trade("C", START, "0.5", "10"))
    assert metrics.features("C", START) is None
    assert client.exists("ws:trades:C") == 0
    followed = metrics.features("A", START)
    assert followed is not None
    assert (followed.trade_count_1h, followed.time_since_trade) == (0, None)


def test_unfollow_forgets_the_window_and_following_again_starts_afresh(
    client: redis.Redis,
) -> None:
    metrics = RedisTradeMetrics(client)
    metrics.follow(["A"], now=START)
    metrics.add(trade("A", START, "0.5", "4000"))  # a $2,000 whale
    assert metrics.features("A", START + timedelta(seconds=1)).whale_count_1h == 1  # type: ignore[union-attr]
    metrics.unfollow(["A"])
    assert metrics.features("A", START) is None
    assert client.keys("ws:*") == []
    later = START + timedelta(minutes=5)
    metrics.follow(["A"], now=later)
    again = metrics.features("A", later)
    assert again is not None
    assert (again.trade_count_1h, again.time_since_whale) == (0, None)
    assert metrics.followed() == {"A": later}


def test_following_a_followed_token_keeps_its_window(client: redis.Redis) -> None:
    metrics = RedisTradeMetrics(client)
    metrics.follow(["A"], now=START)
    metrics.add(trade("A", START, "0.5", "10"))
    metrics.follow(["A", "B"], now=START + timedelta(minutes=1))
    assert metrics.followed() == {"A": START, "B": START + timedelta(minutes=1)}
    assert metrics.features("A", START + timedelta(minutes=2)).trade_count_1h == 1  # type: ignore[union-attr]


def test_add_many_counts_the_trades_of_followed_tokens_and_memory_stays_bounded(
    client: redis.Redis,
) -> None:
    metrics = RedisTradeMetrics(client)
    metrics.follow(["A"], now=START)
    # one trade a second for two hours, in one pipelined batch, plus one for an unfollowed token
    batch = [trade("A", START + timedelta(seconds=k), "0.5", "2") for k in range(7200)]
    assert metrics.add_many([*batch, trade("B", START, "0.5", "2")]) == 7200
    # the set holds the newest trade's hour and the grace minute, no more
    assert client.zcard("ws:trades:A") == 3600 + 60
    f = metrics.features("A", START + timedelta(seconds=7199))
    assert f is not None
    assert (f.trade_count_1h, f.volume_1h) == (3600, 3600.0)


def test_clear_deletes_only_the_metrics_keys(client: redis.Redis) -> None:
    metrics = RedisTradeMetrics(client)
    metrics.follow(["A", "B"], now=START)
    metrics.add(trade("A", START, "0.5", "10"))
    client.set("other", "kept")
    assert metrics.clear() == 2  # ws:followed and ws:trades:A
    assert client.keys("*") == [b"other"]
