"""Meta-features: how the meta-model sees a dataset. OpenML-compatible names, bounded, with statuses.

`extract_meta_features(task)` returns every name of `FEATURE_NAMES(task.task_type)`, each computed,
not applicable, over budget or failed (with the reason); never a silent NaN.
"""

from __future__ import annotations

from metadesk.metafeatures.extract import extract_meta_features
from metadesk.metafeatures.names import FEATURE_NAMES
from metadesk.metafeatures.values import MetaFeatures, MetaFeatureValue

# Bumped whenever a definition changes, so stored meta-features computed before can be recomputed.
METAFEATURES_VERSION = 2

__all__ = [
    "FEATURE_NAMES",
    "METAFEATURES_VERSION",
    "MetaFeatureValue",
    "MetaFeatures",
    "extract_meta_features",
]
