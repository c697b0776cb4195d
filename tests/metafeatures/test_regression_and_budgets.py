"""Regression tasks, time budgets, failures and the name list the meta-model relies on."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import metadesk.metafeatures.extract as extract_module
from metadesk.metafeatures import FEATURE_NAMES, MetaFeatures, extract_meta_features


@pytest.fixture(scope="module")
def regression_frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 400
    x = rng.uniform(0, 10, n)
    group = rng.choice(["a", "b"], n)
    y = 3.0 * x + np.where(group == "a", 5.0, 0.0) + rng.normal(0, 0.5, n)
    y[0] = 1000.0  # one clear outlier
    return pd.DataFrame({"x": x, "noise": rng.standard_normal(n), "group": group, "y": y})


def test_regression_target_distribution(make_task, regression_frame):
    mf = extract_meta_features(make_task(regression_frame, "y"))
    assert list(mf) == FEATURE_NAMES("regression")
    v = mf.computed()
    y = regression_frame["y"]
    assert v["TargetMean"] == pytest.approx(y.mean())
    assert v["TargetStdDev"] == pytest.approx(y.std(ddof=1))
    assert v["TargetCoefficientOfVariation"] == pytest.approx(y.std(ddof=1) / abs(y.mean()))
    assert v["TargetSkewness"] == pytest.approx(y.skew())
    assert v["TargetKurtosis"] == pytest.approx(y.kurt())
    assert v["TargetMax"] == 1000.0
    assert v["TargetPercentageOfOutliers"] == pytest.approx(100 / 400)
    assert v["TargetPercentageOfDistinctValues"] == pytest.approx(100.0)


def test_regression_follows_openml_for_the_numeric_target(make_task, regression_frame):
    mf = extract_meta_features(make_task(regression_frame, "y"))
    v = mf.computed()
    assert v["NumberOfClasses"] == 0  # OpenML's value for a numeric target
    assert v["NumberOfNumericFeatures"] == 3  # x, noise and the target
    assert mf["MajorityClassSize"].status == "not_applicable"
    assert "ClassEntropy" not in mf
    # The target is a numeric attribute in OpenML's statistical group too.
    assert v["MaxMeansOfNumericAtts"] == pytest.approx(regression_frame["y"].mean())


def test_regression_landmarkers_see_a_linear_signal(make_task, regression_frame):
    frame = regression_frame.iloc[1:]  # without the outlier
    v = extract_meta_features(make_task(frame, "y")).computed()
    assert v["LinearRegression.R2"] > 0.95
    assert v["LinearRegression.RelativeRMSE"] < 0.25
    assert v["RegressionTreeDepth1.R2"] < v["RegressionTreeDepth3.R2"] < v["LinearRegression.R2"]
    assert v["kNN1NRegression.R2"] > 0.5


def test_a_constant_target_is_not_applicable_not_nan(make_task):
    frame = pd.DataFrame({"x": np.arange(50.0), "y": np.full(50, 2.0)})
    mf = extract_meta_features(make_task(frame, "y", "regression"))
    assert mf["LinearRegression.R2"].status == "not_applicable"
    assert mf["TargetSkewness"].value == 0.0  # constant: Commons Math's 0
    assert mf["TargetCoefficientOfVariation"].value == 0.0


def test_no_time_left_marks_groups_over_budget_but_keeps_the_counts(iris_task):
    mf = extract_meta_features(iris_task, budget_s=0.0)
    assert list(mf) == FEATURE_NAMES("multiclass")
    assert mf["NumberOfInstances"].status == "computed"
    for name in ("MeanMeansOfNumericAtts", "ClassEntropy", "kNN1NAUC"):
        assert mf[name].status == "over_budget"
        assert "budget" in mf[name].reason


def test_a_budget_running_out_inside_landmarking_stops_between_models(iris_task, monkeypatch):
    import metadesk.metafeatures.landmarking as landmarking

    clock = iter(range(10_000))  # every look at the clock moves it one second on
    monkeypatch.setattr(landmarking.time, "monotonic", lambda: float(next(clock)))
    values = landmarking.landmarking_features(
        extract_module.prepare(iris_task), iris_task, 1, deadline=2.0
    )
    statuses = {
        name: (v.status if hasattr(v, "status") else "computed") for name, v in values.items()
    }
    assert statuses["NaiveBayesAUC"] == "computed"
    assert statuses["LinearDiscriminantAUC"] == "over_budget"


def test_a_failing_group_says_why_and_spares_the_others(iris_task, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(extract_module, "statistical_features", broken)
    mf = extract_meta_features(iris_task)
    assert mf["MeanMeansOfNumericAtts"].status == "failed"
    assert "disk on fire" in mf["MeanMeansOfNumericAtts"].reason
    assert mf["ClassEntropy"].status == "computed"
    assert mf["kNN1NAUC"].status == "computed"


def test_feature_names_are_fixed_unique_and_typed():
    for task_type in ("binary", "multiclass", "regression"):
        names = FEATURE_NAMES(task_type)
        assert len(names) == len(set(names))
        assert names == FEATURE_NAMES(task_type)
    assert FEATURE_NAMES("binary") == FEATURE_NAMES("multiclass")
    assert "J48.00001.AUC" in FEATURE_NAMES("binary")
    assert "LinearRegression.R2" in FEATURE_NAMES("regression")
    with pytest.raises(ValueError):
        FEATURE_NAMES("clustering")


def test_records_round_trip(iris_task):
    mf = extract_meta_features(iris_task, budget_s=0.0)
    back = MetaFeatures.from_records(mf.to_records())
    assert list(back) == list(mf)
    for name in mf:
        a, b = mf[name], back[name]
        assert (a.status, a.reason, a.group) == (b.status, b.reason, b.group)
        assert a.value == b.value or (math.isnan(a.value) and math.isnan(b.value))


def test_datetime_and_boolean_columns(make_task):
    n = 100
    frame = pd.DataFrame(
        {
            "when": pd.date_range("2024-01-01", periods=n, freq="D"),
            "flag": np.arange(n) % 3 == 0,
            "y": ["a", "b"] * (n // 2),
        }
    )
    mf = extract_meta_features(make_task(frame, "y"))
    v = mf.computed()
    assert v["NumberOfNumericFeatures"] == 1  # the date, as seconds
    assert v["NumberOfBinaryFeatures"] == 2  # the flag and the target
    assert {s.status for s in mf.values()} <= {"computed", "not_applicable"}
