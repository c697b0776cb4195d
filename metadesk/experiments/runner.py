"""Runs one experiment in the current (child) process: a spec in, a `Result` out.

`run` never raises: any exception becomes a `failed` Result with a plain message and the traceback
in `details`. It never touches the store; the caller decides where the Result goes.
"""

from __future__ import annotations

import logging
import math
import os
import platform
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    roc_auc_score,
)
from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from metadesk.data.snapshot import read_snapshot
from metadesk.errors import TaskProblem, UserError
from metadesk.experiments.predictions import Collector, encode
from metadesk.experiments.spec import ExperimentSpec, Result, metrics_for
from metadesk.portfolio import build_pipeline

log = logging.getLogger(__name__)

_snapshot_cache: dict[tuple[str, int, int], pd.DataFrame] = {}


def load_snapshot(path: str | Path) -> pd.DataFrame:
    """Read a dataset snapshot, keeping the last one in memory: a worker usually runs many
    configurations on the same dataset in a row."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise UserError(
            f"The saved copy of the dataset is missing ({p.name}).",
            "Load the table again so metadesk can save a new copy.",
        ) from exc
    key = (str(p), st.st_mtime_ns, st.st_size)
    if key not in _snapshot_cache:
        _snapshot_cache.clear()
        _snapshot_cache[key] = read_snapshot(p)
    return _snapshot_cache[key]


def library_versions() -> dict[str, str]:
    import sklearn

    from metadesk import __version__ as metadesk_version

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "metadesk": metadesk_version,
    }


@contextmanager
def _peak_memory() -> Iterator[Callable[[], float]]:
    """Yields a callable giving the peak resident memory (MB) since entering, where the OS can
    reset the peak (Linux); elsewhere the peak of the process so far."""
    clear_refs = Path("/proc/self/clear_refs")
    with suppress(OSError):
        clear_refs.write_text("5")  # resets VmHWM, the peak resident set size

    def peak() -> float:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        except OSError:
            pass
        try:
            import resource

            kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            return kb / (1024.0 * 1024.0) if sys.platform == "darwin" else kb / 1024.0
        except (ImportError, OSError):
            return 0.0

    yield peak


def _prepare(spec: ExperimentSpec, data: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.Series]:
    frame = load_snapshot(spec.snapshot_path) if data is None else data
    if spec.target not in frame.columns:
        raise TaskProblem(
            f"The target column '{spec.target}' is not in the dataset.",
            "Choose the target again.",
        )
    columns = [c for c, _ in spec.roles]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise TaskProblem(
            f"Feature columns are missing from the dataset: {', '.join(missing[:5])}.",
            "Load the table again.",
        )
    frame = frame[frame[spec.target].notna()]
    X = frame[columns]
    y = frame[spec.target]
    if spec.task_type == "regression":
        y = pd.to_numeric(y, errors="coerce").astype("float64")
        keep = y.notna()
        X, y = X[keep], y[keep]
    return X.reset_index(drop=True), y.reset_index(drop=True)


def _cap_rows(
    X: pd.DataFrame, y: pd.Series, max_rows: int | None, seed: int, classification: bool
) -> tuple[pd.DataFrame, pd.Series]:
    if not max_rows or len(X) <= max_rows:
        return X, y
    idx = np.arange(len(X))
    try:
        keep, _ = train_test_split(
            idx, train_size=max_rows, random_state=seed, stratify=y if classification else None
        )
    except ValueError:  # a class too rare to stratify: fall back to a plain random sample
        keep, _ = train_test_split(idx, train_size=max_rows, random_state=seed)
    keep = np.sort(keep)
    return X.iloc[keep].reset_index(drop=True), y.iloc[keep].reset_index(drop=True)


def _splitter(spec: ExperimentSpec, y: pd.Series) -> RepeatedKFold | RepeatedStratifiedKFold:
    p = spec.protocol
    if p.folds < 2:
        raise TaskProblem("Cross-validation needs at least 2 folds.", "Set folds to 2 or more.")
    if len(y) < p.folds:
        raise TaskProblem(
            f"The dataset has {len(y)} rows, fewer than the {p.folds} folds asked for.",
            "Use fewer folds or more rows.",
        )
    if spec.task_type == "regression":
        return RepeatedKFold(n_splits=p.folds, n_repeats=p.repeats, random_state=p.seed)
    counts = y.value_counts()
    if len(counts) < 2:
        raise TaskProblem(
            "The target has only one class, so there is nothing to predict.",
            "Choose another target column.",
        )
    if counts.max() < p.folds:
        raise TaskProblem(
            f"No class has at least {p.folds} rows, too few for {p.folds}-fold cross-validation.",
            "Use fewer folds or more rows.",
        )
    return RepeatedStratifiedKFold(n_splits=p.folds, n_repeats=p.repeats, random_state=p.seed)


def _ovr_roc_auc(y_true: np.ndarray, proba: np.ndarray, classes: np.ndarray) -> float:
    # Macro one-vs-rest over the classes present in this fold (sklearn's ovr errors when one is absent).
    aucs = []
    for j, c in enumerate(classes):
        positive = y_true == c
        if positive.any() and not positive.all():
            aucs.append(roc_auc_score(positive, proba[:, j]))
    return float(np.mean(aucs)) if aucs else math.nan


def _fold_scores(
    task_type: str,
    model: Pipeline,
    X_test: pd.DataFrame,
    y_test: pd.Series,
    classes: np.ndarray | None,
) -> tuple[dict[str, float], float, np.ndarray, np.ndarray | None]:
    """The fold's scores, prediction time, predictions and class probabilities (every class of
    the dataset, in `classes` order; None for regression or a model without probabilities)."""
    start = time.perf_counter()
    features = model[:-1].transform(X_test)
    final = model[-1]
    y_pred = final.predict(features)
    proba = None
    if task_type != "regression" and hasattr(final, "predict_proba"):
        proba = final.predict_proba(features)
    predict_seconds = time.perf_counter() - start

    if task_type == "regression":
        y_true = y_test.to_numpy(dtype=float)
        return (
            {
                "r2": float(r2_score(y_true, y_pred)),
                "rmse": float(math.sqrt(mean_squared_error(y_true, y_pred))),
                "mae": float(mean_absolute_error(y_true, y_pred)),
            },
            predict_seconds,
            np.asarray(y_pred),
            None,
        )

    assert classes is not None  # a classification task always has its classes
    y_true = y_test.to_numpy()
    scores = {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "balanced_accuracy": float(balanced_accuracy_score(y_true, y_pred)),
        "f1_macro": float(f1_score(y_true, y_pred, average="macro")),
    }
    full = None
    if proba is not None:
        # Columns for every class of the dataset, so a class missing from a training fold counts.
        full = np.zeros((len(y_true), len(classes)))
        position = {c: i for i, c in enumerate(classes)}
        for j, c in enumerate(final.classes_):
            full[:, position[c]] = proba[:, j]
        if len(classes) == 2:
            positive = y_true == classes[1]
            scores["roc_auc"] = (
                float(roc_auc_score(positive, full[:, 1]))
                if positive.any() and not positive.all()
                else math.nan
            )
        else:
            scores["roc_auc"] = _ovr_roc_auc(y_true, full, classes)
        scores["log_loss"] = float(log_loss(y_true, full, labels=list(classes)))
    return scores, predict_seconds, np.asarray(y_pred), full


def _plain_error(spec: ExperimentSpec, exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        limit = spec.protocol.memory_limit_mb
        return "The experiment ran out of memory" + (f" (limit {limit} MB)." if limit else ".")
    if isinstance(exc, UserError):
        return str(exc)
    name = spec.configuration.label or spec.configuration.id
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{name} could not be evaluated on this data: {text}"


def failed_result(spec: ExperimentSpec, status: str, error: str, details: str = "") -> Result:
    """A Result with no scores, for an experiment that did not finish."""
    return Result(
        dataset_id=spec.dataset_id,
        configuration_id=spec.configuration.id,
        status=status,
        error=error,
        details=details,
        versions=library_versions(),
    )


def run(spec: ExperimentSpec, data: pd.DataFrame | None = None) -> Result:
    """Cross-validate the spec's configuration on its dataset and return every metric per fold.

    Reads `spec.snapshot_path` when `data` is None. Never raises for a failing experiment.
    """
    wall_start = time.perf_counter()
    try:
        with (
            threadpool_limits(limits=1),
            warnings.catch_warnings(),
            _peak_memory() as peak,
        ):
            warnings.simplefilter("ignore")
            return _run(spec, data, wall_start, peak)
    except BaseException as exc:  # every failure must become a Result
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        log.info("experiment %s failed: %s", spec.configuration.id, exc)
        result = failed_result(spec, "failed", _plain_error(spec, exc), traceback.format_exc())
        return _with_wall(result, time.perf_counter() - wall_start)


def _with_wall(result: Result, seconds: float) -> Result:
    return replace(result, wall_seconds=seconds)


def _model_for(spec: ExperimentSpec) -> Pipeline:
    return build_pipeline(spec.configuration, spec.roles, spec.task_type, seed=spec.protocol.seed)


def _baseline_model(spec: ExperimentSpec) -> Pipeline:
    # The features are never looked at: no preprocessing, so the baseline costs next to nothing.
    model = (
        DummyRegressor(strategy="mean")
        if spec.task_type == "regression"
        else DummyClassifier(strategy="prior")
    )
    return Pipeline([("features", "passthrough"), ("model", model)])


def _run(
    spec: ExperimentSpec,
    data: pd.DataFrame | None,
    wall_start: float,
    peak: Callable[[], float],
    make_model: Callable[[ExperimentSpec], Pipeline] = _model_for,
) -> Result:
    classification = spec.task_type != "regression"
    X, y = _prepare(spec, data)
    X, y = _cap_rows(X, y, spec.protocol.max_rows, spec.protocol.seed, classification)
    splitter = _splitter(spec, y)
    classes = np.unique(y.to_numpy()) if classification else None
    collector = Collector(spec.task_type, y.to_numpy(), classes)
    fold_scores: dict[str, list[float]] = {m: [] for m in metrics_for(spec.task_type)}
    fit_seconds = predict_seconds = 0.0
    for train, test in splitter.split(X, y):
        model = make_model(spec)
        start = time.perf_counter()
        model.fit(X.iloc[train], y.iloc[train])
        fit_seconds += time.perf_counter() - start
        scores, seconds, y_pred, proba = _fold_scores(
            spec.task_type, model, X.iloc[test], y.iloc[test], classes
        )
        collector.add(test, y_pred, proba)
        predict_seconds += seconds
        for metric in fold_scores:
            fold_scores[metric].append(scores.get(metric, math.nan))
    fold_scores = {m: v for m, v in fold_scores.items() if not all(math.isnan(s) for s in v)}
    mean = {m: float(np.nanmean(v)) for m, v in fold_scores.items()}
    std = {m: float(np.nanstd(v)) for m, v in fold_scores.items()}
    return Result(
        dataset_id=spec.dataset_id,
        configuration_id=spec.configuration.id,
        status="ok",
        fold_scores=fold_scores,
        mean=mean,
        std=std,
        fit_seconds=fit_seconds,
        predict_seconds=predict_seconds,
        wall_seconds=time.perf_counter() - wall_start,
        peak_memory_mb=peak(),
        versions=library_versions(),
        predictions=_encoded(collector),
    )


def _encoded(collector: Collector) -> bytes:
    oof = collector.result()
    return encode(oof) if oof is not None else b""


def run_baseline(spec: ExperimentSpec, data: pd.DataFrame | None = None) -> Result:
    """The majority-class (or mean) predictor on exactly the folds `spec` would use: the score
    any configuration has to beat. Cheap (no preprocessing); raises `UserError` for a task that
    cannot be cross-validated."""
    with threadpool_limits(limits=1), warnings.catch_warnings(), _peak_memory() as peak:
        warnings.simplefilter("ignore")
        result = _run(spec, data, time.perf_counter(), peak, _baseline_model)
    return replace(result, predictions=b"")


def fit_final(spec: ExperimentSpec, data: pd.DataFrame | None = None) -> Pipeline:
    """Fit the spec's configuration on all rows (no row cap) for predictions and export."""
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X, y = _prepare(spec, data)
        model = build_pipeline(
            spec.configuration, spec.roles, spec.task_type, seed=spec.protocol.seed
        )
        model.fit(X, y)
        return model


def pin_threads_env() -> None:
    """Ask BLAS/OpenMP libraries loaded after this call for one thread each."""
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    ):
        os.environ[name] = "1"
