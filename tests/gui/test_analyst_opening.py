"""Opening files as a first-time analyst does: a wrong guess of the encoding can be corrected in
the Data tab, and a file that fails to open leaves the current dataset exactly as it was."""

from __future__ import annotations

from metadesk.gui.views.data_loading import encoding_label


def _open(qtbot, window, path):
    window.open_file(path)
    qtbot.waitUntil(lambda: window.data_view.task is not None, timeout=20000)
    return window.data_view


def _add(qtbot, window, path) -> str:
    view = _open(qtbot, window, path)
    with qtbot.waitSignal(view.dataset_added, timeout=30_000):
        view.task_bar.add_button.click()
    qtbot.waitUntil(lambda: window.dataset_list.currentIndex().row() >= 0, timeout=20_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=60_000)  # meta-features done
    return window.dataset_id


def test_the_encoding_can_be_chosen_and_the_file_is_read_again(qtbot, window, tmp_path):
    # Polish text from Windows-1250, read as Windows-1252 by default: "Łódź" shows as "£ódŸ".
    rows = ["miasto;kwota;klasa"] + [f"Łódź;{i},5;{'tak' if i % 2 else 'nie'}" for i in range(40)]
    path = tmp_path / "miasta.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1250"))
    view = _open(qtbot, window, path)
    combo = view.heading.encoding_combo
    assert combo.isVisibleTo(view)
    assert combo.currentText() == f"{encoding_label('cp1252')} (detected)"
    assert view.frame_model.index(0, 0).data() == "£ódŸ"

    index = combo.findData("cp1250")
    assert index > 0
    combo.setCurrentIndex(index)
    first = view.loaded
    combo.activated.emit(index)
    qtbot.waitUntil(lambda: view.loaded is not first and view.task is not None, timeout=20000)
    assert view.frame_model.index(0, 0).data() == "Łódź"
    assert view.heading.encoding_combo.currentData() == "cp1250"
    assert view.loaded.report.encoding == "cp1250"


def test_a_failed_open_leaves_the_current_dataset_as_it_was(qtbot, window, make_csv, tmp_path):
    window.bridge.show_error_dialogs = False
    dataset_id = _add(qtbot, window, make_csv("customers.csv"))
    window.other_views["Suggestions"].ensure()
    suggestions = window.other_views["Suggestions"].view
    assert suggestions.dataset_id == dataset_id

    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)  # a zip file named .csv
    with qtbot.waitSignal(window.bridge.unhandled_error, timeout=20_000):
        window.open_file(bad)
    qtbot.waitUntil(lambda: not window.data_view.loading, timeout=20_000)

    assert window.dataset_id == dataset_id
    assert suggestions.dataset_id == dataset_id
    assert window.other_views["Results"].dataset_id == dataset_id
    assert window.data_view.dataset_id == dataset_id
    assert window.data_view.frame_model.rowCount() == 60
    selected = window.dataset_list.selectionModel().selectedIndexes()
    assert [i.row() for i in selected] == [window.dataset_model.row_of(dataset_id)]
    assert window.menus.remove_action.isEnabled()


def test_the_other_tabs_say_the_next_step_and_take_it(qtbot, window, make_csv):
    view = _open(qtbot, window, make_csv("customers.csv"))
    suggestions = window.other_views["Suggestions"]
    window.tabs.setCurrentWidget(suggestions)
    bar = suggestions.next_step
    assert bar.isVisible()
    assert "customers.csv" in bar.label.text() and "not in your workspace" in bar.label.text()
    assert bar.button.text().replace("&", "") == "Add to workspace"
    assert window.other_views["Results"].next_step.isVisibleTo(window.other_views["Results"])

    with qtbot.waitSignal(view.dataset_added, timeout=30_000):
        bar.button.click()
    assert not bar.isVisibleTo(suggestions)
    qtbot.waitUntil(lambda: window.dataset_list.currentIndex().row() >= 0, timeout=20_000)
    assert suggestions.view.dataset_id == window.dataset_id
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=60_000)


def test_the_last_dataset_is_selected_again_after_a_restart(
    qtbot, window, workspace, app_settings, make_csv
):
    frame, _report = workspace.read_table(make_csv())
    info = workspace.add_dataset(workspace.make_task(frame, "churn", name="stored"))
    app_settings.last_dataset = info.dataset_id
    window.set_workspace(workspace)  # what a restart does once the workspace is open
    qtbot.waitUntil(lambda: window.dataset_id == info.dataset_id, timeout=20_000)
    assert window.stack.currentWidget() is window.tabs
    qtbot.waitUntil(lambda: window.data_view.dataset_id == info.dataset_id, timeout=20_000)


def test_selecting_a_dataset_remembers_it(qtbot, window, workspace, app_settings, make_csv):
    frame, _report = workspace.read_table(make_csv())
    info = workspace.add_dataset(workspace.make_task(frame, "churn", name="stored"))
    window.refresh_datasets()
    qtbot.waitUntil(lambda: window.dataset_model.rowCount() == 1)
    window.dataset_list.setCurrentIndex(window.dataset_model.index(0))
    qtbot.waitUntil(lambda: window.data_view.dataset_id == info.dataset_id, timeout=20_000)
    assert app_settings.last_dataset == info.dataset_id


def test_a_failed_open_from_the_welcome_screen_goes_back_to_it(qtbot, window, tmp_path):
    window.bridge.show_error_dialogs = False
    assert window.stack.currentWidget() is window.welcome
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)
    with qtbot.waitSignal(window.bridge.unhandled_error, timeout=20_000):
        window.open_file(bad)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.welcome, timeout=10_000)
