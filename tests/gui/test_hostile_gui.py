"""User data is never markup in the window, and no save or export writes over the file it read."""

from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QMessageBox

from core.errors import DataError
from gui.errors import show_error
from tests.gui.window_steps import open_file

MARKUP_TARGET = "<b>sales</b>"
MARKUP_FEATURE = "<img src=x>"


@pytest.fixture
def markup_csv(tmp_path) -> Path:
    path = tmp_path / "markup.csv"
    rows = 40
    pd.DataFrame({
        "date": pd.date_range("2024-01-01", periods=rows, freq="D").strftime("%Y-%m-%d"),
        MARKUP_TARGET: [10.0 + i % 7 for i in range(rows)],
        MARKUP_FEATURE: [float(i) for i in range(rows)],
        "note": ["<i>cell</i>"] * rows,  # a text column: its reason quotes a cell
    }).to_csv(path, index=False)
    return path



def renders_markup(label: QLabel, raw: str) -> bool:
    """True when `raw` (user text) reaches the label unescaped where Qt would render it as HTML."""
    if raw not in label.text():
        return False
    return label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(label.text()))


def test_column_names_and_cells_are_shown_as_text(qtbot, window, markup_csv):
    open_file(qtbot, window, markup_csv)
    for label in window.findChildren(QLabel):
        for raw in (MARKUP_TARGET, MARKUP_FEATURE, "<i>cell</i>"):
            assert not renders_markup(label, raw), (label.objectName(), label.text())
    features = window.findChild(QListWidget, "featureList")
    tips = [features.item(i).toolTip() for i in range(features.count())]
    assert any("&lt;i&gt;cell&lt;/i&gt;" in tip for tip in tips)  # the text column's reason, escaped
    assert not any("<i>cell</i>" in tip for tip in tips)


def test_an_error_naming_a_file_is_plain_text(qtbot):
    show_error(None, "Can't open the file", DataError("<b>x</b>.csv: the file is empty."))
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.objectName() == "errorDialog"]
    mine = [box for box in boxes if "<b>x</b>.csv" in box.text()]
    assert mine and mine[-1].textFormat() == Qt.TextFormat.PlainText
    for box in boxes:
        box.close()


def test_an_export_over_the_input_file_is_refused(qtbot, window, markup_csv, monkeypatch):
    open_file(qtbot, window, markup_csv)
    before = markup_csv.read_bytes()
    problems = []
    window.session.problem.connect(lambda title, exc, details: problems.append(str(exc)))
    window.session.data.set_columns(MARKUP_TARGET, [])
    window.session.settings.update(window=7, epochs=1, ensemble=1)
    assert window.session.settings.replan()
    with qtbot.waitSignal(window.session.training.finished, timeout=120_000):
        assert window.session.training.start()
    assert not window.session.export_predictions(markup_csv)
    assert markup_csv.read_bytes() == before
    assert problems and "input file" in problems[0]
    for box in QApplication.topLevelWidgets():  # the refusal's dialog: later tests read the newest one
        if isinstance(box, QMessageBox) and box.objectName() == "errorDialog":
            box.close()
