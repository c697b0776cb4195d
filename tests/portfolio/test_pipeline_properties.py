"""Property tests: a pipeline fits and predicts on any mix of numbers, gaps, infinities, odd
strings and dates, so a configuration fails only for reasons a user can understand."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metadesk.portfolio import build_pipeline, get_configuration

numbers = st.one_of(
    st.none(),
    st.floats(min_value=-1e12, max_value=1e12),
    st.sampled_from([float("nan"), float("inf"), -float("inf")]),
)
words = st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["a", "b", "c"]))
dates = st.one_of(st.none(), st.datetimes(), st.just("not a date"), st.just("2021-02-03"))


@st.composite
def tables(draw):
    n = draw(st.integers(min_value=12, max_value=30))
    frame = pd.DataFrame(
        {
            "number": draw(st.lists(numbers, min_size=n, max_size=n)),
            "word": draw(st.lists(words, min_size=n, max_size=n)),
            "when": draw(st.lists(dates, min_size=n, max_size=n)),
            "flag": draw(st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)),
        }
    )
    frame["y"] = np.resize(["yes", "no"], n)
    return frame


ROLES = (("number", "numeric"), ("word", "categorical"), ("when", "datetime"), ("flag", "boolean"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_pipelines_fit_and_predict_on_messy_tables(frame):
    X, y = frame.drop(columns="y"), frame["y"]
    for config_id in ("logreg:C=1", "hist_gb:learning_rate=0.1,max_leaf_nodes=7"):
        pipe = build_pipeline(get_configuration(config_id), ROLES, "binary")
        pipe.fit(X, y)
        proba = pipe.predict_proba(X.iloc[::-1])
        assert np.isfinite(proba).all()
