"""`metadesk run` and `metadesk experiments` as a user types them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from metadesk.cli import main
from metadesk.cli.run import parse_configs


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


@given(
    st.lists(
        st.builds(
            lambda algo, params: f"{algo}:" + ",".join(f"{k}={v}" for k, v in params.items()),
            st.from_regex(r"[a-z_]{1,10}", fullmatch=True),
            st.dictionaries(
                st.from_regex(r"[a-z_]{1,8}", fullmatch=True),
                st.from_regex(r"[a-z0-9.]{1,6}", fullmatch=True),
                min_size=1,
                max_size=3,
            ),
        ),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from([",", ", ", ";", " "]),
)
def test_configuration_lists_split_back_into_their_ids(ids, separator):
    assert parse_configs(separator.join(ids)) == ids


def test_an_unreachable_scheduler_is_reported_and_the_queue_kept(tiny_csv, workspace_path, capsys):
    argv = ["--workspace", str(workspace_path), "run", str(tiny_csv), "--target", "y"]
    code = main([*argv, "--configs", "logreg:C=1", "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    assert "cannot be reached" in capsys.readouterr().err
    assert main(["--workspace", str(workspace_path), "experiments", "--status", "queued"]) == 0
    assert "Logistic regression, C 1" in capsys.readouterr().out
