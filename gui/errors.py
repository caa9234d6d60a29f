"""The app's one error path: a readable dialog for the user, the traceback in a log file.

Anki routes every background failure to one `show_exception`; this is ours. Errors the user
can fix (core's ForecasterError) show their message; anything else is a bug: a short dialog
that names the log file, and the traceback in the log.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from core.errors import ForecasterError
from core.files import log_dir
from core.i18n import _

log = logging.getLogger("lstm_forecaster")
_open_dialogs: set[QMessageBox] = set()


def log_file() -> str:
    return str(log_dir() / "app.log")


def setup_logging() -> None:
    """Points the app's log at the log file of the current data folder (once per folder)."""
    wanted = log_file()
    for handler in list(log.handlers):
        if isinstance(handler, logging.FileHandler):
            if handler.baseFilename == wanted:
                return
            log.removeHandler(handler)
            handler.close()
    try:
        handler = logging.FileHandler(wanted, encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def user_message(exc: BaseException) -> str:
    if isinstance(exc, ForecasterError):
        return str(exc)
    return _("Something went wrong that shouldn't have ({kind}: {message}).\n\nDetails were written to {log}. The "
             "app is still usable.").format(kind=type(exc).__name__, message=exc, log=log_file())


def show_error(parent: QWidget | None, title: str, exc: BaseException, details: str = "") -> None:
    """Logs the error and shows it in a dialog; never raises."""
    setup_logging()
    if isinstance(exc, ForecasterError):
        log.info("%s: %s", title, exc)
    else:
        log.error("%s\n%s", title, details or "".join(traceback.format_exception(exc)))
    box = QMessageBox(QMessageBox.Icon.Warning, title, user_message(exc), QMessageBox.StandardButton.Ok,
                      parent)
    box.setObjectName("errorDialog")
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote file and column names: never markup
    # a parentless box would be garbage-collected at once: keep it until it is closed
    _open_dialogs.add(box)
    box.finished.connect(lambda _result, b=box: _open_dialogs.discard(b))
    box.open()  # not exec(): a modal loop inside a slot would block tests and worker signals


def install_excepthook() -> None:
    """No exception ever kills the app: log it and tell the user instead."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        details = "".join(traceback.format_exception(kind, exc, tb))
        try:
            show_error(QApplication.activeWindow(), _("Unexpected error"), exc, details)
        except Exception:
            sys.__excepthook__(kind, exc, tb)

    sys.excepthook = hook
