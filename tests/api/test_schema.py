"""Schemathesis over the OpenAPI schema: no 5xx, every answer as the schema says.

The database is seeded so that every endpoint has data to show, and healthy (fresh snapshots),
so that ``/critical`` answering 503 would be a real failure. Writes carry the token.

``POST /api/executor/config`` takes sections of free keys in the schema (a partial change, whose
keys and values are checked against the whole configuration: an unknown key or a value that
breaks a rule across keys is a documented 422 naming it), so a schema-valid body may rightly be
refused there: that one operation skips schemathesis' "valid data is accepted" check.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import positive_data_acceptance

from polymarket_ml.api.app import create_app
from polymarket_ml.api.state import ApiState
from polymarket_ml.core.clock import FakeClock
from polymarket_ml.core.enums import Tier
from polymarket_ml.settings import load_settings
from polymarket_ml.storage.engine import make_engine
from polymarket_ml.storage.migrate import upgrade
from tests.api.conftest import NOW, TOKEN
from tests.api.support import seed_markets, seed_snapshots, seed_task_runs, seed_transitions

# schemathesis' pytest integration needs the app when the module is imported (its fixture
# loader fails under pytest 9); the database is seeded by the fixture below before any test.
_TMP = tempfile.TemporaryDirectory(prefix="pmml_schema_")
_ENGINE = make_engine(f"sqlite:///{Path(_TMP.name) / 'db.sqlite3'}")
_APP = create_app(
    ApiState(
        settings=load_settings(general={"data_dir": Path(_TMP.name)}),
        engine=_ENGINE,
        clock=FakeClock(NOW),
        token=TOKEN,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)


@pytest.fixture(scope="module", autouse=True)
def _seeded() -> Iterator[None]:
    upgrade(_ENGINE)
    ids = seed_markets(_ENGINE)
    for key, tier in (("t4", Tier.T4), ("t3", Tier.T3), ("t0", Tier.T0)):
        seed_snapshots(_ENGINE, ids[key], tier, NOW - timedelta(seconds=5))
    seed_transitions(_ENGINE, ids["t4"])
    seed_task_runs(_ENGINE)
    yield
    _ENGINE.dispose()
    _TMP.cleanup()


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_without_5xx_and_as_documented(case: Case) -> None:
    partial_change = case.operation.label == "POST /api/executor/config"
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"},
        excluded_checks=[positive_data_acceptance] if partial_change else None,
    )
