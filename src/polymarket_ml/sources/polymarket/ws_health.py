"""Health of a market-channel socket, as plain values for monitoring.

:class:`RollingCount` is pure (the caller passes ``now`` in monotonic seconds);
:class:`ConnectionHealth` is a frozen snapshot a dashboard or a log line can read as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class RollingCount:
    """Events counted in one-second buckets over the last ``window_secs`` seconds."""

    __slots__ = ("_counts", "_seconds", "window_secs")

    def __init__(self, window_secs: int = 60) -> None:
        if window_secs < 1:
            raise ValueError(f"window_secs must be at least 1, got {window_secs}")
        self.window_secs = window_secs
        self._seconds = [-1] * window_secs  # which whole second each bucket currently holds
        self._counts = [0] * window_secs

    def add(self, now: float, n: int = 1) -> None:
        second = int(now)
        slot = second % self.window_secs
        if self._seconds[slot] != second:
            self._seconds[slot] = second
            self._counts[slot] = 0
        self._counts[slot] += n

    def total(self, now: float) -> int:
        """Events in the ``window_secs`` seconds up to and including the current second."""
        oldest = int(now) - self.window_secs
        return sum(c for s, c in zip(self._seconds, self._counts, strict=True) if s > oldest)

    def per_minute(self, now: float) -> float:
        return self.total(now) * 60.0 / self.window_secs


@dataclass(frozen=True, slots=True)
class ConnectionHealth:
    """One socket of the market channel at one moment.

    ``connected_since`` is ``None`` while disconnected. Ages are seconds; ``None`` means
    "never". ``reconnects`` counts sockets opened after the first one; ``disconnects`` counts
    lost sockets, the last one's cause in ``last_disconnect_reason``. ``queue_depth`` is the
    consumer queue's size (0 when events go to a callback). ``stale_assets`` have had no event
    for the configured ``asset_stale_after_secs``; ``unsynced_books`` are subscribed assets
    whose local book cannot be served (after a reconnect, a tick size change, a mismatch).
    ``recent_trades_per_min`` is the trade rate over the config's ``trade_rate_recent_secs``;
    ``usual_trades_per_min`` the rate before that window, over up to ``trade_rate_usual_secs``
    (``None`` until there is enough history); ``connected_secs`` is how long the current socket
    has been open (monotonic). ``forced_reconnects`` counts reconnects asked for by a health
    rule; ``frame_sink_errors`` counts raw frames the frame sink (the journal) failed to take.
    """

    name: str
    url: str
    connected: bool
    connected_since: datetime | None
    subscribed_assets: int
    messages_per_min: float
    trades_per_min: float
    frames: int
    events: int
    bad_frames: int
    unknown_messages: int
    reconnects: int
    disconnects: int
    idle_timeouts: int
    last_disconnect_reason: str | None
    last_message_age_secs: float | None
    queue_depth: int
    queue_max: int
    stale_assets: int
    unsynced_books: int
    rest_resyncs: int
    consumer_errors: int
    recent_trades_per_min: float = 0.0
    usual_trades_per_min: float | None = None
    connected_secs: float | None = None
    forced_reconnects: int = 0
    frame_sink_errors: int = 0


__all__ = ["ConnectionHealth", "RollingCount"]
