"""An exported pipeline can name its features: every custom step implements get_feature_names_out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metadesk.portfolio.preprocessing import build_preprocessor


def _frame(n: int = 80) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "amount": rng.normal(size=n),
            "when": pd.date_range("2026-01-01", periods=n, freq="D"),
            "colour": rng.choice(["red", "green", "blue"], size=n),
            "shop": [f"shop {i % 30}" for i in range(n)],  # many levels: target encoded
        }
    )
    return frame, (frame["amount"] > 0).astype(int).to_numpy()


@pytest.mark.parametrize("scale", [False, True])
def test_the_preprocessing_names_every_output_column(scale):
    frame, y = _frame()
    roles = [("amount", "numeric"), ("when", "datetime"), ("colour", "categorical"),
             ("shop", "categorical")]  # fmt: skip
    prep = build_preprocessor(roles, scale=scale)
    width = prep.fit_transform(frame, y).shape[1]
    names = [str(n) for n in prep.get_feature_names_out()]
    assert len(names) == width
    assert any(n.endswith("amount") for n in names)
    assert any(n.endswith("when__year") for n in names)
    assert any(n.endswith("colour_red") for n in names)
    assert any(n.endswith("shop") for n in names)
