"""CSV reading: `core.data.csv_reader.read_csv` (everything detected) next to plain `pandas.read_csv`
given the right options, on the same file, interleaved in one run.

    python bench/bench_csv.py [--rows 1000000] [--xlsx-rows 100000] [--repeats 3] [--quick]

Two files of `rows` rows x 10 columns (a date column and 9 numbers) are written to a temp
folder: one as Python writes CSV (UTF-8, comma, decimal point, ISO dates), one as European
Excel does (cp1252, semicolon, decimal comma, day-first dates). Plain pandas is told the
encoding, delimiter, decimal and the date column with its format; the reader detects them.
Then the same table as an .xlsx of `xlsx-rows` rows (written by openpyxl; a million-row workbook
takes minutes to write and is at Excel's row limit): `core.data.reader.read_table` next to
`pandas.read_excel(engine="calamine")`, the engine underneath. Prints tables of median seconds;
nothing is asserted.
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
from core.data.reader import read_table

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


def write_workbook(path: Path, rows: int) -> None:
    import openpyxl

    rng = np.random.default_rng(0)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(["date", "sales", *[f"x{i}" for i in range(1, 9)]])
    dates = pd.date_range("2000-01-01", periods=rows, freq="min").to_pydatetime()
    sales = np.round(100 + np.cumsum(rng.normal(size=rows)), 3)
    xs = np.round(rng.normal(size=(rows, 8)), 4)
    for i in range(rows):
        sheet.append([dates[i], float(sales[i]), *xs[i].tolist()])
    book.save(path)


def bench_workbook(folder: Path, rows: int, repeats: int) -> None:
    print()
    print(f"# .xlsx reading: {rows:,} rows x 10 columns (date cells + 9 numbers), median of {repeats}, interleaved")
    print("| file | MB | pandas.read_excel(calamine) s | read_table with detection s | ratio | rows/s |")
    print("|---|---|---|---|---|---|")
    path = folder / "big.xlsx"
    write_workbook(path, rows)
    plain, ours = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        expected = pd.read_excel(path, engine="calamine")
        plain.append(time.perf_counter() - started)
        started = time.perf_counter()
        loaded = read_table(path)
        ours.append(time.perf_counter() - started)
    assert loaded.report.date_column == "date" and len(loaded.frame) == len(expected)
    p, o = statistics.median(plain), statistics.median(ours)
    print(f"| xlsx, openpyxl-written | {path.stat().st_size / 2**20:.1f} | {p:.2f} | {o:.2f} | {o / p:.2f} | "
          f"{rows / o:,.0f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
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
        bench_workbook(Path(folder), 20_000 if args.quick else args.xlsx_rows, args.repeats)


if __name__ == "__main__":
    main()
