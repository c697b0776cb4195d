"""The report says which cleaning steps were applied and which model Predict and Export use."""

from __future__ import annotations

import numpy as np
import pandas as pd
from inline_executor import InlineExecutor

from metadesk.experiments.spec import Protocol
from metadesk.workspace import Workspace


def test_the_report_names_the_cleaning_and_the_model(tmp_path):
    rng = np.random.default_rng(0)
    n = 60
    frame = pd.DataFrame(
        {
            "customer_id": range(n),  # an identifier: left out, and the report says so
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
        }
    )
    frame["y"] = np.where(frame["a"] + rng.normal(scale=0.3, size=n) > 0, "yes", "no")
    source = tmp_path / "customers.csv"
    frame.to_csv(source, index=False)
    ws = Workspace.open(tmp_path / "ws.sqlite", prior_dir=False)
    try:
        loaded, _ = ws.read_table(source)
        dataset_id = ws.add_dataset(ws.make_task(loaded, "y", name="customers")).dataset_id
        ws.queue(dataset_id, ["logreg:C=1"], protocol=Protocol(folds=2))
        ws.start(InlineExecutor())
        assert ws.wait(120)
        text = ws.export_report(dataset_id, tmp_path / "report.html").read_text(encoding="utf-8")
    finally:
        ws.close()
    assert "Cleaning" in text and "customer_id" in text and "not used" in text
    assert "median imputation" in text
    assert "Model to use" in text and "Logistic regression" in text
