"""Regenerate the bundled sample tables from scikit-learn's own copies of four classic datasets.

Run from the repository root: `.venv/bin/python resources/samples/make_samples.py`. Output is
deterministic (no randomness), so re-running it leaves the CSV files unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine

HERE = Path(__file__).resolve().parent

# The diabetes study's six blood serum measurements, named as in Efron et al. (2004).
DIABETES_NAMES = {
    "s1": "total_cholesterol",
    "s2": "ldl_cholesterol",
    "s3": "hdl_cholesterol",
    "s4": "cholesterol_hdl_ratio",
    "s5": "log_triglycerides",
    "s6": "blood_sugar",
    "bp": "blood_pressure",
}


def snake(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def iris() -> pd.DataFrame:
    data = load_iris()
    frame = pd.DataFrame(
        data.data, columns=[snake(n.replace(" (cm)", "_cm")) for n in data.feature_names]
    )
    frame["species"] = [data.target_names[i] for i in data.target]
    return frame


def wine() -> pd.DataFrame:
    data = load_wine()
    names = [
        snake(n).replace("od280_od315_of_diluted_wines", "od280_od315") for n in data.feature_names
    ]
    frame = pd.DataFrame(data.data, columns=names)
    frame["cultivar"] = [f"cultivar_{i + 1}" for i in data.target]
    return frame


def breast_cancer() -> pd.DataFrame:
    data = load_breast_cancer()
    frame = pd.DataFrame(data.data, columns=[snake(n) for n in data.feature_names])
    frame["diagnosis"] = [data.target_names[i] for i in data.target]
    return frame


def diabetes() -> pd.DataFrame:
    data = load_diabetes(scaled=False)
    frame = pd.DataFrame(data.data, columns=[DIABETES_NAMES.get(n, n) for n in data.feature_names])
    frame["age"] = frame["age"].astype(int)
    frame["sex"] = frame["sex"].map({1.0: "group_1", 2.0: "group_2"})
    frame["disease_progression"] = data.target.astype(int)
    return frame


SAMPLES = {
    "iris.csv": iris,
    "wine.csv": wine,
    "breast_cancer.csv": breast_cancer,
    "diabetes.csv": diabetes,
}


def main() -> None:
    for name, build in SAMPLES.items():
        frame = build()
        frame.to_csv(HERE / name, index=False, float_format="%.6g", lineterminator="\n")
        print(f"{name}: {frame.shape[0]} rows x {frame.shape[1]} columns")


if __name__ == "__main__":
    main()
