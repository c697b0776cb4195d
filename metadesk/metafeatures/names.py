"""The fixed, ordered meta-feature names per task type and the group each belongs to.

Names follow OpenML's data qualities (openml/EvaluationEngine, `fantail/dc/`); names of our own
(regression target and regression landmarkers, the linear discriminant) are listed apart.
"""

from __future__ import annotations

from metadesk.data.task import TASK_TYPES

# OpenML SimpleMetaFeatures, in its own order.
GENERAL = (
    "NumberOfInstances",
    "NumberOfFeatures",
    "NumberOfClasses",
    "Dimensionality",
    "NumberOfInstancesWithMissingValues",
    "NumberOfMissingValues",
    "PercentageOfInstancesWithMissingValues",
    "PercentageOfMissingValues",
    "NumberOfNumericFeatures",
    "NumberOfSymbolicFeatures",
    "NumberOfBinaryFeatures",
    "PercentageOfNumericFeatures",
    "PercentageOfSymbolicFeatures",
    "PercentageOfBinaryFeatures",
    "MajorityClassSize",
    "MinorityClassSize",
    "MajorityClassPercentage",
    "MinorityClassPercentage",
    "AutoCorrelation",
    # OpenML NominalAttDistinctValues (counts the target when it is nominal).
    "MaxNominalAttDistinctValues",
    "MinNominalAttDistinctValues",
    "MeanNominalAttDistinctValues",
    "StdvNominalAttDistinctValues",
)

SUMMARIES = ("Mean", "Min", "Max", "Quartile1", "Quartile2", "Quartile3")
MOMENTS = ("Means", "StdDev", "Kurtosis", "Skewness")

# OpenML Statistical: a summary over numeric attributes of each attribute's moment.
STATISTICAL = tuple(f"{s}{m}OfNumericAtts" for m in MOMENTS for s in SUMMARIES)

# OpenML AttributeEntropy (classification only; nominal attributes only).
INFO_THEORY = (
    "ClassEntropy",
    *(f"{s}AttributeEntropy" for s in SUMMARIES),
    *(f"{s}MutualInformation" for s in SUMMARIES),
    "EquivalentNumberOfAtts",
    "MeanNoiseToSignalRatio",
    # Ours: the same over every attribute, numeric ones cut into equal-width bins.
    *(f"{s}AttributeEntropyBinned" for s in SUMMARIES),
    *(f"{s}MutualInformationBinned" for s in SUMMARIES),
    "EquivalentNumberOfAttsBinned",
    "MeanNoiseToSignalRatioBinned",
)

# OpenML GenericLandmarker prefixes (weka models, 2-fold CV, seed 1), then ours.
CLASSIFICATION_LANDMARKERS = (
    "kNN1N",
    "NaiveBayes",
    "DecisionStump",
    "J48.001.",
    "J48.0001.",
    "J48.00001.",
    "REPTreeDepth1",
    "REPTreeDepth2",
    "REPTreeDepth3",
    "RandomTreeDepth1",
    "RandomTreeDepth2",
    "RandomTreeDepth3",
    "LinearDiscriminant",  # ours: not an OpenML quality
)
CLASSIFICATION_MEASURES = ("AUC", "ErrRate", "Kappa")
LANDMARKING = tuple(f"{m}{q}" for m in CLASSIFICATION_LANDMARKERS for q in CLASSIFICATION_MEASURES)

# Ours, for regression targets: the distribution of the target.
TARGET = (
    "TargetMean",
    "TargetStdDev",
    "TargetCoefficientOfVariation",
    "TargetSkewness",
    "TargetKurtosis",
    "TargetMin",
    "TargetMax",
    "TargetQuartile1",
    "TargetQuartile2",
    "TargetQuartile3",
    "TargetPercentageOfDistinctValues",
    "TargetPercentageOfZeros",
    "TargetPercentageOfOutliers",
)

# Ours, for regression targets: cheap regressors, 2-fold CV; R² and RMSE / std(target).
REGRESSION_LANDMARKERS = (
    "LinearRegression",
    "RegressionTreeDepth1",
    "RegressionTreeDepth2",
    "RegressionTreeDepth3",
    "kNN1NRegression",
)
REGRESSION_MEASURES = ("R2", "RelativeRMSE")
REGRESSION_LANDMARKING = tuple(
    f"{m}.{q}" for m in REGRESSION_LANDMARKERS for q in REGRESSION_MEASURES
)

_GROUPS: dict[str, tuple[str, ...]] = {
    "general": GENERAL,
    "statistical": STATISTICAL,
    "info_theory": INFO_THEORY,
    "landmarking": LANDMARKING + REGRESSION_LANDMARKING,
    "regression": TARGET,
}
GROUP_OF: dict[str, str] = {name: group for group, names in _GROUPS.items() for name in names}


def FEATURE_NAMES(task_type: str) -> list[str]:
    """Every name `extract_meta_features` returns for this task type, always all of them, in order."""
    if task_type not in TASK_TYPES:
        raise ValueError(f"unknown task type {task_type!r}; expected one of {TASK_TYPES}")
    if task_type == "regression":
        return [*GENERAL, *STATISTICAL, *TARGET, *REGRESSION_LANDMARKING]
    return [*GENERAL, *STATISTICAL, *INFO_THEORY, *LANDMARKING]
