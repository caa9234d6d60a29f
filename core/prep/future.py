"""Future values of the feature columns: the rows a forecast reads past the end, given by the user.

A forecast that feeds its own values back (steps past the horizon) needs the feature columns at
future rows too. Without a file it holds them at their last observed values; with one, the rows
are checked against the series (the dates continue its calendar, no gaps, no repeats, every
feature present and numeric, enough rows) and read instead. `future_template` writes the future
dates with empty feature columns for the user to fill.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import DataError
from core.i18n import _, ngettext
from core.prep.timeindex import DATES, ROWS, YEARS, TimeIndex, format_time

# metrics.json's forecast.features_future (English codes, as every key and value there)
GIVEN, HELD, UNUSED = "given", "held at last values", "not used"
ROW_COLUMN = "row"  # the template's label column when the series has no date column


@dataclass(frozen=True)
class FutureFeatures:
    """Checked future values: one row per forecast step, the feature columns in float64."""

    values: pd.DataFrame
    file: str  # the file's name, for words
    notes: tuple[str, ...] = ()  # what the check said about the file (extra rows, sorting)

    @property
    def columns(self) -> list[str]:
        return list(self.values.columns)


def features_future_code(features: list[str] | tuple[str, ...], steps: int, horizon: int,
                         future: FutureFeatures | None) -> str | None:
    """metrics.json's `forecast.features_future`: GIVEN, HELD, UNUSED (every step is direct: the
    network reads only observed rows), or None when the model reads no feature column."""
    if not features:
        return None
    if future is not None:
        return GIVEN
    return HELD if steps > horizon else UNUSED


def features_future_sentence(features: list[str] | tuple[str, ...], steps: int, horizon: int,
                             future: FutureFeatures | None) -> str:
    """In words: what a forecast of `steps` steps assumed about the feature columns' future."""
    if not features:
        return ""
    columns = ", ".join(features)
    if steps <= horizon:
        if future is not None:
            return _("The future feature values in {file} leave this forecast unchanged: every one of its {steps} "
                     "steps reads only observed rows (the horizon is {horizon}); they are read from step {next} "
                     "on.").format(file=future.file, steps=steps, horizon=horizon, next=horizon + 1)
        return _("No future values of the feature columns ({columns}) are needed: every step reads only observed "
                 "rows.").format(columns=columns)
    if future is not None:
        return _("Steps {first}-{last} read the feature columns ({columns}) from the future values given in "
                 "{file}.").format(first=horizon + 1, last=steps, columns=columns, file=future.file)
    return _("Steps {first}-{last} hold the feature columns ({columns}) at their last observed values (give their "
             "future values in a file to change that).").format(first=horizon + 1, last=steps, columns=columns)


def check_future(frame: pd.DataFrame, features: list[str], time_index: TimeIndex, steps: int,
                 date_column: str | None, file: str, missing: dict[str, int] | None = None,
                 repeated: int = 0) -> FutureFeatures:
    """The future rows of `frame` checked against the series; DataError saying what to change.

    `date_column`: the series' (None for row numbers); `missing`: empty cells per column before any
    filling (a reader fills gaps; a future value can't be guessed); `repeated`: rows the reader
    dropped for a date already given."""
    if not features:
        raise DataError(_("The model reads no feature columns, so {file} has nothing to give it; forecast without "
                          "future feature values.").format(file=file))
    absent = [f for f in features if f not in frame.columns]
    if absent:
        raise DataError(ngettext("{file} lacks the feature column {columns}; add it with one value per future "
                                 "row.",
                                 "{file} lacks the feature columns {columns}; add them with one value per future "
                                 "row.", len(absent)).format(file=file, columns=", ".join(repr(f) for f in absent)))
    for column in features:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise DataError(_("Column {column!r} in {file} is not numeric; give a number in every row.").format(
                column=column, file=file))
        empty = (missing or {}).get(column, 0) or int(frame[column].isna().sum())
        if empty:
            raise DataError(ngettext("Column {column!r} in {file} has {count} empty cell; fill in every future "
                                     "value.",
                                     "Column {column!r} in {file} has {count} empty cells; fill in every future "
                                     "value.", empty).format(column=column, file=file, count=empty))
        if not np.isfinite(frame[column].to_numpy(dtype=np.float64)).all():
            raise DataError(_("Column {column!r} in {file} holds an infinite value; give finite numbers.").format(
                column=column, file=file))
    if repeated:
        raise DataError(ngettext("{file} gives {count} date twice; give each future date one row.",
                                 "{file} gives {count} dates twice; give each future date one row.",
                                 repeated).format(file=file, count=repeated))
    if len(frame) < steps:
        raise DataError(_("{file} has {rows} future rows, and the forecast has {steps} steps: add rows up to "
                          "{last}, or forecast fewer steps.").format(
            file=file, rows=len(frame), steps=steps, last=format_time(_future_labels(time_index, steps)[-1])))
    if time_index.kind != ROWS:
        _check_dates(frame, time_index, steps, date_column, file)
    notes = []
    if len(frame) > steps:
        extra = len(frame) - steps
        notes.append(ngettext("{file} has {count} row more than the {steps} forecast steps; it was not used.",
                              "{file} has {count} rows more than the {steps} forecast steps; they were not used.",
                              extra).format(file=file, count=extra, steps=steps))
    values = frame[features].iloc[:steps].astype(np.float64).reset_index(drop=True)
    return FutureFeatures(values, file, tuple(notes))


