"""How every long-running process stops: SIGINT or SIGTERM set one event, and the work winds
down from there (runs in flight finish, buffers are written)."""

from __future__ import annotations

import asyncio
import contextlib
import signal


def stop_on_signals(stop: asyncio.Event | None = None) -> asyncio.Event:
    """``stop`` (or a new event), set by SIGINT/SIGTERM. Call from inside the event loop."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on this platform's loop
            loop.add_signal_handler(sig, stop.set)
    return stop
