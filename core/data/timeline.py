"""The date column: parsed, rows without a date dropped, then the rows in time order, one per timestamp."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from core.data import dates
from core.data.cleaning import holds_text
from core.data.notes import Notes, refuse, short
from core.data.plan import ReadPlan
from core.i18n import _, ngettext


class Parsed(NamedTuple):
    """The table with its date column parsed, and how many rows were dropped for lack of a date."""

    frame: pd.DataFrame
    missing: int


def parse_dates(frame: pd.DataFrame, plan: ReadPlan, notes: Notes) -> Parsed:
    """Parses the date column (in place) and drops the rows whose date is absent or unreadable;
    refuses a column that doesn't hold dates in most rows."""
    if plan.date is None:
        return Parsed(frame, 0)
    col = plan.date.column
    raw = frame[col]
    if holds_text(raw):
        _refuse_mixed_zones(raw, plan)
    parsed = dates.apply_plan(raw, plan.date)
    failed = parsed.isna().to_numpy()
    n_absent = n_bad = 0
    example = ""
    if failed.any():
        absent = raw.isna().to_numpy().copy()
        unreadable = failed & ~absent
        if unreadable.any():   # spaces only count as no date
            blank = raw[unreadable].astype(str).str.strip() == ""
            absent[np.flatnonzero(unreadable)[blank.to_numpy()]] = True
            unreadable &= ~absent
        n_absent, n_bad = int(absent.sum()), int(unreadable.sum())
        if n_bad:
            example = short(raw[unreadable].iloc[0])
    if n_absent + n_bad == len(raw) or n_bad > 0.5 * max(1, len(raw) - n_absent):
        raise refuse(_("Column '{column}' in '{file}' doesn't hold dates in most rows (e.g. '{example}').")
                     .format(column=col, file=plan.file, example=example))
    notes.add(_using_note(plan).format(column=col, dates=plan.date.describe()))
    if plan.date.has_tz:
        notes.change(_("Dates in '{column}' carry time zones; converted them to UTC and dropped the zone.")
                     .format(column=col))
    frame[col] = parsed
    if n_absent:
        notes.change(ngettext("Dropped {count} row with no date.", "Dropped {count} rows with no date.",
                              n_absent).format(count=n_absent))
    if n_bad:
        notes.change(ngettext("Dropped {count} row whose date could not be read (e.g. '{example}').",
                              "Dropped {count} rows whose date could not be read (e.g. '{example}').",
                              n_bad).format(count=n_bad, example=example))
    if n_absent or n_bad:
        frame = frame.loc[~failed]
    return Parsed(frame, n_absent + n_bad)


def _using_note(plan: ReadPlan) -> str:
    """The sentence naming the date column (not yet formatted)."""
    if plan.date is not None and plan.date.kind == "year":
        return (_("Using '{column}' as the date column (your choice): {dates}, each read as 1 January of that "
                  "year.") if plan.date_chosen else
                _("Using '{column}' as the date column: {dates}, each read as 1 January of that year."))
    return (_("Using '{column}' as the date column (your choice): {dates}.") if plan.date_chosen
            else _("Using '{column}' as the date column: {dates}."))


def _refuse_mixed_zones(raw: pd.Series, plan: ReadPlan) -> None:
    """Times with an offset beside times without one: the naive ones can't be placed (they
    were taken as UTC, re-sorted, and real rows dropped as duplicates)."""
    text = raw.dropna().astype(str).str.strip()
    zoned = dates.has_zone(text)
    if zoned.any() and not zoned.all():
        with_zone = short(text[zoned].iloc[0])
        without = short(text[~zoned & (text != "")].iloc[0]) if (~zoned & (text != "")).any() else ""
        if without:
            raise refuse(
                _("Column '{column}' in '{file}' mixes times with a time zone (e.g. '{with_zone}') and "
                  "without one (e.g. '{without}'), so they can't be put in order; give every value an "
                  "offset, or none.").format(column=raw.name, file=plan.file, with_zone=with_zone,
                                             without=without))


class Ordered(NamedTuple):
    """The table in time order, whether that took sorting, and how many duplicate rows went."""

    frame: pd.DataFrame
    sorted_by_date: bool
    duplicates: int


def sort_and_dedupe(frame: pd.DataFrame, plan: ReadPlan, notes: Notes) -> Ordered:
    """Rows sorted by date (stably) and, of rows with the same timestamp, the last kept; a RangeIndex."""
    sorted_by_date = False
    duplicates = 0
    date_col = plan.date_column
    if date_col is not None:
        d = frame[date_col].to_numpy()
        if len(d) > 1 and not (d[1:] >= d[:-1]).all():
            back = int((d[1:] < d[:-1]).sum())
            frame = frame.sort_values(date_col, kind="stable")
            d = frame[date_col].to_numpy()
            sorted_by_date = True
            notes.change(ngettext("Sorted the {rows} rows by date because {count} row was out of order.",
                                  "Sorted the {rows} rows by date because {count} rows were out of order.",
                                  back).format(rows=len(frame), count=back))
        # Sorted (stably), so equal timestamps are neighbours in file order: keep the last.
        dup = np.zeros(len(d), dtype=bool)
        dup[:-1] = d[1:] == d[:-1]
        duplicates = int(dup.sum())
        if duplicates:
            first = d[dup][0]
            frame = frame.loc[~dup]
            notes.change(ngettext("Dropped {count} row with duplicate timestamps (kept the last of each; e.g. "
                                  "{example}).",
                                  "Dropped {count} rows with duplicate timestamps (kept the last of each; "
                                  "e.g. {example}).", duplicates).format(
                count=duplicates, example=_show_stamp(first, plan.date)))
    return Ordered(frame.reset_index(drop=True), sorted_by_date, duplicates)


def _show_stamp(ts: object, plan: dates.DatePlan | None) -> str:
    ts = pd.Timestamp(ts)
    if plan is not None and plan.kind == "year":
        return str(ts.year)
    if ts == ts.normalize():
        return ts.strftime("%Y-%m-%d")
    return str(ts)
