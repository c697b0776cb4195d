"""Our own features of a numeric target's distribution (regression tasks), named `Target...`.

Moments as in the statistical group (sample std, bias-corrected skewness and excess kurtosis);
outliers are values beyond 1.5 interquartile ranges from the quartiles. Uses every row.
"""

from __future__ import annotations

import numpy as np

from metadesk.metafeatures.names import TARGET
from metadesk.metafeatures.statistical import column_moments
from metadesk.metafeatures.table import PreparedTable
from metadesk.metafeatures.values import NotApplicable

Outcome = float | NotApplicable


def target_features(t: PreparedTable) -> dict[str, Outcome]:
    assert t.y_values is not None
    y = t.y_values[np.isfinite(t.y_values)]
    if y.size == 0:
        return dict.fromkeys(TARGET, NotApplicable("the target has no numeric value"))
    _, mean, std, skew, kurt = (float(v[0]) for v in column_moments(y[:, None]))
    q1, q2, q3 = np.percentile(y, [25, 50, 75], method="weibull")
    iqr = q3 - q1
    outliers = np.count_nonzero((y < q1 - 1.5 * iqr) | (y > q3 + 1.5 * iqr))
    out: dict[str, Outcome] = {
        "TargetMean": mean,
        "TargetStdDev": std,
        "TargetCoefficientOfVariation": std / abs(mean)
        if mean != 0
        else NotApplicable("the target's mean is 0"),
        "TargetSkewness": skew if np.isfinite(skew) else NotApplicable("fewer than 3 values"),
        "TargetKurtosis": kurt if np.isfinite(kurt) else NotApplicable("fewer than 4 values"),
        "TargetMin": float(y.min()),
        "TargetMax": float(y.max()),
        "TargetQuartile1": float(q1),
        "TargetQuartile2": float(q2),
        "TargetQuartile3": float(q3),
        "TargetPercentageOfDistinctValues": 100.0 * np.unique(y).size / y.size,
        "TargetPercentageOfZeros": 100.0 * np.count_nonzero(y == 0) / y.size,
        "TargetPercentageOfOutliers": 100.0 * outliers / y.size,
    }
    return out
