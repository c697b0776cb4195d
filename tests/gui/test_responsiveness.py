"""The GUI process never extracts meta-features: the window's workspace computes them in a child
process (so no C code can hold the GUI thread's interpreter lock), stopped when the window closes."""

from __future__ import annotations

import multiprocessing

import pytest

import metadesk.metafeatures as mf


def _children() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "metadesk-metafeatures"]


@pytest.fixture
def no_extraction_here(monkeypatch):
    """Extraction in this (the GUI's) process fails the test; the spawned child is unaffected."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("meta-features were extracted in the GUI process")

    monkeypatch.setattr(mf, "extract_meta_features", refuse)


def test_a_table_added_in_the_window_gets_its_meta_features_from_a_child_process(
    qtbot, window, workspace, make_csv, no_extraction_here
):
    window.bridge.show_error_dialogs = False
    errors = []
    window.bridge.unhandled_error.connect(errors.append)
    window.data_view.open_file(make_csv("sales.csv"))
    qtbot.waitUntil(lambda: window.data_view.task is not None, timeout=30_000)
    with qtbot.waitSignal(window.data_view.dataset_added, timeout=30_000) as added:
        window.data_view.task_bar.add_button.click()
    dataset_id = added.args[0].dataset_id

    qtbot.waitUntil(
        lambda: bool(workspace.store.stored_meta_features(dataset_id)[1]) or bool(errors),
        timeout=120_000,
    )
    assert errors == []
    version, records = workspace.store.stored_meta_features(dataset_id)
    assert version == mf.METAFEATURES_VERSION
    assert any(r["status"] == "computed" for r in records)
    assert len(_children()) == 1

    window.close()
    assert _children() == []  # closing the window stops it


def test_closing_the_window_while_meta_features_compute_stops_at_once(
    qtbot, window, workspace, make_csv, no_extraction_here
):
    frame, _ = workspace.read_table(make_csv("orders.csv"))
    dataset_id = workspace.add_dataset(
        workspace.make_task(frame, "churn", name="orders")
    ).dataset_id
    delivered, failed = [], []
    handle = window.bridge.call(
        lambda: workspace.meta_features(dataset_id), delivered.append, failed.append
    )
    qtbot.waitUntil(lambda: bool(_children()), timeout=30_000)  # the child is loading pandas

    window.close()
    assert _children() == []
    assert handle.done and delivered == [] and failed == []  # dropped, no error dialog
    from metadesk.workspace import Workspace

    with Workspace.open(workspace.path, prior_dir=False) as again:  # nothing half-stored
        assert again.store.stored_meta_features(dataset_id)[1] == []
