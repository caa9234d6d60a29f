"""A backtest marks the actual values the reader filled in, and says which folds are scored against them
(issue 27 N8: they were scored as if measured, silently)."""

import json

import numpy as np
import pandas as pd

from tests.factories import run_cli


def test_filled_actuals_are_marked_in_the_csv_and_named_in_the_notes(tmp_path):
    rows = 80
    t = np.arange(rows)
    values = 100 + 10 * np.sin(2 * np.pi * t / 12) + 0.5 * t
    frame = pd.DataFrame({"date": pd.date_range("2015-01-01", periods=rows, freq="MS"), "sales": values})
    gaps = [rows - 5, rows - 2]  # inside the last folds' forecast rows
    frame["sales"] = frame["sales"].astype(object)
    frame.loc[gaps, "sales"] = ""
    path = tmp_path / "gaps.csv"
    frame.to_csv(path, index=False)
    out = run_cli("backtest", path, "--target", "sales", "--horizon", "3", "--epochs", "1", "--ensemble", "1",
                  "--folds", "3", "--out", tmp_path / "out")
    assert out.returncode == 0, out.stderr
    table = pd.read_csv(tmp_path / "out" / "backtest.csv")
    filled_times = set(table.loc[table["filled"], "time"])
    expected = {str(d.date()) for d in frame.loc[gaps, "date"]}
    assert filled_times == expected  # exactly the two filled rows, none of the measured ones
    notes = json.loads((tmp_path / "out" / "backtest.json").read_text())["notes"]
    assert any("2 actual values the folds are scored against were filled in while reading" in n
               and all(time in n for time in expected) for n in notes)
