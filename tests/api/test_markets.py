"""The market views: markets page by page, one market's history, trades and tier changes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from polymarket_ml.core.enums import Outcome, Side, Tier, WhaleTier
from polymarket_ml.core.snapshot import FeatureSnapshot
from polymarket_ml.core.types import Trade
from polymarket_ml.monitoring.market_reports import SnapshotPoint
from polymarket_ml.monitoring.markets import thin
from polymarket_ml.storage.bulk import write_snapshots, write_trades
from polymarket_ml.storage.market_views import SNAPSHOT_SERIES
from tests.api.conftest import NOW
from tests.api.support import seed_markets, seed_transitions
from tests.storage.conftest import add_market


def snapshot(
    market_id: int, minutes_ago: float, price: float, **features: object
) -> FeatureSnapshot:
    return FeatureSnapshot(
        market_id=market_id,
        timestamp=NOW - timedelta(minutes=minutes_ago),
        tier=Tier.T4,
        price=price,
        best_bid=price - 0.01,
        best_ask=price + 0.01,
        spread=0.02,
        **features,  # type: ignore[arg-type]
    )


def trade(minutes_ago: float, price: str, size: str, side: Side = Side.BUY) -> Trade:
    return Trade(
        token_id="0xt4-yes",
        condition_id="0xt4",
        price=Decimal(price),
        size=Decimal(size),
        side=side,
        exchange_ts=NOW - timedelta(minutes=minutes_ago),
        received_at=NOW - timedelta(minutes=minutes_ago) + timedelta(milliseconds=40),
        outcome=Outcome.YES,
        whale_tier=WhaleTier.LARGE if Decimal(size) >= 1000 else WhaleTier.NONE,
    )


def test_markets_are_listed_by_page_with_their_latest_price(
    engine: Engine, client: TestClient
) -> None:
    ids = seed_markets(engine)
    write_snapshots(engine, [snapshot(ids["t4"], 10, 0.40), snapshot(ids["t4"], 1, 0.62)])

    first = client.get("/api/markets", params={"page_size": 2}).json()
    third = client.get("/api/markets", params={"page_size": 2, "page": 3}).json()

    assert first["total"] == 5
    assert [m["condition_id"] for m in first["markets"]] == ["0xt4", "0xt3"]
    t4 = first["markets"][0]
    assert t4["price"] == pytest.approx(0.62)  # the newest snapshot
    assert t4["spread"] == pytest.approx(0.02)
    assert first["markets"][1]["price"] is None  # no snapshot yet
    assert [m["condition_id"] for m in third["markets"]] == ["0xgone"]


def test_markets_are_filtered_by_tier_activity_and_text_and_sorted(
    engine: Engine, client: TestClient
) -> None:
    seed_markets(engine)

    t4 = client.get("/api/markets", params={"tier": 4}).json()
    tracked_t4 = client.get("/api/markets", params={"tier": 4, "active": "true"}).json()
    found = client.get("/api/markets", params={"q": "XT3"}).json()
    by_tier = client.get("/api/markets", params={"sort": "tier", "order": "desc"}).json()

    assert {m["condition_id"] for m in t4["markets"]} == {"0xt4", "0xgone"}
    assert [m["condition_id"] for m in tracked_t4["markets"]] == ["0xt4"]
    assert [m["condition_id"] for m in found["markets"]] == ["0xt3"]  # case-insensitive
    assert [m["tier"] for m in by_tier["markets"]] == [4, 4, 3, 2, 0]


def test_a_market_shows_its_state_and_latest_snapshot(engine: Engine, client: TestClient) -> None:
    market_id = add_market(
        engine,
        "0xm",
        tier=Tier.T3,
        tick_size=Decimal("0.010"),
        initial_price=Decimal("0.4500"),
        end_date=NOW + timedelta(hours=6),
    )
    write_snapshots(engine, [snapshot(market_id, 3, 0.5, bid_depth_10=1200.0)])

    body = client.get(f"/api/markets/{market_id}").json()

    assert body["question"] == "Question 0xm?"
    assert body["tier"] == 3
    assert body["tick_size"] == "0.01"  # exact, one spelling
    assert body["initial_price"] == "0.45"
    assert body["hours_to_close"] == pytest.approx(6.0)
    assert body["latest"]["price"] == pytest.approx(0.5)
    assert body["latest"]["bid_depth_10"] == pytest.approx(1200.0)
    assert body["latest"]["ask_depth_10"] is None  # unknown stays unknown


def test_snapshots_cover_the_window_oldest_first_and_are_thinned(
    engine: Engine, client: TestClient
) -> None:
    ids = seed_markets(engine)
    write_snapshots(
        engine,
        [snapshot(ids["t4"], m, 0.5 + m / 1000) for m in range(0, 300, 5)]  # 60 over 5 hours
        + [snapshot(ids["t3"], 1, 0.9)],
    )

    two_hours = client.get(f"/api/markets/{ids['t4']}/snapshots", params={"hours": 2}).json()
    thinned = client.get(
        f"/api/markets/{ids['t4']}/snapshots", params={"hours": 24, "max_points": 10}
    ).json()

    assert two_hours["total"] == 25  # minutes 0, 5, ..., 120
    times = [p["timestamp"] for p in two_hours["points"]]
    assert times == sorted(times)
    assert times[-1] == NOW.isoformat().replace("+00:00", "Z")
    assert two_hours["points"][0]["price"] == pytest.approx(0.62)
    assert thinned["total"] == 60
    assert len(thinned["points"]) == 10
    assert thinned["points"][-1]["price"] == pytest.approx(0.5)  # the newest is kept


def test_trades_are_counted_over_the_window_and_listed_newest_first(
    engine: Engine, client: TestClient
) -> None:
    ids = seed_markets(engine)
    write_trades(
        engine,
        [
            (ids["t4"], trade(1, "0.55", "100")),
            (ids["t4"], trade(2, "0.5", "2000", Side.SELL)),
            (ids["t4"], trade(90, "0.4", "10")),  # outside one hour
            (ids["t3"], trade(1, "0.3", "10")),  # another market
        ],
    )

    hour = client.get(f"/api/markets/{ids['t4']}/trades", params={"hours": 1}).json()
    newest = client.get(f"/api/markets/{ids['t4']}/trades", params={"limit": 1}).json()

    assert hour["count"] == 2
    assert hour["notional_usd"] == "1055"  # 55 + 1000, exact
    assert [t["price"] for t in hour["trades"]] == ["0.55", "0.5"]
    assert hour["trades"][1]["side"] == "SELL"
    assert hour["trades"][1]["whale_tier"] == 2
    assert newest["count"] == 3
    assert [t["notional_usd"] for t in newest["trades"]] == ["55"]


def test_a_market_tier_history_runs_from_discovery_oldest_first(
    engine: Engine, client: TestClient
) -> None:
    ids = seed_markets(engine)
    seed_transitions(engine, ids["t4"])

    body = client.get(f"/api/markets/{ids['t4']}/tier-transitions").json()
    other = client.get(f"/api/markets/{ids['t3']}/tier-transitions").json()

    moves = [(t["from_tier"], t["to_tier"]) for t in body["transitions"]]
    assert len(moves) == 10
    assert moves[0] == (1, 2)  # 30 hours ago: the oldest
    assert moves[-1] == (4, None)  # deactivated
    assert body["current_tier"] == 4
    assert other["transitions"] == []


@pytest.mark.parametrize(
    "path", ["", "/snapshots", "/trades", "/tier-transitions"], ids=lambda p: p or "detail"
)
def test_an_unknown_market_is_a_404_naming_it(client: TestClient, path: str) -> None:
    response = client.get(f"/api/markets/424242{path}")

    assert response.status_code == 404
    assert response.json() == {"detail": "no market with id 424242"}


@pytest.mark.parametrize(
    "params",
    [{"tier": 5}, {"page": 0}, {"page_size": 201}, {"sort": "question"}, {"order": "up"}],
)
def test_bad_market_list_input_is_a_422(client: TestClient, params: dict[str, object]) -> None:
    assert client.get("/api/markets", params=params).status_code == 422


def test_snapshot_points_carry_exactly_the_listed_series() -> None:
    assert set(SnapshotPoint.model_fields) == {"timestamp", "tier", *SNAPSHOT_SERIES}


def test_thinning_keeps_both_ends_and_spaces_the_rest_evenly() -> None:
    assert thin(list(range(10)), 4) == [0, 3, 6, 9]
    assert thin(list(range(3)), 5) == [0, 1, 2]
    assert thin(list(range(5)), 1) == [4]
