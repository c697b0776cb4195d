"""Writing a prediction file in the input's dialect against pandas' plain `to_csv`, same run.

Builds a prediction frame (default 200,000 rows: 4 floats with missing cells, 2 integers with
missing cells, 2 text columns, a date column, a predicted class and two probabilities), then times
best-of-3 writes of metadesk's dialect writer (semicolon, decimal comma, d.m.Y dates, Windows-1252)
and of `DataFrame.to_csv` (comma, point, ISO dates, UTF-8). Prints one JSON object.
Usage: python benchmarks/bench_prediction_writer.py [--rows 200000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from metadesk.workspace.prediction_output import OutputDialect, typed_for_output, write_csv


def prediction_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {}
    for i in range(4):
        values = rng.normal(1000 * (i + 1), 300, rows).round(2)
        values[rng.random(rows) < 0.03] = np.nan
        data[f"amount_{i}"] = values
    for i in range(2):
        values = rng.integers(0, 100, rows).astype(float)
        values[rng.random(rows) < 0.03] = np.nan  # read as floats, written back as integers
        data[f"count_{i}"] = values
    regions = np.array(["Süd", "Nord", "Köln-Mülheim", "Westfalen"], dtype=object)
    data["region"] = regions[rng.integers(0, 4, rows)]
    data["note"] = np.array([f"Kunde {i}" for i in range(rows)], dtype=object)
    data["date"] = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), "D")
    proba = rng.random(rows)
    data["predicted churn"] = np.where(proba > 0.5, "ja", "nein")
    data["probability of ja"] = proba
    data["probability of nein"] = 1 - proba
    return pd.DataFrame(data)


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    frame = prediction_frame(args.rows)
    dialect = OutputDialect(
        delimiter=";", decimal=",", encoding="cp1252", line_end="\r\n",
        date_formats={"date": "%d.%m.%Y"},
    )  # fmt: skip
    probabilities = ["probability of ja", "probability of nein"]
    with tempfile.TemporaryDirectory() as folder:
        ours_path, plain_path = Path(folder) / "ours.csv", Path(folder) / "plain.csv"

        def ours() -> None:
            typed = typed_for_output(frame, probabilities, "predicted churn")
            write_csv(typed, ours_path, dialect)

        def plain() -> None:
            frame.to_csv(plain_path, index=False, encoding="utf-8")

        ours_s = best_of(args.repeats, ours)
        plain_s = best_of(args.repeats, plain)
        size = ours_path.stat().st_size
    print(
        json.dumps(
            {
                "figure": "prediction file in the input's dialect, seconds (best of repeats)",
                "metadesk_dialect_writer_s": round(ours_s, 3),
                "baseline_pandas_to_csv_s": round(plain_s, 3),
                "ratio": round(ours_s / plain_s, 2),
                "rows": args.rows,
                "columns": frame.shape[1],
                "bytes_written": size,
                "cores": os.cpu_count(),
                "python": platform.python_version(),
                "pandas": pd.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
