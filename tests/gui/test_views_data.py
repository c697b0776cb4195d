"""The Data tab as the analyst sees it: columns above rows, readable widths, whole summaries on
hover, and a load that says what it reads, how big it is and how long it has taken."""

from __future__ import annotations

import threading

import pandas as pd
from PySide6.QtCore import Qt

from metadesk.gui.views.column_summary import ColumnsModel, summarize_column
from metadesk.gui.views.data_loading import format_bytes


def _wide_csv(path, n: int = 80):
    lines = ["id,note,x,flag"]
    for i in range(n):
        note = "a rather long free-text remark about this customer's billing history"
        lines.append(f"{i},{note if i % 2 else ''},{i * 0.5},{'yes' if i % 3 else 'no'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _open(qtbot, window, path):
    window.open_file(path)
    qtbot.waitUntil(lambda: window.data_view.task is not None, timeout=20000)
    return window.data_view


def test_columns_sit_above_rows_and_both_get_the_full_width(qtbot, window, make_csv):
    view = _open(qtbot, window, make_csv())
    assert view.tables.orientation() == Qt.Orientation.Vertical
    assert view.tables.widget(0).isAncestorOf(view.tables.columns_table)
    assert view.tables.widget(1).isAncestorOf(view.tables.rows_table)
    qtbot.waitUntil(lambda: min(view.tables.sizes()) > 0)
    columns_height, rows_height = view.tables.sizes()
    assert columns_height <= rows_height + 8  # the Columns pane never takes more than half
    # Six columns: every column of the Rows table is on screen at 1280 px.
    rows = view.tables.rows_table
    right = rows.horizontalHeader().sectionViewportPosition(5) + rows.columnWidth(5)
    assert right <= rows.viewport().width()
    assert "6 columns" in view.tables.columns_caption.text()
    assert "60 rows" in view.tables.rows_caption.text()


def test_row_columns_are_sized_from_their_content(qtbot, window, tmp_path):
    view = _open(qtbot, window, _wide_csv(tmp_path / "wide.csv"))
    names = [view.frame_model.headerData(i, Qt.Orientation.Horizontal) for i in range(4)]
    width = dict(zip(names, (view.tables.rows_table.columnWidth(i) for i in range(4)), strict=True))
    assert width["note"] > 2 * width["id"]  # long text gets room, short numbers do not
    assert width["note"] <= 260  # but one wordy column does not push the rest off screen
    header = view.tables.rows_table.horizontalHeader()
    target = names.index("flag (target)")
    assert header.sectionSize(target) >= header.fontMetrics().horizontalAdvance("flag (target)")


def test_changing_the_target_makes_room_for_its_marked_header(qtbot, window, tmp_path):
    view = _open(qtbot, window, _wide_csv(tmp_path / "wide.csv"))
    first = view.task
    view.task_bar.target_combo.setCurrentText("x")
    qtbot.waitUntil(lambda: view.task is not None and view.task is not first, timeout=20000)
    metrics = view.tables.rows_table.horizontalHeader().fontMetrics()
    assert view.tables.rows_table.columnWidth(2) >= metrics.horizontalAdvance("x (target)")


def test_summaries_elide_but_tell_everything_on_hover(qtbot, window, tmp_path):
    view = _open(qtbot, window, _wide_csv(tmp_path / "wide.csv"))
    model = view.columns_model
    row = model.column_names().index("x")
    summary = model.index(row, ColumnsModel.COL_SUMMARY)
    assert view.tables.columns_table.textElideMode() == Qt.TextElideMode.ElideRight
    tip = summary.data(Qt.ItemDataRole.ToolTipRole)
    assert summary.data() in tip  # the whole description, however narrow the column
    assert "numeric" in tip and "distinct" in tip and "nothing missing" in tip
    note = model.index(model.column_names().index("note"), ColumnsModel.COL_MISSING)
    assert "40 missing" in note.data(Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(
        ColumnsModel.COL_DISTINCT, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )


def test_dates_read_as_dates_in_the_summary():
    series = pd.Series(pd.to_datetime(["2024-01-01", "2024-03-05", None]), name="signup")
    summary = summarize_column(series, "datetime")
    assert summary.description == "2024-01-01 to 2024-03-05"
    assert summary.missing == 1


def test_loading_says_what_is_read_how_big_and_for_how_long(
    qtbot, window, workspace, make_csv, monkeypatch
):
    release = threading.Event()
    real_read = workspace.read_table

    def slow_read(p, **options):
        release.wait(10)
        return real_read(p, **options)

    monkeypatch.setattr(workspace, "read_table", slow_read)
    path = make_csv("big_export.csv")
    window.open_file(path)
    view = window.data_view
    try:
        # A first load has nothing behind it: the progress sits in the middle of the page.
        assert view.empty_page.loading_panel.isVisibleTo(view)
        qtbot.waitUntil(lambda: "Reading big_export.csv" in view.load_progress.label.text())
        assert format_bytes(path.stat().st_size) in view.load_progress.label.text()
        # The reader cannot tell how far it is: no fake %.
        assert view.load_progress.bar.maximum() == 0
        qtbot.waitUntil(lambda: "so far" in view.load_progress.elapsed_label.text(), timeout=5000)
        assert "cannot be interrupted" in view.load_progress.cancel_button.toolTip()
    finally:
        release.set()
    qtbot.waitUntil(lambda: view.task is not None, timeout=20000)
    assert not view.empty_page.loading_panel.isVisibleTo(view)


def test_file_sizes_read_like_a_file_manager():
    assert format_bytes(812) == "812 bytes"
    assert format_bytes(52_300) == "52 KB"
    assert format_bytes(1_430_000) == "1.4 MB"
    assert format_bytes(2_100_000_000) == "2.1 GB"


def test_the_dataset_list_shows_name_and_facts_on_two_lines(qtbot, window, workspace, make_csv):
    from metadesk.gui.views.dataset_list import DatasetDelegate, DatasetListModel

    frame, _report = workspace.read_table(make_csv())
    workspace.add_dataset(workspace.make_task(frame, "churn", name="customers"))
    window.refresh_datasets()
    qtbot.waitUntil(lambda: window.dataset_model.rowCount() == 1)
    index = window.dataset_model.index(0)
    assert index.data(DatasetListModel.NAME_ROLE) == "customers"
    assert index.data(DatasetListModel.DETAIL_ROLE) == "Binary · 60 rows · 4 features"
    assert "Predicts: churn" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert isinstance(window.dataset_list.itemDelegate(), DatasetDelegate)
    line = window.dataset_list.fontMetrics().height()
    assert window.dataset_list.sizeHintForRow(0) >= 2 * line  # two lines, not one squeezed


def test_the_split_the_user_drags_to_is_kept_for_the_next_table(qtbot, window, make_csv):
    view = _open(qtbot, window, make_csv())
    qtbot.waitUntil(lambda: min(view.tables.sizes()) > 0)
    total = sum(view.tables.sizes())
    view.tables.moveSplitter(round(total * 0.7), 1)  # what dragging the handle does
    assert abs(view.tables.sizes()[0] / total - 0.7) < 0.05
    window.open_file(make_csv("second.csv"))
    qtbot.waitUntil(lambda: view.heading.title_label.text() == "second.csv", timeout=20000)
    share = view.tables.sizes()[0] / sum(view.tables.sizes())
    assert abs(share - 0.7) < 0.05
    assert abs(float(window.settings.store.value("ui/data_split")) - 0.7) < 0.05


def test_a_narrow_window_moves_the_detected_task_below_instead_of_cutting_it(
    qtbot, window, make_csv
):
    view = _open(qtbot, window, make_csv())
    label = view.task_bar.detected_label
    assert label.text().startswith("Detected: Binary classification — 2 classes")
    qtbot.waitUntil(lambda: label.width() >= label.sizeHint().width())  # whole at 1280 px
    inline_y = label.geometry().y()
    window.resize(900, 600)
    qtbot.waitUntil(lambda: label.geometry().y() > inline_y)  # on a line of its own
    qtbot.waitUntil(lambda: label.width() >= label.sizeHint().width())  # and whole there
    assert label.toolTip() == label.text()
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: label.geometry().y() == inline_y)  # back beside the choices


def test_a_too_large_file_does_not_show_the_previous_table(
    qtbot, window, workspace, make_csv, monkeypatch
):
    from metadesk.errors import FileTooLarge

    view = _open(qtbot, window, make_csv("small.csv"))
    assert view.frame_model.rowCount() == 60

    def too_large(p, **options):
        raise FileTooLarge("huge.csv is 40 GB, too large to load whole.", "Load part of it.")

    monkeypatch.setattr(workspace, "read_table", too_large)
    window.open_file(make_csv("huge.csv"))
    qtbot.waitUntil(lambda: view.message_bar.kind == "warning", timeout=20000)
    assert view.heading.title_label.text() == "huge.csv"
    assert view.frame_model.rowCount() == 0 and view.columns_model.rowCount() == 0
    assert view.task_bar.target_combo.count() == 0 and not view.task_bar.add_button.isEnabled()


def test_escape_cancels_a_load(qtbot, window, workspace, make_csv, monkeypatch):
    release = threading.Event()
    real_read = workspace.read_table

    def slow_read(p, **options):
        release.wait(10)
        return real_read(p, **options)

    monkeypatch.setattr(workspace, "read_table", slow_read)
    window.open_file(make_csv())
    view = window.data_view
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(view.load_progress.cancel_button.isVisible)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.loading)  # a shortcut "clicks" the button, animated
    release.set()
    assert "cancelled" in view.empty_page.note.text()
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=20000)
