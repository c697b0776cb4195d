"""make_task: task type, dropped rows, excluded features, target suggestion and every task error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metadesk.data import Role, make_task, suggest_target
from metadesk.errors import RareClasses, TaskProblem


def _frame(y, n=None, **extra) -> pd.DataFrame:
    n = n or len(y)
    rng = np.random.default_rng(0)
    return pd.DataFrame({"a": rng.normal(size=n), "b": rng.choice(["u", "v"], n), **extra, "y": y})


def test_binary_task_with_exclusions_and_dropped_rows(mixed_frame):
    frame = mixed_frame.copy()
    frame.loc[[3, 8], "churn"] = None
    task = make_task(frame, "churn", source_path="/data/customers.csv")
    assert task.task_type == "binary"
    assert task.name == "customers"
    assert task.dropped_rows == 2 and task.n_rows == 38
    assert "2 row(s)" in task.notes[0]
    assert set(task.excluded) == {"customer_id", "source"}
    assert "identifier" in task.excluded["customer_id"]
    assert "same value" in task.excluded["source"]
    assert task.feature_columns == ["age", "income", "city", "member"]
    assert list(task.frame.columns) == [*task.feature_columns, "churn"]
    assert task.roles["customer_id"] == Role.IDENTIFIER
    assert "churn" not in task.roles


@pytest.mark.parametrize(
    ("y", "expected"),
    [
        (np.tile([0, 1, 2], 20), "multiclass"),
        (np.tile(["a", "b", "c", "d"], 15), "multiclass"),
        (np.tile([True, False], 30), "binary"),
        (np.linspace(0, 10, 60), "regression"),
        (np.arange(60) * 7, "regression"),  # many distinct integers: a quantity
        (np.tile([3.0, 4.0, 5.0, 6.0], 15), "multiclass"),  # integral floats: labels read with NaNs
    ],
)
def test_task_type_detection(y, expected):
    assert make_task(_frame(y), "y").task_type == expected


def test_task_type_override():
    y = np.tile([1, 2, 3, 4, 5], 12)
    assert make_task(_frame(y), "y").task_type == "multiclass"
    assert make_task(_frame(y), "y", task_type="regression").task_type == "regression"
    with pytest.raises(TaskProblem, match="not numeric"):
        make_task(_frame(np.tile(["a", "b"], 30)), "y", task_type="regression")
    with pytest.raises(TaskProblem, match="cannot be binary"):
        make_task(_frame(y), "y", task_type="binary")
    with pytest.raises(TaskProblem, match="not a task type"):
        make_task(_frame(y), "y", task_type="clustering")


def test_role_override_includes_and_excludes_columns(mixed_frame):
    task = make_task(mixed_frame, "churn", roles={"customer_id": "numeric", "city": Role.TEXT})
    assert "customer_id" in task.feature_columns
    assert "city" in task.excluded
    with pytest.raises(TaskProblem, match="not a column role"):
        make_task(mixed_frame, "churn", roles={"city": "fancy"})
    with pytest.raises(TaskProblem, match="no column named 'cty'"):
        make_task(mixed_frame, "churn", roles={"cty": "numeric"})


def test_target_not_in_table_suggests_a_close_name(mixed_frame):
    with pytest.raises(TaskProblem, match="no column named 'chrun'") as info:
        make_task(mixed_frame, "chrun")
    assert "churn" in info.value.hint


def test_target_with_one_value():
    with pytest.raises(TaskProblem, match="only one value"):
        make_task(_frame(["same"] * 30), "y")


def test_rare_classes_are_named_and_can_be_dropped():
    y = ["a"] * 20 + ["b"] * 20 + ["c"] * 2 + ["d"]
    with pytest.raises(RareClasses, match="'c' \\(2 rows\\), 'd' \\(1 row\\)") as info:
        make_task(_frame(y), "y")
    assert info.value.classes == ["c", "d"]
    assert "Drop" in info.value.hint
    task = make_task(_frame(y), "y", drop_classes=info.value.classes)
    assert task.task_type == "binary"
    assert task.dropped_rows == 3
    assert set(task.y) == {"a", "b"}


def test_too_few_rows():
    with pytest.raises(TaskProblem, match="Only 19 usable row"):
        make_task(_frame(np.tile([0.5, 1.5], 10)[:19]), "y")
    y = [1.0] * 10 + [np.nan] * 20 + list(range(10))
    with pytest.raises(TaskProblem, match="Only 19 usable row") as info:
        make_task(_frame(y[:39]), "y")
    assert "20 missing target value(s)" in info.value.hint


def test_no_usable_feature():
    frame = pd.DataFrame({"id": np.arange(30), "const": 1, "y": np.tile([0, 1], 15)})
    with pytest.raises(TaskProblem, match="No column can be used"):
        make_task(frame, "y")


def test_too_many_classes():
    frame = _frame([f"c{i}" for i in range(250)] * 5)
    with pytest.raises(TaskProblem, match="250 distinct values"):
        make_task(frame, "y", task_type="multiclass")


def test_dates_cannot_be_a_target():
    frame = _frame(pd.date_range("2020-01-01", periods=30))
    with pytest.raises(TaskProblem, match="dates"):
        make_task(frame, "y")


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["a", "b", "Class"], "Class"),
        (["target", "a", "b"], "target"),
        (["Outcome", "a", "z"], "Outcome"),
        (["a", "y", "b"], "y"),
        (["a", "label_name", "b"], "label_name"),
        (["a", "b", "c"], "c"),
    ],
)
def test_suggest_target(columns, expected):
    frame = pd.DataFrame({c: np.tile([0.5, 1.5, 2.5], 10) for c in columns})
    assert suggest_target(frame) == expected


def test_suggest_target_skips_a_trailing_identifier():
    frame = pd.DataFrame({"x": np.tile([1.5, 2.5], 15), "kind": np.tile(["a", "b", "c"], 10)})
    frame["row_id"] = np.arange(30)
    assert suggest_target(frame) == "kind"


def test_exclusion_reason_says_when_the_user_chose_the_role(mixed_frame):
    inferred = {"customer_id": "identifier", "source": "constant", "city": "text"}
    task = make_task(mixed_frame, "churn", roles=inferred)
    assert "identifier" in task.excluded["customer_id"]
    assert task.excluded["city"].startswith("was set to text")


def test_a_chosen_role_must_suit_the_values(mixed_frame):
    with pytest.raises(TaskProblem, match="'city' holds words"):
        make_task(mixed_frame, "churn", roles={"city": "numeric"})
    with pytest.raises(TaskProblem, match="'age' was not read as dates"):
        make_task(mixed_frame, "churn", roles={"age": "datetime"})
