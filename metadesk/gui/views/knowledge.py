"""The Knowledge view: what the meta-model learns from, where this dataset sits among the known
ones, how configurations fare on its neighbours, and how good the held-out suggestions are.

Everything is computed through the bridge (PCA, heatmap, evaluation); the GUI thread only draws.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from metadesk.experiments.spec import LOWER_IS_BETTER, METRIC_LABELS, default_metric
from metadesk.gui.plots import PlotCanvas
from metadesk.gui.views.imports_panel import ImportsPanel
from metadesk.gui.views.metric_view import feedback_label, view_title
from metadesk.gui.workspace_ref import opened
from metadesk.report import plots as report_plots
from metadesk.report.insights import DatasetMap, ScoreHeatmap, dataset_map, score_heatmap

if TYPE_CHECKING:
    from metadesk.gui.workers import WorkspaceBridge
    from metadesk.workspace.service import Workspace

log = logging.getLogger(__name__)

_REFRESH_ON = {"finished", "knowledge_changed", "meta_features", "dataset_added"}
_CLASSIFICATION = ("binary", "multiclass")


@dataclass(frozen=True)
class KnowledgeSnapshot:
    """Everything the view shows, computed off the GUI thread."""

    counts: dict[str, dict[str, int]]  # provenance -> {'datasets', 'runs'}; plus 'configurations'
    n_configurations: int
    task_type: str | None
    metric: str
    map: DatasetMap
    heatmap: ScoreHeatmap
    curve_ks: tuple[int, ...]
    curves: dict[str, list[float]]
    recommender: str
    sentence: str
    imports: tuple = ()  # ImportEntry values, oldest first


def _family_mask(task_types: Any, task_type: str | None) -> np.ndarray:
    values = np.asarray([str(t) for t in task_types])
    if task_type is None:
        return np.ones(len(values), dtype=bool)
    if task_type == "regression":
        return values == "regression"
    return np.isin(values, _CLASSIFICATION)


def _curve(figures: Any) -> list[float]:
    if not isinstance(figures, dict):
        return []
    for key in ("best_so_far_observed", "best_so_far"):
        values = figures.get(key)
        if values:
            return [float("nan") if v is None else float(v) for v in values]
    return []


def held_out_curves(info: Mapping[str, Any], metric: str) -> tuple[dict[str, list[float]], str]:
    """Best-so-far regret curves (held out) of the chosen recommender and of AverageRank from
    `Workspace.recommender_info`; in points (0.01) for scores, in the metric's units for losses."""
    label = str(info.get("label") or info.get("name") or "meta-model")
    scale = 1.0 if metric in LOWER_IS_BETTER else 100.0
    curves: dict[str, list[float]] = {}
    chosen = _curve(info.get("held_out"))
    baseline = _curve(info.get("baseline"))
    if chosen:
        curves[label] = [v * scale for v in chosen]
    if baseline and info.get("name") != "average_rank" and info.get("name") != "AverageRank":
        curves["a fixed ranking (AverageRank)"] = [v * scale for v in baseline]
    return curves, label


def build_snapshot(ws: Workspace, dataset_id: str | None) -> KnowledgeSnapshot:
    """The whole view's data (runs on a worker thread)."""
    md = ws.meta_dataset()
    datasets, runs = md.datasets, md.runs
    counts: dict[str, dict[str, int]] = {}
    prov_d = datasets.get("provenance", [])
    for p in sorted(set(map(str, prov_d))):
        counts.setdefault(p, {})["datasets"] = int((prov_d == p).sum())
    if len(runs) and "provenance" in runs:
        pairs = runs.drop_duplicates(["dataset_id", "configuration_id"])
        for p, n in pairs["provenance"].astype(str).value_counts().items():
            counts.setdefault(p, {})["runs"] = int(n)
    info = ws.dataset(dataset_id) if dataset_id else None
    task_type = info.task_type if info else None
    metric = default_metric(task_type or "binary")
    features: dict[str, float] = {}
    if info is not None and dataset_id:
        try:
            mf = ws.meta_features(dataset_id)
            features = mf.as_floats()
        except Exception:  # the map still shows the known datasets
            log.exception("meta-features for the knowledge map failed")
    same = (
        datasets[_family_mask(datasets.get("task_type", []), task_type)]
        if len(datasets)
        else datasets
    )
    dmap = dataset_map(
        same,
        dataset_id,
        features,
        current_name=info.name if info else "",
        current_task_type=task_type,
        k=6,
    )
    names = dict(zip(dmap.ids, dmap.names, strict=True))
    # The nearest datasets that have scores for this metric (many known datasets have none yet).
    scored = set(runs.loc[runs["metric"] == metric, "dataset_id"]) if len(runs) else set()
    near = [dmap.ids[i] for i in dmap.by_distance if dmap.ids[i] in scored][:8]
    columns = ([dataset_id] if dataset_id is not None and dataset_id in scored else []) + near
    labels = {cid: (c.label or cid) for cid, c in md.configurations.items()}
    heat = score_heatmap(
        runs, metric, columns, dataset_names=names, configuration_labels=labels, top=12
    )
    curves: dict[str, list[float]] = {}
    recommender, sentence = "", ""
    if task_type is not None:
        try:
            about = ws.recommender_info(task_type, metric)
            curves, recommender = held_out_curves(about, metric)
            sentence = str(about.get("sentence", ""))
        except Exception:
            log.exception("recommender_info failed")
    ks = tuple(range(1, 1 + max((len(v) for v in curves.values()), default=0)))
    return KnowledgeSnapshot(
        counts=counts,
        n_configurations=len(md.configurations),
        task_type=task_type,
        metric=metric,
        map=dmap,
        heatmap=heat,
        curve_ks=ks,
        curves=curves,
        recommender=recommender,
        sentence=sentence,
        imports=tuple(ws.knowledge_imports()),
    )


