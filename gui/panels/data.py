"""The Data tab: how the file was read (with options to read it again differently) and its rows."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTableView, QTextBrowser, QVBoxLayout

from core.data.csv_reader import LoadedTable
from gui.panels import Panel, escape
from gui.session import Session
from gui.widgets.table_model import DataFrameModel

ENCODINGS = ["auto", "utf-8", "utf-8-sig", "gb18030", "cp1252", "utf-16", "latin-1", "big5", "shift_jis"]
DELIMITERS = [("auto", None), ("comma ,", ","), ("semicolon ;", ";"), ("tab", "\t"), ("pipe |", "|")]
DECIMALS = [("auto", None), ("point .", "."), ("comma ,", ",")]
DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}


class DataPanel(Panel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("dataPanel")
        self.session = session
        self.encoding_combo = QComboBox(editable=True, objectName="encodingCombo")
        self.encoding_combo.addItems(ENCODINGS)
        self.encoding_combo.setToolTip("Text encoding of the file. 'auto' detects it; choose one if the "
                                       "names or text look garbled (e.g. gb18030 for Chinese Excel files).")
        self.delimiter_combo = QComboBox(objectName="delimiterCombo")
        for label, value in DELIMITERS:
            self.delimiter_combo.addItem(label, value)
        self.decimal_combo = QComboBox(objectName="decimalCombo")
        for label, value in DECIMALS:
            self.decimal_combo.addItem(label, value)
        reread = QPushButton("Re-read", objectName="rereadButton")
        reread.setToolTip("Read the file again with these options")
        reread.clicked.connect(self.reread)
        options = QHBoxLayout()
        for text, widget in (("Encoding", self.encoding_combo), ("Delimiter", self.delimiter_combo),
                             ("Decimal", self.decimal_combo)):
            options.addWidget(QLabel(text))
            options.addWidget(widget)
        options.addWidget(reread)
        options.addStretch(1)
        self.report_view = QTextBrowser(objectName="importReport")
        self.report_view.setMaximumHeight(170)
        self.preview_model = DataFrameModel()
        self.preview = QTableView(objectName="previewTable")
        self.preview.setModel(self.preview_model)
        self.preview.setAlternatingRowColors(True)
        self.preview.verticalHeader().setDefaultSectionSize(22)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.report_view)
        layout.addWidget(self.preview, 1)
        session.dataLoaded.connect(self._show)
        session.loadFailed.connect(self._show_read_options)

    def reread(self) -> bool:
        """Reads the file again with the encoding, delimiter and decimal mark chosen here."""
        encoding = self.encoding_combo.currentText().strip()
        return self.session.reread(encoding=None if encoding in ("", "auto") else encoding,
                                   delimiter=self.delimiter_combo.currentData(),
                                   decimal=self.decimal_combo.currentData())

    def _show(self, loaded: LoadedTable) -> None:
        self.preview_model.set_frame(loaded.frame)
        self.preview.resizeColumnsToContents()
        self.report_view.setHtml(report_html(loaded))
        self._show_read_options()

    def _show_read_options(self, _message: str = "") -> None:
        """The options the shown table was read with: after a failed re-read, not the ones that failed."""
        if self.session.loaded is None:
            return
        report = self.session.loaded.report
        if self.encoding_combo.findText(report.encoding) < 0:
            self.encoding_combo.addItem(report.encoding)
        self.encoding_combo.setCurrentIndex(self.encoding_combo.findText(report.encoding))
        self.delimiter_combo.setCurrentIndex(max(0, self.delimiter_combo.findData(report.delimiter)))
        self.decimal_combo.setCurrentIndex(max(0, self.decimal_combo.findData(report.decimal)))


def report_html(loaded: LoadedTable) -> str:
    r = loaded.report
    facts = [
        ("Encoding", r.encoding), ("Delimiter", DELIMITER_NAMES.get(r.delimiter, r.delimiter)),
        ("Decimal mark", "comma" if r.decimal == "," else "point"),
        ("Date column", r.date_column or "none"), ("Rows", f"{r.rows:,}"),
        ("Missing values filled", sum(r.filled.values())),
        ("Duplicate timestamps dropped", r.duplicates_dropped),
        ("Rows sorted by date", "yes" if r.sorted_by_date else "no"),
    ]
    table = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;{escape(str(v))}</td></tr>" for k, v in facts)
    notes = "".join(f"<li>{escape(n)}</li>" for n in r.notes)
    return f"<table>{table}</table><ul style='margin-left:-20px'>{notes}</ul>"
