"""The two background threads of live trading: the user channel and the order heartbeat.

Both only talk to the exchange and hand results over; every decision stays on the engine's
thread (:class:`~polymarket_ml.executor.live.LiveExecution`), which drains them.

- :class:`UserStream` keeps one user-channel socket (``polymarket-api.md`` §6) subscribed to
  every market, parses its frames (``parse_user``) into a queue, sends the text ``PING`` every
  ``ping_secs`` and treats ``idle_timeout_secs`` of silence as a dead socket. It reconnects
  after the backoff of :func:`next_reconnect_delay` and raises :attr:`UserStream.resync`
  after every (re)connect: what happened while it was away is read over REST.
- :class:`HeartbeatKeeper` sends ``POST /v1/heartbeats`` every ``interval_secs`` of the
  injected clock, keeping the id chain (§4.8). If the process dies, the exchange cancels
  every open order of the key 10–15 s later. Performs network I/O.
"""

from __future__ import annotations

import json
import logging
import queue
import random
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from polymarket_ml.core.clock import Clock
from polymarket_ml.core.errors import DataError
from polymarket_ml.core.events import UserEvent
from polymarket_ml.sources.polymarket.parse_user import decode_user_frame
from polymarket_ml.sources.polymarket.values import excerpt
from polymarket_ml.sources.polymarket.ws_policy import next_reconnect_delay

log = logging.getLogger(__name__)

# The websockets library logs every frame at DEBUG, the subscription with its secrets
# included: its logger for our sockets never goes below INFO, whatever the root level.
_WIRE_LOG = logging.getLogger("polymarket_ml.executor.live_stream.wire")
_WIRE_LOG.setLevel(logging.INFO)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``***`` (frames quote the API key as ``owner``)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class UserStream:
    """The user channel in a daemon thread; :meth:`drain` returns the events received since."""

    def __init__(
        self,
        url: str,
        *,
        api_key: str,
        secret: str,
        passphrase: str,
        clock: Clock,
        ping_secs: float = 10.0,
        idle_timeout_secs: float = 30.0,
        open_timeout_secs: float = 10.0,
        seed: int | None = None,
    ) -> None:
        self.url = url
        self._auth = {"apiKey": api_key, "secret": secret, "passphrase": passphrase}
        self._secrets = (api_key, secret, passphrase)
        self.clock = clock
        self.ping_secs = ping_secs
        self.idle_timeout_secs = idle_timeout_secs
        self.open_timeout_secs = open_timeout_secs
        self._rng = random.Random(seed)
        self._queue: queue.SimpleQueue[UserEvent] = queue.SimpleQueue()
        self._stop = threading.Event()
        self.connected = threading.Event()
        self.resync = threading.Event()  # set on every (re)connect; the consumer clears it
        self.connects = 0
        self.bad_frames = 0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="pmml-user-ws", daemon=True)
            self._thread.start()

    def stop(self, timeout_secs: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_secs)
            self._thread = None

    def wait_connected(self, timeout_secs: float) -> bool:
        """Block until subscribed (at most ``timeout_secs``)."""
        return self.connected.wait(timeout_secs)

    def drain(self) -> list[UserEvent]:
        out: list[UserEvent] = []
        while True:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                return out

    # -- the thread

    def _run(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            try:
                self._session()
                attempt = 0
            except (OSError, WebSocketException, TimeoutError) as exc:
                log.warning(
                    "user channel: %s: %s", type(exc).__name__, redact(str(exc), self._secrets)
                )
            except Exception:  # never let the thread die silently
                log.exception("user channel failed")
            finally:
                self.connected.clear()
            if self._stop.is_set():
                return
            attempt += 1
            self._stop.wait(next_reconnect_delay(attempt, self._rng.random))

    def _session(self) -> None:
        with connect(
            self.url,
            open_timeout=self.open_timeout_secs,
            close_timeout=2,
            logger=_WIRE_LOG,
        ) as ws:
            ws.send(json.dumps({"auth": self._auth, "markets": [], "type": "user"}))
            ws.send("PING")  # answered once the subscription is in place
            self.connects += 1
            last_rx = last_ping = time.monotonic()
            subscribed = False
            while not self._stop.is_set():
                try:
                    raw = ws.recv(timeout=0.25)
                except TimeoutError:
                    now = time.monotonic()
                    if now - last_rx > self.idle_timeout_secs:
                        raise TimeoutError(
                            f"silent for {self.idle_timeout_secs:g} s; reconnecting"
                        ) from None
                    if now - last_ping >= self.ping_secs:
                        ws.send("PING")
                        last_ping = now
                    continue
                last_rx = time.monotonic()
                if not subscribed:
                    subscribed = True
                    self.resync.set()
                    self.connected.set()
                if raw in ("PONG", b"PONG"):
                    continue
                self._take(raw)

    def _take(self, raw: str | bytes) -> None:
        try:
            events = decode_user_frame(raw, received_at=self.clock.now())
        except DataError:
            self.bad_frames += 1
            log.warning("user channel: unreadable frame skipped: %s",
                        redact(excerpt(raw), self._secrets))  # fmt: skip
            return
        for event in events:
            self._queue.put(event)


class HeartbeatKeeper:
    """Sends the order heartbeat every ``interval_secs`` of ``clock`` time, in a thread too.

    ``send(heartbeat_id) -> next id`` performs the request and raises on failure;
    ``expected_id(exc)`` returns the id a mismatch error carries (else ``None``). A mismatch
    is retried once with the id the exchange expects; an expected id of ``""`` means the
    registration had lapsed (every open order was cancelled): :attr:`lapsed` is set.
    """

    def __init__(
        self,
        send: Callable[[str], str],
        expected_id: Callable[[Exception], str | None],
        clock: Clock,
        *,
        interval_secs: float = 5.0,
    ) -> None:
        self._send = send
        self._expected_id = expected_id
        self.clock = clock
        self.interval = timedelta(seconds=interval_secs)
        self.heartbeat_id = ""
        self.last_sent: datetime | None = None
        self.sent = 0
        self.failures = 0
        self.lapsed = threading.Event()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        speed = float(getattr(clock, "speed", 1.0))
        self._poll_real_secs = min(0.2, interval_secs / speed / 4)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="pmml-heartbeat", daemon=True)
            self._thread.start()

    def stop(self, timeout_secs: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_secs)
            self._thread = None

    def beat_if_due(self, now: datetime) -> bool:
        """Send a heartbeat when ``interval_secs`` have passed since the last; True if sent."""
        with self._lock:
            if self.last_sent is not None and now - self.last_sent < self.interval:
                return False
            return self._beat(now)

    def _beat(self, now: datetime) -> bool:
        for _ in range(2):
            try:
                self.heartbeat_id = self._send(self.heartbeat_id)
            except Exception as exc:
                expected = self._expected_id(exc)
                if expected is None:
                    self.failures += 1
                    log.warning("order heartbeat failed (%s); trying again shortly",
                                type(exc).__name__)  # fmt: skip
                    return False
                if expected == "" and self.heartbeat_id:
                    log.error("order heartbeat had lapsed: the exchange cancelled every open order")
                    self.lapsed.set()
                self.heartbeat_id = expected
                continue
            self.last_sent = now
            self.sent += 1
            return True
        self.failures += 1
        return False

    def _run(self) -> None:
        while not self._stop.wait(self._poll_real_secs):
            try:
                self.beat_if_due(self.clock.now())
            except Exception:
                log.exception("order heartbeat thread")