def _future_labels(time_index: TimeIndex, steps: int) -> np.ndarray:
    try:
        return time_index.future(steps)
    except ValueError as exc:  # NoFutureLabels: the reason in words
        raise DataError(_("The series' dates can't be continued ({reason}), so future rows can't be matched to "
                          "them.").format(reason=exc)) from None


def _check_dates(frame: pd.DataFrame, time_index: TimeIndex, steps: int, date_column: str | None,
                 file: str) -> None:
    """The first `steps` dates are the next ones of the series' calendar, in order."""
    expected = _future_labels(time_index, steps)
    if date_column is None or date_column not in frame.columns:
        raise DataError(_("{file} has no date column {column!r}; give each future row its date, as in the "
                          "data.").format(file=file, column=date_column or ""))
    dates = pd.DatetimeIndex(frame[date_column].iloc[:steps])
    given = dates.year.to_numpy() if time_index.kind == YEARS else dates.to_numpy()
    if time_index.kind == DATES:
        expected = pd.DatetimeIndex(expected).to_numpy().astype(given.dtype)
    wrong = np.flatnonzero(given != expected)
    if not len(wrong):
        return
    row = int(wrong[0])
    found = given[row].item() if time_index.kind == YEARS else given[row]
    if row == 0:
        raise DataError(_("{file} starts at {found}, but the future starts at {expected} (the series ends at "
                          "{last}); start the rows there.").format(
            file=file, found=format_time(found), expected=format_time(expected[0]),
            last=format_time(pd.Timestamp(time_index.last) if time_index.kind == DATES else time_index.last)))
    raise DataError(_("Row {row} of {file} is dated {found}, but the date after {previous} is {expected}: the "
                      "dates must go on without gaps or repeats.").format(
        row=row + 1, file=file, found=format_time(found), previous=format_time(expected[row - 1]),
        expected=format_time(expected[row])))


def read_future(path: str | Path, features: list[str], time_index: TimeIndex, steps: int,
                date_column: str | None, sheet: str | None = None) -> FutureFeatures:
    """Reads `path` (a CSV or a workbook, as the data is read) and checks it (check_future)."""
    from core.data.options import ReadOptions
    from core.data.reader import read_table

    dated = time_index.kind != ROWS and date_column is not None
    loaded = read_table(path, ReadOptions(date_column=date_column if dated else None, sheet=sheet, min_rows=1))
    report = loaded.report
    missing = {info.name: info.missing for info in report.columns}
    undated = missing.get(date_column, 0) if dated else 0
    if undated:  # the reader dropped those rows: a future value without its date can't be placed
        raise DataError(ngettext("{count} row of {file} has no readable date in {column!r}; give each future "
                                 "row its date.",
                                 "{count} rows of {file} have no readable date in {column!r}; give each future "
                                 "row its date.", undated).format(count=undated, file=Path(path).name,
                                                                  column=date_column))
    return check_future(loaded.frame, features, time_index, steps, date_column if dated else None,
                        Path(path).name, missing, report.duplicates_dropped)


def future_template(features: list[str], time_index: TimeIndex, steps: int, date_column: str | None) -> pd.DataFrame:
    """The future rows to fill: the next `steps` dates (or years, or row numbers) with each feature
    column empty."""
    labels = _future_labels(time_index, steps)
    if time_index.kind == ROWS or date_column is None:
        label_column = ROW_COLUMN if ROW_COLUMN not in features else "_row"
        data: dict[str, object] = {label_column: labels}
    else:
        data = {date_column: [format_time(v) for v in labels]}
    data.update({f: np.full(steps, np.nan) for f in features})
    return pd.DataFrame(data)
