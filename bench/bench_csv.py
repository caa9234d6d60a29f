"""CSV reading: `core.data.csv_reader.read_csv` (everything detected) next to plain `pandas.read_csv`
given the right options, on the same file, interleaved in one run.

    python bench/bench_csv.py [--rows 1000000] [--repeats 3] [--quick]

Two files of `rows` rows x 10 columns (a date column and 9 numbers) are written to a temp
folder: one as Python writes CSV (UTF-8, comma, decimal point, ISO dates), one as European
Excel does (cp1252, semicolon, decimal comma, day-first dates). Plain pandas is told the
encoding, delimiter, decimal and the date column with its format; the reader detects them.
Prints a table of median seconds; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pandas as pd

from core.data.csv_reader import read_csv

FILES = {
    "UTF-8 , . ISO dates": dict(encoding="utf-8", sep=",", decimal=".", date_format="%Y-%m-%d %H:%M:%S"),
    "cp1252 ; , day-first dates": dict(encoding="cp1252", sep=";", decimal=",", date_format="%d/%m/%Y %H:%M"),
}


def write_file(path: Path, rows: int, options: dict) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"date": pd.date_range("2000-01-01", periods=rows, freq="min")})
    frame["sales"] = np.round(100 + np.cumsum(rng.normal(size=rows)), 3)
    for i in range(1, 9):
        frame[f"x{i}"] = np.round(rng.normal(size=rows), 4)
    frame.to_csv(path, index=False, encoding=options["encoding"], sep=options["sep"],
                 decimal=options["decimal"], date_format=options["date_format"])


def plain_pandas(path: Path, options: dict) -> pd.DataFrame:
    return pd.read_csv(path, encoding=options["encoding"], sep=options["sep"], decimal=options["decimal"],
                       parse_dates=["date"], date_format=options["date_format"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="200,000 rows")
    args = parser.parse_args()
    rows = 200_000 if args.quick else args.rows
    print(f"# CSV reading: {rows:,} rows x 10 columns (date + 9 numbers), median of {args.repeats}, interleaved")
    print(f"# {platform.machine()}, {os.cpu_count()} cores, pandas {pd.__version__}")
    print("| file | MB | plain pandas.read_csv s | read_csv with detection s | ratio |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name, options in FILES.items():
            path = Path(folder) / "big.csv"
            write_file(path, rows, options)
            plain, ours = [], []
            for _ in range(args.repeats):
                started = time.perf_counter()
                expected = plain_pandas(path, options)
                plain.append(time.perf_counter() - started)
                started = time.perf_counter()
                loaded = read_csv(path)
                ours.append(time.perf_counter() - started)
            assert loaded.report.date_column == "date" and len(loaded.frame) == len(expected)
            p, o = statistics.median(plain), statistics.median(ours)
            print(f"| {name} | {path.stat().st_size / 2**20:.0f} | {p:.2f} | {o:.2f} | {o / p:.2f} |", flush=True)


if __name__ == "__main__":
    main()
