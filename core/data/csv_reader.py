"""Read a CSV as it comes from Excel and other tools into a clean, chronological table.

Everything is decided on a sample (the first 64 KB): encoding, delimiter, decimal and
thousands separators, column kinds and the date column (core.data.plan). The whole file is then
read in ONE ``pandas.read_csv`` call with the C engine (core.data.load), and cleaned with
vectorised steps: date parsing, sorting, duplicate timestamps, stray tokens in numeric columns,
and filling of missing values. Every decision goes into ``ImportReport.notes`` as a plain sentence.

The user's file is only ever opened for reading. Every problem with the file surfaces as
``core.errors.DataError`` with a one-line message naming the file.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
from pathlib import Path

import pandas as pd

from core.data import encoding as enc
from core.data.cleaning import convert_columns, drop_blank_rows, drop_repeated_headers, drop_unnamed_empty
from core.data.dialect import DELIMITER_ROWS, DELIMITERS, SAMPLE_ROWS, detect_delimiter  # noqa: F401
from core.data.filling import describe_and_fill
from core.data.load import read_all
from core.data.notes import Notes, one_line, refuse
from core.data.numbers import NA_TOKENS, NUMERIC_SHARE, NUMERIC_SHARE_FEW_TOKENS, detect_decimal  # noqa: F401
from core.data.options import AUTO, ReadOptions  # noqa: F401 (AUTO re-exported)
from core.data.plan import ReadPlan, sniff  # noqa: F401 (re-exported)
from core.data.report import ColumnInfo, ImportReport, LoadedTable  # noqa: F401 (re-exported)
from core.data.source import (  # noqa: F401 (the constants re-exported)
    MAX_LINE_BYTES,
    MAX_STREAM_BYTES,
    SAMPLE_BYTES,
    SCAN_CHUNK_BYTES,
    Redetected,
    Source,
    open_source,
    redetect,
)
from core.data.timeline import parse_dates, sort_and_dedupe
from core.errors import DataError
from core.i18n import _, ngettext

MIN_ROWS = 3


class _Unset:
    """A keyword argument not given (so it doesn't override `options`)."""


_UNSET = _Unset()


def read_csv(path: str | Path, options: ReadOptions | None = None, *,
             encoding: str | _Unset | None = _UNSET, delimiter: str | _Unset | None = _UNSET,
             decimal: str | _Unset | None = _UNSET, date_column: str | _Unset | None = _UNSET) -> LoadedTable:
    """Read a CSV file; see the module docstring. Raises DataError for any bad file.

    ``options`` says what to detect and what the user chose (ReadOptions(): detect everything);
    a keyword given overrides that field. ``encoding``/``delimiter``/``decimal``: None detects, a
    value overrides. ``date_column``: AUTO detects, None means no date column, a name uses that column.
    """
    given = {"encoding": encoding, "delimiter": delimiter, "decimal": decimal, "date_column": date_column}
    options = dataclasses.replace(options or ReadOptions(),
                                  **{k: v for k, v in given.items() if not isinstance(v, _Unset)})
    p = Path(path)
    try:
        source = open_source(p)
        loaded = _read(source, options)
        if source.data is not None:
            loaded.sha256 = hashlib.sha256(source.data).hexdigest()
        return loaded
    except DataError:
        raise
    except MemoryError as exc:
        raise DataError(_("'{file}' is too large to read into memory.").format(file=p.name)) from exc
    except UnicodeError as exc:
        raise DataError(_("Can't decode '{file}': {problem}; try choosing the encoding.").format(
            file=p.name, problem=one_line(exc))) from exc
    except (OSError, csv.Error, pd.errors.ParserError, pd.errors.EmptyDataError,
            ValueError, OverflowError) as exc:
        raise DataError(_("Can't read '{file}': {problem}").format(file=p.name, problem=one_line(exc))) from exc


def _read(source: Source, options: ReadOptions, redetected: Redetected | None = None) -> LoadedTable:
    """The recipe: plan on the sample, read everything, clean; once more with the encoding found on
    the whole file when bytes past the sample don't fit the one found on it."""
    notes = Notes()
    plan = sniff(source, options, notes, redetected)
    try:
        frame = read_all(source, plan)
    except UnicodeDecodeError as exc:
        if options.encoding is not None or redetected is not None:
            raise refuse(_("Can't decode '{file}' as {encoding}: {problem}; choose another encoding.").format(
                file=plan.file, encoding=enc.describe(plan.codec), problem=one_line(exc))) from exc
        return _read(source, options, redetect(source, plan.codec, exc))
    rows_read = len(frame)
    if rows_read == 0:
        raise refuse(_("'{file}' has column names but no data rows.").format(file=plan.file))
    frame = drop_unnamed_empty(frame, plan, notes)
    frame = drop_blank_rows(frame, notes)
    frame = drop_repeated_headers(frame, plan, notes)
    kind_of = convert_columns(frame, plan, notes)
    frame, date_missing = parse_dates(frame, plan, notes)
    frame, sorted_by_date, duplicates = sort_and_dedupe(frame, plan, notes)
    if len(frame) < MIN_ROWS:
        raise refuse(ngettext("'{file}' has only {count} data row after cleaning; at least {needed} are needed.",
                              "'{file}' has only {count} data rows after cleaning; at least {needed} are needed.",
                              len(frame)).format(file=plan.file, count=len(frame), needed=MIN_ROWS))
    columns, filled, filled_rows = describe_and_fill(frame, kind_of, notes, date_column=plan.date_column,
                                                     date_missing=date_missing)
    report = ImportReport(
        path=str(source.path), encoding=plan.codec, delimiter=plan.delimiter, decimal=plan.decimal,
        thousands=plan.thousands, date_column=plan.date_column,
        date_is_year=bool(plan.date is not None and plan.date.kind == "year"), rows=len(frame), rows_read=rows_read,
        columns=columns, notes=notes.notes, changes=notes.changes, duplicates_dropped=duplicates,
        sorted_by_date=sorted_by_date, filled=filled)
    return LoadedTable(frame=frame, report=report, filled_rows=filled_rows)
