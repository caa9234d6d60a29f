"""Read a sheet of an Excel or OpenDocument workbook (.xlsx, .xlsm, .xls, .ods) into the same clean,
chronological table and import report as a CSV.

The file is checked first (core.data.book_file: size, zip bomb, password, damage), then read by
calamine, the engine of pandas' ``read_excel(engine="calamine")``, called directly because the
merged ranges and the cells' places on the sheet are needed and pandas' text parser pass is not.
The sheet's grid becomes a raw table (core.data.book_grid finds the column names below title rows);
each column is typed from its cells (numbers, dates, Excel date serials, numbers stored as text,
error cells); then the CSV's stages run (core.data.stages). The file is only ever read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from core.data import book_file, dates
from core.data.book_grid import Header, Merge, as_text, blank, find_header, header_texts, used_columns
from core.data.header import column_names
from core.data.notes import Notes, quote_list, refuse
from core.data.numbers import NA_SET, classify
from core.data.options import AUTO, ReadOptions
from core.data.plan import ReadPlan, choose_date_column
from core.data.report import LoadedTable
from core.data.stages import MIN_ROWS, clean_and_report
from core.errors import DataError
from core.i18n import _, ngettext

ERROR_TOKENS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                          "#CALC!", "#GETTING_DATA", "#N/A N/A"})
SAMPLE_ROWS = 500
# Excel date serials a date column may hold: 1901-01-01 .. 2299-12-31
_SERIAL_LOW, _SERIAL_HIGH = 367, 146_097
ORIGINS = {False: "1899-12-30", True: "1904-01-01"}


def read_workbook(path: str | Path, options: ReadOptions | None = None) -> LoadedTable:
    """Read one sheet (``options.sheet``, else the first with a table of data); raises DataError."""
    p = Path(path)
    options = options or ReadOptions()
    try:
        facts = book_file.check_book(p)
        return _read(p, options, facts)
    except DataError:
        raise
    except MemoryError as exc:
        raise refuse(_("'{file}' is too large to read into memory.").format(file=p.name)) from exc
    except Exception as exc:   # calamine's errors (in English, naming no file)
        kind = type(exc).__name__
        if kind == "PasswordError" or "password" in str(exc).lower():   # an encrypted .xls says so in words
            raise book_file.encrypted(p.name) from exc
        problem = {"ZipError": _("it is cut short, or its ZIP structure is broken"),
                   "XmlError": _("its sheet data is not well-formed XML")}.get(
            kind, _("the spreadsheet reader could not make sense of it"))
        raise book_file.damaged(p.name, problem) from exc
    except BaseException as exc:   # a panic inside calamine reaches Python as pyo3's PanicException
        if type(exc).__name__ != "PanicException":
            raise
        raise book_file.damaged(p.name, _("the spreadsheet reader could not make sense of it")) from exc


class _Sheet(NamedTuple):
    name: str
    rows: list[list[Any]]
    merges: list[Merge]


def _read(path: Path, options: ReadOptions, facts: book_file.BookFacts) -> LoadedTable:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    notes = Notes()
    book = CalamineWorkbook.from_path(str(path))
    try:
        meta = [m for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        sheets = [m.name for m in meta]
        if not sheets:
            raise refuse(_("'{file}' has no worksheets.").format(file=path.name))
        visible = [m.name for m in meta if m.visible == SheetVisibleEnum.Visible] or sheets
        sheet = _choose_sheet(book, path.name, sheets, visible, options.sheet, notes)
    finally:
        book.close()
    header = find_header(sheet.rows, sheet.merges, options.header_row, path.name)
    _note_header(header, options.header_row, notes)
    texts = header_texts(sheet.rows, sheet.merges, header, max(len(r) for r in sheet.rows))
    columns = used_columns(sheet.rows, texts, header.first_data)
    data = sheet.rows[header.first_data:]
    if not data or not columns:
        raise refuse(_("'{file}' has column names but no data rows.").format(file=path.name))
    raw = {c: [row[c] for row in data] for c in columns}
    errors = _error_cells(path, facts, sheet.name, header.first_data, raw)
    named = column_names([texts[c] for c in columns], [[as_text(row[c]) for c in columns] for row in data[:50]],
                         notes, has_header=bool(header.rows), file=path.name)
    typed = {nm: _typed(raw[c]) for nm, c in zip(named.names, columns)}
    decimal = options.decimal or "."
    thousands = "," if decimal == "." else "."
    frame, kinds, date = _table(typed, options.date_column, facts.date1904, decimal, thousands, path.name, notes)
    _note_errors(errors, dict(zip(columns, named.names)), notes)
    plan = ReadPlan(file=path.name, codec="", delimiter="", decimal=decimal, thousands=thousands,
                    names=tuple(named.names), unnamed=frozenset(named.unnamed), raw_names=tuple(named.raw_names),
                    has_header=bool(header.rows), skip_rows=header.first_data,
                    lines=tuple(range(header.first_data, header.first_data + len(data) + 1)), kinds=kinds,
                    date=date, date_chosen=options.date_column != AUTO)
    error_counts = {dict(zip(columns, named.names))[c]: n for c, n in errors.items()}
    return clean_and_report(frame, plan, notes, path=str(path), rows_read=len(data), min_rows=options.min_rows,
                            sheet=sheet.name,
                            sheets=sheets, header_row=header.rows[0] + 1 if header.rows else None,
                            error_cells=error_counts)


def _choose_sheet(book: Any, file: str, sheets: list[str], visible: list[str], wanted: str | None,
                  notes: Notes) -> _Sheet:
    """The user's sheet (a name, or a position counted from 1), else the first visible one that holds
    a table of data (a notes or cover sheet first is common), else the first with anything in it."""
    if wanted is not None:
        name = _sheet_named(sheets, str(wanted))
        if name is None:
            raise refuse(_("'{file}' has no sheet '{sheet}' (sheets: {sheets}).").format(
                file=file, sheet=wanted, sheets=quote_list(sheets)))
        sheet = _load(book, name, file)
        if len(sheets) > 1:
            notes.add(_("Read sheet '{sheet}' (your choice; sheets: {sheets}).").format(
                sheet=name, sheets=quote_list(sheets)))
        return sheet
    first_filled = None
    for name in visible:
        sheet = _load(book, name, file)
        if _holds_table(sheet.rows):
            if len(sheets) > 1:
                notes.add(_("Read sheet '{sheet}', the first with a table of data (sheets: {sheets}; choose "
                            "another with the sheet option).").format(sheet=name, sheets=quote_list(sheets)))
            return sheet
        if first_filled is None and any(not blank(v) for row in sheet.rows for v in row):
            first_filled = sheet
    if first_filled is not None:   # numbers stored as text, say: the stages after decide
        if len(sheets) > 1:
            notes.add(_("Read sheet '{sheet}' (sheets: {sheets}).").format(sheet=first_filled.name,
                                                                          sheets=quote_list(sheets)))
        return first_filled
    raise refuse(_("'{file}' has only empty sheets (sheets: {sheets}).").format(
        file=file, sheets=quote_list(sheets)))


def _sheet_named(sheets: list[str], wanted: str) -> str | None:
    if wanted in sheets:
        return wanted
    folded = {s.strip().casefold(): s for s in sheets}
    if wanted.strip().casefold() in folded:
        return folded[wanted.strip().casefold()]
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(sheets):
        return sheets[int(wanted) - 1]
    return None


def _load(book: Any, name: str, file: str) -> _Sheet:
    sheet = book.get_sheet_by_name(name)
    if sheet.height * sheet.width > book_file.MAX_CELLS:
        raise refuse(_("Can't read '{file}': sheet '{sheet}' has {cells:,} cells, more than the {limit:,} this "
                       "app reads; save the sheet as CSV and open that.").format(
            file=file, sheet=name, cells=sheet.height * sheet.width, limit=book_file.MAX_CELLS))
    rows = sheet.to_python(skip_empty_area=False)
    try:
        merges = list(sheet.merged_cell_ranges or [])
    except Exception:   # formats without merge information
        merges = []
    return _Sheet(name, rows, merges)


def _holds_table(rows: list[list[Any]]) -> bool:
    """At least MIN_ROWS rows with a number or a date in them."""
    count = 0
    for row in rows:
        if any(isinstance(v, (int, float, dt.date)) and not isinstance(v, bool) for v in row):
            count += 1
            if count >= MIN_ROWS:
                return True
    return False


def _note_header(header: Header, wanted: int | None, notes: Notes) -> None:
    if wanted is not None:
        notes.add(_("Column names taken from row {row} (your choice).").format(row=wanted))
    elif header.skipped:
        notes.add(ngettext("Skipped {count} row above the column names (a title or notes); the names are in "
                           "row {row}.",
                           "Skipped {count} rows above the column names (a title or notes); the names are in "
                           "row {row}.", header.skipped).format(count=header.skipped, row=header.rows[0] + 1
                                                               if header.rows else header.first_data + 1))
    if not header.rows:
        notes.add(_("The first row holds numbers, not column names; named the columns column_1, "
                    "column_2, ..."))
    if header.merged:
        notes.add(_("Column names come from two header rows with merged cells (rows {first} and {second}).")
                  .format(first=header.rows[0] + 1, second=header.rows[1] + 1))


def _error_cells(path: Path, facts: book_file.BookFacts, sheet: str, first_data: int,
                 raw: dict[int, list[Any]]) -> dict[int, int]:
    """Per sheet column, the error cells below the names: calamine's empty ones (found in the sheet's
    XML) and errors written as text; the latter are blanked here."""
    counts: Counter = Counter()
    for row, col, _code in book_file.error_cells(path, facts.sheet_parts.get(sheet)):
        if col in raw and first_data <= row < first_data + len(raw[col]) and blank(raw[col][row - first_data]):
            counts[col] += 1
    for col, values in raw.items():
        if str not in set(map(type, values)):
            continue
        for i, v in enumerate(values):
            if isinstance(v, str) and v.strip() in ERROR_TOKENS:
                values[i] = None
                counts[col] += 1
    return dict(counts)


def _note_errors(errors: dict[int, int], names: dict[int, str], notes: Notes) -> None:
    for col, count in sorted(errors.items()):
        notes.change(ngettext("Column '{column}': treated {count} error cell (#N/A, #DIV/0!, #VALUE! and the like) "
                              "as missing.",
                              "Column '{column}': treated {count} error cells (#N/A, #DIV/0!, #VALUE! and the like) "
                              "as missing.", count).format(column=names[col], count=count))


class _Typed(NamedTuple):
    """A column from its cells: float numbers, datetimes, or text (every value as text)."""

    kind: str                          # "numbers" | "dates" | "text"
    values: pd.Series
    numbers: pd.Series | None = None   # in a "dates" column, the numbers among the dates (Excel serials)
    was_text: np.ndarray | None = None  # in a "text" column, the cells that were text in the sheet


def _typed(cells: list[Any]) -> _Typed:
    kinds = set(map(type, cells))
    if kinds <= {float, int}:   # the common case, at C speed
        return _Typed("numbers", pd.Series(np.asarray(cells, dtype="float64")))
    if kinds <= {float, int, str} and not any(type(v) is str and v.strip() for v in cells):
        return _Typed("numbers", pd.Series([np.nan if type(v) is str else v for v in cells], dtype="float64"))
    n = len(cells)
    number = np.fromiter(((type(v) is float or type(v) is int) for v in cells), bool, n)
    date = np.fromiter((isinstance(v, dt.date) for v in cells), bool, n)
    text = np.fromiter(((isinstance(v, str) and bool(v.strip())) or isinstance(v, (bool, dt.time, dt.timedelta))
                        for v in cells), bool, n)
    present = int(number.sum() + date.sum() + text.sum())
    if date.sum() >= 0.5 * present and date.sum() + number.sum() >= 0.9 * present:
        stamps = pd.to_datetime(pd.Series([v if d else None for v, d in zip(cells, date)], dtype=object),
                                errors="coerce")
        numbers = pd.Series([v if k else np.nan for v, k in zip(cells, number)], dtype="float64")
        return _Typed("dates", stamps.astype("datetime64[us]"), numbers=numbers)
    return _Typed("text", pd.Series([as_text(v) if k else None for v, k in zip(cells, number | date | text)],
                                    dtype=object), was_text=text & ~(number | date))


def _table(typed: dict[str, _Typed], wanted: str | None, date1904: bool, decimal: str, thousands: str | None,
           file: str, notes: Notes) -> tuple[pd.DataFrame, dict[str, str], dates.DatePlan | None]:
    """The raw table (numbers as float, text as strings, the date column as datetimes), each
    column's kind for the CSV's stages, and the date column's plan."""
    sample = pd.DataFrame({nm: _as_strings(t, SAMPLE_ROWS) for nm, t in typed.items()})
    sample = sample.where(~sample.isin(NA_SET), None)
    kinds = {nm: ("empty" if t.values.isna().all() else "numeric" if t.kind == "numbers" else
                  "text" if t.kind == "dates" else classify(sample[nm], decimal, thousands).kind)
             for nm, t in typed.items()}
    column = _date_by_cells(typed, wanted)
    plan = None
    columns = {nm: t.values for nm, t in typed.items()}
    if column is not None:
        values, plan = _as_dates(typed[column], column, date1904, notes)
        columns[column] = values
    else:
        plan = choose_date_column(sample, kinds, wanted, notes, prefer_dayfirst=decimal == ",", file=file)
    for nm, t in typed.items():
        if nm != (plan.column if plan else None) and t.kind == "dates":
            columns[nm] = _as_strings(t)   # another date column is a text column, as in a CSV
        elif t.kind == "text" and kinds[nm] == "numeric":
            _note_text_numbers(nm, t, decimal, thousands, notes)
    return pd.DataFrame(columns), kinds, plan


