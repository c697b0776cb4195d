"""The learning task: a table, a target column, the task type and the column roles.

`make_task` validates what a user chose and explains every exclusion; `Task.dataset_id` is a content
fingerprint so the same data loaded twice (renamed, rows shuffled) is the same dataset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from metadesk.data.roles import Role

TASK_TYPES = ("binary", "multiclass", "regression")


@dataclass(frozen=True, eq=False)
class Task:
    """`frame` holds only the usable feature columns and the target, rows with a missing target removed.

    `roles` covers every column of the source table except the target; `excluded` maps a column left
    out of the features to the plain-language reason.
    """

    dataset_id: str
    name: str
    frame: pd.DataFrame
    target: str
    task_type: str
    roles: Mapping[str, Role]
    excluded: Mapping[str, str] = field(default_factory=dict)
    dropped_rows: int = 0
    source_path: Path | None = None

    @property
    def feature_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != self.target]

    @property
    def X(self) -> pd.DataFrame:
        return self.frame[self.feature_columns]

    @property
    def y(self) -> pd.Series:
        return self.frame[self.target]

    @property
    def n_rows(self) -> int:
        return len(self.frame)

    @property
    def is_classification(self) -> bool:
        return self.task_type != "regression"

    def feature_roles(self) -> tuple[tuple[str, str], ...]:
        """(column, role) for each feature column, in frame order: what a worker needs."""
        return tuple((c, Role(self.roles[c]).value) for c in self.feature_columns)
