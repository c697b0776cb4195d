"""Values that cross into and out of a worker process: `Protocol`, `ExperimentSpec`, `Result`.

All of them are plain data (JSON-able through `to_dict`/`from_dict`), so they can travel to a
child process or a Dask worker and be stored in SQLite without pickling anything a user shares.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

# Re-exported: the metric table lives in metadesk.metric_names.
from metadesk.metric_names import (
    CLASSIFICATION_METRICS,
    LOWER_IS_BETTER,
    METRIC_LABELS,
    REGRESSION_METRICS,
    default_metric,
    metrics_for,
)
from metadesk.portfolio.configuration import Configuration

__all__ = [
    "CLASSIFICATION_METRICS",
    "FINISHED",
    "LOWER_IS_BETTER",
    "METRIC_LABELS",
    "REGRESSION_METRICS",
    "STATUSES",
    "ExperimentSpec",
    "Protocol",
    "Result",
    "default_metric",
    "metrics_for",
]

STATUSES = ("queued", "running", "ok", "failed", "timeout", "cancelled", "interrupted")
FINISHED = frozenset({"ok", "failed", "timeout", "cancelled"})


@dataclass(frozen=True)
class Protocol:
    """How a configuration is evaluated. Two experiments with equal `key()` are the same experiment."""

    folds: int = 5
    repeats: int = 1
    seed: int = 0
    time_limit_s: float = 600.0
    memory_limit_mb: int | None = 4096
    max_rows: int | None = None  # stratified sample cap (used for the shipped prior on big tables)

    def key(self) -> str:
        # Limits do not change the score, so they are not part of the identity of an experiment.
        return f"cv{self.folds}x{self.repeats}:seed={self.seed}:rows={self.max_rows or 'all'}"

    # Any: JSON values of mixed kinds, as stored and sent to workers (also in ExperimentSpec).
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Protocol:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


@dataclass(frozen=True)
class ExperimentSpec:
    """Everything a worker needs to run one experiment, and nothing that lives only in the store."""

    dataset_id: str
    snapshot_path: str  # content-addressed Parquet with the task's features and target
    target: str
    task_type: str
    roles: tuple[tuple[str, str], ...]  # (column, role value) for every feature column used
    configuration: Configuration
    protocol: Protocol = field(default_factory=Protocol)

    @property
    def key(self) -> str:
        """Identity for de-duplication: dataset, configuration and protocol."""
        raw = f"{self.dataset_id}|{self.configuration.id}|{self.protocol.key()}"
        return hashlib.sha1(raw.encode()).hexdigest()[:20]

    def to_dict(self) -> dict[str, Any]:
        c = self.configuration
        return {
            "dataset_id": self.dataset_id,
            "snapshot_path": self.snapshot_path,
            "target": self.target,
            "task_type": self.task_type,
            "roles": [list(r) for r in self.roles],
            "configuration": {
                "id": c.id,
                "algorithm": c.algorithm,
                "params": c.params,
                "label": c.label,
                "task_types": list(c.task_types),
            },
            "protocol": self.protocol.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExperimentSpec:
        c = d["configuration"]
        return cls(
            dataset_id=d["dataset_id"],
            snapshot_path=d["snapshot_path"],
            target=d["target"],
            task_type=d["task_type"],
            roles=tuple((a, b) for a, b in d["roles"]),
            configuration=Configuration(
                id=c["id"],
                algorithm=c["algorithm"],
                params=dict(c.get("params") or {}),
                label=c.get("label", ""),
                task_types=tuple(c.get("task_types") or ()),
            ),
            protocol=Protocol.from_dict(d.get("protocol") or {}),
        )


@dataclass(frozen=True)
class Result:
    """The outcome of one experiment. `status` is one of `ok`, `failed`, `timeout`, `cancelled`,
    `interrupted`; only `ok` results carry scores. `error` is a plain-language message."""

    dataset_id: str
    configuration_id: str
    status: str
    fold_scores: dict[str, list[float]] = field(default_factory=dict, hash=False)
    mean: dict[str, float] = field(default_factory=dict, hash=False)
    std: dict[str, float] = field(default_factory=dict, hash=False)
    fit_seconds: float = 0.0
    predict_seconds: float = 0.0
    wall_seconds: float = 0.0
    peak_memory_mb: float = 0.0
    error: str = ""
    details: str = ""  # technical detail (traceback) for the "Details" button and the log
    versions: dict[str, str] = field(default_factory=dict, hash=False)
    # Out-of-fold predictions (`experiments.predictions.encode`); stored apart from the JSON.
    predictions: bytes = field(default=b"", repr=False, compare=False, hash=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def score(self, metric: str) -> float | None:
        return self.mean.get(metric)

    def to_json(self) -> str:
        """Everything but the out-of-fold predictions, which the store keeps as a blob."""
        d = asdict(self)
        d.pop("predictions", None)
        return json.dumps(d, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Result:
        d = json.loads(text)
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d and k != "predictions"})
