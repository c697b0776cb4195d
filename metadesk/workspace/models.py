"""Exported models: the model card they carry, and opening one again to predict with it.

A `.skops` file is a zip archive; metadesk adds `metadesk_card.json` (and a readable
`model_card.md`) beside skops's own entries, which skops ignores. Opening a file checks every
type it needs against the modules metadesk trusts before anything is loaded (skops never unpickles).
"""

from __future__ import annotations

import json
import logging
import math
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from metadesk import __version__
from metadesk.errors import FileProblem, TaskProblem, UserError
from metadesk.knowledge.store import Store
from metadesk.metric_names import METRIC_LABELS
from metadesk.workspace.records import dataset_info, experiment_row
from metadesk.workspace.stored import dataset_row

log = logging.getLogger(__name__)

CARD_ENTRY = "metadesk_card.json"
CARD_TEXT_ENTRY = "model_card.md"
# What metadesk's own pipelines need beyond skops's defaults: scikit-learn's and metadesk's
# estimators, and a few NumPy types. Anything else (a builtin such as eval, os.system, another
# package's code) is refused before the file is loaded.
TRUSTED_PREFIXES = ("sklearn.", "metadesk.portfolio.")
TRUSTED_TYPES = frozenset(
    {
        "numpy.dtype",
        "numpy.random.mtrand.RandomState",
        "numpy.random._generator.Generator",
        "numpy.random._pcg64.PCG64",
        "numpy.random.bit_generator.SeedSequence",
        "scipy.sparse._csr.csr_matrix",
    }
)


class ModelFileProblem(UserError):
    """A model file that cannot be opened, or that needs types metadesk does not trust."""


@dataclass(frozen=True)
class OpenedModel:
    """A model read back from a `.skops` file, with its card (empty for a file without one)."""

    path: Path
    pipeline: Any  # a scikit-learn estimator: scikit-learn has no type stubs
    card: dict[str, Any] = field(default_factory=dict)  # JSON: values vary by key
    types: tuple[str, ...] = ()  # the non-default types it needed, all trusted

    @property
    def features(self) -> list[str]:
        return [str(name) for name, _role in self.card.get("features", [])]

    @property
    def target(self) -> str:
        return str(self.card.get("target") or "target")

    def summary(self) -> str:
        """One plain sentence: what the model is and how it scored."""
        card = self.card
        if not card:
            return f"{self.path.name}: a scikit-learn model without a metadesk model card."
        metric = card.get("metric") or ""
        score = card.get("score")
        scored = (
            f", {METRIC_LABELS.get(metric, metric)} {score:.3f} in cross-validation"
            if isinstance(score, (int, float)) and math.isfinite(score)
            else ""
        )
        data = card.get("data", {})
        return (
            f"{card.get('configuration', {}).get('label', 'Model')} predicting "
            f"'{card.get('target')}' from {len(self.features)} columns of "
            f"{data.get('name', 'a table')} ({data.get('rows', '?')} rows){scored}; "
            f"exported {str(card.get('created', ''))[:10]} with metadesk {card.get('metadesk_version')}."
        )


def model_card(store: Store, dataset_id: str, configuration_id: str, metric: str) -> dict[str, Any]:
    """What an exported model carries: data, target, metric and score, date, metadesk version
    (a JSON object, hence values of any JSON type)."""
    row = dataset_row(store, dataset_id)
    info = dataset_info(row)
    task_roles = row["feature_roles"]
    score = std = None
    folds = None
    for e in map(experiment_row, store.experiments(dataset_id, ("ok",))):
        if e.configuration_id == configuration_id and e.result and metric in e.result.mean:
            score, std = e.result.mean[metric], e.result.std.get(metric)
            folds = len(e.result.fold_scores.get(metric, []))
    stored = store.configuration(configuration_id) or {}
    label = stored.get("label") or configuration_id
    return {
        "metadesk_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "data": {
            "name": info.name,
            "source_file": info.source_path,
            "rows": info.n_rows,
            "dataset_id": dataset_id,
        },
        "target": info.target,
        "task_type": info.task_type,
        "features": [list(p) for p in task_roles],
        "configuration": {"id": configuration_id, "label": label},
        "metric": metric,
        "score": score,
        "score_std": std,
        "folds_scored": folds,
    }


