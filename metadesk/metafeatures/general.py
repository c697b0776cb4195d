"""OpenML's simple meta-features and nominal distinct-value counts, on every row of the table.

As in OpenML, the target is an attribute: NumberOfFeatures counts it, a nominal target counts as a
symbolic (and, with two classes, binary) feature, a numeric target as a numeric one.
"""

from __future__ import annotations

import numpy as np

from metadesk.metafeatures.table import PreparedTable
from metadesk.metafeatures.values import NotApplicable

Outcome = float | NotApplicable


def general_features(t: PreparedTable) -> dict[str, Outcome]:
    n = t.n_rows
    classification = t.task_type != "regression"
    n_attrs = t.n_features + 1
    n_numeric = len(t.numeric_cols) + (0 if classification else 1)
    n_symbolic = len(t.nominal_cols) + (1 if classification else 0)
    n_binary = int((t.nominal_levels == 2).sum()) + (
        1 if classification and t.n_classes == 2 else 0
    )
    no_rows = NotApplicable("the table has no rows")
    out: dict[str, Outcome] = {
        "NumberOfInstances": float(n),
        "NumberOfFeatures": float(n_attrs),
        "NumberOfClasses": float(t.n_classes) if classification else 0.0,
        "Dimensionality": n_attrs / n if n else no_rows,
        "NumberOfInstancesWithMissingValues": float(t.n_rows_with_missing),
        "NumberOfMissingValues": float(t.n_missing),
        "PercentageOfInstancesWithMissingValues": 100.0 * t.n_rows_with_missing / n
        if n
        else no_rows,
        "PercentageOfMissingValues": 100.0 * t.n_missing / (n_attrs * n) if n else no_rows,
        "NumberOfNumericFeatures": float(n_numeric),
        "NumberOfSymbolicFeatures": float(n_symbolic),
        "NumberOfBinaryFeatures": float(n_binary),
        "PercentageOfNumericFeatures": 100.0 * n_numeric / n_attrs,
        "PercentageOfSymbolicFeatures": 100.0 * n_symbolic / n_attrs,
        "PercentageOfBinaryFeatures": 100.0 * n_binary / n_attrs,
    }
    out.update(_class_sizes(t))
    out["AutoCorrelation"] = _autocorrelation(t)
    out.update(_nominal_distinct_values(t))
    return out


def _class_sizes(t: PreparedTable) -> dict[str, Outcome]:
    names = (
        "MajorityClassSize",
        "MinorityClassSize",
        "MajorityClassPercentage",
        "MinorityClassPercentage",
    )
    if t.task_type == "regression":
        return dict.fromkeys(names, NotApplicable("the target is numeric"))
    assert t.y_codes is not None
    counts = np.bincount(t.y_codes[t.y_codes >= 0], minlength=t.n_classes)
    counts = counts[counts > 0]
    if counts.size == 0:
        return dict.fromkeys(names, NotApplicable("the table has no rows"))
    major, minor = float(counts.max()), float(counts.min())
    return dict(
        zip(names, (major, minor, 100.0 * major / t.n_rows, 100.0 * minor / t.n_rows), strict=True)
    )


def _autocorrelation(t: PreparedTable) -> Outcome:
    """OpenML: (N - 1 - changes) / (N - 1) over consecutive rows in table order.

    For a nominal target a change is a different class. For a numeric target OpenML sums
    previous - current, which telescopes to first - last; we keep that definition to stay comparable.
    """
    n = t.n_rows
    if n < 2:
        return NotApplicable("fewer than two rows")
    if t.task_type == "regression":
        assert t.y_values is not None
        changes = float(t.y_values[0] - t.y_values[-1])
    else:
        assert t.y_codes is not None
        changes = float(np.count_nonzero(t.y_codes[1:] != t.y_codes[:-1]))
    return (n - 1 - changes) / (n - 1)


def _nominal_distinct_values(t: PreparedTable) -> dict[str, Outcome]:
    levels = [float(v) for v in t.nominal_levels]
    if t.task_type != "regression":
        levels.append(float(t.n_classes))  # OpenML loops over every nominal attribute
    names = (
        "MaxNominalAttDistinctValues",
        "MinNominalAttDistinctValues",
        "MeanNominalAttDistinctValues",
        "StdvNominalAttDistinctValues",
    )
    if not levels:
        return dict.fromkeys(names, NotApplicable("no nominal attribute"))
    arr = np.asarray(levels)
    std = float(arr.std(ddof=1)) if arr.size > 1 else 0.0
    return dict(
        zip(names, (float(arr.max()), float(arr.min()), float(arr.mean()), std), strict=True)
    )
