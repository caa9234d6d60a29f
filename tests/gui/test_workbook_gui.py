"""A workbook in the window: File > Open takes it, the Data tab's sheet picker appears when it has
several sheets, and choosing the second sheet reads that sheet."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QTextBrowser, QWidget

from gui.dialogs import csv_filter
from tests.gui.window_steps import open_file

BOOKS = Path(__file__).resolve().parents[1] / "data" / "workbooks"


def test_choosing_the_second_sheet_reads_it(qtbot, window):
    assert "*.xlsx" in csv_filter() and "*.ods" in csv_filter()
    open_file(qtbot, window, BOOKS / "two_sheets.xlsx")
    window.tabs.setCurrentWidget(window.findChild(QWidget, "dataPanel"))
    chooser = window.findChild(QComboBox, "sheetChooser")
    assert chooser.isVisible() and [chooser.itemText(i) for i in range(chooser.count())] == ["north", "south"]
    assert chooser.currentText() == "north"
    assert not window.findChild(QComboBox, "encodingCombo").isVisible()   # a workbook has no encoding
    assert window.session.data.loaded.frame["sales"].iloc[0] == 100.0
    chooser.setFocus()
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        qtbot.keyClick(chooser, Qt.Key.Key_Down)   # the user picks the next sheet
    assert chooser.currentText() == "south"
    assert window.session.data.loaded.frame["sales"].iloc[0] == 1100.0
    assert window.session.data.read_options.sheet == "south"
    assert window.session.data.read_as().sheet == "south"
    report = window.findChild(QTextBrowser, "importReport").toPlainText()
    assert "south" in report and "(your choice; sheets: 'north', 'south')" in report


def test_a_one_sheet_workbook_shows_no_picker_and_a_csv_shows_its_encoding(qtbot, window, tmp_path):
    open_file(qtbot, window, BOOKS / "serial_dates.xlsx")
    window.tabs.setCurrentWidget(window.findChild(QWidget, "dataPanel"))
    assert not window.findChild(QComboBox, "sheetChooser").isVisible()
    assert window.session.data.loaded.report.date_column == "Date"
    csv = tmp_path / "t.csv"
    csv.write_text("date,v\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n2024-01-04,4\n")
    open_file(qtbot, window, csv)
    assert window.findChild(QComboBox, "encodingCombo").isVisible()
    assert not window.findChild(QComboBox, "sheetChooser").isVisible()
