"""Property: whatever small table comes in, every name comes back with an honest status, none failed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metadesk.metafeatures import FEATURE_NAMES, extract_meta_features

_floats = st.one_of(
    st.none(), st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from([0.0, 1.0, np.inf])
)
_labels = st.one_of(st.none(), st.sampled_from(["a", "b", "c", "dd"]))


@st.composite
def tables(draw):
    n = draw(st.integers(1, 40))
    frame = {}
    for j in range(draw(st.integers(0, 3))):
        frame[f"n{j}"] = pd.Series(draw(st.lists(_floats, min_size=n, max_size=n)), dtype="float64")
    for j in range(draw(st.integers(0, 3))):
        frame[f"c{j}"] = pd.Series(draw(st.lists(_labels, min_size=n, max_size=n)), dtype="str")
    if not frame:
        frame["n0"] = pd.Series(np.arange(n, dtype="float64"))
    regression = draw(st.booleans())
    if regression:
        y = draw(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=n, max_size=n))
    else:
        y = draw(st.lists(st.sampled_from(["x", "y", "z"]), min_size=n, max_size=n))
    frame["target"] = y
    return pd.DataFrame(frame), "regression" if regression else "multiclass"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_every_name_has_an_honest_status(make_task, table):
    frame, task_type = table
    mf = extract_meta_features(make_task(frame, "target", task_type))
    assert list(mf) == FEATURE_NAMES(task_type)
    for v in mf.values():
        assert v.status in ("computed", "not_applicable"), v
        if v.status == "computed":
            assert math.isfinite(v.value), v
        else:
            assert v.reason, v
