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
_BLOCK = 16  # columns per counting pass: bounds the temporaries at a few times a block


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
    with np.errstate(invalid="ignore"):
        lo = np.fmin.reduce(x, axis=0)  # fmin/fmax skip NaN; an all-missing column stays NaN
        hi = np.fmax.reduce(x, axis=0)
        scale = np.where(hi > lo, bins / np.where(hi > lo, hi - lo, 1.0), 0.0)
        z = (x - np.nan_to_num(lo)) * scale
    np.floor(z, out=z)
    np.clip(z, 0, bins - 1, out=z)
    z[np.isnan(z)] = -1
    return z.astype(np.int8 if bins < 127 else np.int32)


def _column_information(
    codes: np.ndarray, levels: np.ndarray, y: np.ndarray, k: int, deadline: float | None
) -> tuple[list[float], list[float]] | None:
    """Entropy and mutual information per column of `codes`, skipping columns with no value.

    One bincount per block of columns: each (column, value, class) cell gets its own slot.
    """
    entropy: list[float] = []
    information: list[float] = []
    for start in range(0, codes.shape[1], _BLOCK):
        block = codes[:, start : start + _BLOCK].astype(np.int64)
        block_levels = np.maximum(np.asarray(levels[start : start + _BLOCK], dtype=np.int64), 1)
        offsets = np.concatenate([[0], np.cumsum(block_levels)[:-1]]) * k
        present = (block >= 0) & (y[:, None] >= 0)
        slots = (offsets[None, :] + block * k + y[:, None])[present]
        counts = np.bincount(slots, minlength=int(block_levels.sum()) * k)
        for j, level_count in enumerate(block_levels):
            joint = counts[offsets[j] : offsets[j] + level_count * k].reshape(1, level_count, k)
            if joint.sum() == 0:
                continue  # an attribute with no value carries no information either way
            h, mi = _from_joint(joint)
            entropy.append(float(h[0]))
            information.append(float(mi[0]))
        if deadline is not None and time.monotonic() > deadline:
            return None
    return entropy, information


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

    y = t.y_sample_codes.astype(np.int64)
    nominal = _column_information(t.nominal, t.nominal_levels, y, k, deadline)
    if nominal is None:
        return None
    _summaries(out, *nominal, class_entropy, "", "no nominal attribute besides the target")

    # Ours: the same over every attribute, numeric ones cut into equal-width bins.
    levels = np.full(t.numeric.shape[1], NUMERIC_BINS)
    numeric = _column_information(binned_codes(t.numeric), levels, y, k, deadline)
    if numeric is None:
        return None
    entropy, information = nominal[0] + numeric[0], nominal[1] + numeric[1]
    _summaries(out, entropy, information, class_entropy, "Binned", "no attribute has a value")
    return out
