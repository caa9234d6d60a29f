"""Start the desktop app."""

from __future__ import annotations

import sys

from core import __version__


def run(argv: list[str], lang: str | None = None) -> int:
    """`lang` (from --lang) overrides the language in the settings for this session."""
    from PySide6.QtWidgets import QApplication

    from gui import pyside_imports  # noqa: F401 - first: makes Qt's import hook cheap
    from gui.app_settings import AppSettings
    from gui.errors import install_excepthook, setup_logging
    from gui.language import install_language, startup_language

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("LSTM Forecaster")
    app.setOrganizationName("LSTM Forecaster")
    app.setApplicationVersion(__version__)
    install_language(startup_language(AppSettings(), lang), app)  # before any widget takes its text
    from gui.main_window import MainWindow

    setup_logging()
    install_excepthook()
    from PySide6.QtGui import QIcon

    from gui.resources import resources_dir

    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "app_256.png")))
    window = MainWindow()
    window.show()
    if argv:
        window.open_path(argv[0])
    return app.exec()