def in_sentence(label: str) -> str:
    """A metric's label inside a sentence: "accuracy", but "ROC AUC" and "R²" as they are."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def summary_text(snapshot: KnowledgeSnapshot) -> str:
    def part(p: str, label: str) -> str:
        c = snapshot.counts.get(p, {})
        d, r = c.get("datasets", 0), c.get("runs", 0)
        return f"{label}: {d:,} dataset{'s' if d != 1 else ''}, {r:,} run{'s' if r != 1 else ''}"

    pieces = [part("own", "Your own"), part("prior", "Shipped prior")]
    if "imported" in snapshot.counts:
        pieces.append(part("imported", "Imported"))
    return " · ".join(pieces) + f" · {snapshot.n_configurations:,} configurations"


class KnowledgeView(QWidget):
    """`set_dataset(id)`: the knowledge around that dataset; import and export of knowledge."""

    knowledge_shown = Signal(object)  # the KnowledgeSnapshot drawn

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.dataset_id: str | None = None
        self.snapshot: KnowledgeSnapshot | None = None
        self.last_dir = str(Path.home())
        self._refresh_timer = QTimer(self, singleShot=True, interval=500)
        self._refresh_timer.timeout.connect(self.refresh)

        title = view_title("Knowledge")
        self.summary = QLabel("Loading what is known…")
        self.summary.setAccessibleName("Size of the meta-dataset")
        self.summary.setWordWrap(True)
        self.sentence = QLabel("")
        self.sentence.setWordWrap(True)
        self.sentence.setAccessibleName("How good the suggestions are")
        self.import_button = QPushButton("&Import knowledge…")
        self.import_button.setToolTip("Add a meta-dataset: a datasets table and a runs table")
        self.import_button.clicked.connect(self.import_knowledge)
        self.export_button = QPushButton("E&xport knowledge…")
        self.export_button.setToolTip("Write what this workspace knows as two CSV tables")
        self.export_button.clicked.connect(self.export_knowledge)
        self.feedback = feedback_label()
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.feedback)
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)

        self.map_plot = PlotCanvas(self, accessible_name="Map of datasets")
        self.heatmap_plot = PlotCanvas(self, accessible_name="Scores on similar datasets")
        self.curve_plot = PlotCanvas(self, accessible_name="Held-out quality of suggestions")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.map_plot, "Map of datasets")
        self.tabs.addTab(self.heatmap_plot, "Scores on similar datasets")
        self.tabs.addTab(self.curve_plot, "How good are suggestions")
        self.imports_panel = ImportsPanel(self)
        self.imports_panel.remove_requested.connect(self.remove_import)
        self.tabs.addTab(self.imports_panel, "Imports")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.sentence)
        layout.addWidget(self.tabs, 1)
        bridge.event.connect(self._on_event)

    def set_dataset(self, dataset_id: str | None) -> None:
        self.dataset_id = dataset_id
        self.refresh()

    def _on_event(self, event: Any) -> None:
        if event.kind in _REFRESH_ON:
            self._refresh_timer.start()

    def refresh(self) -> None:
        ws = self.bridge.workspace
        if ws is None:
            return
        dataset_id = self.dataset_id
        self.bridge.call(
            lambda: build_snapshot(ws, dataset_id),
            lambda snap: self._show(dataset_id, snap),
            lambda exc: self.bridge.report_error(exc, "Loading knowledge"),
            key=f"knowledge:{id(self)}",
            description="Mapping what is known",
        )

    def _show(self, dataset_id: str | None, snap: KnowledgeSnapshot) -> None:
        if dataset_id != self.dataset_id:
            return
        self.snapshot = snap
        self.summary.setText(summary_text(snap))
        self.sentence.setText(snap.sentence)
        self.sentence.setVisible(bool(snap.sentence))
        m = snap.map
        if len(m.ids) < 3:
            self.map_plot.show_message(
                "The map needs at least three datasets with meta-features. Import knowledge, or "
                "run experiments on more datasets."
            )
        else:
            self._plot_map(m)
        self._plot_rest(snap)
        self.imports_panel.set_entries(list(snap.imports))
        self.knowledge_shown.emit(snap)

    def _plot_map(self, m: DatasetMap) -> None:
        self.map_plot.plot(
            lambda style: report_plots.dataset_map(
                m.xy, m.names, m.provenance, current=m.current, neighbours=m.neighbours,
                explained=m.explained, style=style,
            )
        )  # fmt: skip

    def _plot_rest(self, snap: KnowledgeSnapshot) -> None:
        h = snap.heatmap
        metric = METRIC_LABELS.get(snap.metric, snap.metric)
        self.heatmap_plot.plot(
            lambda style: report_plots.score_heatmap(
                h.matrix, h.configuration_labels, h.dataset_labels, style=style,
                title=f"{metric} on this dataset and the nearest ones with results",
            )
        )  # fmt: skip
        curve_label = (
            f"{metric} above the best (held out)"
            if snap.metric in LOWER_IS_BETTER
            else f"Points of {in_sentence(metric)} below the best (held out)"
        )
        if snap.curves:
            self.curve_plot.plot(
                lambda style: report_plots.loss_curve(
                    snap.curve_ks, snap.curves, style=style, highlight=snap.recommender,
                    ylabel=curve_label,
                )
            )  # fmt: skip
        else:
            self.curve_plot.show_message(
                "No held-out evaluation yet: too few past datasets with results to measure how "
                "well suggestions carry over to a new one."
            )

    # --- import and export ----------------------------------------------------------------------
    def ask_open_path(self, caption: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self, caption, self.last_dir, "Tables (*.csv *.parquet);;All files (*)"
        )
        return path or None

    def ask_folder(self, caption: str) -> str | None:
        return QFileDialog.getExistingDirectory(self, caption, self.last_dir) or None

    def import_knowledge(self) -> None:
        datasets = self.ask_open_path("Import knowledge: 1 of 2, the datasets table")
        if not datasets:
            return
        self.last_dir = str(Path(datasets).parent)
        runs = self.ask_open_path("Import knowledge: 2 of 2, the runs table")
        if not runs:
            return
        ws = self.bridge.workspace
        self.feedback.setText("Importing…")
        self.bridge.call(
            lambda: opened(ws).import_knowledge(datasets, runs),
            self._imported,
            self._import_failed,
            description="Importing knowledge",
        )

    def _imported(self, counts: dict[str, int]) -> None:
        self.feedback.setText(
            f"Imported {counts.get('datasets', 0):,} datasets and {counts.get('runs', 0):,} runs."
        )
        self.refresh()

    def _import_failed(self, exc: BaseException) -> None:
        self.feedback.setText("Nothing was imported.")
        problems = getattr(exc, "problems", None)
        if problems and not getattr(exc, "details", ""):
            # Row-level detail behind "Details".
            cast(Any, exc).details = "\n".join(str(p) for p in problems)
        self.bridge.report_error(exc, "Importing knowledge")

    def remove_import(self, import_id: str) -> None:
        ws = self.bridge.workspace
        self.feedback.setText("Removing…")
        self.bridge.call(
            lambda: opened(ws).remove_import(import_id),
            self._import_removed,
            lambda exc: self.bridge.report_error(exc, "Removing imported knowledge"),
            description="Removing imported knowledge",
        )

    def _import_removed(self, entry: Any) -> None:
        self.feedback.setText(f"Removed import {entry.import_id} ({entry.datasets:,} datasets).")
        self.refresh()

    def export_knowledge(self) -> None:
        folder = self.ask_folder("Export knowledge to a folder")
        if not folder:
            return
        self.last_dir = folder
        ws = self.bridge.workspace
        self.feedback.setText("Exporting…")
        self.bridge.call(
            lambda: opened(ws).export_knowledge(folder, fmt="csv"),
            lambda paths: self.feedback.setText(
                "Exported " + " and ".join(Path(p).name for p in paths) + f" to {folder}."
            ),
            self._export_failed,
            description="Exporting knowledge",
        )

    def _export_failed(self, exc: BaseException) -> None:
        self.feedback.setText("Export failed.")
        self.bridge.report_error(exc, "Exporting knowledge")
