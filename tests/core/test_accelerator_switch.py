"""The switch of a C accelerator: on where built, off with PMML_PURE_PYTHON=1, off without one."""

from __future__ import annotations

import pytest

from polymarket_ml.core.accelerator import AcceleratorSwitch


class Extension:
    """Stands for a built extension: records what it was told."""

    def __init__(self) -> None:
        self.told: list[bool] = []

    def set_enabled(self, enabled: bool, /) -> None:
        self.told.append(enabled)


@pytest.mark.parametrize(("pure", "on"), [(None, True), ("0", True), ("1", False)])
def test_a_built_extension_is_on_unless_pure_python_is_asked_for(
    monkeypatch: pytest.MonkeyPatch, pure: str | None, on: bool
) -> None:
    if pure is None:
        monkeypatch.delenv("PMML_PURE_PYTHON", raising=False)
    else:
        monkeypatch.setenv("PMML_PURE_PYTHON", pure)
    extension = Extension()
    switch = AcceleratorSwitch(extension)
    assert (switch.available, switch.in_use, extension.told) == (True, on, [on])
    assert switch.use(not on) is (not on)
    assert (switch.in_use, extension.told) == (not on, [on, not on])


def test_without_an_extension_the_python_code_runs_whatever_is_asked() -> None:
    switch = AcceleratorSwitch(None)
    assert (switch.available, switch.in_use) == (False, False)
    assert switch.use(True) is False
    assert switch.in_use is False
