"""Out-of-fold predictions of one experiment, kept small enough to store for every run.

Each row of the table is predicted once by the model that did not see it (the first repeat of the
cross-validation). Stored as a compressed NumPy archive (never pickle): class codes as small
integers, probabilities as float16 (or 1/255 steps when there are many classes), regression values
as float32. A 100,000-row binary table takes well under 1 MB.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

# Above this many classes, probabilities are stored in 1/255 steps (still finer than any plot shows).
FLOAT16_CLASSES = 4


@dataclass(frozen=True, eq=False)
class OutOfFold:
    """`y_true` and `y_pred` are class codes (indices into `classes`) or regression values;
    `proba` is rows x classes (None when the model gives no probabilities or for regression)."""

    task_type: str
    y_true: np.ndarray
    y_pred: np.ndarray
    classes: tuple[str, ...] = ()
    proba: np.ndarray | None = None

    @property
    def classification(self) -> bool:
        return self.task_type != "regression"

    @property
    def n_rows(self) -> int:
        return len(self.y_true)


def _code_dtype(n_classes: int) -> type:
    return np.int8 if n_classes < 127 else np.int16 if n_classes < 32_000 else np.int32


def encode(oof: OutOfFold) -> bytes:
    """The compressed archive's bytes."""
    arrays: dict[str, np.ndarray] = {"task_type": np.array(oof.task_type)}
    if oof.classification:
        dtype = _code_dtype(len(oof.classes))
        arrays["classes"] = np.array([str(c) for c in oof.classes])
        arrays["y_true"] = np.asarray(oof.y_true).astype(dtype)
        arrays["y_pred"] = np.asarray(oof.y_pred).astype(dtype)
        if oof.proba is not None:
            proba = np.clip(np.asarray(oof.proba, dtype=np.float64), 0.0, 1.0)
            if proba.shape[1] == 2:
                arrays["proba_positive"] = proba[:, 1].astype(np.float16)
            elif proba.shape[1] <= FLOAT16_CLASSES:
                arrays["proba"] = proba.astype(np.float16)
            else:
                arrays["proba_255"] = np.rint(proba * 255).astype(np.uint8)
    else:
        arrays["y_true"] = np.asarray(oof.y_true, dtype=np.float32)
        arrays["y_pred"] = np.asarray(oof.y_pred, dtype=np.float32)
    buffer = io.BytesIO()
    # numpy's stubs read the names as maybe `allow_pickle`, a keyword numpy 1.26 does not have.
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def decode(data: bytes) -> OutOfFold:
    """Read what `encode` wrote; object arrays are refused (`allow_pickle=False`)."""
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        task_type = str(archive["task_type"])
        if task_type == "regression":
            return OutOfFold(
                task_type,
                archive["y_true"].astype(np.float64),
                archive["y_pred"].astype(np.float64),
            )
        classes = tuple(str(c) for c in archive["classes"])
        proba = None
        if "proba_positive" in archive:
            positive = archive["proba_positive"].astype(np.float64)
            proba = np.column_stack([1.0 - positive, positive])
        elif "proba" in archive:
            proba = archive["proba"].astype(np.float64)
        elif "proba_255" in archive:
            proba = archive["proba_255"].astype(np.float64) / 255.0
        return OutOfFold(
            task_type,
            archive["y_true"].astype(np.int64),
            archive["y_pred"].astype(np.int64),
            classes,
            proba,
        )


class Collector:
    """Fills the out-of-fold arrays fold by fold during the first repeat of cross-validation."""

    def __init__(self, task_type: str, y: np.ndarray, classes: np.ndarray | None) -> None:
        self.task_type = task_type
        self.classes = classes
        n = len(y)
        self.seen = np.zeros(n, dtype=bool)
        if classes is not None:
            self.y_true: np.ndarray = np.searchsorted(classes, y)
            self.y_pred: np.ndarray = np.zeros(n, dtype=np.int64)
            self.proba: np.ndarray | None = np.zeros((n, len(classes)))
            self.has_proba = True
        else:
            self.y_true = np.asarray(y, dtype=float)
            self.y_pred = np.zeros(n)
            self.proba = None
            self.has_proba = False

    @property
    def complete(self) -> bool:
        return bool(self.seen.all())

    def add(self, rows: np.ndarray, y_pred: np.ndarray, proba: np.ndarray | None) -> None:
        if self.complete:
            return  # later repeats predict each row again; the first one is kept
        self.seen[rows] = True
        if self.classes is None:
            self.y_pred[rows] = np.asarray(y_pred, dtype=float)
            return
        self.y_pred[rows] = np.searchsorted(self.classes, np.asarray(y_pred))
        if proba is None:
            self.has_proba = False
        elif self.proba is not None:
            self.proba[rows] = proba

    def result(self) -> OutOfFold | None:
        if not self.complete:
            return None
        if self.classes is None:
            return OutOfFold(self.task_type, self.y_true, self.y_pred)
        return OutOfFold(
            self.task_type,
            self.y_true,
            self.y_pred,
            tuple(str(c) for c in self.classes),
            self.proba if self.has_proba else None,
        )
