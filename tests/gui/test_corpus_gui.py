"""The corpus of odd and broken CSVs (tests/data/corpus) opened in the desktop app.

A refused file shows one dialog with the reader's one-line message (no traceback) and the app
stays usable; a file that reads right shows its rows, and its numeric columns as targets.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from gui.resources import sample_path

CORPUS_DIR = Path(__file__).resolve().parents[1] / "data" / "corpus"
spec = importlib.util.spec_from_file_location("corpus", CORPUS_DIR / "corpus.py")
CORPUS = importlib.util.module_from_spec(spec)
spec.loader.exec_module(CORPUS)


def error_dialogs(win) -> list[QMessageBox]:
    return [d for d in win.findChildren(QMessageBox) if d.objectName() == "errorDialog" and d.isVisible()]


def test_every_refused_file_shows_one_clear_message_and_the_app_stays_usable(qtbot, window):
    for name, words in sorted(CORPUS.REFUSED.items()):
        with qtbot.waitSignal(window.session.data.failed, timeout=30_000) as failed:
            assert window.session.data.open_csv(CORPUS_DIR / name)
        message = failed.args[0]
        assert name in message and words in message, message
        dialogs = error_dialogs(window)
        assert len(dialogs) == 1, name
        assert dialogs[0].text() == message  # the reader's own words, nothing more
        assert "Traceback" not in dialogs[0].text() and "\n" not in message
        dialogs[0].accept()
        qtbot.waitUntil(lambda: not error_dialogs(window), timeout=5_000)
        assert window.commands["open"].isEnabled()
    # after all of that, a good file opens and can be trained
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        assert window.session.data.open_csv(sample_path("monthly_visitors.csv"))
    assert window.session.settings.replan() and window.run_panel.train_button.isEnabled()


def test_every_readable_file_is_shown_with_its_values(qtbot, window):
    for name in sorted(CORPUS.READ):
        with qtbot.waitSignal(window.session.data.finished, timeout=30_000) as loaded:
            assert window.session.data.open_csv(CORPUS_DIR / name)
        table = loaded.args[0]
        CORPUS.check_table(table, name)  # the same values as the engine reads
        want = CORPUS.expected(name)
        assert not error_dialogs(window), name
        assert window.data_panel.preview_model.rowCount() == want["rows"], name
        assert f"{want['rows']:,} rows" in window.file_label.text()
        combo = window.columns_panel.target_combo
        targets = [combo.itemText(i) for i in range(combo.count())]
        assert sorted(targets) == sorted(table.report.numeric_columns()), name
        if not targets:  # text or dates only: explained, and training is not offered
            problem = window.run_panel.problem_label
            assert problem.isVisible() and "numeric column" in problem.text()
            assert not window.run_panel.train_button.isEnabled()
