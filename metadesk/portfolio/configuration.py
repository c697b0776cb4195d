"""The `Configuration` value: one algorithm with fixed hyperparameters, under a stable readable id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Configuration:
    """`id` is a readable slug such as ``hist_gb:learning_rate=0.1,max_leaf_nodes=31``.

    `params` holds plain JSON-able values only (numbers, strings, booleans, None).
    `label` is the analyst's name: "Gradient boosting, learning rate 0.1, 31 leaves".
    `runnable` is False for configurations known only from imported knowledge.
    """

    id: str
    algorithm: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    label: str = ""
    task_types: tuple[str, ...] = ("binary", "multiclass", "regression")
    runnable: bool = True

    @property
    def algorithm_label(self) -> str:
        return self.label.split(",")[0] if self.label else self.algorithm
