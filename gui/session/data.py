"""The data part of the Session: the loaded table, how it was read, and the columns to use."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal

from core.data.columns import default_target, is_index_like
from core.data.options import AUTO, ReadOptions
from core.data.reader import read_table
from core.data.report import LoadedTable
from core.i18n import N_, _, ngettext
from gui.jobs import Job
from gui.session.channel import JobChannel

if TYPE_CHECKING:
    from gui.session import Session


class DataState(JobChannel):
    """Reading a file is the LOAD job: `finished` brings the LoadedTable, `failed` the message."""

    columnsChanged = Signal()  # the target or the features were set (by a panel, or the window restoring them)

    job = Job.LOAD
    failure_title = N_("Can't open the file")
    failure_note = N_("The file could not be read.")

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.loaded: LoadedTable | None = None
        self.source_path: str | None = None
        self.read_options = ReadOptions()
        self.target = ""
        self.features: tuple[str, ...] = ()
        self._pending: tuple[str, ReadOptions] | None = None

    def open_csv(self, path: str | Path, options: ReadOptions | None = None) -> bool:
        """Reads `path` in the background; `finished` or `failed` follows. False if refused."""
        path, options = str(path), options or ReadOptions()
        s = self.session
        if self.refusal() is None and s.models.unsaved() and s.confirm_discard is not None \
                and not s.confirm_discard():
            return False

        def work(report, cancel):
            return read_table(path, options)

        if not self.run(work, _("Reading {path}…").format(path=path)):
            return False
        self._pending = (path, options)
        return True

    def read_as(self) -> ReadOptions | None:
        """The options the shown table was read with, as detected or chosen (None: no table)."""
        if self.loaded is None:
            return None
        r = self.loaded.report
        if r.sheet is not None:   # a workbook: the sheet and its header row, no encoding or delimiter
            return ReadOptions(decimal=self.read_options.decimal, date_column=r.date_column, sheet=r.sheet,
                               header_row=self.read_options.header_row)
        return ReadOptions(r.encoding, r.delimiter, r.decimal, r.date_column)

    def reread(self, options: ReadOptions | None = None, **changes: Any) -> bool:
        """Reads the open file again with `options`, or with some read options changed (encoding,
        delimiter, decimal, date_column, sheet, header_row) and the others as the file was read."""
        read_as = self.read_as()
        if self.source_path is None or read_as is None:
            return False
        return self.open_csv(self.source_path, options or replace(read_as, **changes))

    def choose_sheet(self, sheet: str) -> bool:
        """Reads another sheet of the open workbook; its header row and date column are detected afresh."""
        read_as = self.read_as()
        if read_as is None or read_as.sheet is None or sheet == read_as.sheet:
            return False
        return self.reread(sheet=sheet, header_row=None, date_column=AUTO)

    def set_columns(self, target: str, features: list[str] | tuple[str, ...]) -> None:
        """The target and the extra input columns: the target itself is never a feature, nor a
        column that can't be one (remembered for a file that has changed since)."""
        self.target = target
        report = self.loaded.report if self.loaded is not None else None
        possible = None if report is None else {c.name for c in report.columns
                                                if c.usable and c.name != report.date_column}
        self.features = tuple(f for f in features if f != target and (possible is None or f in possible))
        self.columnsChanged.emit()
        self.session.settings.schedule_replan()

    def done(self, loaded: LoadedTable) -> None:
        """The parts that scored or showed the previous table forget it (they listen to `finished`)."""
        previous = self.source_path if self.loaded is not None else None
        self.source_path, self.read_options = self._pending or (None, ReadOptions())
        same_file = previous is not None and previous == self.source_path
        self.loaded = loaded
        usable = loaded.report.numeric_columns()
        # a new file starts at a real measurement, never at a column that only numbers the rows
        keep = self.target in usable and (same_file or not is_index_like(self.target, loaded.frame[self.target]))
        self.target = self.target if keep else default_target(loaded.frame, usable)
        self.features = ()
        self.session.status.emit(ngettext("Read {file}: {rows:,} row.", "Read {file}: {rows:,} rows.",
                                          loaded.report.rows).format(file=self.file_name(), rows=loaded.report.rows),
                                 5000)
        super().done(loaded)
        self.session.settings.replan()

    def file_name(self) -> str:
        """The open file's name, for sentences ("the data" when none)."""
        return Path(self.source_path).name if self.source_path else _("the data")
