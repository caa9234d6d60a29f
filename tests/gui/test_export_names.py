"""Issue 23, item 14: the Backtest and Search export dialogs open in the folder the app remembers and
suggest a file name that names the dataset."""

import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.gui.test_search_tab import finished_search, run_injected
from tests.gui.window_steps import open_file

TIMEOUT = 120_000


def asked_names(monkeypatch) -> list[str]:
    """Stands in for the save dialog: records the path it was opened on, and cancels."""
    asked: list[str] = []

    def dialog(_parent, _title, suggested, _filters, *args, **kwargs):
        asked.append(suggested)
        return "", ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    return asked


def test_backtest_and_search_exports_suggest_the_datasets_name_in_the_last_folder(qtbot, window, data_dir,
                                                                                   tmp_path, monkeypatch):
    folder = tmp_path / "quarterly"
    folder.mkdir()
    csv = shutil.copy(data_dir / "ausbeer.csv", folder / "ausbeer.csv")
    open_file(qtbot, window, csv)  # the app remembers this folder
    window.session.data.set_columns("megalitres", [])
    window.session.settings.update(horizon=4, epochs=2, ensemble=1)
    panel = window.backtest_panel
    window.tabs.setCurrentWidget(panel)
    panel.folds_spin.setValue(2)
    with qtbot.waitSignal(window.session.backtest.finished, timeout=TIMEOUT):
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    asked = asked_names(monkeypatch)
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert asked == [str(folder / "ausbeer_backtest.csv")]

    window.tabs.setCurrentWidget(window.search_panel)
    run_injected(qtbot, window, monkeypatch, finished_search("confirmed"))
    qtbot.mouseClick(window.search_panel.export_button, Qt.MouseButton.LeftButton)
    assert asked[1:] == [str(folder / "ausbeer_search.json")]