def _as_strings(t: _Typed, limit: int | None = None) -> pd.Series:
    """The column as text (its first `limit` values), for the decisions made on text."""
    values = t.values if limit is None else t.values.iloc[:limit]
    if t.kind == "text":
        return values
    if t.kind == "dates":
        return values.map(lambda v: None if pd.isna(v) else as_text(v.to_pydatetime()))
    return values.map(lambda v: None if np.isnan(v) else as_text(float(v)))


def _date_by_cells(typed: dict[str, _Typed], wanted: str | None) -> str | None:
    """The date column the cells show: date-formatted cells, or Excel serial numbers under a date-like
    name (or the user's column); None leaves the choice to the CSV's detection on text."""
    if wanted is None:
        return None
    if wanted != AUTO:
        name = wanted if wanted in typed else wanted.strip() if wanted.strip() in typed else None
        if name is None:
            return None
        t = typed[name]
        return name if t.kind == "dates" or (t.kind == "numbers" and _serials(t.values)) else None
    for name, t in typed.items():
        if t.kind == "dates":
            return name
    for name, t in typed.items():
        if t.kind == "numbers" and dates.name_hints_time(name) and _serials(t.values):
            return name
    return None


def _serials(values: pd.Series) -> bool:
    v = values.dropna()
    return len(v) > 0 and bool(((v >= _SERIAL_LOW) & (v <= _SERIAL_HIGH)).all())


