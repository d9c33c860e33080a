"""The API's OpenAPI schema without a server or a database: what the dashboard's TypeScript
client is generated from (``npm run gen:api`` in ``dashboard/``).

``python -m polymarket_ml.api.openapi`` prints it as JSON, keys in a stable order.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from polymarket_ml.api.app import create_app
from polymarket_ml.api.state import ApiState
from polymarket_ml.settings import load_settings
from polymarket_ml.storage.engine import make_engine


def openapi_schema() -> dict[str, Any]:
    """The schema of :func:`create_app`; the app is built over a database it never opens."""
    with tempfile.TemporaryDirectory(prefix="pmml_openapi_") as tmp:
        engine = make_engine("sqlite://")
        try:
            state = ApiState(
                settings=load_settings(general={"data_dir": Path(tmp)}),
                engine=engine,
                token="unused",
            )
            return create_app(state).openapi()
        finally:
            engine.dispose()


def schema_json() -> str:
    return json.dumps(openapi_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(schema_json())
