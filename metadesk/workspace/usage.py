"""Using a result: predict a new file, export a fitted model (skops).

`Workspace.predict_file/export_model` delegate here with its store and knowledge. No Qt; every
function does I/O or fitting, so the GUI calls them through the bridge.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from metadesk.errors import FileProblem, TaskProblem, UnsupportedFormat, UserError
from metadesk.experiments.spec import Protocol
from metadesk.knowledge.store import Store
from metadesk.workspace.prediction_output import (
    OutputDialect,
    dialect_of,
    typed_for_output,
    write_csv,
)
from metadesk.workspace.stored import stored_spec

if TYPE_CHECKING:
    from metadesk.data.task import Task
    from metadesk.portfolio.configuration import Configuration
    from metadesk.workspace.layered import Knowledge
    from metadesk.workspace.service import Workspace

# A fitted scikit-learn pipeline: scikit-learn has no type stubs, so it stays dynamic.
Pipeline = Any

log = logging.getLogger(__name__)

WRITABLE_TABLES = (".csv", ".xlsx")
MODEL_SUFFIX = ".skops"
# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


# --- formula-safe cells ---------------------------------------------------------------------------
def formula_safe(value: object) -> object:
    """A string a spreadsheet would run as a formula gets a leading `'`; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def formula_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and every column name made formula-safe."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].map(formula_safe)
        elif isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(object).map(formula_safe)
    out.columns = [formula_safe(str(c)) for c in out.columns]
    return out


def write_table(
    frame: pd.DataFrame, out_path: Path | str, dialect: OutputDialect | None = None
) -> Path:
    """Write CSV (in `dialect`, by default comma and decimal point) or Excel by extension,
    formula-safe, atomically (temp file, then rename)."""
    path = Path(out_path)
    suffix = path.suffix.lower()
    if suffix not in WRITABLE_TABLES:
        raise UnsupportedFormat(
            f"Cannot write '{path.name}': metadesk writes predictions as CSV or Excel (.xlsx).",
            "Choose a file name ending in .csv or .xlsx.",
        )
    safe = formula_safe_frame(frame)

    def write(tmp: Path) -> None:
        if suffix == ".csv":
            write_csv(safe, tmp, dialect or OutputDialect())
        else:
            safe.to_excel(tmp, index=False, engine="openpyxl")

    return write_atomically(
        path, write, "Choose another folder, or close the file if another program has it open."
    )


def write_atomically(path: Path, write: Callable[[Path], object], hint: str) -> Path:
    """Write through a temporary file renamed into place: a failed write never leaves half a file."""
    tmp = path.with_name(f".{path.name}.part")
    try:
        write(tmp)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FileProblem(
            f"Cannot write '{path}': {exc.strerror or exc}.", hint, details=repr(exc)
        ) from exc
    return path


# --- fitting on the whole dataset -----------------------------------------------------------------
def fittable_configuration(knowledge: Knowledge, configuration_id: str) -> Configuration:
    """The configuration to fit: the portfolio's, else one the knowledge holds (a tuned point);
    `UserError` when neither can be fitted here."""
    from metadesk.portfolio import get_configuration

    configuration: Configuration | None
    try:
        configuration = get_configuration(configuration_id)
    except (KeyError, LookupError):
        configuration = None
    if configuration is None:
        configuration = knowledge.combined().configurations.get(configuration_id)
    if configuration is None or not configuration.runnable:
        raise UserError(
            f"The configuration '{configuration_id}' cannot be fitted here.",
            "It is known only from imported knowledge; pick a configuration from the portfolio.",
        )
    return configuration


def fit_on_whole_dataset(
    store: Store, knowledge: Knowledge, dataset_id: str, configuration_id: str
) -> tuple[Pipeline, Task]:
    """The configuration fitted on every row of the dataset's snapshot, and the task it learnt."""
    from metadesk.experiments.runner import fit_final

    configuration = fittable_configuration(knowledge, configuration_id)
    spec, task = stored_spec(store, dataset_id, configuration, Protocol())
    return fit_final(spec, data=task.frame), task


