"""The main window as a user meets it: open a file, see rows and roles, pick a target, add it."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from metadesk.gui.views.column_summary import ColumnsModel


def _open_through_menu(window, monkeypatch, path):
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    window.menus.open_action.trigger()


def _wait_task(qtbot, window):
    qtbot.waitUntil(lambda: window.data_view.task is not None, timeout=20000)


def test_welcome_screen_shows_sample_cards(qtbot, window):
    assert window.stack.currentWidget() is window.welcome
    qtbot.waitUntil(lambda: len(window.welcome.samples) == 1)
    assert window.welcome.samples[0].rows == 60
    assert window.welcome.samples[0].columns == 6


def test_open_action_shows_rows_roles_and_task_type(qtbot, window, monkeypatch, make_csv):
    path = make_csv("customers.csv")
    assert window.menus.open_action.shortcut().matches(Qt.Modifier.CTRL | Qt.Key.Key_O)
    _open_through_menu(window, monkeypatch, path)
    _wait_task(qtbot, window)
    view = window.data_view
    assert window.stack.currentWidget() is window.tabs
    assert view.frame_model.rowCount() == 60
    assert view.frame_model.columnCount() == 6
    assert view.frame_model.index(0, 3).data() == "Paris"
    roles = {
        view.columns_model.index(r, 0).data(): view.columns_model.index(r, 1).data()
        for r in range(view.columns_model.rowCount())
    }
    assert roles["customer_id"] == "identifier"
    assert roles["age"] == "numeric"
    assert roles["city"] == "categorical"
    assert roles["churn"] == "target"
    assert view.current_target() == "churn"
    assert "Binary classification" in view.task_bar.detected_label.text()
    assert "customer_id" in view.message_bar.text()  # left out, and said so
    assert str(path.resolve()) in window.settings.recent_files


def test_target_picker_changes_the_task_type(qtbot, window, make_csv):
    window.open_file(make_csv())
    _wait_task(qtbot, window)
    view = window.data_view
    first = view.task
    view.task_bar.target_combo.setCurrentText("income")
    qtbot.waitUntil(lambda: view.task is not None and view.task is not first, timeout=20000)
    assert view.task.task_type == "regression"
    assert "Regression" in view.task_bar.detected_label.text()


def test_editing_a_role_excludes_the_column(qtbot, window, make_csv):
    window.open_file(make_csv())
    _wait_task(qtbot, window)
    view = window.data_view
    first = view.task
    row = view.columns_model.column_names().index("city")
    index = view.columns_model.index(row, ColumnsModel.COL_ROLE)
    assert view.columns_model.setData(index, "identifier")
    qtbot.waitUntil(lambda: view.task is not None and view.task is not first, timeout=20000)
    assert "city" in view.task.excluded
    assert "city" not in view.task.feature_columns


def test_rare_classes_are_explained_and_can_be_dropped(qtbot, window, make_csv):
    window.open_file(make_csv("rare.csv", rare=True))
    view = window.data_view
    qtbot.waitUntil(lambda: view.message_bar.kind == "error", timeout=20000)
    assert "maybe" in view.message_bar.text()
    assert not view.task_bar.add_button.isEnabled()
    drop = view.message_bar.action_buttons[0]
    assert drop.text().startswith("Drop these classes")
    drop.click()
    _wait_task(qtbot, window)
    assert "maybe" not in set(view.task.y)


def test_dropping_a_file_on_the_window_opens_it(qtbot, window, make_csv):
    path = make_csv("dropped.csv")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(100, 100),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    _wait_task(qtbot, window)
    assert window.data_view.heading.title_label.text() == "dropped.csv"


def test_a_bad_file_shows_the_plain_error_dialog(qtbot, window, tmp_path, find_error_dialogs):
    bad = tmp_path / "empty.csv"
    bad.write_text("", encoding="utf-8")
    with qtbot.waitSignal(window.bridge.unhandled_error, timeout=20000):
        window.open_file(bad)
    dialogs = find_error_dialogs()
    assert dialogs, "no error dialog"
    text = dialogs[0].message_label.text().lower()
    assert "empty" in text
    assert "something went wrong" not in text


def test_adding_to_the_workspace_lists_the_dataset(qtbot, window, make_csv):
    window.open_file(make_csv())
    _wait_task(qtbot, window)
    with qtbot.waitSignal(window.data_view.dataset_added, timeout=20000):
        window.data_view.task_bar.add_button.click()
    # The list may first refresh on the workspace's event, before the new dataset is current.
    qtbot.waitUntil(lambda: window.dataset_list.currentIndex().row() == 0, timeout=20000)
    assert window.dataset_model.rowCount() == 1
    assert window.dataset_id == window.data_view.dataset_id
    assert window.dataset_model.datasets[0].task_type == "binary"
    assert not window.data_view.task_bar.add_button.isVisible()
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=60000)  # meta-features done


def test_selecting_a_dataset_shows_its_snapshot(qtbot, window, workspace, make_csv):
    frame, _report = workspace.read_table(make_csv())
    info = workspace.add_dataset(workspace.make_task(frame, "churn", name="stored"))
    window.refresh_datasets()
    qtbot.waitUntil(lambda: window.dataset_model.rowCount() == 1)
    window.dataset_list.setCurrentIndex(window.dataset_model.index(0))
    qtbot.waitUntil(lambda: window.data_view.dataset_id == info.dataset_id, timeout=20000)
    view = window.data_view
    assert view.frame_model.rowCount() == 60
    assert not view.task_bar.target_combo.isEnabled()
    assert "in your workspace" in view.heading.info_label.text()
    assert window.other_views["Suggestions"].dataset_id == info.dataset_id


def test_shortcuts_and_accessible_names(window):
    assert not window.menus.settings_action.shortcut().isEmpty()
    for widget in (
        window.data_view.task_bar.target_combo,
        window.data_view.task_bar.task_type_combo,
        window.data_view.task_bar.add_button,
        window.dataset_list,
        window.queue_dock.cancel_button,
        window.queue_dock.pause_button,
    ):
        assert widget.accessibleName()


def test_recent_files_menu_lists_opened_files(qtbot, window, make_csv):
    path = make_csv("recent.csv")
    window.open_file(path)
    _wait_task(qtbot, window)
    window.menus.fill_recent_menu()
    texts = [a.text() for a in window.menus.recent_menu.actions()]
    assert any("recent.csv" in t for t in texts)


def test_about_box_lists_versions(qtbot):
    from metadesk.gui.dialogs.about import AboutDialog, versions

    names = [name for name, _v in versions()]
    for expected in ("metadesk", "Python", "Qt", "scikit-learn", "pandas"):
        assert expected in names
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "About metadesk"


def test_closing_the_window_releases_everything(qtbot, window):
    window.close()
    assert window.bridge.closed
    assert QApplication.instance() is not None


def test_a_huge_file_offers_part_of_it(qtbot, window, workspace, make_csv, monkeypatch):
    from metadesk.errors import FileTooLarge

    path = make_csv("huge.csv")
    calls = []
    real_read = workspace.read_table

    def read_table(p, **options):
        calls.append(options)
        if not options:
            raise FileTooLarge("huge.csv is 40 GB, too large to load whole.", "Load part of it.")
        return real_read(p)

    monkeypatch.setattr(workspace, "read_table", read_table)
    window.open_file(path)
    view = window.data_view
    qtbot.waitUntil(lambda: view.message_bar.kind == "warning", timeout=20000)
    labels = [b.text() for b in view.message_bar.action_buttons]
    assert labels == ["Load the first 100,000 rows", "Load a random sample of 100,000 rows"]
    view.message_bar.action_buttons[1].click()
    _wait_task(qtbot, window)
    assert calls[-1] == {"sample": 100_000}


def test_loading_can_be_cancelled(qtbot, window, workspace, make_csv, monkeypatch):
    import threading

    release = threading.Event()
    real_read = workspace.read_table

    def slow_read(p, **options):
        release.wait(10)
        return real_read(p, **options)

    monkeypatch.setattr(workspace, "read_table", slow_read)
    window.open_file(make_csv())
    view = window.data_view
    assert view.loading and view.load_progress.cancel_button.isVisibleTo(view)
    view.load_progress.cancel_button.click()
    assert not view.loading
    assert view.empty_page.note.isVisibleTo(view) and "cancelled" in view.empty_page.note.text()
    assert not view.load_progress.row.isVisibleTo(view)
    assert not view.empty_page.loading_panel.isVisibleTo(view)
    release.set()
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=20000)
    assert view.loaded is None  # the late result was dropped
