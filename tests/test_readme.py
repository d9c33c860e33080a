"""The README documents what exists: every setting, every command it shows."""

from __future__ import annotations

import re

from polymarket_ml.settings import settings_table_markdown
from tests.support import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()


def test_readme_settings_table_matches_the_settings() -> None:
    start = README.index("<!-- settings-table:start")
    end = README.index("<!-- settings-table:end -->")
    documented = README[README.index("\n", start) + 1 : end].strip()
    assert documented == settings_table_markdown(), (
        "README settings table is stale: paste the output of "
        "`python -c 'from polymarket_ml.settings import settings_table_markdown as t; print(t())'`"
    )


def test_make_targets_in_the_readme_exist() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    for target in set(re.findall(r"^make (\w+)", README, re.M)):
        assert re.search(rf"^{target}:", makefile, re.M), f"README shows `make {target}`"
