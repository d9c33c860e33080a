"""Guards for paged listings, so a server that stops advancing cannot loop us forever.

Seen in the wild: Gamma ignores an unknown ``cursor=`` parameter and returns page 1 again with
the same ``next_cursor`` (polymarket-api.md §2.3). :class:`PageGuard` turns such a repeat into
a :class:`~.errors.PagingError`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from polymarket_ml.sources.polymarket.errors import PagingError, ResponseDecodeError


class PageGuard:
    """Checks that each page of one listing differs from the last and no cursor comes back."""

    def __init__(self, listing: str, *, max_pages: int | None = None) -> None:
        self.listing = listing
        self.pages = 0
        self._max_pages = max_pages
        self._cursors: set[str] = set()
        self._last_fingerprint: str | None = None

    def check_page(self, items: list[Any]) -> None:
        """Accept the next page, or raise :class:`PagingError` if it repeats the previous one."""
        self.pages += 1
        if self._max_pages is not None and self.pages > self._max_pages:
            raise PagingError(f"{self.listing}: more than {self._max_pages} pages")
        if not items:
            self._last_fingerprint = None
            return
        fingerprint = _fingerprint(items)
        if fingerprint == self._last_fingerprint:
            raise PagingError(
                f"{self.listing}: page {self.pages} repeats page {self.pages - 1}"
                f" ({len(items)} items); the listing is not advancing"
            )
        self._last_fingerprint = fingerprint

    def check_cursor(self, cursor: str) -> None:
        """Accept the next cursor, or raise :class:`PagingError` if it was already followed."""
        if cursor in self._cursors:
            raise PagingError(
                f"{self.listing}: cursor {cursor!r} came back after page {self.pages}"
            )
        self._cursors.add(cursor)


def _fingerprint(items: list[Any]) -> str:
    encoded = json.dumps(items, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha1(encoded.encode(), usedforsecurity=False).hexdigest()


def expect_page(body: Any, key: str, url: str) -> tuple[list[Any], str | None]:
    """Items under ``key`` and ``next_cursor`` of a cursor page (``None`` or ``""`` at the end)."""
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise ResponseDecodeError(f"expected an object with a {key!r} array", url=url)
    cursor = body.get("next_cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise ResponseDecodeError(f"next_cursor is {type(cursor).__name__}, not a string", url=url)
    return body[key], cursor or None
