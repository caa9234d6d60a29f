"""Each column described (kind, missing, min/max/mean) as cleaned, then its missing numbers filled."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from core.data.notes import Notes, short
from core.data.report import ColumnInfo
from core.i18n import _, ngettext


class Described(NamedTuple):
    """One ColumnInfo per column, how many values were filled per numeric column, and which rows."""

    columns: list[ColumnInfo]
    filled: dict[str, int]
    filled_rows: dict[str, np.ndarray]


def describe_and_fill(frame: pd.DataFrame, kind_of: dict[str, str], notes: Notes, *,
                      date_column: str | None, date_missing: int) -> Described:
    """Describes every column, then fills the gaps of the usable numeric ones in place: by time when
    there is a date column, else by row; the nearest value at the start and end."""
    columns: list[ColumnInfo] = []
    filled: dict[str, int] = {}
    filled_rows: dict[str, np.ndarray] = {}
    index = pd.DatetimeIndex(frame[date_column]) if date_column is not None else None
    for col in frame.columns:
        kind = kind_of[col]
        s = frame[col]
        if kind == "datetime":
            columns.append(ColumnInfo(col, "datetime", date_missing, None, None, None,
                                      False, _("the date column")))
            continue
        missing = int(s.isna().sum())
        if kind == "text":
            present = s.dropna()
            example = short(present.iloc[0]) if len(present) else ""
            reason = (_("text values such as '{example}'").format(example=example) if example
                      else _("no values"))
            columns.append(ColumnInfo(col, "text", missing, None, None, None, False, reason))
            continue
        values = s.to_numpy(dtype="float64")
        finite = values[~np.isnan(values)]
        if finite.size == 0:
            columns.append(ColumnInfo(col, "numeric", missing, None, None, None, False, "no values"))
            continue
        columns.append(ColumnInfo(col, "numeric", missing, _finite(finite.min()),
                                  _finite(finite.max()), _mean(finite), True, None))
        if missing:
            filled_rows[col] = np.flatnonzero(np.isnan(values))
            frame[col] = _fill(s, index, notes)
            filled[col] = missing
    return Described(columns, filled, filled_rows)


def _fill(s: pd.Series, index: pd.DatetimeIndex | None, notes: Notes) -> pd.Series:
    col = s.name
    missing = int(s.isna().sum())
    with np.errstate(over="ignore", invalid="ignore"):   # between -1e308 and 1e308
        if index is not None:
            inside = pd.Series(s.to_numpy(), index=index).interpolate(
                method="time", limit_area="inside")
            how = _("time-weighted interpolation")
        else:
            inside = s.interpolate(method="linear", limit_area="inside")
            how = _("linear interpolation between neighbouring rows")
        inside = inside.where(np.isfinite(inside))
    inner = missing - int(inside.isna().sum())
    edge = missing - inner
    out = inside.ffill().bfill().to_numpy()
    if inner and edge:
        notes.change(ngettext("Filled {count} missing value in '{column}': {inner} by {how}, {edge} at the "
                              "start or end with the nearest value.",
                              "Filled {count} missing values in '{column}': {inner} by {how}, {edge} at "
                              "the start or end with the nearest value.", missing).format(
            count=missing, column=col, inner=inner, how=how, edge=edge))
    elif inner:
        notes.change(ngettext("Filled {count} missing value in '{column}' by {how}.",
                              "Filled {count} missing values in '{column}' by {how}.", missing).format(
            count=missing, column=col, how=how))
    else:
        notes.change(ngettext("Filled {count} missing value at the start or end of '{column}' with the "
                              "nearest value.",
                              "Filled {count} missing values at the start or end of '{column}' with the "
                              "nearest value.", missing).format(count=missing, column=col))
    return pd.Series(out, index=s.index, dtype="float64")


def _finite(x: object) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _mean(values: np.ndarray) -> float | None:
    """The mean without overflowing on values near the float64 limit (1e308)."""
    with np.errstate(over="ignore", invalid="ignore"):
        mean = values.mean()
        if not np.isfinite(mean):
            mean = (values / values.size).sum()
    return _finite(mean)
