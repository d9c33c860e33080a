"""The switch of an optional C accelerator (``parse.accelerator``, ``orderbook.accelerator``).

An accelerator is on where its extension was built, unless the environment sets
``PMML_PURE_PYTHON=1``; ``use(False)`` hands its work to the Python reference code at run time.
"""

from __future__ import annotations

import os
from typing import Protocol


class _Extension(Protocol):
    def set_enabled(self, enabled: bool, /) -> None: ...


class AcceleratorSwitch:
    """Whether one C extension was built (``available``) and does its work (``in_use``)."""

    def __init__(self, extension: _Extension | None) -> None:
        self._extension = extension
        self.in_use = False
        self.use(os.environ.get("PMML_PURE_PYTHON", "") in ("", "0"))

    @property
    def available(self) -> bool:
        """Whether the extension was built and imports (``make venv`` builds it)."""
        return self._extension is not None

    def use(self, enabled: bool = True) -> bool:
        """Use the extension when ``enabled`` and built, else the Python code; returns whether
        the extension is in use."""
        if self._extension is None:
            return False
        self._extension.set_enabled(enabled)
        self.in_use = enabled
        return enabled
