"""The Data tab: how the file was read (with options to read it again differently) and its rows."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
)

from core.data.csv_reader import LoadedTable
from core.data.dialect import delimiter_choices, delimiter_name
from core.i18n import N_, _
from gui.format import escape
from gui.panels import Panel
from gui.session import Session
from gui.widgets.table_model import DataFrameModel

ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "cp1252", "utf-16", "latin-1", "big5", "shift_jis"]  # after "auto"
DELIMITERS = [(N_("auto"), None), *delimiter_choices()]  # the one table: core/data/dialect.py
DECIMALS = [(N_("auto"), None), (N_("point ."), "."), (N_("comma ,"), ",")]
REPORT_SHARE = 0.45  # of the Data tab's height, at most, for the import report
PREVIEW_WIDTH_ROWS = 60  # rows read to size the preview's columns


class DataPanel(Panel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("dataPanel")
        self.session = session
        self.encoding_combo = QComboBox(editable=True, objectName="encodingCombo")
        self.encoding_combo.addItems([_("auto"), *ENCODINGS])
        self.encoding_combo.setToolTip(_("Text encoding of the file. 'auto' detects it; choose one if the names or "
                                         "text look garbled (e.g. gb18030 for Chinese Excel files)."))
        self.delimiter_combo = QComboBox(objectName="delimiterCombo")
        for label, value in DELIMITERS:
            self.delimiter_combo.addItem(_(label), value)
        self.decimal_combo = QComboBox(objectName="decimalCombo")
        for label, value in DECIMALS:
            self.decimal_combo.addItem(_(label), value)
        # a workbook's sheets, shown when it has several; choosing one reads it
        self.sheet_combo = QComboBox(objectName="sheetChooser")
        self.sheet_combo.setToolTip(_("The sheet of the workbook to read. The first sheet with a table of data is "
                                      "read at first."))
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.reread_button = QPushButton(_("Re-read"), objectName="rereadButton")  # the `reload` action
        options = QHBoxLayout()
        self._labels: dict[QComboBox, QLabel] = {}
        for text, widget in ((_("Sheet"), self.sheet_combo), (_("Encoding"), self.encoding_combo),
                             (_("Delimiter"), self.delimiter_combo), (_("Decimal"), self.decimal_combo)):
            self._labels[widget] = QLabel(text)
            options.addWidget(self._labels[widget])
            options.addWidget(widget)
        self._show_workbook_options(None)
        options.addWidget(self.reread_button)
        options.addStretch(1)
        self.report_view = QTextBrowser(objectName="importReport")
        self.report_view.setFixedHeight(170)  # then as tall as its text (fit_report)
        self.preview_model = DataFrameModel()
        self.preview = QTableView(objectName="previewTable")
        self.preview.setModel(self.preview_model)
        self.preview.setAlternatingRowColors(True)
        self.preview.verticalHeader().setDefaultSectionSize(22)
        # column widths from the first rows, not Qt's default 1,000 (25,000 cell reads, 250 ms of the
        # UI thread when a file opens: bench/bench_ui.py); the values of one column look alike
        self.preview.horizontalHeader().setResizeContentsPrecision(PREVIEW_WIDTH_ROWS)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.report_view)
        layout.addWidget(self.preview, 1)
        session.data.finished.connect(self._show)
        session.data.failed.connect(self._show_read_options)

    def command_buttons(self) -> dict[str, QAbstractButton]:
        return {"reload": self.reread_button}

    def reread(self) -> bool:
        """Reads the file again with the encoding, delimiter and decimal mark chosen here."""
        read_as = self.session.data.read_as()
        if read_as is None:
            return False
        if read_as.sheet is not None:   # a workbook: only the decimal mark of numbers stored as text applies
            return self.session.data.reread(replace(read_as, decimal=self.decimal_combo.currentData()))
        encoding = self.encoding_combo.currentText().strip()
        return self.session.data.reread(replace(
            read_as, encoding=None if encoding in ("", "auto", _("auto")) else encoding,
            delimiter=self.delimiter_combo.currentData(), decimal=self.decimal_combo.currentData()))

    def _sheet_chosen(self, index: int) -> None:
        self.session.data.choose_sheet(self.sheet_combo.itemText(index))

    def _show_workbook_options(self, sheets: list[str] | None, sheet: str | None = None) -> None:
        """The sheet picker for a workbook of several sheets; encoding and delimiter only for a CSV."""
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(sheets or [])
        if sheet is not None:
            self.sheet_combo.setCurrentIndex(max(0, self.sheet_combo.findText(sheet)))
        self.sheet_combo.blockSignals(False)
        for widget, shown in ((self.sheet_combo, len(sheets or []) > 1), (self.encoding_combo, sheets is None),
                              (self.delimiter_combo, sheets is None)):
            widget.setVisible(shown)
            self._labels[widget].setVisible(shown)

    def _show(self, loaded: LoadedTable) -> None:
        self.preview_model.set_frame(loaded.frame, loaded.filled_rows)  # filled-in cells are shaded
        self.preview.resizeColumnsToContents()
        self.report_view.setHtml(report_html(loaded))
        self.fit_report()
        self._show_read_options()

    def fit_report(self) -> None:
        """The import report as tall as its text, so no note is cut mid-line; a scroll bar only when
        it would take more than REPORT_SHARE of the tab (the table of rows needs the rest)."""
        view = self.report_view
        document = view.document()
        document.setTextWidth(view.viewport().width())
        needed = int(document.size().height() + 0.5) + 2 * view.frameWidth()
        view.setFixedHeight(max(60, min(needed, int(self.height() * REPORT_SHARE) or needed)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.session.data.loaded is not None:
            self.fit_report()  # a narrower box wraps the notes onto more lines

    def _show_read_options(self, _message: str = "") -> None:
        """The options the shown table was read with: after a failed re-read, not the ones that failed."""
        if self.session.data.loaded is None:
            return
        report = self.session.data.loaded.report
        self._show_workbook_options(report.sheets if report.sheet is not None else None, report.sheet)
        if report.sheet is not None:
            self.decimal_combo.setCurrentIndex(max(0, self.decimal_combo.findData(
                self.session.data.read_options.decimal)))
            return
        if self.encoding_combo.findText(report.encoding) < 0:
            self.encoding_combo.addItem(report.encoding)
        self.encoding_combo.setCurrentIndex(self.encoding_combo.findText(report.encoding))
        self.delimiter_combo.setCurrentIndex(max(0, self.delimiter_combo.findData(report.delimiter)))
        self.decimal_combo.setCurrentIndex(max(0, self.decimal_combo.findData(report.decimal)))


def report_html(loaded: LoadedTable) -> str:
    r = loaded.report
    if r.sheet is not None:
        read_as = [(_("Sheet"), r.sheet), (_("Column names in row"), r.header_row or _("none")),
                   (_("Error cells read as missing"), sum(r.error_cells.values()))]
    else:
        read_as = [(_("Encoding"), r.encoding), (_("Delimiter"), delimiter_name(r.delimiter)),
                   (_("Decimal mark"), _("comma") if r.decimal == "," else _("point"))]
    facts = [
        *read_as,
        (_("Date column"), r.date_column or _("none")), (_("Rows"), f"{r.rows:,}"),
        (_("Missing values filled"), sum(r.filled.values())),
        (_("Duplicate timestamps dropped"), r.duplicates_dropped),
        (_("Rows sorted by date"), _("yes") if r.sorted_by_date else _("no")),
    ]
    table = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;{escape(str(v))}</td></tr>" for k, v in facts)
    notes = "".join(f"<li>{escape(n)}</li>" for n in r.notes)
    return f"<table>{table}</table><ul style='margin-left:-20px'>{notes}</ul>"
