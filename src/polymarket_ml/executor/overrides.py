"""Executor settings changed while it runs, kept across restarts.

The dashboard (``POST /api/executor/config``, ``/api/strategies/{name}/enable|disable|config``)
writes each change to ``<PMML_DATA_DIR>/executor_overrides.yaml`` — only the keys changed, in
the layout of ``executor_config.yaml`` — and changes an executor running in the API's process
(``pmml up``) at once. A running executor also follows that file (:meth:`Executor.run` with a
``config_source``): before each scan it takes what changed in it (:func:`live_update`), so
``pmml executor`` of the distributed deployment, which shares the data directory with the API,
applies a change made on the dashboard at its next scan. Every start applies the file on top of
``executor_config.yaml`` (:func:`effective_executor_config`), saying so in its log.
``executor_config.yaml`` itself is never rewritten (its comments stay); delete the overrides
file to go back to it alone.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from polymarket_ml.core.errors import ConfigError, StorageError
from polymarket_ml.executor.config import (
    ExecutorConfig,
    dump_executor_config,
    parse_executor_config,
    read_config_file,
)
from polymarket_ml.settings import Settings

log = logging.getLogger(__name__)

OVERRIDES_NAME = "executor_overrides.yaml"
LIVE_SECTIONS = ("risk", "sizing", "execution", "strategies")
"""What a running executor takes from a changed configuration; the other sections (``mode``,
``paper``, ``scanner``) are read at start only."""
_HEADER = (
    "# Executor settings changed through the API or the dashboard, applied on top of\n"
    "# executor_config.yaml at every start. Delete this file to use executor_config.yaml alone.\n"
)


def overrides_path(settings: Settings) -> Path:
    return settings.general.data_dir / OVERRIDES_NAME


def load_overrides(path: Path) -> dict[str, Any]:
    """The overrides stored at ``path`` (``{}`` when there are none)."""
    data = read_config_file(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections; delete the file")
    return data


def effective_executor_config(settings: Settings) -> ExecutorConfig:
    """``executor_config.yaml`` with the stored overrides applied, validated as a whole; parsed
    again only once either file has changed (modification time or size): the API reads it on
    every executor request and parsing the YAML costs ~20 ms."""
    path, overrides = settings.executor.executor_config, overrides_path(settings)
    stamp = (_stamp(path), _stamp(overrides))
    cached = _cache.get((path, overrides))
    if cached is not None and cached[0] == stamp:
        return cached[1]  # frozen: safe to share
    config = _effective(settings)
    _cache[(path, overrides)] = (stamp, config)
    return config


_cache: dict[tuple[Path, Path], tuple[tuple[object, object], ExecutorConfig]] = {}


@dataclass(frozen=True, slots=True)
class ConfigUpdate:
    """What a running executor takes from a changed configuration (:func:`live_update`)."""

    config: ExecutorConfig
    """The configuration in effect with the live sections of the new one."""
    changed: list[str]
    """Keys of the live sections that changed, ``section.key = value``."""
    needs_restart: list[str]
    """Keys of the start-only sections that changed: not taken until the executor restarts."""


def live_update(current: ExecutorConfig, new: ExecutorConfig) -> ConfigUpdate:
    """Take the :data:`LIVE_SECTIONS` of ``new`` into ``current``; list what changed."""
    before = dict(_flatten(dump_executor_config(current)))
    changed: list[str] = []
    needs_restart: list[str] = []
    for key, value in _flatten(dump_executor_config(new)):
        if before.get(key) != value:
            line = f"{key} = {json.dumps(value)}"
            (changed if key.split(".", 1)[0] in LIVE_SECTIONS else needs_restart).append(line)
    config = current.model_copy(update={s: getattr(new, s) for s in LIVE_SECTIONS})
    return ConfigUpdate(config, changed, needs_restart)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells a changed file: :func:`remember` replaces the file (a new inode) and the
    clock that stamps modification times may not tick between two quick changes."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _effective(settings: Settings) -> ExecutorConfig:
    path = settings.executor.executor_config
    base = read_config_file(path)
    overrides = load_overrides(overrides_path(settings))
    if not overrides:
        return parse_executor_config(base, source=str(path))
    merged = _merge(base if isinstance(base, dict) else {}, overrides)
    where = f"{path} with the changes in {overrides_path(settings)}"
    return parse_executor_config(merged, source=where)


def describe_overrides(settings: Settings) -> list[str]:
    """The stored overrides as ``key.path = value`` lines (for start-up logs)."""
    return [f"{key} = {json.dumps(value)}" for key, value in _flatten(load_overrides(
        overrides_path(settings)))]  # fmt: skip


def remember(settings: Settings, change: Mapping[str, Any], *, required: bool = False) -> bool:
    """Add ``change`` (a partial config, plain JSON values) to the stored overrides. ``False``
    (logged) when the file cannot be written: the change then lasts until a restart — or, when
    the file is the only place the change goes (``required``), raise :class:`StorageError`."""
    path = overrides_path(settings)
    try:
        stored = _merge(load_overrides(path), json.loads(json.dumps(change, default=str)))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".executor_overrides.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(_HEADER)
            yaml.safe_dump(stored, out, sort_keys=True)
        os.replace(tmp, path)  # whole or not at all
    except (OSError, ConfigError) as exc:
        if required:
            raise StorageError(f"could not save the executor change in {path}: {exc}") from exc
        log.error("could not save the executor change in %s (%s): it lasts until a restart",
                  path, exc)  # fmt: skip
        return False
    return True


def _merge(base: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in change.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.extend(_flatten(value, name + "."))
        else:
            out.append((name, value))
    return out
