"""Key-by-key shape comparison of a simulator payload with a real sample."""

from __future__ import annotations

from typing import Any


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_mismatches(
    sample: Any, ours: Any, path: str = "$", skip: frozenset[str] = frozenset()
) -> list[str]:
    """Every key of ``sample`` must be in ``ours`` with the same JSON type, recursively.

    A ``null`` in the sample marks a nullable field, so any value matches it. Arrays compare
    their first elements when both are non-empty.
    """
    if sample is None:
        return []
    if json_type(sample) != json_type(ours):
        return [f"{path}: sample {json_type(sample)}, simulator {json_type(ours)}"]
    problems: list[str] = []
    if isinstance(sample, dict):
        for key, value in sample.items():
            if key in skip:
                continue
            if key not in ours:
                problems.append(f"{path}.{key}: missing")
            else:
                problems.extend(shape_mismatches(value, ours[key], f"{path}.{key}", skip))
    elif isinstance(sample, list) and sample and ours:
        problems.extend(shape_mismatches(sample[0], ours[0], f"{path}[0]", skip))
    return problems
