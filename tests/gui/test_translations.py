"""Every text the window shows goes through the catalog (openpilot's pseudo-locale test), and engine
errors reach the user in Chinese.

The pseudo-locale catalog wraps every message in ⟦…⟧. With it installed, the main window is built,
a file is read and a model trained; then every visible label, button, group-box title, tab, menu,
action, tooltip, combo-box item, spin-box text and table header is read, and any text with letters
that is neither wrapped nor the user's own data (column names, file names, paths) fails the test.
"""

import re
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QTableView,
    QTabWidget,
    QWidget,
)

from core import i18n
from gui import MainWindow
from gui.language import install_language
from gui.resources import sample_path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import catalog  # noqa: E402

SALES = sample_path("daily_sales.csv")
WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
NUMBER = re.compile(r"[-+]?\d[\d,.:]*(?:e[-+]?\d+)?")
LETTERS = re.compile(r"[A-Za-z\u4e00-\u9fff]")
# words that are the same in every language: the app's name, the languages named in themselves,
# encodings' technical names, tensor names in the shapes table, the scores' abbreviations
SAME_IN_EVERY_LANGUAGE = {"LSTM Forecaster", "English", "简体中文", "X", "y", "utf-8", "utf-8-sig", "gb18030",
                          "cp1252", "utf-16", "latin-1", "big5", "shift_jis", "%", "RMSE", "MAE", "MAPE", "R²",
                          "MASE"}


def untranslated(text: str, data: set[str]) -> str | None:
    """What is left of `text` after removing tags, wrapped messages, data and numbers; None when nothing
    with letters is left."""
    rest = re.sub(r"<[^>]+>", " ", text).replace("&nbsp;", " ").replace("&amp;", "&")
    while WRAPPED.search(rest):
        rest = WRAPPED.sub(" ", rest)
    for item in sorted(data | SAME_IN_EVERY_LANGUAGE, key=len, reverse=True):
        rest = rest.replace(item, " ")
    rest = NUMBER.sub(" ", rest)
    return rest.strip() if LETTERS.search(rest) else None


def visible_texts(window: MainWindow) -> list[tuple[str, str]]:
    """(where, text) for everything a user can read in the window, its menus and tooltips."""
    found: list[tuple[str, str]] = [("window title", window.windowTitle()),
                                    ("status bar", window.statusBar().currentMessage())]
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisible() and not isinstance(widget, QMenu):
            continue
        where = f"{type(widget).__name__} {widget.objectName()!r}"
        found.append((f"{where} tooltip", widget.toolTip()))
        if isinstance(widget, (QLabel, QAbstractButton)):
            found.append((where, widget.text()))
        elif isinstance(widget, QGroupBox):
            found.append((where, widget.title()))
        elif isinstance(widget, QTabWidget):
            found += [(f"{where} tab", widget.tabText(i)) for i in range(widget.count())]
        elif isinstance(widget, QComboBox) and widget.objectName() not in ("targetCombo", "dateColumnCombo"):
            found += [(f"{where} item", widget.itemText(i)) for i in range(widget.count())]
        elif isinstance(widget, QAbstractSpinBox):
            found += [(f"{where} special", widget.specialValueText())]
        elif isinstance(widget, QProgressBar):
            found.append((where, widget.text()))  # as shown: Qt's own "%p%" reads "40%"
        elif isinstance(widget, QMenu):
            found.append((where, widget.title()))
        elif isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            found += [(f"{where} header", str(text))
                      for orientation, count in ((Qt.Orientation.Horizontal, model.columnCount()),
                                                 (Qt.Orientation.Vertical, model.rowCount()))
                      for i in range(min(count, 50))
                      if (text := model.headerData(i, orientation)) is not None]  # None: no header text
        for action in widget.actions():
            found += [(f"action {action.objectName()!r}", action.text()),
                      (f"action {action.objectName()!r} tip", action.statusTip()),
                      (f"action {action.objectName()!r} tooltip", action.toolTip())]
    for item in range(window.columns_panel.feature_list.count()):
        found.append(("feature tooltip", window.columns_panel.feature_list.item(item).toolTip()))
    return found


@pytest.fixture
def pseudo_locale(tmp_path):
    catalog.write_pseudo_catalog(tmp_path)
    i18n.set_language("zh_CN", localedir=tmp_path)
    yield
    install_language("en")


