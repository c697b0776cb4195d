"""Using a result: "Predict on a new file...", "Export model...", "Export report..." and
"Open a model..." (an exported .skops file, to predict with it again).

Each action asks for file names with the standard dialogs, then runs the workspace call through
the bridge (fitting and writing never happen on the GUI thread) and reports where the file went.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from metadesk.gui.workspace_ref import opened
from metadesk.report import export_report

if TYPE_CHECKING:
    from metadesk.gui.workers import WorkspaceBridge

log = logging.getLogger(__name__)

TABLE_FILTER = "Tables (*.csv *.tsv *.txt *.xlsx *.xls *.parquet *.json);;All files (*)"
PREDICTION_FILTER = "CSV file (*.csv);;Excel workbook (*.xlsx)"
MODEL_FILTER = "skops model (*.skops)"
REPORT_FILTER = "Web page (*.html)"


def _safe_stem(text: str) -> str:
    keep = "".join(c if c.isalnum() or c in " -_." else "_" for c in text).strip()
    return keep[:60] or "metadesk"


class UseResultActions(QObject):
    """The three actions for one window. `ask_open_path`/`ask_save_path` are the only modal parts
    (tests replace them); `done` tells the view what was written, `failed` that it was not."""

    started = Signal(str)  # plain-language description of what is running
    done = Signal(str, str)  # (message, path written)
    failed = Signal(str)  # message (the error dialog has the details)
    model_opened = Signal(str)  # what an opened model is, in one sentence

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.parent_widget = parent
        self.last_dir = str(Path.home())
        self._folder_used = False  # until then, Predict starts in the data file's folder

    # --- the modal parts (replaceable) ------------------------------------------------------------
    def ask_open_path(self, caption: str, name_filter: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent_widget, caption, self.last_dir, name_filter
        )
        return path or None

    def ask_save_path(self, caption: str, suggested: str, name_filter: str) -> str | None:
        start = str(Path(self.last_dir) / suggested)
        path, _ = QFileDialog.getSaveFileName(self.parent_widget, caption, start, name_filter)
        return path or None

    # --- the actions ----------------------------------------------------------------------------
    def predict_on_new_file(
        self,
        dataset_id: str,
        configuration_id: str,
        label: str = "",
        *,
        start_dir: str | None = None,
    ) -> None:
        """Ask for the new file (starting in `start_dir`, the data's own folder, until another
        folder is used), check its columns, then ask where to save the predictions."""
        name = label or configuration_id
        if start_dir and not self._folder_used and Path(start_dir).is_dir():
            self.last_dir = start_dir
        source = self.ask_open_path(f"Predict with {name}: the new file", TABLE_FILTER)
        if not source:
            return
        self.last_dir = str(Path(source).parent)
        self._folder_used = True
        ws = opened(self.bridge.workspace)
        self.started.emit(f"Checking the columns of {Path(source).name}…")

        def checked(_columns: int) -> None:
            self._ask_and_predict(ws, dataset_id, configuration_id, name, source)

        def failed(exc: BaseException) -> None:
            self.failed.emit(f"Checking {Path(source).name} failed: nothing was fitted.")
            self.bridge.report_error(exc, f"Checking {Path(source).name}")

        from metadesk.workspace.usage import check_prediction_file

        self.bridge.call(
            lambda: check_prediction_file(ws, dataset_id, source),
            checked,
            failed,
            description=f"Checking the columns of {Path(source).name}",
        )

    def _ask_and_predict(
        self, ws: Any, dataset_id: str, configuration_id: str, name: str, source: str
    ) -> None:
        out = self.ask_save_path(
            f"Save the predictions of {name} as",
            f"{Path(source).stem} predictions.csv",
            PREDICTION_FILTER,
        )
        if not out:
            self.started.emit("")
            return
        out_path = _with_suffix(out, (".csv", ".xlsx"), ".csv")
        self._run(
            lambda: ws.predict_file(dataset_id, configuration_id, source, out_path),
            f"Fitting {name} and predicting {Path(source).name}",
            f"Predictions of {_braces(name)} written to {{name}} in {{folder}}.",
        )

    def export_model(self, dataset_id: str, configuration_id: str, label: str = "") -> None:
        name = label or configuration_id
        out = self.ask_save_path(
            f"Export the model {name}", f"{_safe_stem(name)}.skops", MODEL_FILTER
        )
        if not out:
            return
        out_path = _with_suffix(out, (".skops",), ".skops")
        ws = self.bridge.workspace
        self._run(
            lambda: opened(ws).export_model(dataset_id, configuration_id, out_path),
            f"Fitting {name} on the whole dataset",
            f"{_braces(name)} saved to {{name}} in {{folder}}. "
            "Load it with skops.io.load after checking its types.",
        )

    def predict_with_model_file(self) -> None:
        """Open an exported .skops model (its types checked on a worker), say what it is, then
        predict a table with it."""
        model_path = self.ask_open_path("Open a model", MODEL_FILTER)
        if not model_path:
            return
        self.last_dir = str(Path(model_path).parent)
        ws = self.bridge.workspace
        description = f"Opening {Path(model_path).name}"
        self.started.emit(description + "…")

        def model_opened(model: Any) -> None:
            self.model_opened.emit(model.summary())
            source = self.ask_open_path(f"Predict with {Path(model_path).name}", TABLE_FILTER)
            if not source:
                return
            out = self.ask_save_path(
                "Save predictions as", f"{Path(source).stem} predictions.csv", PREDICTION_FILTER
            )
            if not out:
                return
            out_path = _with_suffix(out, (".csv", ".xlsx"), ".csv")
            self._run(
                lambda: opened(ws).predict_with_model(model_path, source, out_path),
                f"Predicting {Path(source).name} with {Path(model_path).name}",
                "Predictions written to {name} in {folder}.",
            )

        def failed(exc: BaseException) -> None:
            self.failed.emit(f"{description} failed.")
            self.bridge.report_error(exc, description)

        self.bridge.call(
            lambda: opened(ws).open_model(model_path), model_opened, failed, description=description
        )

    def export_report(self, dataset_id: str, name: str = "", metric: str | None = None) -> None:
        out = self.ask_save_path(
            "Export report", f"{_safe_stem(name or 'metadesk')} report.html", REPORT_FILTER
        )
        if not out:
            return
        out_path = _with_suffix(out, (".html", ".htm"), ".html")
        ws = self.bridge.workspace
        self._run(
            lambda: export_report(opened(ws), dataset_id, out_path, metric=metric),
            "Writing the report",
            "Report written to {name} in {folder}; it opens in any browser.",
        )

    def _run(self, fn: Any, description: str, message: str) -> None:
        self.started.emit(description + "…")

        def finished(path: Any) -> None:
            path = Path(path)
            self.last_dir = str(path.parent)
            self.done.emit(message.format(name=path.name, folder=_folder(path)), str(path))

        def failed(exc: BaseException) -> None:
            self.failed.emit(f"{description} failed.")
            self.bridge.report_error(exc, description)

        self.bridge.call(fn, finished, failed, description=description)


def _braces(text: str) -> str:
    """`text` kept literal through str.format (a configuration label may hold braces)."""
    return text.replace("{", "{{").replace("}", "}}")


def _folder(path: Path) -> str:
    """The folder a file went to, with the home folder shortened to ~ (as file managers do)."""
    folder = path.parent
    try:
        return str(Path("~") / folder.relative_to(Path.home()))
    except ValueError:
        return str(folder)


def _with_suffix(path: str, allowed: tuple[str, ...], default: str) -> str:
    p = Path(path)
    return str(p if p.suffix.lower() in allowed else p.with_name(p.name + default))


def reveal(path: str) -> None:
    """Open the folder holding `path` in the system file manager."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))
