"""Exported models carry a model card and come back: opened with their types checked, then used
to predict a new table."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest
from inline_executor import InlineExecutor

from metadesk.experiments.spec import Protocol
from metadesk.workspace.models import CARD_ENTRY, ModelFileProblem

LOGREG = "logreg:C=1"


@pytest.fixture
def exported(workspace, dataset_id, tmp_path):
    workspace.queue(dataset_id, [LOGREG], protocol=Protocol(folds=3, time_limit_s=60))
    workspace.start(InlineExecutor())
    assert workspace.wait(60)
    workspace.stop()
    return workspace.export_model(dataset_id, LOGREG, tmp_path / "model.skops")


def test_an_exported_model_carries_its_card(workspace, dataset_id, exported):
    card = json.loads(zipfile.ZipFile(exported).read(CARD_ENTRY))
    assert card["data"]["name"] == "tiny" and card["data"]["rows"] == 60
    assert card["target"] == "y" and card["task_type"] == "binary"
    assert card["metric"] == "accuracy"
    [run] = workspace.experiments(dataset_id)
    assert card["score"] == pytest.approx(run.result.mean["accuracy"])
    assert card["created"][:2] == "20" and card["metadesk_version"]
    assert [c for c, _ in card["features"]] == ["a", "b", "colour"]
    assert "Model card" in zipfile.ZipFile(exported).read("model_card.md").decode()


def test_an_opened_model_predicts_like_the_fitted_one(
    workspace, dataset_id, exported, tiny_csv, tmp_path
):
    model = workspace.open_model(exported)
    assert "Logistic regression, C 1 predicting 'y'" in model.summary()
    assert all(t.startswith(("sklearn.", "metadesk.", "numpy.")) for t in model.types)
    new = tmp_path / "new.csv"
    pd.read_csv(tiny_csv).drop(columns=["y"]).head(12).to_csv(new, index=False)
    again = pd.read_csv(workspace.predict_with_model(exported, new, tmp_path / "again.csv"))
    fresh = pd.read_csv(workspace.predict_file(dataset_id, LOGREG, new, tmp_path / "fresh.csv"))
    assert list(again["predicted y"]) == list(fresh["predicted y"])
    assert "probability of yes" in again.columns


def test_a_model_needing_untrusted_code_is_refused(tmp_path):
    import skops.io as sio
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / "evil.skops"
    sio.dump(make_pipeline(FunctionTransformer(func=eval)), path)
    from metadesk.workspace.models import open_model

    with pytest.raises(ModelFileProblem, match=r"does not trust: builtins\.eval"):
        open_model(path)


def test_a_file_that_is_not_a_model_is_a_plain_error(workspace, tmp_path):
    path = tmp_path / "notes.skops"
    path.write_text("not a model")
    with pytest.raises(ModelFileProblem, match="not a model file"):
        workspace.open_model(path)


def test_a_table_without_the_models_columns_is_a_plain_error(workspace, exported, tmp_path):
    from metadesk.errors import TaskProblem

    new = tmp_path / "partial.csv"
    pd.DataFrame({"a": [1.0, 2.0]}).to_csv(new, index=False)
    with pytest.raises(TaskProblem, match="lacks 2 column"):
        workspace.predict_with_model(exported, new, tmp_path / "out.csv")