def test_every_visible_text_goes_through_the_catalog(qtbot, pseudo_locale):
    window = MainWindow(warm_up_engine=False)
    qtbot.addWidget(window)
    window.show()
    checked = visible_texts(window)  # the start page
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        window.session.data.open_csv(SALES)
    window.columns_panel.set_features(["temperature"])
    window.settings_panel.form.epochs.setValue(2)
    window.settings_panel.form.ensemble.setValue(1)
    window.settings_panel.form.horizon.setValue(2)  # the Results tab's step selector and per-step scores
    window.session.settings.replan()
    checked += visible_texts(window)  # the data, settings and plan
    with qtbot.waitSignal(window.session.training.finished, timeout=120_000):
        window.commands["train"].trigger()
    for panel in (window.results_panel, window.training_panel, window.data_panel, window.inspector_panel):
        panel.reveal()
        checked += visible_texts(window)
    checked += backtest_and_search_texts(qtbot, window)
    data = {str(c) for c in window.session.data.loaded.frame.columns} | {SALES.name, str(SALES), str(SALES.parent)}
    data |= {str(sample_path(name)) for name in ("daily_sales.csv", "monthly_visitors.csv", "store_sales_zh_gbk.csv")}
    data |= {str(path) for path in window.settings.recent_files()}
    problems = [(where, text, left) for where, text in checked if text
                if (left := untranslated(text, data)) is not None]
    assert len(checked) > 200  # the walk reached the window's widgets
    shown = {where for where, text in checked if text}
    assert {"QLabel 'backtestStatus'", "QTableWidget 'backtestTable' header", "QLabel 'searchStateLabel'",
            "QLabel 'searchBestLabel'", "QTableView 'searchTrialsTable' header"} <= shown  # and both runs' results
    assert problems == [], "\n".join(map(repr, problems))
    window.session.jobs.stop_all()


def backtest_and_search_texts(qtbot, window: MainWindow) -> list[tuple[str, str]]:
    """The Backtest and Search tabs before and after a short run (two folds; one trial, the form's
    own settings), the search's advanced options shown."""
    found = []
    backtest, search = window.backtest_panel, window.search_panel
    backtest.reveal()
    found += visible_texts(window)
    backtest.folds_spin.setValue(2)
    with qtbot.waitSignal(window.session.backtest.finished, timeout=120_000):
        backtest.run_button.click()
    found += visible_texts(window)
    search.reveal()
    search.advanced_button.setChecked(True)
    found += visible_texts(window)
    search.budget_unit.setCurrentIndex(search.budget_unit.findData(1))  # seconds
    search.budget_spin.setValue(120)
    search.trials_spin.setValue(1)
    search.jobs_spin.setValue(0)
    with qtbot.waitSignal(window.session.search.finished, timeout=240_000):
        search.run_button.click()
    found += visible_texts(window)
    return found


def test_untranslated_text_is_caught():
    """The check itself: a plain English word fails, wrapped text and data pass."""
    assert untranslated("Train", set()) == "Train"
    assert untranslated("<b>⟦Train⟧</b> 3,000", set()) is None
    assert untranslated("⟦Read {file}⟧ sales.csv", {"sales.csv"}) is None
    assert untranslated("⟦Epoch 2/5⟧; best epoch 2", set()) == "; best epoch"


def test_engine_error_is_shown_in_chinese_in_the_error_dialog(qtbot, tmp_path):
    install_language("zh_CN")
    try:
        window = MainWindow(warm_up_engine=False)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.session.data.failed, timeout=30_000):
            window.session.data.open_csv(tmp_path / "missing.csv")
        dialogs = [w for w in window.findChildren(QMessageBox, "errorDialog") if w.isVisible()]
        assert len(dialogs) == 1
        text, title = dialogs[-1].text(), dialogs[-1].windowTitle()
        assert "missing.csv" in text and re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[\u4e00-\u9fff]", title)
        assert "Traceback" not in text and "\n" not in text
        # Qt's own button text comes from qtbase_zh_CN.qm
        assert dialogs[-1].button(QMessageBox.StandardButton.Ok).text() in ("确定", "&确定", "确定(&O)")
        for dialog in dialogs:
            dialog.close()
    finally:
        install_language("en")


def test_language_menu_remembers_the_choice_and_offers_a_restart(qtbot):
    window = MainWindow(warm_up_engine=False)
    qtbot.addWidget(window)
    window.show()
    action = window.findChild(object, "language_zh_CN_Action")
    assert action is not None and action.text() == "简体中文" and not action.isChecked()
    action.trigger()
    assert window.settings.language() == "zh_CN"
    dialog = window.language_menu.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.mouseClick(dialog.findChild(QAbstractButton, "restartLaterButton"), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and window.isVisible()  # "Later" keeps the window and its data
    assert i18n.language() == "en"  # the running window keeps its language until the restart
