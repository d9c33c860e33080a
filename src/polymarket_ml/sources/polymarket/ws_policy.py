"""Reconnect policy and settings of the market WebSocket: pure functions and a frozen config.

The transport (:mod:`.ws`) only moves bytes; when to reconnect is decided here, by
:func:`next_reconnect_delay` and :func:`stagger_offset_secs`, and whether a healthy-looking
socket must be reopened by :func:`is_trade_rate_collapsed`; all free of I/O and tested on their
own. The random source is passed in, so schedules are deterministic under a seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from polymarket_ml.sources.polymarket.resilience import RandomSource

MAX_ASSETS_PER_CONNECTION = 500
"""Above ~500 assets on one socket the initial ``book`` dumps stop arriving (§5.5)."""


def next_reconnect_delay(
    attempt: int, rng: RandomSource, *, base_secs: float = 0.5, cap_secs: float = 30.0
) -> float:
    """Seconds to wait before reconnect ``attempt`` (1 = the first try after a drop).

    Exponential backoff with "equal jitter": the ceiling ``min(cap, base * 2**(attempt-1))``
    is split into a fixed half and a uniformly random half, so no wait is ever zero (a flapping
    server is not hammered) and sockets dropped together spread out over the random half.
    """
    if attempt < 1:
        raise ValueError(f"attempt starts at 1, got {attempt}")
    if base_secs < 0 or cap_secs < 0:
        raise ValueError("reconnect delays must not be negative")
    exponent = min(attempt - 1, 62)  # 2**62 is far past any cap; avoids float overflow
    ceiling = min(cap_secs, base_secs * math.ldexp(1.0, exponent))
    half = ceiling / 2.0
    return half + rng() * half


def stagger_offset_secs(index: int, *, step_secs: float = 0.25, window_secs: float = 5.0) -> float:
    """A fixed extra wait for connection ``index`` of a pool, added to its reconnect delay.

    Connections ``0, 1, 2...`` wait ``0, step, 2*step...`` wrapping around ``window_secs``, so
    a pool that loses every socket at once (a network blip) does not reconnect, and ask for
    hundreds of initial book dumps, at a single instant — even before jitter is added.
    """
    if index < 0:
        raise ValueError(f"connection index must not be negative, got {index}")
    if step_secs < 0 or window_secs <= 0:
        raise ValueError("stagger step must not be negative and the window must be positive")
    return (index * step_secs) % window_secs


def is_trade_rate_collapsed(
    *,
    usual_per_min: float | None,
    recent_per_min: float,
    connected_secs: float | None,
    min_per_min: float,
    recent_window_secs: float,
) -> bool:
    """Whether an open socket should be reconnected because its trades stopped flowing.

    True when the connection usually trades at least ``min_per_min`` trades a minute but traded
    less than that over the recent window, and its current socket has been open for a whole
    recent window (so the slow window is this socket's, not the gap before it opened). A
    connection whose markets never trade that much (``usual_per_min`` below the floor, or
    ``None``: not enough history) is never judged by this rule, nor is any with a floor of 0.
    A closed socket (``connected_secs`` is ``None``) is the reconnect loop's business already.
    """
    if min_per_min <= 0 or usual_per_min is None or connected_secs is None:
        return False
    if connected_secs < recent_window_secs:
        return False
    return usual_per_min >= min_per_min and recent_per_min < min_per_min


@dataclass(frozen=True, slots=True)
class MarketStreamConfig:
    """How one market-channel socket behaves; every duration is in seconds.

    ``idle_timeout_secs``: with no data frame for this long the socket is taken for dead,
    closed and reopened (``PONG`` and ``NO NEW ASSETS`` prove the socket is open, not that
    the feed flows; streams are known to freeze silently, §5.5). ``resync_grace_secs``: how
    long a book may stay unsynced while subscribed before it is fetched over REST.
    ``asset_stale_after_secs``: an asset with no event for this long counts as stale in health.
    ``trade_rate_recent_secs`` / ``trade_rate_usual_secs``: the windows (whole seconds) of the
    recent and the usual trade rate in health, judged by :func:`is_trade_rate_collapsed`.
    """

    ping_interval_secs: float = 10.0
    idle_timeout_secs: float = 60.0
    open_timeout_secs: float = 10.0
    close_timeout_secs: float = 2.0
    reconnect_base_secs: float = 0.5
    reconnect_cap_secs: float = 30.0
    stagger_step_secs: float = 0.25
    stagger_window_secs: float = 5.0
    custom_feature_enabled: bool = True
    initial_dump: bool | None = None  # None: leave it out, the server's default is true
    max_frame_bytes: int = 64 * 1024 * 1024  # initial dumps of hundreds of books are large
    resync_grace_secs: float = 5.0
    resync_check_secs: float = 1.0
    asset_stale_after_secs: float = 300.0
    max_assets_per_connection: int = MAX_ASSETS_PER_CONNECTION
    trade_rate_recent_secs: int = 300
    trade_rate_usual_secs: int = 3600

    def __post_init__(self) -> None:
        positive = {
            "ping_interval_secs": self.ping_interval_secs,
            "idle_timeout_secs": self.idle_timeout_secs,
            "open_timeout_secs": self.open_timeout_secs,
            "close_timeout_secs": self.close_timeout_secs,
            "stagger_window_secs": self.stagger_window_secs,
            "resync_check_secs": self.resync_check_secs,
            "asset_stale_after_secs": self.asset_stale_after_secs,
            "max_frame_bytes": self.max_frame_bytes,
            "max_assets_per_connection": self.max_assets_per_connection,
            "trade_rate_recent_secs": self.trade_rate_recent_secs,
        }
        for name, value in positive.items():
            if value <= 0:
                raise ValueError(f"MarketStreamConfig.{name} must be positive, got {value}")
        not_negative = {
            "reconnect_base_secs": self.reconnect_base_secs,
            "reconnect_cap_secs": self.reconnect_cap_secs,
            "stagger_step_secs": self.stagger_step_secs,
            "resync_grace_secs": self.resync_grace_secs,
        }
        for name, value in not_negative.items():
            if value < 0:
                raise ValueError(f"MarketStreamConfig.{name} must not be negative, got {value}")
        if self.trade_rate_usual_secs <= self.trade_rate_recent_secs:
            raise ValueError(
                "MarketStreamConfig.trade_rate_usual_secs must be longer than"
                f" trade_rate_recent_secs, got {self.trade_rate_usual_secs}"
                f" <= {self.trade_rate_recent_secs}"
            )


__all__ = [
    "MAX_ASSETS_PER_CONNECTION",
    "MarketStreamConfig",
    "is_trade_rate_collapsed",
    "next_reconnect_delay",
    "stagger_offset_secs",
]
