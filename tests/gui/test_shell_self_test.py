"""`metadesk --self-test`: the installed app's own check passes, and fails loudly when a step fails."""

from __future__ import annotations

import pytest

from metadesk.gui.self_test import run_self_test


def test_startup_only_shows_the_window(qtbot):
    assert run_self_test(startup_only=True) == 0


def test_a_missing_sample_fails_with_a_message(qtbot, tmp_path, caplog):
    missing = tmp_path / "nowhere.csv"
    assert run_self_test(str(tmp_path / "ws.sqlite"), sample=missing) == 1
    assert "FAILED: loading the sample nowhere.csv" in caplog.text


@pytest.mark.slow
def test_full_self_test_runs_a_real_experiment(qtbot, tmp_path, make_csv):
    sample = make_csv("sample.csv", n=80)
    assert run_self_test(str(tmp_path / "ws.sqlite"), sample=sample) == 0
