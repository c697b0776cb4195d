"""`metadesk inspect` prints the report and the task, or a plain message with exit code 2."""

from __future__ import annotations

import json

from metadesk.cli import main


def test_inspect_text_report(tmp_path, mixed_frame, capsys):
    path = tmp_path / "customers.csv"
    mixed_frame.to_csv(path, index=False)
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "customers.csv: 40 rows x 7 columns (csv)" in out
    assert "Target (suggested): churn" in out
    assert "task type: binary" in out
    assert "not used: customer_id looks like a row identifier" in out


def test_inspect_json_with_a_target(tmp_path, mixed_frame, capsys):
    path = tmp_path / "customers.csv"
    mixed_frame.to_csv(path, index=False)
    assert main(["inspect", str(path), "--target", "age", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["report"]["rows"] == 40
    assert data["report"]["delimiter"] == ","
    roles = {c["name"]: c["role"] for c in data["report"]["column_reports"]}
    assert roles["member"] == "boolean"
    assert data["task"]["target"] == "age"
    assert data["task"]["task_type"] == "regression"
    assert "customer_id" in data["task"]["excluded"]


def test_inspect_bad_file_exits_2_with_a_plain_message(tmp_path, capsys):
    assert main(["inspect", str(tmp_path / "missing.csv")]) == 2
    err = capsys.readouterr().err
    assert "missing.csv was not found" in err
    assert "Traceback" not in err


def test_inspect_bad_target_exits_2(tmp_path, mixed_frame, capsys):
    path = tmp_path / "customers.csv"
    mixed_frame.to_csv(path, index=False)
    assert main(["inspect", str(path), "--target", "nope"]) == 2
    assert "no column named 'nope'" in capsys.readouterr().err


def test_inspect_reads_with_the_encoding_given(tmp_path, capsys):
    path = tmp_path / "miasta.csv"
    rows = ["miasto;kwota;klasa"] + [f"Łódź;{i},5;{'tak' if i % 2 else 'nie'}" for i in range(20)]
    path.write_bytes("\n".join(rows).encode("cp1250"))
    assert main(["inspect", str(path), "--encoding", "cp1250", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["report"]["encoding"] == "cp1250"
