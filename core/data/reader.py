"""One door for every table the app reads: a workbook (.xlsx, .xlsm, .xls, .ods) by its sheet, any
other file as a CSV. Both give a LoadedTable with the same import report."""

from __future__ import annotations

from pathlib import Path

from core.data.book_file import WORKBOOK_SUFFIXES, is_workbook
from core.data.csv_reader import read_csv
from core.data.notes import refuse
from core.data.options import ReadOptions
from core.data.report import LoadedTable
from core.data.workbook import read_workbook
from core.i18n import _

__all__ = ["WORKBOOK_SUFFIXES", "is_workbook", "read_table"]


def read_table(path: str | Path, options: ReadOptions | None = None) -> LoadedTable:
    """Reads `path` as its name says (a workbook, else a CSV); raises DataError for a bad file."""
    if is_workbook(path):
        return read_workbook(path, options)
    if options is not None and (options.sheet is not None or options.header_row is not None):
        # said, not ignored: the user expects a sheet or a header row the file doesn't have
        raise refuse(_("'{file}' is read as a CSV, which has no sheets or header-row choice; those options are "
                       "for workbooks (.xlsx, .xlsm, .xls, .ods).").format(file=Path(path).name))
    return read_csv(path, options)