def _card_text(card: dict[str, Any]) -> str:
    metric = card.get("metric") or ""
    score = card.get("score")
    score_text = f"{score:.4f} ± {card.get('score_std') or 0:.4f}" if score is not None else "–"
    data = card["data"]
    return "\n".join(
        [
            f"# Model card: {card['configuration']['label']}",
            "",
            f"- Predicts: `{card['target']}` ({card['task_type']})",
            f"- Data: {data['name']} ({data['rows']} rows), from {data['source_file'] or '–'}",
            f"- Columns used: {', '.join(str(c) for c, _ in card['features'])}",
            f"- {METRIC_LABELS.get(metric, metric)} in cross-validation: {score_text}",
            f"- Exported: {card['created']} with metadesk {card['metadesk_version']}",
            "",
            "Load it with skops after reviewing its types: "
            "`skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path))`.",
            "",
        ]
    )


def add_card(path: Path, card: dict[str, Any]) -> None:
    """Add the card to a freshly written `.skops` archive."""
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(CARD_ENTRY, json.dumps(card, indent=2, default=str))
        archive.writestr(CARD_TEXT_ENTRY, _card_text(card))


def read_card(path: Path | str) -> dict[str, Any]:
    """The card of a `.skops` file, or {} when it has none."""
    try:
        with zipfile.ZipFile(path) as archive:
            if CARD_ENTRY not in archive.namelist():
                return {}
            card: dict[str, Any] = json.loads(archive.read(CARD_ENTRY).decode("utf-8"))
            return card
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise ModelFileProblem(
            f"'{Path(path).name}' is not a model file metadesk can read.",
            "Choose a .skops file exported by metadesk or scikit-learn's skops.",
            details=repr(exc),
        ) from exc


def trusted(type_name: str) -> bool:
    return type_name in TRUSTED_TYPES or type_name.startswith(TRUSTED_PREFIXES)


def open_model(path: Path | str) -> OpenedModel:
    """Read a `.skops` model after checking that every type it needs is trusted."""
    import skops.io as sio

    p = Path(path)
    if not p.is_file():
        raise FileProblem(f"There is no file '{p}'.", "Choose the model file again.")
    card = read_card(p)
    try:
        needed = sio.get_untrusted_types(file=p)
    except Exception as exc:  # skops raises several kinds for a damaged archive
        raise ModelFileProblem(
            f"'{p.name}' is not a model file metadesk can read.",
            "Choose a .skops file exported by metadesk.",
            details=repr(exc),
        ) from exc
    refused = [t for t in needed if not trusted(t)]
    if refused:
        shown = ", ".join(refused[:5]) + (" …" if len(refused) > 5 else "")
        raise ModelFileProblem(
            f"'{p.name}' needs code metadesk does not trust: {shown}.",
            "Open only models exported by metadesk or built from scikit-learn alone.",
            details="needed types: " + ", ".join(needed),
        )
    try:
        pipeline = sio.load(p, trusted=needed)
    except Exception as exc:
        raise ModelFileProblem(
            f"'{p.name}' could not be loaded: {exc}.",
            "It may come from a newer scikit-learn; export it again with this version.",
            details=repr(exc),
        ) from exc
    if not hasattr(pipeline, "predict"):
        raise ModelFileProblem(
            f"'{p.name}' holds no model that can predict.", "Choose another file."
        )
    return OpenedModel(p, pipeline, card, tuple(needed))


def predict_with_model(model_path: Path | str, in_path: Path | str, out_path: Path | str) -> Path:
    """Predict every row of a table with an exported model; write them as `predict_file` does."""
    from metadesk.data import read_table
    from metadesk.workspace.usage import _class_names, write_table

    model = open_model(model_path)
    frame, _report = read_table(in_path)
    needed = model.features or list(getattr(model.pipeline, "feature_names_in_", []))
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        shown = ", ".join(f"'{c}'" for c in missing[:8]) + (" ..." if len(missing) > 8 else "")
        raise TaskProblem(
            f"'{Path(in_path).name}' lacks {len(missing)} column(s) the model needs: {shown}.",
            "Use a file with the same columns as the data the model learnt from.",
        )
    X = frame[needed] if needed else frame
    result = frame.copy()
    result[f"predicted {model.target}"] = model.pipeline.predict(X)
    if model.card.get("task_type", "binary") != "regression" and hasattr(
        model.pipeline, "predict_proba"
    ):
        proba = np.asarray(model.pipeline.predict_proba(X), dtype=float)
        for i, cls in enumerate(_class_names(model.pipeline)):
            result[f"probability of {cls}"] = proba[:, i]
    return write_table(pd.DataFrame(result), out_path)
