"""Task-run aggregates give the same counts, percentiles and last errors on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, insert

from polymarket_ml.core.enums import TaskStatus
from polymarket_ml.storage.models import TaskRunRow
from polymarket_ml.storage.task_stats import metrics_figures, percentile, task_run_stats
from tests.storage.conftest import NOW

SUCCESS, FAILED, SKIPPED, RUNNING = (
    TaskStatus.SUCCESS,
    TaskStatus.FAILED,
    TaskStatus.SKIPPED,
    TaskStatus.RUNNING,
)


def seed(
    engine: Engine, *runs: tuple[str, int | None, TaskStatus, float, int | None, str | None]
) -> None:
    """``(task, tier, status, minutes ago, duration_ms, error)`` in this order (ids grow)."""
    rows = []
    for i, (name, tier, status, minutes_ago, ms, error) in enumerate(runs):
        started = NOW - timedelta(minutes=minutes_ago)
        rows.append(
            {
                "task_name": name,
                "task_id": f"run-{i}",
                "tier": tier,
                "started_at": started,
                "finished_at": None if ms is None else started + timedelta(milliseconds=ms),
                "duration_ms": ms,
                "status": status.value,
                "error_message": error,
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(TaskRunRow), rows)


@pytest.fixture
def week(engine: Engine) -> Engine:
    """snapshot T4 in the last hour: successes of 10..40 ms, failures of 1000 and 5 ms (two
    failures at the same instant, "second" stored last), a skip and a run still going; one
    failure two days ago. snapshot T3: only skips. discovery (no tier): one 70 ms success."""
    seed(
        engine,
        ("snapshot", 4, FAILED, 2 * 24 * 60, 99_999, "old"),
        ("snapshot", 4, SUCCESS, 50, 10, None),
        ("snapshot", 4, SUCCESS, 40, 20, None),
        ("snapshot", 4, FAILED, 30, 1000, "first"),
        ("snapshot", 4, FAILED, 30, 5, "second"),
        ("snapshot", 4, SUCCESS, 20, 30, None),
        ("snapshot", 4, SKIPPED, 15, 0, None),
        ("snapshot", 4, SUCCESS, 10, 40, None),
        ("snapshot", 4, RUNNING, 1, None, None),
        ("snapshot", 3, SKIPPED, 5, 0, None),
        ("discovery", None, SUCCESS, 45, 70, None),
    )
    return engine


def test_task_run_stats_count_runs_by_status_and_interpolate_percentiles(week: Engine) -> None:
    stats = task_run_stats(week, NOW - timedelta(hours=24))

    assert [(s.task_name, s.tier) for s in stats] == [
        ("discovery", None),
        ("snapshot", 3),
        ("snapshot", 4),
    ]
    discovery, skips, t4 = stats
    assert t4.runs == 8
    assert t4.by_status == {"failed": 2, "running": 1, "skipped": 1, "success": 4}
    # finished: 5, 10, 20, 30, 40, 1000 ms (the skip and the running one are left out)
    assert t4.duration_ms_p50 == 25.0
    assert t4.duration_ms_p95 == 760.0
    assert t4.duration_ms_p99 == pytest.approx(952.0)
    assert t4.last_started_at == NOW - timedelta(minutes=1)
    assert t4.last_error == "second"  # same instant as "first": the later row wins
    assert t4.last_error_at == NOW - timedelta(minutes=30)
    assert (skips.runs, skips.by_status) == (1, {"skipped": 1})
    assert (skips.duration_ms_p50, skips.duration_ms_p99, skips.last_error) == (None, None, None)
    assert (discovery.duration_ms_p50, discovery.duration_ms_p99) == (70.0, 70.0)
    assert (discovery.last_error, discovery.last_error_at) == (None, None)


def test_task_run_stats_leave_out_runs_before_the_window(week: Engine) -> None:
    stats = task_run_stats(week, NOW - timedelta(minutes=35))

    t4 = {(s.task_name, s.tier): s for s in stats}[("snapshot", 4)]
    assert ("discovery", None) not in {(s.task_name, s.tier) for s in stats}
    assert t4.by_status == {"failed": 2, "running": 1, "skipped": 1, "success": 2}
    assert t4.duration_ms_p50 == 35.0  # of 5, 30, 40, 1000
    assert t4.last_error == "second"


def test_task_run_stats_of_an_empty_window(week: Engine) -> None:
    assert task_run_stats(week, NOW + timedelta(minutes=1)) == []


def test_metrics_figures_count_finished_runs_per_duration_bound(week: Engine) -> None:
    figures = metrics_figures(week, NOW - timedelta(hours=1), [10, 50, 1000], [3, 4])

    tasks = {(t.task_name, t.tier): t for t in figures.tasks}
    assert list(tasks) == [("discovery", None), ("snapshot", 3), ("snapshot", 4)]
    t4 = tasks[("snapshot", 4)]
    assert t4.by_status == {"failed": 2, "running": 1, "skipped": 1, "success": 4}
    assert (t4.finished, t4.duration_ms_sum) == (6, 1105)
    assert t4.at_most == {10: 2, 50: 5, 1000: 6}  # bounds are inclusive
    assert (tasks[("snapshot", 3)].finished, tasks[("snapshot", 3)].at_most[1000]) == (0, 0)
    assert figures.newest_snapshot == {}  # no snapshot stored


def test_percentile_interpolates_linearly_between_ranks() -> None:
    values = [100.0, 200.0, 300.0, 400.0, 500.0]
    assert [percentile(values, q) for q in (0.0, 0.5, 0.95, 1.0)] == [100.0, 300.0, 480.0, 500.0]
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)
