"""The executor's and strategies' endpoints over a running Executor and a seeded database:
reads, the token on every change, 422 naming a bad parameter, changes reaching the running
registry and configuration (or, without one here, the executor of another process through
the overrides file), and fills on the WebSocket."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from polymarket_ml.core.clock import Clock, FakeClock
from polymarket_ml.core.enums import Side
from polymarket_ml.core.types import Market, OrderbookSnapshot
from polymarket_ml.executor.config import (
    ExecutorConfig,
    load_executor_config,
    parse_executor_config,
)
from polymarket_ml.executor.engine import Executor
from polymarket_ml.executor.events import REDIS_CHANNEL, EventHub, ExecutorEvent
from polymarket_ml.executor.overrides import (
    describe_overrides,
    effective_executor_config,
    overrides_path,
)
from polymarket_ml.runtime.executor_process import following, publish_event
from polymarket_ml.settings import Settings
from polymarket_ml.storage.bulk import write_orderbook_snapshots
from polymarket_ml.storage.engine import make_session_factory
from polymarket_ml.storage.repositories import MarketRepository
from tests.api.conftest import TOKEN, MakeApp
from tests.executor.support import NOW, d, levels
from tests.services import REDIS_URL, fresh_redis

AUTH = {"Authorization": f"Bearer {TOKEN}"}
YES, NO = "0xm1-yes", "0xm1-no"
QUESTION = "Will the executor trade?"


def _config() -> ExecutorConfig:
    """longshot_yes only: it buys YES at the 0.95 ask of the seeded book."""
    off = {"enabled": False}
    return parse_executor_config(
        {
            "paper": {"starting_balance_usd": "1000"},
            "strategies": {"longshot_no": off, "mean_reversion": off, "term_structure": off},
        }
    )


def _seed(engine: Engine, clock: Clock) -> int:
    """A market closing 10 hours after ``clock.now()`` whose YES asks 0.95 (longshot_yes buys
    it), with both books stored at that time."""
    now = clock.now()
    market = Market(
        condition_id="0xm1",
        question=QUESTION,
        yes_token_id=YES,
        no_token_id=NO,
        end_date=now + timedelta(hours=10),
        tick_size=d("0.01"),
        min_order_size=d(5),
        tracking_started_at=now,
    )
    with make_session_factory(engine).begin() as s:
        market_id = MarketRepository(s).upsert(market, now=now).id
    assert market_id is not None
    write_orderbook_snapshots(
        engine,
        [
            OrderbookSnapshot(
                market_id, YES, now, levels(("0.93", "500")), levels(("0.95", "500"))
            ),
            OrderbookSnapshot(market_id, NO, now, levels(("0.05", "500")), levels(("0.07", "500"))),
        ],
    )
    return market_id


@pytest.fixture
def exec_clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def executor(engine: Engine, exec_clock: FakeClock) -> Executor:
    _seed(engine, exec_clock)
    return Executor(engine, _config(), exec_clock)


@pytest.fixture
def live(make_app: MakeApp, executor: Executor, exec_clock: FakeClock) -> Iterator[TestClient]:
    """The API of a process where ``executor`` runs (as in ``pmml up``)."""
    with TestClient(make_app(executor=executor, clock=exec_clock)) as c:
        yield c


POSTS: list[tuple[str, Any]] = [
    ("/api/executor/config", {"risk": {"max_positions": 3}}),
    ("/api/executor/kill", {"reason": "test"}),
    ("/api/executor/resume", None),
    ("/api/strategies/longshot_yes/enable", None),
    ("/api/strategies/longshot_yes/disable", None),
    ("/api/strategies/longshot_yes/config", {"max_hours_to_close": 24}),
]


def test_reads_show_what_the_running_executor_did(live: TestClient, executor: Executor) -> None:
    executor.scan()  # buys YES at 0.95

    status = live.get("/api/executor/status").json()
    positions = live.get("/api/executor/positions").json()
    trades = live.get("/api/executor/trades").json()["trades"]
    signals = live.get("/api/executor/signals").json()["signals"]
    equity = live.get("/api/executor/equity").json()
    health = live.get("/api/monitoring/health").json()["executor"]

    assert (status["mode"], status["running"], status["halted"]) == ("paper", True, False)
    assert (status["open_positions"], status["open_orders"], status["scans"]) == (1, 0, 1)
    assert d(status["starting_balance_usd"]) == d(1000)
    assert d(status["cash_usd"]) == d(1000) - d("24.9945") - d("0.08998")
    assert d(status["fees_usd"]) == d("0.08998")
    assert d(status["equity_usd"]) == d(status["cash_usd"]) + d(status["positions_value_usd"])
    assert status["signals"] == {"executed": 1}
    assert [(p["question"], p["outcome"], d(p["size"])) for p in positions["open"]] == [
        (QUESTION, "YES", d("26.31"))
    ]
    assert positions["closed"] == []
    assert [(t["side"], t["strategy"], d(t["size"])) for t in trades] == [
        ("BUY", "longshot_yes", d("26.31"))
    ]
    assert [(s["strategy"], s["status"], s["question"]) for s in signals] == [
        ("longshot_yes", "executed", QUESTION)
    ]
    assert equity["total_points"] == 1
    assert d(equity["points"][0]["equity_usd"]) == d(status["equity_usd"])
    assert (health["running"], health["status"], health["scans"]) == (True, "running", 1)


@pytest.mark.parametrize(("path", "body"), POSTS)
def test_every_change_needs_the_token(live: TestClient, path: str, body: Any) -> None:
    without = live.post(path, json=body)
    wrong = live.post(path, json=body, headers={"Authorization": "Bearer nope"})

    assert (without.status_code, wrong.status_code) == (401, 401)


def test_a_bad_strategy_parameter_is_a_422_naming_it(live: TestClient, executor: Executor) -> None:
    answer = live.post(
        "/api/strategies/longshot_yes/config", json={"min_probability": 2}, headers=AUTH
    )

    assert answer.status_code == 422
    assert "strategies.longshot_yes.min_probability" in answer.json()["detail"]
    assert executor.registry.params("longshot_yes").model_dump()["min_probability"] == d("0.92")


def test_a_strategy_parameter_change_reaches_the_running_registry(
    live: TestClient, executor: Executor
) -> None:
    answer = live.post(
        "/api/strategies/longshot_yes/config", json={"max_hours_to_close": 24}, headers=AUTH
    )

    assert answer.status_code == 200
    assert answer.json()["params"]["max_hours_to_close"] == 24
    assert executor.registry.params("longshot_yes").model_dump()["max_hours_to_close"] == 24
    listed = live.get("/api/strategies").json()
    assert listed["running"] is True
    mine = next(s for s in listed["strategies"] if s["name"] == "longshot_yes")
    assert (mine["enabled"], mine["params"]["max_hours_to_close"]) == (True, 24)


def test_disabling_a_strategy_stops_it_and_enabling_restarts_it(
    live: TestClient, executor: Executor, exec_clock: FakeClock
) -> None:
    off = live.post("/api/strategies/longshot_yes/disable", headers=AUTH)
    executor.scan()

    assert (off.status_code, off.json()["enabled"]) == (200, False)
    assert executor.registry.enabled() == ()
    assert live.get("/api/executor/signals").json()["signals"] == []

    on = live.post("/api/strategies/longshot_yes/enable", headers=AUTH)
    exec_clock.advance(timedelta(seconds=1))
    executor.scan()

    assert (on.status_code, on.json()["enabled"]) == (200, True)
    assert [s.name for s in executor.registry.enabled()] == ["longshot_yes"]
    assert len(live.get("/api/executor/signals").json()["signals"]) == 1


def test_an_unknown_strategy_is_a_404(live: TestClient) -> None:
    answer = live.post("/api/strategies/nope/enable", headers=AUTH)

    assert answer.status_code == 404
    assert "nope" in answer.json()["detail"]


def test_an_executor_config_change_is_validated_and_applied(
    live: TestClient, executor: Executor
) -> None:
    bad = live.post("/api/executor/config", json={"risk": {"max_position_usd": -1}}, headers=AUTH)
    unknown = live.post("/api/executor/config", json={"risk": {"max_pos": 1}}, headers=AUTH)
    good = live.post(
        "/api/executor/config", json={"sizing": {"fixed_amount_usd": "10"}}, headers=AUTH
    )

    assert bad.status_code == 422
    assert "risk.max_position_usd" in bad.json()["detail"]
    assert unknown.status_code == 422
    assert "risk.max_pos" in unknown.json()["detail"]
    assert good.status_code == 200
    assert executor.config.sizing.fixed_amount_usd == d(10)
    assert executor.config.risk.max_position_usd == d(100)  # the bad change left nothing
    assert live.get("/api/executor/config").json()["config"]["sizing"]["fixed_amount_usd"] == "10"


def test_kill_halts_the_running_executor_and_resume_clears_it(
    live: TestClient, executor: Executor, exec_clock: FakeClock
) -> None:
    executor.scan()

    killed = live.post("/api/executor/kill", json={"reason": "test"}, headers=AUTH)
    exec_clock.advance(timedelta(seconds=1))
    executor.scan()

    assert killed.status_code == 200
    assert executor.halted
    assert live.get("/api/executor/status").json()["halted"] is True
    assert live.get("/api/monitoring/health").json()["executor"]["status"] == "halted"

    resumed = live.post("/api/executor/resume", headers=AUTH)
    exec_clock.advance(timedelta(seconds=1))
    executor.scan()

    assert resumed.status_code == 200
    assert not executor.halted
    assert live.get("/api/executor/status").json()["halted"] is False


def test_without_an_executor_here_changes_are_stored_for_the_executor_elsewhere(
    make_app: MakeApp, engine: Engine, settings: Settings, exec_clock: FakeClock
) -> None:
    """As in the distributed deployment: the API alone, `pmml executor` in another process
    sharing the data directory; the change reaches the executor at its next scan."""
    _seed(engine, exec_clock)
    elsewhere = Executor(engine, effective_executor_config(settings), exec_clock)
    with TestClient(make_app()) as client:
        disable = client.post("/api/strategies/longshot_yes/disable", headers=AUTH)
        bad = client.post(
            "/api/strategies/longshot_yes/config", json={"max_hours_to_close": -1}, headers=AUTH
        )
        config = client.post(
            "/api/executor/config", json={"risk": {"max_positions": 3}}, headers=AUTH
        )
        listed = client.get("/api/strategies").json()
        shown = client.get("/api/executor/config").json()
        status = client.get("/api/executor/status").json()
        health = client.get("/api/monitoring/health").json()["executor"]
    asyncio.run(elsewhere.follow_config(following(settings)))  # its next scan

    assert (disable.status_code, config.status_code) == (200, 200)
    assert disable.json()["enabled"] is False
    assert bad.status_code == 422
    assert "strategies.longshot_yes.max_hours_to_close" in bad.json()["detail"]
    enabled = {s["name"]: s["enabled"] for s in listed["strategies"]}
    assert (listed["running"], enabled["longshot_yes"]) == (False, False)
    assert (shown["running"], shown["config"]["risk"]["max_positions"]) == (False, 3)
    assert (status["running"], status["started"], status["scans"]) == (False, False, None)
    assert health["running"] is False
    assert "longshot_yes" not in [s.name for s in elsewhere.registry.enabled()]
    assert elsewhere.config.risk.max_positions == 3
    assert describe_overrides(settings) == [
        "risk.max_positions = 3",
        "strategies.longshot_yes.enabled = false",
    ]


def test_the_websocket_pushes_a_fill_as_it_happens(live: TestClient, executor: Executor) -> None:
    with live.websocket_connect("/api/executor/ws") as ws:
        assert ws.receive_json() == {"type": "hello", "running": True}

        executor.scan()

        events = [ws.receive_json() for _ in range(3)]  # fill, position, signal
    kinds = [e["type"] for e in events]
    fill = next(e for e in events if e["type"] == "fill")
    assert sorted(kinds) == ["fill", "position", "signal"]
    assert (fill["side"], fill["size"], fill["strategy"]) == ("BUY", "26.31", "longshot_yes")
    assert fill["market"] == QUESTION


def test_the_websocket_says_when_no_executor_runs_here(make_app: MakeApp) -> None:
    with TestClient(make_app()) as client, client.websocket_connect("/api/executor/ws") as ws:
        assert ws.receive_json() == {"type": "hello", "running": False}


def test_changes_made_through_the_api_survive_a_restart(
    live: TestClient, executor: Executor, settings: Settings
) -> None:
    live.post("/api/strategies/term_structure/enable", headers=AUTH)
    live.post("/api/strategies/longshot_yes/disable", headers=AUTH)
    live.post("/api/strategies/longshot_yes/config", json={"max_hours_to_close": 24}, headers=AUTH)
    live.post("/api/executor/config", json={"sizing": {"fixed_amount_usd": "10"}}, headers=AUTH)
    live.post("/api/executor/config", json={"risk": {"max_positions": -1}}, headers=AUTH)  # 422

    # what the next start reads: executor_config.yaml with the stored changes on top
    restarted = effective_executor_config(settings)
    file_only = load_executor_config(settings.executor.executor_config)
    strategies = restarted.strategies
    assert (strategies.longshot_yes.enabled, strategies.term_structure.enabled) == (False, True)
    assert strategies.longshot_yes.max_hours_to_close == 24
    assert restarted.sizing.fixed_amount_usd == d(10)
    assert restarted.risk.max_positions == file_only.risk.max_positions  # the 422 left nothing
    assert restarted.strategies.longshot_no == file_only.strategies.longshot_no  # untouched
    assert sorted(describe_overrides(settings)) == [
        'sizing.fixed_amount_usd = "10"',
        "strategies.longshot_yes.enabled = false",
        "strategies.longshot_yes.max_hours_to_close = 24",
        "strategies.term_structure.enabled = true",
    ]
    assert overrides_path(settings).parent == settings.general.data_dir


def test_without_an_executor_here_the_websocket_relays_those_of_pmml_executor(
    make_app: MakeApp, settings: Settings, exec_clock: FakeClock
) -> None:
    """The distributed deployment: ``pmml executor`` publishes on Redis, the API relays."""
    distributed = settings.distributed.model_copy(update={"redis_url": REDIS_URL})
    relaying = settings.model_copy(update={"distributed": distributed})
    hub = EventHub()  # the executor process's, with the sink `pmml executor` adds
    with fresh_redis() as client:
        hub.add_sink(partial(publish_event, client))
        app = make_app(settings=relaying, redis=client)
        with TestClient(app) as api, api.websocket_connect("/api/executor/ws") as ws:
            assert ws.receive_json() == {"type": "hello", "running": False, "relayed": True}
            for _ in range(50):  # the relay subscribes just after its hello
                if client.pubsub_numsub(REDIS_CHANNEL)[0][1] > 0:
                    break
                time.sleep(0.05)
            fill = {"side": Side.BUY, "price": d("0.95"), "size": d("26.31"), "market": QUESTION}
            hub.publish(ExecutorEvent("fill", exec_clock.now(), fill))
            hub.publish(ExecutorEvent("alert", exec_clock.now(), {"kind": "halted"}))

            first, second = ws.receive_json(), ws.receive_json()
    assert first == {"type": "fill", "at": exec_clock.now().isoformat(), "side": "BUY",
                     "price": "0.95", "size": "26.31", "market": QUESTION}  # fmt: skip
    assert (second["type"], second["kind"]) == ("alert", "halted")


def test_the_status_counts_signals_at_most_once_per_summary_age(
    make_app: MakeApp, executor: Executor, exec_clock: FakeClock, settings: Settings
) -> None:
    """Counting every signal ever stored is the costly part of the status: an API process does
    it at most once per ``PMML_API_SUMMARY_MAX_AGE_SECS``, whoever asks."""
    hour = settings.model_copy(
        update={"api": settings.api.model_copy(update={"api_summary_max_age_secs": 3600})}
    )
    app = make_app(executor=executor, clock=exec_clock, settings=hour)
    with TestClient(app) as api:
        before = api.get("/api/executor/status").json()
        executor.scan()  # a signal, executed: one open position
        after = api.get("/api/executor/status").json()
    with TestClient(make_app(executor=executor, clock=exec_clock)) as other_process:
        counted_now = other_process.get("/api/executor/status").json()

    assert before["signals"] == after["signals"] == {}  # counted once, an hour may pass
    assert (before["open_positions"], after["open_positions"]) == (0, 1)  # the rest is live
    assert counted_now["signals"] == {"executed": 1}
