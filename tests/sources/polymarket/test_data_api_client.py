"""DataApiClient through httpx.MockTransport, fed with recorded Data API payloads."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest

from polymarket_ml.core.enums import Side
from polymarket_ml.sources.polymarket.data_api import DataApiClient, TradeFilters
from polymarket_ml.sources.polymarket.errors import PagingError
from tests.sources.polymarket.fakes import Harness, Recorder, json_response
from tests.support import load_sample

T = TypeVar("T")

TRADES = load_sample("data-api/fixture_trades_edited_2024-10.json")
MINIMAL = load_sample("data-api/fixture_trades_minimal.json")


def _run(harness: Harness, call: Callable[[DataApiClient], Awaitable[T]]) -> T:
    async def scenario() -> T:
        async with DataApiClient(**harness.client_kwargs()) as data_api:
            return await call(data_api)

    return asyncio.run(scenario())


def _tape(count: int) -> list[dict[str, Any]]:
    """``count`` distinct trades shaped like the recorded row, newest first."""
    row = TRADES[0]
    return [
        {**row, "timestamp": row["timestamp"] - i, "transactionHash": f"0x{i:064x}"}
        for i in range(count)
    ]


def _tape_server(tape: list[dict[str, Any]]) -> Recorder:
    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        limit = int(request.url.params["limit"])
        assert limit <= 500
        assert offset <= 1000
        return json_response(tape[offset : offset + limit])

    return Recorder(handler)


def test_trades_page_sends_the_documented_parameters() -> None:
    harness = Harness(Recorder(lambda request: json_response(TRADES)))
    filters = TradeFilters(
        condition_ids=("0xaaa", "0xbbb"), side=Side.BUY, taker_only=False, min_cash_usd=1000.0
    )

    trades = _run(harness, lambda api: api.get_trades(filters, limit=100, offset=200))

    assert trades == TRADES
    assert harness.recorder.paths == ["/trades"]
    assert dict(harness.recorder.params(0)) == {
        "market": "0xaaa,0xbbb",
        "side": "BUY",
        "takerOnly": "false",
        "filterType": "CASH",
        "filterAmount": "1000.0",
        "limit": "100",
        "offset": "200",
    }


def test_backfill_stops_after_a_short_page() -> None:
    harness = Harness(_tape_server(MINIMAL))

    backfill = _run(harness, lambda api: api.backfill_trades())

    assert backfill.trades == MINIMAL
    assert backfill.truncated is False
    assert len(harness.recorder.requests) == 1


def test_backfill_stops_cleanly_at_the_offset_cap() -> None:
    harness = Harness(_tape_server(_tape(2000)))

    backfill = _run(harness, lambda api: api.backfill_trades())

    assert len(backfill.trades) == 1500
    assert backfill.truncated is True
    assert [harness.recorder.params(i)["offset"] for i in range(3)] == ["0", "500", "1000"]
    assert len(harness.recorder.requests) == 3


def test_backfill_of_exactly_a_full_last_page_is_not_truncated() -> None:
    harness = Harness(_tape_server(_tape(1000)))

    backfill = _run(harness, lambda api: api.backfill_trades())

    assert len(backfill.trades) == 1000
    assert backfill.truncated is False
    assert len(harness.recorder.requests) == 3


def test_backfill_that_gets_the_same_page_twice_is_a_paging_error() -> None:
    harness = Harness(Recorder(lambda request: json_response(_tape(500))))

    with pytest.raises(PagingError):
        _run(harness, lambda api: api.backfill_trades())
    assert len(harness.recorder.requests) == 2


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (501, 0), (500, 1001), (500, -1)])
def test_trades_page_refuses_limits_the_api_refuses(limit: int, offset: int) -> None:
    harness = Harness(Recorder(lambda request: json_response([])))

    with pytest.raises(ValueError, match=r"limit|offset"):
        _run(harness, lambda api: api.get_trades(limit=limit, offset=offset))
    assert harness.recorder.requests == []


def test_trade_filters_refuse_markets_and_events_together() -> None:
    with pytest.raises(ValueError, match="not both"):
        TradeFilters(condition_ids=("0xaaa",), event_ids=("1",))
