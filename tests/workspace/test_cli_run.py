"""`metadesk run` and `metadesk experiments` as a user types them."""

from __future__ import annotations

from metadesk.cli import main


def test_run_shows_progress_and_a_results_table_then_reuses_results(
    tiny_csv, workspace_path, capsys
):
    argv = ["--workspace", str(workspace_path), "run", str(tiny_csv), "--target", "y"]
    configs = ["--configs", "logreg:C=1,tree:max_depth=3,min_samples_leaf=1", "--folds", "3"]
    assert main([*argv, *configs, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "2 experiments (0 already done)" in out
    assert "[1/2] ok" in out and "[2/2] ok" in out  # one line per experiment when not a terminal
    assert "Results (Accuracy, higher is better)" in out
    assert "Logistic regression, C 1" in out and "Decision tree, depth 3" in out

    assert main([*argv, *configs]) == 0  # nothing to run: the finished results are reused
    again = capsys.readouterr().out
    assert "2 experiments (2 already done)" in again and "[1/2]" not in again

    assert main(["--workspace", str(workspace_path), "experiments", "--status", "ok"]) == 0
    listing = capsys.readouterr().out
    assert listing.count(" ok ") == 2 and "2 ok" in listing


def test_an_unknown_configuration_is_a_plain_error(tiny_csv, workspace_path, capsys):
    argv = ["--workspace", str(workspace_path), "run", str(tiny_csv), "--target", "y"]
    assert main([*argv, "--configs", "nonsense:x=1"]) == 2
    assert "no configuration 'nonsense:x=1'" in capsys.readouterr().err


def test_experiments_on_an_empty_workspace(workspace_path, capsys):
    assert main(["--workspace", str(workspace_path), "experiments"]) == 0
    assert "No experiments." in capsys.readouterr().out
