"""Every recorded sample is exercised by name in some test of this folder."""

from pathlib import Path

import pytest

from tests.support import sample_paths

TEST_SOURCES = "\n".join(
    p.read_text() for p in Path(__file__).parent.glob("test_*.py") if p.name != Path(__file__).name
)
RTDS_GLOB_COVERED = ("rtds_", "fixture_rtds_")  # rejected as a group in test_parse_market


@pytest.mark.parametrize(
    "path",
    [p for d in ("ws", "clob", "gamma", "data-api") for p in sample_paths(d)],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_sample_is_used_by_a_test(path: Path) -> None:
    if path.name.startswith(RTDS_GLOB_COVERED):
        return
    assert f"{path.parent.name}/{path.name}" in TEST_SOURCES or path.name in TEST_SOURCES