def _aligned_features(task: Task, frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """The task's feature columns from a new table, typed like the training data."""
    needed = task.feature_columns
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        shown = ", ".join(f"'{c}'" for c in missing[:8]) + (" ..." if len(missing) > 8 else "")
        raise TaskProblem(
            f"'{source}' lacks {len(missing)} column(s) the model needs: {shown}.",
            "Use a file with the same columns as the data the model learnt from "
            "(the target column may be left out).",
            details="needed: " + ", ".join(map(str, needed)),
        )
    X = frame[needed].copy()
    for col in needed:
        trained = task.frame[col].dtype
        if pd.api.types.is_numeric_dtype(trained) and not pd.api.types.is_bool_dtype(trained):
            X[col] = pd.to_numeric(X[col], errors="coerce")
        elif isinstance(trained, pd.CategoricalDtype):
            X[col] = X[col].astype(object).where(X[col].notna(), None).astype(trained)
    return X


def check_prediction_file(workspace: Workspace, dataset_id: str, in_path: Path | str) -> int:
    """Raise `TaskProblem` when `in_path` lacks a column the dataset's model needs; read only its
    first rows, so the check takes a moment even for a large file. Returns how many columns it has."""
    frame, _report = workspace.read_table(in_path, nrows=100)
    task = workspace.load_task(dataset_id)
    _aligned_features(task, frame, Path(in_path).name)
    return int(frame.shape[1])


def _class_names(pipeline: Pipeline) -> list[object]:
    classes = getattr(pipeline, "classes_", None)
    if classes is None:
        last = getattr(pipeline, "steps", [[None, pipeline]])[-1][1]
        classes = getattr(last, "classes_", None)
    return list(classes) if classes is not None else []


def predict_file(
    store: Store,
    knowledge: Knowledge,
    dataset_id: str,
    configuration_id: str,
    in_path: Path | str,
    out_path: Path | str,
) -> Path:
    """Fit the configuration on the whole dataset, predict every row of `in_path`, write the rows
    with `predicted <target>` (and one `probability of <class>` column per class) to `out_path`,
    a CSV in the input's own dialect (separator, decimal mark, encoding, dates)."""
    out = Path(out_path)
    if out.suffix.lower() not in WRITABLE_TABLES:  # say so before minutes of fitting
        write_table(pd.DataFrame(), out)
    from metadesk.data import read_table

    frame, report = read_table(in_path)
    pipeline, task = fit_on_whole_dataset(store, knowledge, dataset_id, configuration_id)
    X = _aligned_features(task, frame, Path(in_path).name)
    result = frame.copy()
    predicted = pipeline.predict(X)
    prediction = f"predicted {task.target}"
    result[prediction] = predicted
    probabilities = []
    if task.is_classification and hasattr(pipeline, "predict_proba"):
        proba = np.asarray(pipeline.predict_proba(X), dtype=float)
        for i, cls in enumerate(_class_names(pipeline)):
            probabilities.append(f"probability of {cls}")
            result[probabilities[-1]] = proba[:, i]
    result = typed_for_output(result, probabilities, prediction)
    written = write_table(result, out, dialect_of(in_path, report))
    log.info("wrote %d predictions to %s", len(result), written)
    _record(store, dataset_id, configuration_id, "predictions", written)
    return written


def _record(store: Store, dataset_id: str, configuration_id: str, kind: str, path: Path) -> None:
    """Noted for the report; a failure to note it never fails the export itself."""
    try:
        store.record_export(dataset_id, configuration_id, kind, str(path))
    except Exception:
        log.exception("could not record the %s export of %s", kind, configuration_id)


# --- the model file -------------------------------------------------------------------------------
def export_model(
    store: Store,
    knowledge: Knowledge,
    dataset_id: str,
    configuration_id: str,
    out_path: Path | str,
    metric: str,
) -> Path:
    """Fit on the whole dataset and save with `skops.io.dump` (never pickle), with a model card
    (`metadesk_card.json` and `model_card.md` inside the archive).

    Load it back after checking the types it needs:
    `types = skops.io.get_untrusted_types(file=path)`; review them, then
    `skops.io.load(path, trusted=types)`.
    """
    import skops.io as sio

    path = Path(out_path)
    if not path.suffix:
        path = path.with_suffix(MODEL_SUFFIX)
    from metadesk.workspace.models import add_card, model_card

    pipeline, _task = fit_on_whole_dataset(store, knowledge, dataset_id, configuration_id)
    card = model_card(store, dataset_id, configuration_id, metric)

    def write(tmp: Path) -> None:
        sio.dump(pipeline, tmp)
        add_card(tmp, card)  # data, target, metric and score, date, metadesk version

    written = write_atomically(path, write, "Choose another folder.")
    _record(store, dataset_id, configuration_id, "model", written)
    return written
