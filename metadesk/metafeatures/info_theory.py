"""OpenML's information-theoretic meta-features (classification only), in bits (log2).

As in OpenML, attribute entropy and mutual information cover nominal attributes only; numeric ones are
not discretised. OpenML (Weka) files a missing value under the attribute's first value; we instead
leave the rows where an attribute is missing out of that attribute's entropy and mutual information.
Mutual information is rounded to 14 decimals as OpenML does. Computed on the prepared row sample.
Ours, named `...Binned`: the same summaries over every attribute, numeric ones cut into
`NUMERIC_BINS` equal-width bins, so tables without nominal attributes get them too.
"""

from __future__ import annotations

import time

import numpy as np

from metadesk.metafeatures.names import INFO_THEORY
from metadesk.metafeatures.statistical import summarize
from metadesk.metafeatures.table import PreparedTable
from metadesk.metafeatures.values import NotApplicable

Outcome = float | NotApplicable
NUMERIC_BINS = 10  # fixed, so entropies compare across tables of any size


def entropy_bits(counts: np.ndarray, axis: int = -1) -> np.ndarray:
    """Shannon entropy in bits of count vectors along `axis` (0 for an all-zero vector)."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(total > 0, counts / total, 0.0)
        terms = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    return -terms.sum(axis=axis)


def _from_joint(joint: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(attribute entropy, mutual information with the class) per (attributes, values, classes)."""
    value_counts = joint.sum(axis=2)
    h_att = entropy_bits(value_counts)
    h_class = entropy_bits(joint.sum(axis=1))
    weights = value_counts / np.maximum(value_counts.sum(axis=1, keepdims=True), 1)
    h_class_given = (weights * entropy_bits(joint, axis=2)).sum(axis=1)
    return h_att, np.round(h_class - h_class_given, 14)  # OpenML rounds to 14 decimals


def binned_codes(x: np.ndarray, bins: int = NUMERIC_BINS) -> np.ndarray:
    """Equal-width bin of each value within its column's range; -1 for missing, 0 if constant."""
    present = ~np.isnan(x)
    lo = np.min(x, axis=0, initial=np.inf, where=present)
    hi = np.max(x, axis=0, initial=-np.inf, where=present)
    span = np.where(hi > lo, hi - lo, 1.0)
    with np.errstate(invalid="ignore"):
        codes = np.floor((x - np.where(np.isfinite(lo), lo, 0.0)) / span * bins)
    codes = np.clip(np.nan_to_num(codes, nan=-1.0), -1, bins - 1).astype(np.int64)
    return np.where(present, codes, -1)


def _entropy_and_information(
    codes: np.ndarray, levels: int, y: np.ndarray, k: int
) -> tuple[float, float] | None:
    present = (codes >= 0) & (y >= 0)
    if not present.any():
        return None  # an attribute with no value carries no information either way
    joint = np.bincount(codes[present].astype(np.int64) * k + y[present], minlength=levels * k)
    h, mi = _from_joint(joint.reshape(1, levels, k))
    return float(h[0]), float(mi[0])


def _summaries(
    out: dict, entropy: list, information: list, class_entropy: float, suffix: str, why: str
) -> None:
    out.update(summarize(np.asarray(entropy), lambda s: f"{s}AttributeEntropy{suffix}", why))
    out.update(summarize(np.asarray(information), lambda s: f"{s}MutualInformation{suffix}", why))
    ena, nsr = f"EquivalentNumberOfAtts{suffix}", f"MeanNoiseToSignalRatio{suffix}"
    if not information:
        out[ena] = out[nsr] = NotApplicable(why)
        return
    mean_mi, mean_h = float(np.mean(information)), float(np.mean(entropy))
    if mean_mi <= 0:
        out[ena] = out[nsr] = NotApplicable("the attributes carry no information about the class")
    else:
        out[ena] = class_entropy / mean_mi
        out[nsr] = (mean_h - mean_mi) / mean_mi


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
    entropy, information = [], []
    for j in range(t.nominal.shape[1]):
        found = _entropy_and_information(t.nominal[:, j], int(t.nominal_levels[j]), y, k)
        if found is not None:
            entropy.append(found[0])
            information.append(found[1])
        if deadline is not None and time.monotonic() > deadline:
            return None
    why = "no nominal attribute besides the target"
    _summaries(out, entropy, information, class_entropy, "", why)

    # Ours: the same over every attribute, numeric ones cut into equal-width bins.
    binned = binned_codes(t.numeric)
    for j in range(binned.shape[1]):
        found = _entropy_and_information(binned[:, j], NUMERIC_BINS, y, k)
        if found is not None:
            entropy.append(found[0])
            information.append(found[1])
        if deadline is not None and time.monotonic() > deadline:
            return None
    _summaries(out, entropy, information, class_entropy, "Binned", "no attribute has a value")
    return out
