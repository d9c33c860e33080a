"""What the executor tells listeners as it happens: fills, position changes, signals, alerts.

The :class:`~polymarket_ml.executor.engine.Executor` collects events while it scans and hands
them to its :class:`EventHub` once the scan is stored, so a listener that reads the database on
an event sees what the event is about. The hub never blocks the executor: each subscriber has a
bounded queue, and a subscriber that falls behind loses its oldest events (it gets a
``dropped`` count on the next one; polling catches it up). Subscribers live on an event loop;
:meth:`EventHub.publish` may be called from any thread.

*Sinks* carry events out of the process: ``pmml executor`` (the distributed deployment) adds one
that publishes each event as JSON on the Redis channel :data:`REDIS_CHANNEL`, which the API
process relays to its WebSocket clients. A sink that fails is logged, never raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

EventType = Literal["fill", "position", "signal", "alert"]

QUEUE_SIZE = 1000
REDIS_CHANNEL = "pmml:executor:events"
SINK_ERROR_LOG_EVERY_S = 60.0

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExecutorEvent:
    """One thing that happened; ``data`` holds plain values (decimals, enums, times allowed)."""

    type: EventType
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready: ``{"type": ..., "at": ISO time, **data}`` (decimals as strings)."""
        return {"type": self.type, "at": self.at.isoformat(), **_plain(self.data)}


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Decimal):
            out[key] = str(value)
        elif isinstance(value, Enum):
            out[key] = value.value
        elif isinstance(value, datetime):
            out[key] = value.isoformat()
        elif isinstance(value, tuple):
            out[key] = list(value)
        else:
            out[key] = value
    return out


class Subscription:
    """A subscriber's queue; iterate with ``await sub.get()``."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[ExecutorEvent] = asyncio.Queue(QUEUE_SIZE)
        self.dropped = 0

    def _put(self, event: ExecutorEvent) -> None:  # on self.loop
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(event)

    async def get(self) -> ExecutorEvent:
        return await self.queue.get()


class EventHub:
    """Fan-out of executor events to the subscribers of the moment (the API's WebSocket)."""

    def __init__(self) -> None:
        self._subs: list[Subscription] = []
        self._lock = threading.Lock()
        self._sinks: list[Callable[[ExecutorEvent], None]] = []
        self._sink_error_logged = -SINK_ERROR_LOG_EVERY_S
        self.published = 0

    def add_sink(self, sink: Callable[[ExecutorEvent], None]) -> None:
        """Also hand every event to ``sink`` (called on the publishing thread)."""
        self._sinks.append(sink)

    def publish(self, event: ExecutorEvent) -> None:
        """Hand ``event`` to every subscriber (thread-safe, never blocks)."""
        self.published += 1
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            with contextlib.suppress(RuntimeError):  # its loop is closed: it is going away
                sub.loop.call_soon_threadsafe(sub._put, event)
        for sink in self._sinks:
            try:
                sink(event)
            except Exception as exc:  # the relay is down: the dashboard's polling catches up
                if time.monotonic() - self._sink_error_logged >= SINK_ERROR_LOG_EVERY_S:
                    self._sink_error_logged = time.monotonic()
                    log.warning("executor events not relayed (%s: %s)", type(exc).__name__, exc)

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[Subscription]:
        """A subscription on the running loop for the ``with`` block."""
        sub = Subscription(asyncio.get_running_loop())
        with self._lock:
            self._subs.append(sub)
        try:
            yield sub
        finally:
            with self._lock:
                self._subs.remove(sub)

    @property
    def subscribers(self) -> int:
        return len(self._subs)
