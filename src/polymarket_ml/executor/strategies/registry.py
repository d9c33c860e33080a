"""The strategies the executor runs, built from ``executor_config.yaml`` and changeable live.

:class:`StrategyRegistry` holds one frozen params model per built-in strategy. Enabling,
disabling or re-parameterising validates the new values through the same pydantic models as
the file, so a bad value raises :class:`~polymarket_ml.core.errors.ConfigError` naming
``strategies.<name>.<key>`` and leaves the running configuration untouched. Each change swaps
whole immutable objects, so a scan in progress keeps the strategies it started with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from polymarket_ml.core.errors import ConfigError
from polymarket_ml.executor.config import ExecutorConfig, StrategiesConfig, describe_error
from polymarket_ml.executor.strategies.base import AnyStrategy
from polymarket_ml.executor.strategies.longshot_no import LongshotNo
from polymarket_ml.executor.strategies.longshot_yes import LongshotYes
from polymarket_ml.executor.strategies.mean_reversion import MeanReversion
from polymarket_ml.executor.strategies.term_structure import TermStructure

BUILT_IN: dict[str, type[AnyStrategy]] = {
    cls.name: cls for cls in (LongshotYes, LongshotNo, MeanReversion, TermStructure)
}


class StrategyRegistry:
    """Built-in strategies with their current parameters; only enabled ones are run."""

    def __init__(self, config: StrategiesConfig | None = None) -> None:
        config = config or StrategiesConfig()
        self._state = (config, self._build(config))  # swapped as one value

    @classmethod
    def from_config(cls, config: ExecutorConfig) -> StrategyRegistry:
        return cls(config.strategies)

    @property
    def config(self) -> StrategiesConfig:
        """The current ``strategies`` section (what the API shows and what is saved)."""
        return self._state[0]

    def names(self) -> tuple[str, ...]:
        return tuple(BUILT_IN)

    def enabled(self) -> tuple[AnyStrategy, ...]:
        """The strategies to run in the next scan, in a stable order."""
        return tuple(s for s in self._state[1].values() if s.params.enabled)

    def get(self, name: str) -> AnyStrategy:
        """The strategy called ``name``, enabled or not (for exits of positions it opened)."""
        self._check_name(name)
        return self._state[1][name]

    def params(self, name: str) -> BaseModel:
        self._check_name(name)
        params: BaseModel = getattr(self._state[0], name)
        return params

    def enable(self, name: str) -> None:
        self.update(name, {"enabled": True})

    def disable(self, name: str) -> None:
        self.update(name, {"enabled": False})

    def update(self, name: str, changes: Mapping[str, Any]) -> BaseModel:
        """Re-parameterise ``name`` with ``changes`` (only the keys given change); return the
        new params. Raises ``ConfigError`` naming every bad key; nothing changes then."""
        current = self.params(name)
        model = type(current)
        try:
            new_params = model.model_validate({**current.model_dump(), **changes})
        except ValidationError as exc:
            lines = [describe_error(model, err) for err in exc.errors()]
            named = [
                f"strategies.{name}{line.removeprefix('(top level)')}"
                if line.startswith("(top level)")
                else f"strategies.{name}.{line}"
                for line in lines
            ]
            raise ConfigError("\n  ".join(named)) from None
        config, strategies = self._state
        self._state = (
            config.model_copy(update={name: new_params}),
            {**strategies, name: BUILT_IN[name](new_params)},
        )
        return new_params

    def _check_name(self, name: str) -> None:
        if name not in BUILT_IN:
            raise ConfigError(f"strategies.{name}: unknown strategy; known: {', '.join(BUILT_IN)}")

    @staticmethod
    def _build(config: StrategiesConfig) -> dict[str, AnyStrategy]:
        return {name: cls(getattr(config, name)) for name, cls in BUILT_IN.items()}
