"""The bundled samples load and define the tasks the welcome screen promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from metadesk.data import make_task, read_table, suggest_target

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


@pytest.mark.parametrize(
    ("name", "target", "task_type", "rows"),
    [
        ("iris.csv", "species", "multiclass", 150),
        ("wine.csv", "cultivar", "multiclass", 178),
        ("breast_cancer.csv", "diagnosis", "binary", 569),
        ("diabetes.csv", "disease_progression", "regression", 442),
    ],
)
def test_sample_defines_its_task(name, target, task_type, rows):
    frame, report = read_table(SAMPLES / name)
    assert report.notes == ()
    assert suggest_target(frame) == target
    task = make_task(frame, target, source_path=SAMPLES / name)
    assert (task.task_type, task.n_rows, task.excluded) == (task_type, rows, {})
