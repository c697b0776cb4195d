"""Tasks built directly from small frames, roles inferred from dtypes (as `make_task` would)."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.datasets import load_iris

from metadesk.data.roles import Role
from metadesk.data.task import Task


def task_from_frame(frame: pd.DataFrame, target: str, task_type: str | None = None) -> Task:
    roles = {}
    for col in frame.columns:
        if col == target:
            continue
        s = frame[col]
        if pd.api.types.is_bool_dtype(s):
            roles[col] = Role.BOOLEAN
        elif pd.api.types.is_numeric_dtype(s):
            roles[col] = Role.NUMERIC
        elif pd.api.types.is_datetime64_any_dtype(s):
            roles[col] = Role.DATETIME
        else:
            roles[col] = Role.CATEGORICAL
    if task_type is None:
        y = frame[target]
        if pd.api.types.is_float_dtype(y):
            task_type = "regression"
        else:
            task_type = "binary" if y.nunique() == 2 else "multiclass"
    return Task(
        dataset_id=f"test-{len(frame)}x{frame.shape[1]}",
        name="test",
        frame=frame,
        target=target,
        task_type=task_type,
        roles=roles,
    )


@pytest.fixture(scope="session")
def iris_frame() -> pd.DataFrame:
    data = load_iris(as_frame=True)
    frame = data.frame.rename(columns={"target": "species"})
    frame["species"] = frame["species"].map(dict(enumerate(data.target_names)))
    return frame


@pytest.fixture(scope="session")
def iris_task(iris_frame) -> Task:
    return task_from_frame(iris_frame, "species")


@pytest.fixture(scope="session")
def make_task():
    return task_from_frame
