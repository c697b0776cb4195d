"""Values of the meta-model: the `MetaDataset` it learns from and the `Suggestion`s it returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from metadesk.portfolio.configuration import Configuration

# Descriptive columns of `MetaDataset.datasets`; every other column is a meta-feature.
DATASET_COLUMNS = ("name", "task_type", "group", "provenance")
RUN_COLUMNS = ("dataset_id", "configuration_id", "algorithm", "metric", "score")
OPTIONAL_RUN_COLUMNS = ("std", "folds", "fit_seconds", "provenance", "fold_scores")


def format_fold_scores(scores: Iterable[float]) -> str:
    """Fold scores as exchanged: space-separated, five decimals, 'nan' for a failed fold."""
    return " ".join(f"{float(v):.5f}" for v in scores)


def parse_fold_scores(text: object) -> list[float] | None:
    """The inverse of `format_fold_scores`; None when the cell is not such a list."""
    if not isinstance(text, str):
        return None
    parts = text.split()
    if len(parts) > 1000:
        return None
    try:
        return [float(p) for p in parts]
    except ValueError:
        return None


@dataclass(frozen=True, eq=False)
class MetaDataset:
    """What is known from past experiments.

    datasets: one row per dataset, index = dataset id; columns 'name', 'task_type', 'group',
        'provenance' ('prior' | 'own' | 'imported'), then one float column per meta-feature (OpenML names).
    runs: long form, columns 'dataset_id', 'configuration_id', 'algorithm', 'metric', 'score',
        optional 'std', 'folds', 'fit_seconds', 'provenance', and 'fold_scores' (the score of
        every fold in run order, as text: `format_fold_scores`), which says how noisy a score is.
    configurations: id -> Configuration (runnable=False for ones known only from imported knowledge).
    evaluations: saved held-out evaluations ("task_type/metric" -> `EvaluationReport.to_dict()`),
        read next to the shipped prior so that the meta-model need not re-evaluate at start-up.
    """

    datasets: pd.DataFrame
    runs: pd.DataFrame
    configurations: dict[str, Configuration] = field(default_factory=dict)
    # Any: the JSON of a saved evaluation, values of mixed kinds.
    evaluations: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def n_datasets(self) -> int:
        return len(self.datasets)

    @property
    def feature_names(self) -> list[str]:
        """The meta-feature columns of `datasets` (everything after the descriptive columns)."""
        return [c for c in self.datasets.columns if c not in DATASET_COLUMNS]

    @classmethod
    def empty(cls) -> MetaDataset:
        return cls(
            datasets=pd.DataFrame(columns=list(DATASET_COLUMNS)).rename_axis("dataset_id"),
            runs=pd.DataFrame(columns=list(RUN_COLUMNS)),
        )


@dataclass(frozen=True)
class Evidence:
    """Why a configuration is suggested: a similar known dataset and what the configuration scored there."""

    dataset_id: str
    dataset_name: str
    similarity: float  # 0..1, 1 = identical meta-features
    score: float  # in the metric's units
    provenance: str = "prior"


@dataclass(frozen=True)
class Suggestion:
    configuration: Configuration
    rank: int  # 1 = first to run
    metric: str
    predicted: float  # in the metric's units
    low: float  # 80% interval
    high: float
    expected_improvement: float = 0.0
    recommender: str = ""
    cold_start: bool = False  # True: a default order, not learned from similar datasets
    evidence: tuple[Evidence, ...] = ()
    # Why it comes before configurations predicted to score higher ("" when it does not).
    order_note: str = ""

    @property
    def reason(self) -> str:
        if self.cold_start and self.order_note:
            return self.order_note
        if self.cold_start:
            return "Default order (no prior knowledge yet): strong general-purpose models first."
        if not self.evidence:
            return "Predicted from the meta-model."
        parts = [f"{e.dataset_name} ({e.score:.3f})" for e in self.evidence[:3]]
        return "Did well on similar datasets: " + ", ".join(parts)
