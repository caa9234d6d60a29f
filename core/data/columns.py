"""Which column to offer first as the target: never one that only numbers the rows."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# names people and spreadsheets give a column that counts rows
INDEX_NAMES = {"", "index", "idx", "id", "no", "nr", "num", "number", "n", "#", "row", "rownum",
               "row_number", "t", "time_index", "序号", "编号"}
UNNAMED = re.compile(r"^(unnamed: ?\d+|column_\d+|level_\d+)$", re.IGNORECASE)


def is_index_like(name: str, values: pd.Series | np.ndarray) -> bool:
    """True for pandas' "Unnamed: 0" (a saved index), and for strictly increasing integers under
    a name like an index ("id", "t", "No."): forecasting the row number is perfect and useless."""
    text = str(name).strip()
    if text.lower().startswith("unnamed:"):
        return True
    key = text.lower().rstrip(".").strip()
    if not (UNNAMED.match(text) or key in INDEX_NAMES):
        return False
    array = np.asarray(values, dtype=np.float64)
    if len(array) < 2 or not np.isfinite(array).all():
        return False
    return bool(np.all(array == np.round(array)) and np.all(np.diff(array) > 0))


def default_target(frame: pd.DataFrame, numeric_columns: list[str]) -> str:
    """The first numeric column that is not index-like (the first numeric one if all are)."""
    for name in numeric_columns:
        if name in frame.columns and not is_index_like(name, frame[name]):
            return name
    return numeric_columns[0] if numeric_columns else ""