def _as_dates(t: _Typed, column: str, date1904: bool, notes: Notes) -> tuple[pd.Series, dates.DatePlan]:
    """A date column as datetimes: date cells as they are, numbers as Excel serials."""
    origin = ORIGINS[date1904]
    numbers = t.values if t.kind == "numbers" else t.numbers
    serials = int(numbers.notna().sum()) if numbers is not None else 0
    values = t.values if t.kind == "dates" else pd.Series(pd.NaT, index=t.values.index, dtype="datetime64[us]")
    if serials:
        from_numbers = _from_serials(numbers, origin)
        values = values.where(values.notna(), from_numbers)
        example = from_numbers.dropna().iloc[0] if from_numbers.notna().any() else None
        notes.change(ngettext(
            "Column '{column}': read {count} Excel date number as a date (days counted from {origin}; e.g. {date}).",
            "Column '{column}': read {count} Excel date numbers as dates (days counted from {origin}; e.g. {date}).",
            serials).format(column=column, count=serials, origin=origin,
                            date=as_text(example.to_pydatetime()) if example is not None else ""))
    if date1904:
        notes.add(_("The workbook counts dates from 1904 (Excel's 1904 date system); its dates are read that way."))
    first = values.dropna()
    example = as_text(first.iloc[0].to_pydatetime()) if len(first) else ""
    return values, dates.DatePlan(column, "text", example=example)


def _from_serials(values: pd.Series, origin: str) -> pd.Series:
    ok = (values >= _SERIAL_LOW) & (values <= _SERIAL_HIGH)
    days = values.where(ok)
    stamps = pd.to_datetime(days, unit="D", origin=origin, errors="coerce")
    return stamps.dt.round("s").astype("datetime64[us]")


def _note_text_numbers(column: str, t: _Typed, decimal: str, thousands: str | None, notes: Notes) -> None:
    """Numbers stored as text (Excel's green triangle) among numbers: read as numbers, and said."""
    parsed = classify(t.values, decimal, thousands)
    if parsed.numbers is None or t.was_text is None:
        return
    read = parsed.numbers.notna().to_numpy() & t.was_text
    count = int(read.sum())
    if count:
        example = t.values[read].iloc[0]
        notes.change(ngettext("Column '{column}': read {count} number stored as text (e.g. '{example}').",
                              "Column '{column}': read {count} numbers stored as text (e.g. '{example}').",
                              count).format(column=column, count=count, example=example))
