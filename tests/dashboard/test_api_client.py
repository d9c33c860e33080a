"""The TypeScript client is generated from the API's OpenAPI schema and committed: both the
schema snapshot (``dashboard/openapi.json``) and the types (``src/api/schema.d.ts``) must match
what the current Python code generates (``npm run gen:api`` regenerates them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from polymarket_ml.api.openapi import schema_json
from tests.dashboard.support import DASHBOARD, require_node_modules


def test_the_committed_openapi_schema_is_the_apps_schema() -> None:
    committed = (DASHBOARD / "openapi.json").read_text(encoding="utf-8")

    assert committed == schema_json(), "dashboard/openapi.json is stale: run `npm run gen:api`"


def test_the_schema_documents_every_endpoint_the_dashboard_calls() -> None:
    paths = set(json.loads(schema_json())["paths"])
    used = {
        "/api/monitoring/health",
        "/api/monitoring/task-activity",
        "/api/monitoring/tier-transitions",
        "/api/monitoring/websocket-coverage",
        "/api/database/tables",
        "/api/database/tables/{name}",
        "/api/markets",
        "/api/markets/{market_id}",
        "/api/markets/{market_id}/snapshots",
        "/api/markets/{market_id}/trades",
        "/api/markets/{market_id}/tier-transitions",
    }

    assert used <= paths


def test_the_generated_typescript_types_match_the_schema() -> None:
    node = require_node_modules()

    result = subprocess.run(
        [node, "scripts/gen-api.mjs", "--check"],
        cwd=DASHBOARD,
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr + result.stdout
