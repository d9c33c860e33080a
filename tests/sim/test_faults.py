"""Fault rules: parsing of CLI specs and when a rule fires."""

from __future__ import annotations

import pytest

from polymarket_ml.sim.faults import HTTP_KINDS, FaultInjector, FaultKind, FaultRule


def test_cli_spec_parses_kind_and_options() -> None:
    rule = FaultRule.parse("http_5xx:rate=0.25,status=502,path_prefix=/clob")
    assert (rule.kind, rule.rate, rule.status, rule.path_prefix) == (
        FaultKind.HTTP_5XX, 0.25, 502, "/clob",
    )  # fmt: skip
    assert rule.count is None  # a rate without a count lasts until cleared


@pytest.mark.parametrize("spec", ["meteor", "http_429:rate=2", "http_5xx:status=404", "ws_drop:x"])
def test_bad_spec_is_refused_with_a_message(spec: str) -> None:
    with pytest.raises(ValueError, match=r"fault|rate|status|key=value"):
        FaultRule.parse(spec)


def test_counted_rule_fires_exactly_count_times_and_only_on_its_paths() -> None:
    faults = FaultInjector(seed=1, rules=[FaultRule.parse("http_429:count=2,path_prefix=/gamma")])
    assert faults.draw(HTTP_KINDS, "/clob/book") is None
    fired = [faults.draw(HTTP_KINDS, "/gamma/markets") for _ in range(4)]
    assert [r is not None for r in fired] == [True, True, False, False]
    assert faults.fired[FaultKind.HTTP_429] == 2
    assert faults.rules == []


def test_rated_rule_fires_about_that_often() -> None:
    faults = FaultInjector(seed=1, rules=[FaultRule.parse("http_slow:rate=0.1")])
    hits = sum(faults.draw(HTTP_KINDS, "/x") is not None for _ in range(5000))
    assert 400 < hits < 600
