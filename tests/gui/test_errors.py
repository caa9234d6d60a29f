"""No exception kills the app: the global hook logs it and shows a dialog."""

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from core.errors import DataError
from gui.errors import install_excepthook, log_file, show_error, user_message


def test_unexpected_exception_is_logged_and_shown(qtbot, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook()
    try:
        raise RuntimeError("kaboom in a slot")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    dialogs = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.objectName() == "errorDialog" and w.isVisible()]
    assert dialogs and "kaboom in a slot" in dialogs[-1].text() and log_file() in dialogs[-1].text()
    logged = Path(log_file()).read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: kaboom in a slot" in logged
    for dialog in dialogs:
        dialog.close()


def test_user_errors_show_their_own_words_without_a_traceback(qtbot):
    assert user_message(DataError("sales.csv: the file is empty.")) == "sales.csv: the file is empty."
    show_error(None, "Can't open the file", DataError("sales.csv: the file is empty."))
    assert "Traceback" not in Path(log_file()).read_text(encoding="utf-8")
