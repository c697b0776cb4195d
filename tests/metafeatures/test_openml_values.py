"""Hand-checked values against OpenML's definitions (openml/EvaluationEngine, fantail/dc)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import entropy

from metadesk.metafeatures import FEATURE_NAMES, extract_meta_features


@pytest.fixture(scope="module")
def iris_mf(iris_task):
    return extract_meta_features(iris_task)


def test_iris_simple_qualities_match_openml(iris_mf):
    v = iris_mf.computed()
    # OpenML counts the target as a feature, and the nominal target as a symbolic one.
    assert v["NumberOfInstances"] == 150
    assert v["NumberOfFeatures"] == 5
    assert v["NumberOfClasses"] == 3
    assert v["Dimensionality"] == pytest.approx(5 / 150)
    assert v["NumberOfNumericFeatures"] == 4
    assert v["NumberOfSymbolicFeatures"] == 1
    assert v["NumberOfBinaryFeatures"] == 0
    assert v["PercentageOfNumericFeatures"] == pytest.approx(80.0)
    assert v["PercentageOfSymbolicFeatures"] == pytest.approx(20.0)
    assert v["NumberOfMissingValues"] == 0
    assert v["PercentageOfInstancesWithMissingValues"] == 0
    assert v["MajorityClassSize"] == 50
    assert v["MinorityClassSize"] == 50
    assert v["MajorityClassPercentage"] == pytest.approx(100 / 3)
    # Rows are sorted by class: two changes in 149 steps.
    assert v["AutoCorrelation"] == pytest.approx(147 / 149)
    assert v["ClassEntropy"] == pytest.approx(math.log2(3))
    # The nominal target is the only nominal attribute: 3 distinct values.
    assert v["MaxNominalAttDistinctValues"] == 3
    assert v["StdvNominalAttDistinctValues"] == 0


def test_iris_statistical_qualities_match_sample_moments(iris_mf, iris_frame):
    x = iris_frame.drop(columns="species")
    v = iris_mf.computed()
    means, stds = x.mean(), x.std(ddof=1)
    skews, kurts = x.skew(), x.kurt()  # bias-corrected, as Commons Math computes them
    assert v["MeanMeansOfNumericAtts"] == pytest.approx(means.mean())
    assert v["MeanMeansOfNumericAtts"] == pytest.approx(3.4645)
    assert v["MinMeansOfNumericAtts"] == pytest.approx(means.min())
    assert v["MaxStdDevOfNumericAtts"] == pytest.approx(stds.max())
    assert v["MeanSkewnessOfNumericAtts"] == pytest.approx(skews.mean())
    assert v["MaxKurtosisOfNumericAtts"] == pytest.approx(kurts.max())
    # Commons Math's default percentile: position p(n+1), here 1.25 of 4 sorted values.
    s = np.sort(stds.to_numpy())
    assert v["Quartile1StdDevOfNumericAtts"] == pytest.approx(s[0] + 0.25 * (s[1] - s[0]))
    assert v["Quartile2StdDevOfNumericAtts"] == pytest.approx((s[1] + s[2]) / 2)


def test_iris_has_no_attribute_entropy_because_openml_uses_nominal_attributes_only(iris_mf):
    for name in ("MeanAttributeEntropy", "MeanMutualInformation", "EquivalentNumberOfAtts"):
        assert iris_mf[name].status == "not_applicable"
        assert "nominal" in iris_mf[name].reason
        assert iris_mf[f"{name}Binned"].status == "computed"  # ours bins the numeric ones


def test_information_theory_on_a_hand_computed_table(make_task):
    frame = pd.DataFrame(
        {
            "a": ["p", "p", "q", "q"],  # decides the class: 1 bit of entropy, 1 bit of information
            "b": ["u", "v", "u", "v"],  # independent of the class: 1 bit, no information
            "y": ["x", "x", "z", "z"],
        }
    )
    v = extract_meta_features(make_task(frame, "y")).computed()
    assert v["ClassEntropy"] == pytest.approx(1.0)
    assert v["MeanAttributeEntropy"] == pytest.approx(1.0)
    assert v["MaxMutualInformation"] == pytest.approx(1.0)
    assert v["MinMutualInformation"] == pytest.approx(0.0)
    assert v["MeanMutualInformation"] == pytest.approx(0.5)
    assert v["EquivalentNumberOfAtts"] == pytest.approx(2.0)  # class entropy / mean MI
    assert v["MeanNoiseToSignalRatio"] == pytest.approx(1.0)  # (mean H - mean MI) / mean MI
    assert v["Quartile1MutualInformation"] == pytest.approx(0.0)
    assert v["Quartile2MutualInformation"] == pytest.approx(0.5)
    assert v["NumberOfBinaryFeatures"] == 3  # a, b and the two-class target


def test_information_theory_on_binned_iris_matches_an_independent_computation(
    iris_frame, make_task
):
    frame = iris_frame.copy()
    for col in frame.columns[:4]:
        frame[col] = pd.cut(frame[col], 3, labels=["low", "mid", "high"]).astype(str)
    v = extract_meta_features(make_task(frame, "species")).computed()
    h, mi = [], []
    for col in frame.columns[:4]:
        h.append(entropy(frame[col].value_counts(), base=2))
        table = pd.crosstab(frame[col], frame["species"]).to_numpy()
        h_class_given = sum(
            row.sum() / table.sum() * entropy(row, base=2) for row in table if row.sum()
        )
        mi.append(math.log2(3) - h_class_given)
    assert v["MeanAttributeEntropy"] == pytest.approx(np.mean(h))
    assert v["MaxAttributeEntropy"] == pytest.approx(max(h))
    assert v["MeanMutualInformation"] == pytest.approx(np.mean(mi))
    assert v["EquivalentNumberOfAtts"] == pytest.approx(math.log2(3) / np.mean(mi))
    assert v["NumberOfSymbolicFeatures"] == 5


def test_iris_landmarkers_are_plausible(iris_mf):
    v = iris_mf.computed()
    for model in ("kNN1N", "NaiveBayes", "J48.001.", "LinearDiscriminant"):
        assert v[f"{model}ErrRate"] < 0.15
        assert v[f"{model}AUC"] > 0.9
        assert v[f"{model}Kappa"] > 0.8
    # A stump separates one class of three: error 1/3, AUC and kappa as OpenML reports.
    assert v["DecisionStumpErrRate"] == pytest.approx(1 / 3, abs=0.05)


def test_every_name_is_present_in_order_with_a_status(iris_mf):
    assert list(iris_mf) == FEATURE_NAMES("multiclass")
    for value in iris_mf.values():
        assert value.status in ("computed", "not_applicable", "over_budget", "failed")
        if value.status == "computed":
            assert math.isfinite(value.value)
        else:
            assert value.reason


def test_binned_information_covers_numeric_attributes(make_task):
    # Ten values spread over ten equal-width bins: log2(10) bits; the class is x < 5: one bit of it.
    frame = pd.DataFrame(
        {"x": np.arange(10.0) * 3 + 1, "y": ["lo"] * 5 + ["hi"] * 5, "c": ["k"] * 10}
    )
    mf = extract_meta_features(make_task(frame, "y"))
    v = mf.computed()
    assert v["MaxAttributeEntropyBinned"] == pytest.approx(math.log2(10))
    assert v["MaxMutualInformationBinned"] == pytest.approx(1.0)
    assert v["MinAttributeEntropyBinned"] == 0  # the constant nominal attribute counts too
    assert v["EquivalentNumberOfAttsBinned"] == pytest.approx(1.0 / 0.5)
    # OpenML's own qualities still see only the (uninformative) nominal attribute.
    assert v["MaxMutualInformation"] == 0
    assert mf["EquivalentNumberOfAtts"].status == "not_applicable"
