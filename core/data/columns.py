"""Which column to offer first as the target: never one that only numbers the rows."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# names people and spreadsheets give a column that counts rows
INDEX_NAMES = {"", "index", "idx", "id", "no", "nr", "num", "number", "n", "#", "row", "rownum",
               "row_number", "t", "time_index", "序号", "编号"}
UNNAMED = re.compile(r"^(unnamed: ?\d+|column_\d+|level_\d+)$", re.IGNORECASE)


# words that name a clock, in a column's name ("t_half_seconds", "elapsed_ms", "时间")
TIME_WORDS = {"time", "timestamp", "elapsed", "seconds", "second", "sec", "secs", "ms", "minutes", "minute",
              "mins", "hours", "hour", "时间", "秒"}


def is_index_like(name: str, values: pd.Series | np.ndarray) -> bool:
    """True for pandas' "Unnamed: 0" (a saved index), for strictly increasing integers under a name
    like an index ("id", "t", "No."), and for an evenly spaced clock under a time word ("t_half_seconds":
    0, 1, 2...): forecasting the row number or the clock is perfect and useless."""
    text = str(name).strip()
    if text.lower().startswith("unnamed:"):
        return True
    key = text.lower().rstrip(".").strip()
    clock = bool(TIME_WORDS & set(re.split(r"[^0-9a-z\u4e00-\u9fff]+", key)))
    if not (UNNAMED.match(text) or key in INDEX_NAMES or clock):
        return False
    array = np.asarray(values, dtype=np.float64)
    if len(array) < 2 or not np.isfinite(array).all():
        return False
    steps = np.diff(array)
    if clock and not (UNNAMED.match(text) or key in INDEX_NAMES):
        return bool(np.all(steps > 0) and np.allclose(steps, steps[0]))
    return bool(np.all(array == np.round(array)) and np.all(steps > 0))


def target_candidates(frame: pd.DataFrame, numeric_columns: list[str]) -> list[str]:
    """The numeric columns worth forecasting: not a row number or a clock (all of them if none is)."""
    useful = [n for n in numeric_columns if n in frame.columns and not is_index_like(n, frame[n])]
    return useful or list(numeric_columns)


def default_target(frame: pd.DataFrame, numeric_columns: list[str]) -> str:
    """The first numeric column that is not index-like (the first numeric one if all are)."""
    for name in numeric_columns:
        if name in frame.columns and not is_index_like(name, frame[name]):
            return name
    return numeric_columns[0] if numeric_columns else ""
