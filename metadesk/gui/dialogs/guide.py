"""Help: a short guide from a file to a prediction, and a glossary of the words metadesk uses."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

GUIDE_HTML = """
<h2>From a table to predictions, in five steps</h2>
<ol>
<li><b>Open a table</b> (File ▸ Open, or drop a file on the window): CSV, Excel, Parquet or ARFF.
The Data tab shows its columns and rows. If letters look wrong, pick another <i>Encoding</i>.</li>
<li><b>Check the target</b>: the column to predict. metadesk guesses it and says which task it makes
(classification or regression). Change a column's role if it should not be used.</li>
<li><b>Add to workspace</b>. metadesk keeps a copy of the table and describes it with
<i>meta-features</i>; from those it suggests which models to try first.</li>
<li><b>Run suggestions</b> on the Suggestions tab (Run top 3 is a good start). Experiments run in the
background; pause or cancel them in the Experiments dock. Every result makes the next suggestions better.</li>
<li><b>Use the best model</b> on the Results tab: predict a new file, export the model, or export a report.</li>
</ol>
"""

GLOSSARY = (
    (
        "Meta-features",
        "Numbers that describe a table as a whole: how many rows and columns, how many classes, how "
        "skewed the numbers are, how well a very simple model does. Tables with similar meta-features "
        "tend to suit the same models.",
    ),
    (
        "Cross-validation",
        "How a model's score is measured honestly: the rows are split into k parts (folds); the model "
        "learns on k−1 of them and is scored on the one left out, k times over. The score shown is the "
        "average, with ± its spread.",
    ),
    (
        "Fold",
        "One of the k parts of the rows in cross-validation. “5-fold” means five parts.",
    ),
    (
        "Interval",
        "The range the predicted score will most likely fall in: an 80% interval misses the measured "
        "score about one time in five. Wide means the meta-model is unsure.",
    ),
    (
        "Regret",
        "How far the best model found so far is from the best one there is. It shrinks as more "
        "suggestions are run; a good meta-model makes it small after few runs.",
    ),
    (
        "Configuration",
        "A model with its settings, such as “Random forest, 500 trees”. The portfolio is the list of "
        "configurations metadesk can run.",
    ),
    (
        "Prior knowledge",
        "Results of past experiments on other tables that ship with metadesk. Your own runs are added "
        "to it and count for more on your tables.",
    ),
    (
        "Workspace",
        "The file where metadesk keeps your tables' copies, their meta-features and every result.",
    ),
)


def glossary_html() -> str:
    items = "".join(f"<dt><b>{term}</b></dt><dd>{text}</dd>" for term, text in GLOSSARY)
    return f"<h2>Glossary</h2><dl>{items}</dl>"


class HelpDialog(QDialog):
    """The guide or the glossary, in a window the user can keep open beside the app."""

    def __init__(self, parent: QWidget | None = None, *, glossary: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Glossary" if glossary else "Quick guide")
        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName(self.windowTitle())
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(glossary_html() if glossary else GUIDE_HTML + glossary_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(620, 560)
