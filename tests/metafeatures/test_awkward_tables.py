"""Awkward tables: missing values, one kind of column, one feature, constants, many classes, many rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from metadesk.metafeatures import FEATURE_NAMES, extract_meta_features


def _assert_honest(mf, task_type):
    """Every name, in order; computed values finite; every other status explained."""
    assert list(mf) == FEATURE_NAMES(task_type)
    for v in mf.values():
        if v.status == "computed":
            assert math.isfinite(v.value), v
        else:
            assert math.isnan(v.value) and v.reason, v


def _statuses(mf, group):
    return {v.status for v in mf.values() if v.group == group}


def test_missing_values_are_counted_and_handled(make_task):
    rng = np.random.default_rng(0)
    n = 200
    num = rng.standard_normal(n)
    num[:10] = np.nan
    cat = pd.Series(rng.choice(["a", "b", "c"], n), dtype="str")
    cat[5:15] = None  # rows 5..9 miss both values
    frame = pd.DataFrame({"num": num, "cat": cat, "y": rng.choice(["p", "q"], n)})
    mf = extract_meta_features(make_task(frame, "y"))
    _assert_honest(mf, "binary")
    v = mf.computed()
    assert v["NumberOfMissingValues"] == 20
    assert v["NumberOfInstancesWithMissingValues"] == 15
    assert v["PercentageOfInstancesWithMissingValues"] == pytest.approx(7.5)
    assert v["PercentageOfMissingValues"] == pytest.approx(100 * 20 / (3 * n))  # target counts
    assert v["MeanMeansOfNumericAtts"] == pytest.approx(np.nanmean(num))
    assert v["MaxNominalAttDistinctValues"] == 3  # a missing value is not a value
    assert "failed" not in {s.status for s in mf.values()}
    assert _statuses(mf, "landmarking") == {"computed"}


def test_only_categorical_columns(make_task):
    rng = np.random.default_rng(1)
    n = 300
    a = rng.choice(["x", "y", "z"], n)
    frame = pd.DataFrame(
        {"a": a, "b": rng.choice(["u", "v"], n), "y": np.where(a == "x", "yes", "no")}
    )
    mf = extract_meta_features(make_task(frame, "y"))
    _assert_honest(mf, "binary")
    v = mf.computed()
    assert v["NumberOfNumericFeatures"] == 0
    assert v["NumberOfSymbolicFeatures"] == 3
    assert v["NumberOfBinaryFeatures"] == 2  # b and the target
    assert _statuses(mf, "statistical") == {"not_applicable"}
    assert mf["MeanMeansOfNumericAtts"].reason == "no numeric attribute"
    assert _statuses(mf, "info_theory") == {"computed"}
    assert _statuses(mf, "landmarking") == {"computed"}
    # `a` decides the class: the trees find it.
    assert v["DecisionStumpErrRate"] == pytest.approx(0.0)
    assert v["MaxMutualInformation"] == pytest.approx(v["ClassEntropy"])


def test_only_numeric_columns(make_task):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((400, 3))
    frame = pd.DataFrame(x, columns=["a", "b", "c"]).assign(y=(x[:, 0] > 0).astype(int))
    mf = extract_meta_features(make_task(frame, "y"))
    _assert_honest(mf, "binary")
    assert mf["NumberOfSymbolicFeatures"].value == 1  # the target
    assert mf["MeanAttributeEntropy"].status == "not_applicable"
    assert mf["kNN1NErrRate"].value < 0.2
    assert mf["LinearDiscriminantErrRate"].value < 0.1


def test_one_feature(make_task):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(150)
    frame = pd.DataFrame({"x": x, "y": np.where(x > 0.3, "hi", "lo")})
    mf = extract_meta_features(make_task(frame, "y"))
    _assert_honest(mf, "binary")
    assert mf["NumberOfFeatures"].value == 2
    assert _statuses(mf, "landmarking") == {"computed"}
    assert mf["RandomTreeDepth1ErrRate"].value < 0.1  # the only attribute is always drawn


def test_constant_columns(make_task):
    n = 120
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(
        {
            "flat": np.full(n, 7.0),
            "same": ["k"] * n,
            "x": rng.standard_normal(n),
            "y": rng.choice(["a", "b", "c"], n),
        }
    )
    mf = extract_meta_features(make_task(frame, "y"))
    _assert_honest(mf, "multiclass")
    v = mf.computed()
    # Commons Math gives a constant attribute standard deviation, skewness and kurtosis 0.
    assert v["MinStdDevOfNumericAtts"] == 0
    assert v["MaxMeansOfNumericAtts"] == 7
    assert 0.0 in (v["MinSkewnessOfNumericAtts"], v["MaxSkewnessOfNumericAtts"])
    assert v["MinAttributeEntropy"] == 0
    assert v["MinNominalAttDistinctValues"] == 1
    # The only nominal attribute says nothing about the class: no equivalent number of attributes.
    assert mf["EquivalentNumberOfAtts"].status == "not_applicable"
    assert "no information" in mf["EquivalentNumberOfAtts"].reason


def test_only_constant_features_still_give_chance_level_landmarkers(make_task):
    frame = pd.DataFrame({"flat": np.ones(60), "y": ["a", "b"] * 30})
    mf = extract_meta_features(make_task(frame, "y"))
    _assert_honest(mf, "binary")
    assert mf["DecisionStumpAUC"].value == pytest.approx(0.5)
    assert mf["NaiveBayesKappa"].value == pytest.approx(0.0)


def test_two_hundred_classes(make_task):
    rng = np.random.default_rng(5)
    labels = np.repeat([f"class{i:03d}" for i in range(200)], 10)
    centre = np.repeat(np.arange(200.0), 10)
    frame = pd.DataFrame(
        {
            "x": centre + rng.standard_normal(2000) * 0.1,
            "parity": np.where(centre % 2 == 0, "even", "odd"),
            "y": labels,
        }
    )
    mf = extract_meta_features(make_task(frame, "y"))
    _assert_honest(mf, "multiclass")
    v = mf.computed()
    assert v["NumberOfClasses"] == 200
    assert v["ClassEntropy"] == pytest.approx(math.log2(200))
    assert v["MaxNominalAttDistinctValues"] == 200
    assert _statuses(mf, "landmarking") == {"computed"}
    assert v["kNN1NErrRate"] < 0.1  # x separates the classes
    assert v["MaxMutualInformation"] == pytest.approx(1.0)  # parity halves the classes


def test_a_million_rows_stays_exact_where_it_counts(make_task):
    n = 1_000_000
    rng = np.random.default_rng(6)
    x = rng.standard_normal(n) + 5.0
    x[::1000] = np.nan
    frame = pd.DataFrame(
        {
            "x": x,
            "z": rng.exponential(size=n),
            "c": pd.Categorical.from_codes(rng.integers(0, 4, n), ["a", "b", "c", "d"]),
            "y": (x > 5.0).astype(np.int8),
        }
    )
    mf = extract_meta_features(make_task(frame, "y", "binary"))
    _assert_honest(mf, "binary")
    v = mf.computed()
    assert v["NumberOfInstances"] == n
    assert v["NumberOfMissingValues"] == 1000  # counted on every row
    assert v["MajorityClassSize"] + v["MinorityClassSize"] == n
    # Moments come from a row sample: close, not exact.
    assert v["MaxMeansOfNumericAtts"] == pytest.approx(5.0, abs=0.02)
    assert v["MaxSkewnessOfNumericAtts"] == pytest.approx(2.0, abs=0.15)  # exponential
    assert v["MaxNominalAttDistinctValues"] == 4
    assert v["DecisionStumpErrRate"] < 0.05


def test_same_task_gives_the_same_values(make_task):
    rng = np.random.default_rng(7)
    n = 5000
    x = rng.standard_normal((n, 4))
    x[rng.random(x.shape) < 0.05] = np.nan
    frame = pd.DataFrame(x, columns=list("abcd"))
    frame["c"] = pd.Series(rng.choice(["p", "q", "r", None], n), dtype="str")
    frame["y"] = rng.choice(["u", "v", "w"], n)
    task = make_task(frame, "y")
    first = extract_meta_features(task).to_records()
    second = extract_meta_features(task).to_records()
    assert [(r["name"], r["status"]) for r in first] == [(r["name"], r["status"]) for r in second]
    np.testing.assert_array_equal([r["value"] for r in first], [r["value"] for r in second])
