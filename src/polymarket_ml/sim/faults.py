"""Faults the simulator injects on demand: for clients' resilience tests and for demos.

A :class:`FaultRule` fires on an opportunity (an HTTP request, or a frame about to be sent on a
WebSocket) either for its next ``count`` opportunities or with probability ``rate``, until
``count`` is used up. Rules come from CLI specs (``http_429:rate=0.05``), the HTTP control API
(``POST /_sim/faults``) or Python (:meth:`FaultInjector.add`). Fault randomness has its own
seeded generator, so faults never change the market simulation itself.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class FaultKind(StrEnum):
    WS_DROP = "ws_drop"  # the TCP connection is cut without a close frame
    WS_STALL = "ws_stall"  # the socket stays open but nothing is sent (not even PONG)
    WS_MALFORMED = "ws_malformed"  # a frame is replaced by invalid JSON
    HTTP_429 = "http_429"  # Too Many Requests, with Retry-After
    HTTP_5XX = "http_5xx"  # 500/502/503 (``status``)
    HTTP_SLOW = "http_slow"  # the answer is delayed by ``delay_s``


WS_KINDS = frozenset({FaultKind.WS_DROP, FaultKind.WS_STALL, FaultKind.WS_MALFORMED})


@dataclass(slots=True)
class FaultRule:
    """One fault: ``count`` forced occurrences (None: unlimited) and/or a probability ``rate``."""

    kind: FaultKind
    count: int | None = 1
    rate: float = 1.0
    duration_s: float = 5.0
    delay_s: float = 1.0
    status: int = 503
    path_prefix: str = ""

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> FaultRule:
        """Build from JSON or parsed CLI options; raises ``ValueError`` naming a bad field."""
        known = {"kind", "count", "rate", "duration_s", "delay_s", "status", "path_prefix"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault option(s): {', '.join(sorted(unknown))}")
        try:
            kind = FaultKind(str(data["kind"]))
        except (KeyError, ValueError) as e:
            raise ValueError(f"fault kind must be one of {[k.value for k in FaultKind]}") from e
        count = data.get("count", 1 if "rate" not in data else None)
        rule = cls(
            kind=kind,
            count=None if count is None else int(count),
            rate=float(data.get("rate", 1.0)),
            duration_s=float(data.get("duration_s", 5.0)),
            delay_s=float(data.get("delay_s", 1.0)),
            status=int(data.get("status", 503)),
            path_prefix=str(data.get("path_prefix", "")),
        )
        if not 0.0 <= rule.rate <= 1.0:
            raise ValueError("fault rate must be within [0, 1]")
        if rule.kind is FaultKind.HTTP_5XX and not 500 <= rule.status <= 599:
            raise ValueError("http_5xx status must be a 5xx code")
        return rule

    @classmethod
    def parse(cls, spec: str) -> FaultRule:
        """Parse ``kind[:key=value,...]``, e.g. ``http_5xx:rate=0.02,status=502``."""
        kind, _, options = spec.partition(":")
        data: dict[str, Any] = {"kind": kind.strip()}
        for part in filter(None, (p.strip() for p in options.split(","))):
            key, sep, value = part.partition("=")
            if not sep:
                raise ValueError(f"fault option {part!r} is not key=value")
            data[key.strip()] = value.strip()
        if "count" in data and data["count"] in ("", "none", "None"):
            data["count"] = None
        return cls.from_mapping(data)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        return data


class FaultInjector:
    """The active fault rules; asked once per opportunity whether a fault fires."""

    def __init__(self, seed: int = 0, rules: list[FaultRule] | None = None) -> None:
        self._rng = random.Random(seed ^ 0x5EED)
        self.rules: list[FaultRule] = list(rules or [])
        self.fired: dict[FaultKind, int] = dict.fromkeys(FaultKind, 0)

    def add(self, rule: FaultRule) -> FaultRule:
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def has_ws_rules(self) -> bool:
        return any(rule.kind in WS_KINDS for rule in self.rules)

    def draw(
        self, kinds: frozenset[FaultKind] | set[FaultKind], path: str = ""
    ) -> FaultRule | None:
        """The first rule of ``kinds`` that fires now (consuming one of its ``count``)."""
        for rule in self.rules:
            if rule.kind not in kinds or not path.startswith(rule.path_prefix):
                continue
            if rule.rate < 1.0 and self._rng.random() >= rule.rate:
                continue
            if rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self.rules.remove(rule)
            self.fired[rule.kind] += 1
            return rule
        return None


HTTP_KINDS = frozenset({FaultKind.HTTP_429, FaultKind.HTTP_5XX, FaultKind.HTTP_SLOW})
