"""Column roles are inferred the way an analyst would label the columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metadesk.data import Role, infer_roles


def test_roles_of_a_mixed_table(mixed_frame):
    roles = infer_roles(mixed_frame)
    assert roles == {
        "customer_id": Role.IDENTIFIER,
        "age": Role.NUMERIC,
        "income": Role.NUMERIC,
        "city": Role.CATEGORICAL,
        "member": Role.BOOLEAN,
        "source": Role.CONSTANT,
        "churn": Role.CATEGORICAL,
    }


def test_free_text_datetime_boolean_and_codes():
    n = 60
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "comment": [
                f"The delivery number {i} arrived late and the box was damaged" for i in range(n)
            ],
            "when": pd.date_range("2024-01-01", periods=n, freq="D"),
            "flag": rng.choice([True, False], n),
            "zero_one": rng.choice([0, 1], n),
            "order_code": [f"A{i:05d}" for i in range(n)],
            "empty": [None] * n,
            "row": np.arange(n),
            "price": rng.integers(1, 10_000, n),  # unique-ish integers but not an identifier
        }
    )
    roles = infer_roles(frame)
    assert roles["comment"] == Role.TEXT
    assert roles["when"] == Role.DATETIME
    assert roles["flag"] == Role.BOOLEAN
    assert roles["zero_one"] == Role.BOOLEAN
    assert roles["order_code"] == Role.IDENTIFIER
    assert roles["empty"] == Role.CONSTANT
    assert roles["row"] == Role.IDENTIFIER
    assert roles["price"] == Role.NUMERIC


def test_a_rare_second_value_outside_the_sample_is_not_constant():
    values = np.zeros(100_000)
    values[-1] = 1.0
    frame = pd.DataFrame({"almost": values})
    assert infer_roles(frame)["almost"] != Role.CONSTANT


def test_floats_that_are_unique_are_numeric_not_identifiers():
    frame = pd.DataFrame({"measure_id": np.linspace(0, 1, 50) + 0.001})
    assert infer_roles(frame)["measure_id"] == Role.NUMERIC
