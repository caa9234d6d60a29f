"""Cleaning the rows and columns pandas read: what Excel adds (empty unnamed columns, blank rows,
repeated headers), and each column made numeric or text, with every change in the notes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data.notes import Notes, quote_list, short
from core.data.numbers import classify
from core.data.plan import ReadPlan
from core.i18n import _, ngettext


def holds_text(s: pd.Series) -> bool:
    """Strings (pandas 3's str dtype) or Python objects, not numbers or datetimes."""
    return pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)


def drop_unnamed_empty(frame: pd.DataFrame, plan: ReadPlan, notes: Notes) -> pd.DataFrame:
    """Columns without a name and without a value (Excel's trailing delimiters)."""
    empty_unnamed = [c for c in plan.names if c in plan.unnamed and frame[c].isna().all()]
    if not empty_unnamed:
        return frame
    notes.add(ngettext("Dropped {count} empty column without a name (Excel often adds these at the "
                       "end of each row).",
                       "Dropped {count} empty columns without a name (Excel often adds these at the "
                       "end of each row).", len(empty_unnamed)).format(count=len(empty_unnamed)))
    return frame.drop(columns=empty_unnamed)


def drop_blank_rows(frame: pd.DataFrame, notes: Notes) -> pd.DataFrame:
    """Rows with no value at all."""
    blank = np.ones(len(frame), dtype=bool)
    for c in frame.columns:   # stops at the first column without gaps (usually the first)
        blank &= frame[c].isna().to_numpy()
        if not blank.any():
            break
    if not blank.any():
        return frame
    notes.add(ngettext("Dropped {count} empty row.", "Dropped {count} empty rows.",
                       int(blank.sum())).format(count=int(blank.sum())))
    return frame.loc[~blank]


def drop_repeated_headers(frame: pd.DataFrame, plan: ReadPlan, notes: Notes) -> pd.DataFrame:
    """Rows that repeat the header (files glued together, or exported page by page): their
    words would become missing values and then be filled, a fabricated row."""
    if not plan.has_header or not len(frame):
        return frame
    repeat = np.ones(len(frame), dtype=bool)
    for col, raw_name in zip(plan.names, plan.raw_names):
        if col not in frame.columns:
            continue
        s = frame[col]
        if not holds_text(s):  # a column pandas read as numbers or dates has no words in it
            return frame
        text = s.astype(str).str.strip()
        same = (s.isna() | (text == "")) if raw_name == "" else (text == raw_name)
        repeat &= same.to_numpy()
        if not repeat.any():
            return frame
    lines = [plan.lines[i + 1] for i in np.flatnonzero(repeat)[:3] if i + 1 < len(plan.lines)]
    count = int(repeat.sum())
    if lines:
        notes.change(ngettext("Dropped {count} row that repeats the column names (line {lines}).",
                              "Dropped {count} rows that repeat the column names (line {lines}).", count)
                     .format(count=count, lines=", ".join(map(str, lines))))
    else:
        notes.change(ngettext("Dropped {count} row that repeats the column names.",
                              "Dropped {count} rows that repeat the column names.", count).format(count=count))
    return frame.loc[~repeat]


def convert_columns(frame: pd.DataFrame, plan: ReadPlan, notes: Notes) -> dict[str, str]:
    """Makes each column (but the date column) float64 numbers or text, in place; returns each
    column's kind ('numeric', 'text' or 'datetime')."""
    kind_of: dict[str, str] = {}
    for col in frame.columns:
        if col == plan.date_column:
            kind_of[col] = "datetime"
            continue
        s = frame[col]
        if plan.kinds.get(col) == "text" or pd.api.types.is_bool_dtype(s):
            kind_of[col] = "text"
            if pd.api.types.is_bool_dtype(s):
                frame[col] = s.astype(str)
            continue
        kind_of[col] = "numeric"
        if pd.api.types.is_numeric_dtype(s):
            _finite_numbers(frame, col, notes)
        elif not _numbers_from_text(frame, plan, col, notes):
            kind_of[col] = "text"
    return kind_of


def _finite_numbers(frame: pd.DataFrame, col: str, notes: Notes) -> None:
    """A column pandas read as numbers, as float64 with infinities missing."""
    s = frame[col]
    values = s.to_numpy(dtype="float64")
    infinite = np.isinf(values)   # 'inf', 'Infinity', or too large (1e309)
    if infinite.any():
        values = np.where(infinite, np.nan, values)
        count = int(infinite.sum())
        notes.change(ngettext("Column '{column}': treated {count} infinite value ('inf', or a number "
                              "past 1.8e308) as missing.",
                              "Column '{column}': treated {count} infinite values ('inf', or a number "
                              "past 1.8e308) as missing.", count).format(column=col, count=count))
    if infinite.any() or s.dtype != np.float64:
        frame[col] = values


def _numbers_from_text(frame: pd.DataFrame, plan: ReadPlan, col: str, notes: Notes) -> bool:
    """Numbers mixed with stray tokens came back as strings: read with the file's separators (False
    when the column is text after all)."""
    s = frame[col]
    kind, nums, bad, decorated = classify(s, plan.decimal, plan.thousands)
    if kind == "text":
        return False
    frame[col] = nums.astype("float64") if nums is not None else np.nan
    if decorated:
        _note_decorated(s, nums, decorated, notes)
    if bad is not None and bad.any():
        tokens = s[bad].astype(str).str.strip()
        shown = quote_list([short(t) for t in tokens.value_counts().index[:3]], 3)
        count = int(bad.sum())
        notes.change(ngettext("Column '{column}': treated {count} value that is not a number as missing "
                              "(e.g. {examples}).",
                              "Column '{column}': treated {count} values that are not a number as "
                              "missing (e.g. {examples}).", count).format(column=col, count=count, examples=shown))
    return True


def _note_decorated(raw: pd.Series, nums: pd.Series, decorated: dict[str, pd.Series], notes: Notes) -> None:
    """Notes the values read from '(100)', '$100' or '9.6%', and warns of '%' beside plain numbers."""
    col = raw.name
    for kind, mask in decorated.items():
        count = int(mask.sum())
        if not count:
            continue
        first = mask.to_numpy().nonzero()[0][0]
        if kind == "parentheses":
            sentence = ngettext("Column '{column}': read {count} value in parentheses as negative numbers "
                                "(accounting style; e.g. '{text}' as {number}).",
                                "Column '{column}': read {count} values in parentheses as negative numbers "
                                "(accounting style; e.g. '{text}' as {number}).", count)
        elif kind == "currency":
            sentence = ngettext("Column '{column}': read {count} value with a currency symbol as plain "
                                "numbers (e.g. '{text}' as {number}).",
                                "Column '{column}': read {count} values with a currency symbol as plain "
                                "numbers (e.g. '{text}' as {number}).", count)
        else:
            sentence = ngettext("Column '{column}': read {count} value with '%' as numbers of percent "
                                "(e.g. '{text}' as {number}).",
                                "Column '{column}': read {count} values with '%' as numbers of percent "
                                "(e.g. '{text}' as {number}).", count)
        notes.change(sentence.format(column=col, count=count, text=short(raw.iloc[first]),
                                     number=f"{nums.iloc[first]:g}"))
    percent = decorated.get("percent")
    if percent is not None and percent.any():
        present = raw.notna() & (raw.astype(str).str.strip() != "") & nums.notna()
        plain = present & ~percent
        if plain.any():
            notes.change(_("Warning: column '{column}' mixes values with '%' and without (e.g. '{example}'); "
                           "values with '%' were read as percent, so check that the others are percent "
                           "too.").format(column=col, example=short(raw[plain].iloc[0])))
