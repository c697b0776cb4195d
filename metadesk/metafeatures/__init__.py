"""Meta-features: how the meta-model sees a dataset. OpenML-compatible names, bounded, with statuses.

`extract_meta_features(task)` returns every name of `FEATURE_NAMES(task.task_type)`, each computed,
not applicable, over budget or failed (with the reason); never a silent NaN.
"""

from __future__ import annotations

from metadesk.metafeatures.extract import extract_meta_features
from metadesk.metafeatures.names import FEATURE_NAMES
from metadesk.metafeatures.values import MetaFeatures, MetaFeatureValue

__all__ = ["FEATURE_NAMES", "MetaFeatureValue", "MetaFeatures", "extract_meta_features"]
