"""OpenML's information-theoretic meta-features (classification only), in bits (log2).

As in OpenML, attribute entropy and mutual information cover nominal attributes only; numeric ones are
not discretised. OpenML (Weka) files a missing value under the attribute's first value; we instead
leave the rows where an attribute is missing out of that attribute's entropy and mutual information.
Mutual information is rounded to 14 decimals as OpenML does. Computed on the prepared row sample.
"""

from __future__ import annotations

import time

import numpy as np

from metadesk.metafeatures.names import INFO_THEORY
from metadesk.metafeatures.statistical import summarize
from metadesk.metafeatures.table import PreparedTable
from metadesk.metafeatures.values import NotApplicable

Outcome = float | NotApplicable


def entropy_bits(counts: np.ndarray, axis: int = -1) -> np.ndarray:
    """Shannon entropy in bits of count vectors along `axis` (0 for an all-zero vector)."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(total > 0, counts / total, 0.0)
        terms = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    return -terms.sum(axis=axis)


def info_theory_features(
    t: PreparedTable, deadline: float | None = None
) -> dict[str, Outcome] | None:
    if t.task_type == "regression":
        return dict.fromkeys(INFO_THEORY, NotApplicable("the target is numeric"))
    assert t.y_codes is not None
    k = t.n_classes
    class_entropy = float(entropy_bits(np.bincount(t.y_codes[t.y_codes >= 0], minlength=k)))
    out: dict[str, Outcome] = {"ClassEntropy": class_entropy}

    y = t.y_sample_codes
    att_entropy, mutual_info = [], []
    for j in range(t.nominal.shape[1]):
        codes = t.nominal[:, j]
        present = (codes >= 0) & (y >= 0)
        if not present.any():
            continue  # an attribute with no value carries no information either way
        levels = int(t.nominal_levels[j])
        joint = np.bincount(
            codes[present].astype(np.int64) * k + y[present], minlength=levels * k
        ).reshape(levels, k)
        value_counts = joint.sum(axis=1)
        h_att = float(entropy_bits(value_counts))
        h_class = float(entropy_bits(joint.sum(axis=0)))
        h_class_given = float((value_counts / value_counts.sum()) @ entropy_bits(joint, axis=1))
        att_entropy.append(h_att)
        mutual_info.append(round(h_class - h_class_given, 14))
        if deadline is not None and time.monotonic() > deadline:
            return None

    why = "no nominal attribute besides the target"
    out.update(summarize(np.asarray(att_entropy), lambda s: f"{s}AttributeEntropy", why))
    out.update(summarize(np.asarray(mutual_info), lambda s: f"{s}MutualInformation", why))
    if not mutual_info:
        out["EquivalentNumberOfAtts"] = NotApplicable(why)
        out["MeanNoiseToSignalRatio"] = NotApplicable(why)
    else:
        mean_mi = float(np.mean(mutual_info))
        mean_h = float(np.mean(att_entropy))
        if mean_mi <= 0:
            zero = NotApplicable("the attributes carry no information about the class")
            out["EquivalentNumberOfAtts"] = zero
            out["MeanNoiseToSignalRatio"] = zero
        else:
            out["EquivalentNumberOfAtts"] = class_entropy / mean_mi
            out["MeanNoiseToSignalRatio"] = (mean_h - mean_mi) / mean_mi
    return out
