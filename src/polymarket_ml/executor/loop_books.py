"""Books that live on an event loop, read by a scan that runs in a worker thread.

In ``pmml up`` the collector updates its books on the event loop. A paper scan decides on that
loop (it never waits), but a live scan waits on the exchange for every order, and waiting there
would stall the collector's WebSocket reading for as long. So a live scan runs in a thread and
reads the books through :class:`LoopBooks`:

- :meth:`LoopBooks.freeze` (called on the loop, at the start of a scan) takes the best levels of
  every token the scan looks at, in one pass: the scan's views and marks read those;
- anything else (a whole book to size an order on, a token not frozen) is read *on the loop*,
  by a callback the worker thread waits for, so no reader ever sees a book half updated.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from polymarket_ml.core.types import Book, Level
from polymarket_ml.executor.execution import BookSource

T = TypeVar("T")
Top = tuple[Level | None, Level | None, datetime | None]
READ_TIMEOUT_S = 10.0  # a loop this late has stopped: the scan fails and the next one retries


class LoopBooks:
    """``inner`` (a book source updated on an event loop), safe to read from another thread."""

    def __init__(self, inner: BookSource) -> None:
        self.inner = inner
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tops: dict[str, Top | None] = {}

    def freeze(self, tokens: Iterable[str], loop: asyncio.AbstractEventLoop) -> None:
        """Take the tops of ``tokens`` now; call on ``loop``, the one the books live on."""
        self._loop = loop
        self._tops = {token: self.inner.top(token) for token in tokens}

    def thaw(self) -> None:
        """The scan is over: forget the frozen tops; reads go straight to ``inner`` again."""
        self._tops = {}
        self._loop = None

    def book(self, token_id: str) -> Book | None:
        return self._on_loop(self.inner.book, token_id)

    def top(self, token_id: str) -> Top | None:
        if token_id in self._tops:
            return self._tops[token_id]
        return self._on_loop(self.inner.top, token_id)

    def _on_loop(self, read: Callable[[str], T], token_id: str) -> T:
        loop = self._loop
        if loop is None or _running_loop() is loop:
            return read(token_id)
        answer: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            try:
                answer.set_result(read(token_id))
            except BaseException as exc:  # handed to the waiting thread
                answer.set_exception(exc)

        loop.call_soon_threadsafe(run)
        return answer.result(timeout=READ_TIMEOUT_S)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
