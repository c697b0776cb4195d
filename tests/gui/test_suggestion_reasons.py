"""The Why cell leads with what differs between suggestions and calls datasets by plain names; the
detail pane never breaks a word in a narrow pane."""

from __future__ import annotations

from metadesk.gui.views.suggestion_model import full_reason, short_reason, suggestion_html
from metadesk.metamodel.values import Evidence, Suggestion
from metadesk.portfolio import get_configuration


def _suggestion(config_id: str, scores: tuple[float, float]) -> Suggestion:
    evidence = (
        Evidence("a", "sklearn-breast_cancer", 1.0, scores[0]),
        Evidence("b", "keel-wdbc", 0.8, scores[1]),
    )
    return Suggestion(
        configuration=get_configuration(config_id),
        rank=1,
        metric="accuracy",
        predicted=0.95,
        low=0.93,
        high=0.97,
        evidence=evidence,
    )


def test_why_cells_differ_from_their_first_words():
    one = short_reason(_suggestion("logreg:C=1", (0.960, 0.954)))
    two = short_reason(_suggestion("knn:n_neighbors=5", (0.931, 0.950)))
    assert one.split()[0] != two.split()[0]
    assert one == "0.960 / 0.954 on Breast cancer, Wdbc"
    assert "keel-" not in one and "sklearn-" not in one


def test_tooltip_and_detail_name_the_source_apart():
    s = _suggestion("logreg:C=1", (0.960, 0.954))
    tip = full_reason(s)
    assert "Breast cancer (scikit-learn), similarity 1.00" in tip
    html = suggestion_html(s)
    assert "sklearn-breast_cancer" not in html and "keel-wdbc" not in html
    assert "Breast cancer" in html and "source: KEEL repository" in html
    assert "<table" not in html.split("Settings")[0]  # the evidence is a list: no broken words
