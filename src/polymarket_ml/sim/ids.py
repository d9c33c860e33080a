"""Identifiers and wire spellings the simulator shares between its engine and its renderers.

Token ids are uint256 decimal strings (77-78 digits), condition ids ``0x`` + 64 hex, hashes
40-hex SHA-1 without ``0x`` (see ``polymarket-api.md`` §1 and §3.1).
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime
from decimal import Decimal

_TOKEN_MIN = 10**76
_TOKEN_MAX = 2**256 - 1


def new_token_id(rng: random.Random) -> str:
    """A 77-78 digit decimal token id, like the exchange's uint256 ids."""
    return str(rng.randint(_TOKEN_MIN, _TOKEN_MAX))


def new_hex32(rng: random.Random) -> str:
    """``0x`` + 64 lower-case hex digits (condition ids, question ids, tx hashes)."""
    return f"0x{rng.getrandbits(256):064x}"


def new_address(rng: random.Random) -> str:
    """A 20-byte ``0x`` address."""
    return f"0x{rng.getrandbits(160):040x}"


def sha1_hex(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def fmt_decimal(value: Decimal) -> str:
    """Plain decimal spelling without exponent or trailing zeros: ``0.5``, ``1096.87``, ``100``."""
    text = format(value.normalize(), "f")
    return text


def millis(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def millis_str(when: datetime) -> str:
    """CLOB/WS timestamps: epoch milliseconds as a string."""
    return str(millis(when))


def iso_z(when: datetime) -> str:
    """Gamma's ``2026-03-12T09:25:00Z`` spelling (no fraction)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_micro_z(when: datetime) -> str:
    """Gamma's ``2026-03-11T09:29:01.328428Z`` spelling."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_plus00(when: datetime) -> str:
    """Gamma's ``2026-05-09 02:07:01+00`` spelling (``closedTime``, ``gameStartTime``)."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00")


def iso_date(when: datetime) -> str:
    """Gamma's date-only ``*Iso`` fields."""
    return when.astimezone(UTC).strftime("%Y-%m-%d")


def parse_iso(text: str) -> datetime:
    """Parse a query-string date-time (``Z``, offset, or date-only); naive means UTC."""
    cleaned = text.strip().replace(" ", "T")
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1] + "+00:00"
    if cleaned.endswith("+00"):
        cleaned += ":00"
    parsed = datetime.fromisoformat(cleaned)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def slugify(text: str) -> str:
    out = []
    for ch in text.lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")
