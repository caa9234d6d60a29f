"""The stages every reader shares once it has a raw table and its ReadPlan: empty columns and rows,
repeated headers, numbers, dates, order, gaps, and the import report. A CSV (core.data.csv_reader)
and a workbook sheet (core.data.workbook) reach the user through the same sentences."""

from __future__ import annotations

from typing import Any

import pandas as pd

from core.data.cleaning import convert_columns, drop_blank_rows, drop_repeated_headers, drop_unnamed_empty
from core.data.filling import describe_and_fill
from core.data.notes import Notes, refuse
from core.data.plan import ReadPlan
from core.data.report import ImportReport, LoadedTable
from core.data.timeline import parse_dates, sort_and_dedupe
from core.i18n import ngettext

MIN_ROWS = 3


def clean_and_report(frame: pd.DataFrame, plan: ReadPlan, notes: Notes, *, path: str, rows_read: int,
                     min_rows: int = MIN_ROWS, **report_fields: Any) -> LoadedTable:
    """The cleaned table and its report; `report_fields` are the reader's own (a workbook's sheet)."""
    frame = drop_unnamed_empty(frame, plan, notes)
    frame = drop_blank_rows(frame, notes)
    frame = drop_repeated_headers(frame, plan, notes)
    kind_of = convert_columns(frame, plan, notes)
    frame, date_missing = parse_dates(frame, plan, notes)
    frame, sorted_by_date, duplicates = sort_and_dedupe(frame, plan, notes)
    if len(frame) < min_rows:
        raise refuse(ngettext("'{file}' has only {count} data row after cleaning; at least {needed} are needed.",
                              "'{file}' has only {count} data rows after cleaning; at least {needed} are needed.",
                              len(frame)).format(file=plan.file, count=len(frame), needed=min_rows))
    columns, filled, filled_rows = describe_and_fill(frame, kind_of, notes, date_column=plan.date_column,
                                                     date_missing=date_missing)
    report = ImportReport(
        path=path, encoding=plan.codec, delimiter=plan.delimiter, decimal=plan.decimal,
        thousands=plan.thousands, date_column=plan.date_column,
        date_is_year=bool(plan.date is not None and plan.date.kind == "year"), rows=len(frame), rows_read=rows_read,
        columns=columns, notes=notes.notes, changes=notes.changes, duplicates_dropped=duplicates,
        sorted_by_date=sorted_by_date, filled=filled, **report_fields)
    return LoadedTable(frame=frame, report=report, filled_rows=filled_rows)
