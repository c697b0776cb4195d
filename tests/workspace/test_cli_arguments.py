"""Arguments a user can get wrong are refused up front, in plain words, never with a traceback."""

from __future__ import annotations

import pytest

from metadesk.cli import main


def _refused(argv: list[str], capsys) -> str:
    """The command exits with status 2 and a message, no traceback, no work done."""
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--metric", "nonsense"], "'nonsense' is not a metric; use one of: accuracy"),
        (["--folds", "0"], "cross-validation needs at least 2 folds, not 0"),
        (["--folds", "1"], "cross-validation needs at least 2 folds, not 1"),
        (["--folds", "-3"], "cross-validation needs at least 2 folds, not -3"),
        (["--folds", "x"], "'x' is not a whole number of folds"),
        (["--time-limit", "0"], "the time limit must be a number of seconds above 0, not 0"),
        (["--time-limit", "nan"], "the time limit must be a number of seconds above 0"),
        (["--workers", "0"], "the number of workers must be at least 1, not 0"),
        (["--top", "0"], "the number of rows must be at least 1, not 0"),
    ],
)
def test_run_refuses_bad_arguments_before_any_work(tiny_csv, workspace_path, capsys, extra, said):
    # Before: --metric nonsense ran every experiment, then failed with KeyError; --time-limit 0
    # meant no limit at all.
    argv = ["--workspace", str(workspace_path), "run", str(tiny_csv), "--target", "y"]
    assert said in _refused([*argv, *extra], capsys)
    assert not workspace_path.exists()  # refused before the workspace was even opened


def test_a_regression_metric_on_a_classification_is_refused(tiny_csv, workspace_path, capsys):
    argv = ["--workspace", str(workspace_path), "run", str(tiny_csv), "--target", "y"]
    assert main([*argv, "--metric", "r2", "--configs", "logreg:C=1"]) == 2
    err = capsys.readouterr().err
    assert "'r2' is not a metric for this classification task (binary)" in err
    assert main(["--workspace", str(workspace_path), "experiments"]) == 0
    assert "No experiments." in capsys.readouterr().out  # nothing was queued


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--top", "0"], "the number of suggestions must be at least 1, not 0"),
        (["--metric", "nonsense"], "'nonsense' is not a metric"),
    ],
)
def test_suggest_refuses_bad_arguments(tiny_csv, workspace_path, capsys, extra, said):
    # Before: --top 0 said "nothing left to suggest"; --metric nonsense was silently ignored.
    argv = ["--workspace", str(workspace_path), "suggest", str(tiny_csv), "--target", "y"]
    assert said in _refused([*argv, *extra], capsys)


def test_suggest_refuses_a_metric_of_the_other_task_type(tiny_csv, workspace_path, capsys):
    argv = ["--workspace", str(workspace_path), "suggest", str(tiny_csv), "--target", "y"]
    assert main([*argv, "--metric", "rmse"]) == 2
    assert "'rmse' is not a metric for this classification task" in capsys.readouterr().err


def test_evaluate_refuses_zero_folds(capsys):
    assert "at least 2 folds, not 0" in _refused(["evaluate", "--folds", "0"], capsys)


def test_knowledge_export_onto_a_file_is_refused(workspace_path, tmp_path, capsys):
    target = tmp_path / "report.csv"
    target.write_text("keep me")
    assert main(["--workspace", str(workspace_path), "knowledge", "export", str(target)]) == 2
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and "Traceback" not in err
    assert target.read_text() == "keep me"


def test_a_snapshots_file_in_the_way_is_a_plain_message(tiny_csv, workspace_path, capsys):
    workspace_path.parent.mkdir(parents=True, exist_ok=True)
    (workspace_path.parent / "snapshots").write_text("not a folder")
    argv = ["--workspace", str(workspace_path), "run", str(tiny_csv), "--target", "y"]
    assert main([*argv, "--configs", "logreg:C=1"]) == 2
    err = capsys.readouterr().err
    assert "snapshots is a file" in err and "Traceback" not in err


def test_column_names_with_terminal_escapes_are_printed_plain(tmp_path, capsys):
    # Before: the escapes went to the terminal raw (retitling and clearing it).
    path = tmp_path / "escapes.csv"
    path.write_text("a,\x1b]0;pwned\x07b\x1b[2J,y\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n")
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "]0;pwnedb[2J" in out  # the name is still shown, without its control characters


def test_an_unexpected_error_is_one_plain_line(monkeypatch, workspace_path, capsys):
    import metadesk.cli.run as run_module

    def broken(args):
        raise KeyError("boom")

    monkeypatch.setattr(run_module, "experiments_command", broken)
    assert main(["--workspace", str(workspace_path), "experiments"]) == 1
    err = capsys.readouterr().err
    assert "something went wrong that metadesk did not expect (KeyError" in err
    assert "Traceback" not in err


def test_a_scheduler_that_times_out_prints_no_traceback_at_exit(tiny_csv, workspace_path):
    # Before: after the plain message, Client.__del__ printed a TimeoutError traceback at exit.
    import os
    import subprocess
    import sys

    argv = ["--workspace", str(workspace_path), "run", str(tiny_csv), "--target", "y"]
    scheduler = ["--scheduler", "tcp://10.255.255.1:8786"]  # a non-routable address: times out
    proc = subprocess.run(
        [sys.executable, "-m", "metadesk", *argv, "--configs", "logreg:C=1", *scheduler],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "cannot be reached" in proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
