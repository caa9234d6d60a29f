"""The interface language: the system's on first start, then what View > Language chose.

Qt widgets take their text when they are built, so a switch is saved and takes effect at the
next start (Anki and Orange do the same); "Restart now" reopens the app on the file that is
open, so the data comes back. Qt's own standard texts (file dialogs, message-box buttons,
context menus) come from the qtbase_<lang>.qm that ships with PySide6.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QProcess, QTranslator
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QFileDialog, QHeaderView, QMenu, QMessageBox, QTreeView, QWidget

from core.i18n import CHINESE, LANGUAGES, _, normalize, set_language, system_language
from gui.app_settings import AppSettings

QT_CATALOGS = {CHINESE: "qtbase_zh_CN"}


def startup_language(settings: AppSettings, override: str | None = None) -> str:
    """--lang, else the saved choice, else the system's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    if override:
        return normalize(override)
    return settings.language() or system_language()


class MnemonicFallback(QTranslator):
    """Qt's catalog as it is, and for a text it lacks that has a mnemonic ('&Look in:', 'Files of
    &type:': Qt 6's file dialog added the '&'), the translation of the text without it, with the
    key in Chinese style, '(&L)' before the full-width colon. Qt's qtbase_zh_CN knows the older texts only."""

    def __init__(self, catalog: QTranslator, parent: QObject) -> None:
        super().__init__(parent)
        self._catalog = catalog

    def translate(self, context, source, disambiguation=None, n=-1):
        if not source or "&" not in source or "&&" in source:
            return ""
        key = source[source.index("&") + 1:][:1]
        text = self._catalog.translate(context, source.replace("&", "", 1), disambiguation, n)
        if not text or not key.strip():
            return ""
        colon = text.endswith(("：", ":"))
        return f"{text.rstrip('：:')}(&{key.upper()})" + ("：" if colon else "")

    def isEmpty(self) -> bool:
        return False


def fit_file_dialog(_old: QWidget | None, new: QWidget | None) -> None:
    """Widens the size column of Qt's own file dialog to its contents when it takes the focus (it
    does on opening): its default width cuts sizes such as '123.4 KiB'. The dialogs are Qt's static
    ones, built inside Qt; the focus signal costs nothing between dialogs, unlike an event filter."""
    dialog = new.window() if new is not None else None
    if isinstance(dialog, QFileDialog):
        for tree in dialog.findChildren(QTreeView):
            if tree.header().count() > 1:
                tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)


def install_language(lang: str, app: QCoreApplication | None = None) -> str:
    """Our catalog for every later `_()`, and Qt's own translations for its standard dialogs."""
    lang = set_language(lang)
    app = app or QCoreApplication.instance()
    if app is None:
        return lang
    for old in getattr(app, "_lstm_translators", []):
        app.removeTranslator(old)
    translators = []
    if lang in QT_CATALOGS:
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(QT_CATALOGS[lang], folder):
            fallback = MnemonicFallback(translator, app)
            app.installTranslator(fallback)  # asked after the catalog (the last installed is asked first)
            app.installTranslator(translator)
            translators += [fallback, translator]
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    app._lstm_translators = translators  # kept alive as long as the app
    if not getattr(app, "_lstm_dialog_fit", False) and hasattr(app, "focusChanged"):  # a QApplication
        app.focusChanged.connect(fit_file_dialog)
        app._lstm_dialog_fit = True
    return lang


class LanguageMenu(QObject):
    """View > Language: one checkable entry per language, named in its own language."""

    def __init__(self, window: QWidget, settings: AppSettings, current: str, reopen_path=lambda: None) -> None:
        super().__init__(window)
        self._window, self._settings, self._reopen_path = window, settings, reopen_path
        self.menu = QMenu(_("&Language"), window, objectName="languageMenu")
        group = QActionGroup(self.menu)
        self.actions: dict[str, QAction] = {}
        for lang, name in LANGUAGES.items():
            action = QAction(name, self.menu, checkable=True, objectName=f"language_{lang}_Action")
            action.setChecked(lang == current)
            action.triggered.connect(lambda _checked=False, chosen=lang: self.choose(chosen))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[lang] = action
        self._current = current
        self.dialog: QMessageBox | None = None

    def choose(self, lang: str) -> None:
        """Saves the choice and offers a restart (the dialog is non-modal, so tests can answer it)."""
        self._settings.set_language(lang)
        self._settings.sync()
        if lang == self._current:
            return
        box = QMessageBox(QMessageBox.Icon.Information, _("Language"),
                          _("The language changes when LSTM Forecaster starts again. Restart now? The open file is "
                            "read again; save a trained model first if you want to keep it."),
                          QMessageBox.StandardButton.NoButton, self._window)
        box.setObjectName("restartDialog")
        restart = box.addButton(_("Restart now"), QMessageBox.ButtonRole.AcceptRole)
        restart.setObjectName("restartNowButton")
        later = box.addButton(_("Later"), QMessageBox.ButtonRole.RejectRole)
        later.setObjectName("restartLaterButton")
        box.buttonClicked.connect(lambda button: self._restart() if button is restart else None)
        self.dialog = box
        box.open()

    def _restart(self) -> None:
        """Starts a new instance on the open file, then closes this window (which saves the settings)."""
        path = self._reopen_path()
        script = [] if getattr(sys, "frozen", False) else sys.argv[:1]  # from source: python main.py
        if self._window.close():
            QProcess.startDetached(sys.executable, script + ([str(path)] if path else []))
