"""The window's questions to the user: which file to open, where to save, and the About box.
Each asks, remembers the folder, then hands the answer to the Session."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from core import __version__
from core.files import log_dir, safe_file_stem
from core.i18n import _
from core.model.bundle import BUNDLE_SUFFIX
from gui.app_settings import AppSettings
from gui.format import escape
from gui.session import Session

APP_NAME = "LSTM Forecaster"


def csv_filter() -> str:
    """Tables first (CSVs and workbooks together), then each kind, then everything."""
    return _("Tables (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.ods);;CSV and text files (*.csv *.tsv *.txt);;"
             "Excel and OpenDocument workbooks (*.xlsx *.xlsm *.xls *.ods);;All files (*)")


def model_filter() -> str:
    return _("LSTM Forecaster model (*{suffix})").format(suffix=BUNDLE_SUFFIX)


def write_report(content, path: str) -> None:
    """The report's writer, run on the report job's thread (matplotlib loads there, not at start-up)."""
    from core.report.output import write_report as write

    write(content, path)


class FileDialogs(QObject):
    def __init__(self, window: QWidget, session: Session, settings: AppSettings, chart_figure) -> None:
        super().__init__(window)
        self._window, self._session, self._settings = window, session, settings
        self._chart_figure = chart_figure  # () -> the Results panel's matplotlib Figure
        # the wait cursor set when a report starts goes when its job ends, written or not
        session.report.finished.connect(lambda _path: QApplication.restoreOverrideCursor())
        session.report.failed.connect(lambda _message: QApplication.restoreOverrideCursor())

    def _open_path(self, title: str, filters: str | None = None) -> str:
        filters = filters or csv_filter()
        path, _filter = QFileDialog.getOpenFileName(self._window, title, self._settings.last_directory(), filters)
        return path

    def _save_path(self, title: str, suggested: str, filters: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(self._window, title,
                                              str(Path(self._settings.last_directory()) / suggested), filters)
        if path:
            self._settings.set_last_directory(str(Path(path).parent))
        return path

    def choose_csv(self) -> bool:
        path = self._open_path(_("Open a CSV file or workbook"))
        return bool(path) and self._session.data.open_csv(path)

    def choose_model(self) -> bool:
        path = self._open_path(_("Open model"), _("{models};;All files (*)").format(models=model_filter()))
        return bool(path) and self._session.models.open(path)

    def choose_apply_csv(self) -> bool:
        path = self._open_path(_("Apply the model to a CSV"))
        return bool(path) and self._session.models.apply(path)

    def choose_future(self) -> bool:
        path = self._open_path(_("Future values of the feature columns"))
        return bool(path) and self._session.models.give_future(path)

    def save_future_template(self, path: str | None = None) -> bool:
        """Asks where, then writes the future dates with empty feature columns (a CSV to fill)."""
        return self._export(_("Save a template of future feature values"), "future.csv", "CSV (*.csv)",
                            self._session.models.save_future_template, path)

    def save_model(self) -> bool:
        """Asks where, then saves the current model (trained or opened) as one .lstmf file."""
        s = self._session
        if not s.models.savable():
            return False
        if s.models.result is None:  # an opened model: beside its own name, which is never overwritten
            suggested = f"{Path(s.models.opened_path).stem}-copy{BUNDLE_SUFFIX}"
        else:
            stem = Path(s.data.source_path).stem if s.data.source_path else "model"
            suggested = f"{stem}-{safe_file_stem(s.models.result.config.target)}{BUNDLE_SUFFIX}"
        path = self._save_path(_("Save model"), suggested, model_filter())
        return bool(path) and s.models.save(path)

    def _export(self, title: str, kind: str, filters: str, write, path: str | None) -> bool:
        shown = self._session.shown
        if shown is None:
            return False
        path = path or self._save_path(title, f"{safe_file_stem(shown.target)}-{kind}", filters)
        return bool(path) and write(path)

    def export_predictions(self, path: str | None = None) -> bool:
        return self._export(_("Export predictions and forecast"), "predictions.csv", "CSV (*.csv)",
                            self._session.export_predictions, path)

    def export_chart(self, path: str | None = None) -> bool:
        return self._export(_("Export chart"), "chart.png",
                            _("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"),
                            lambda p: self._session.export_chart(p, self._chart_figure()), path)

    def export_metrics(self, path: str | None = None) -> bool:
        return self._export(_("Export metrics"), "metrics.csv", "CSV (*.csv)", self._session.export_metrics, path)

    def export_report(self, path: str | None = None) -> bool:
        """File > Export report…: HTML or PDF (by the filter chosen when the name has no extension),
        named after the dataset and the target, in the folder used last; written in the background
        (Session.report) under the wait cursor."""
        models = self._session.models
        shown = self._session.shown
        if not models.can_report() or shown is None:
            return False
        if path is None:
            suggested = f"{safe_file_stem(models.report_stem())}-{safe_file_stem(shown.target)}-report.html"
            html, pdf = _("HTML page (*.html)"), _("PDF document (*.pdf)")
            path, chosen = QFileDialog.getSaveFileName(
                self._window, _("Export report"), str(Path(self._settings.last_directory()) / suggested),
                f"{html};;{pdf}")
            if not path:
                return False
            self._settings.set_last_directory(str(Path(path).parent))
            if not Path(path).suffix:
                path += ".pdf" if chosen == pdf else ".html"
        if not self._session.report.export(path, write_report):
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # until the report job ends (see __init__)
        return True

    def _named(self, kind: str) -> str:
        """An export's suggested name naming the dataset: daily_sales_backtest.csv."""
        source = self._session.data.source_path
        return f"{safe_file_stem(Path(source).stem)}_{kind}" if source else kind

    def export_backtest(self, path: str | None = None) -> bool:
        """The last backtest as the CLI's backtest.csv, or backtest.json for a .json name."""
        if self._session.backtest.result is None:
            return False
        path = path or self._save_path(_("Export the backtest"), self._named("backtest.csv"),
                                       _("CSV (*.csv);;JSON (*.json)"))
        return bool(path) and self._session.backtest.export(path)

    def export_search(self, path: str | None = None) -> bool:
        """The last search as the CLI's search.json, or its trials table as search.csv for a .csv name."""
        if self._session.search.result is None:
            return False
        path = path or self._save_path(_("Export the search"), self._named("search.json"),
                                       _("JSON (*.json);;CSV (*.csv)"))
        return bool(path) and self._session.search.export(path)

    # ---------------------------------------------------------------- before losing work
    def _ask_to_save(self, title: str, text: str) -> bool:
        """Save / Discard / Cancel about the unsaved trained model: True when it may go."""
        Button = QMessageBox.StandardButton
        answer = QMessageBox.question(self._window, title, text, Button.Save | Button.Discard | Button.Cancel,
                                      Button.Save)
        if answer == Button.Save:
            return self.save_model()  # False when the user cancels choosing a file: nothing is lost
        return answer == Button.Discard

    def confirm_discard_model(self) -> bool:
        """Asked before another file replaces an unsaved trained model (the Session calls it)."""
        return self._ask_to_save(_("Save the trained model?"),
                                 _("The trained model is not saved. Save it before opening another file?"))

    def confirm_close(self) -> bool:
        """Asked when the window closes: True when it may close now."""
        s = self._session
        if s.training.running:
            return self._may_stop(_("Stop training and quit?"),
                                  _("A model is still training. Quitting stops it and loses the model."))
        if s.search.running and not self._may_stop(
                _("Stop the search and quit?"),
                _("A settings search is still running. Quitting stops it; its trials so far are not shown again.")):
            return False
        if s.models.unsaved():
            return self._ask_to_save(_("Save the trained model?"),
                                     _("The trained model is not saved. Save it before quitting?"))
        return True

    def _may_stop(self, title: str, text: str) -> bool:
        """Asks whether running work may be stopped: "Stop and quit" (yes) or Cancel (the default).
        A box of our own, not QMessageBox.question: the yes-button says what it does, not "Discard"."""
        Button = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Question, title, text, Button.Discard | Button.Cancel, self._window)
        box.setObjectName("stopQuestion")
        box.setDefaultButton(Button.Cancel)
        box.button(Button.Discard).setText(_("Stop and quit"))
        return box.exec() == Button.Discard

    def open_log_folder(self) -> None:
        """Help > Open log folder: the file manager where there is one, else its path in a box to copy."""
        folder = str(log_dir())
        if QDesktopServices.openUrl(QUrl.fromLocalFile(folder)):
            return
        box = QMessageBox(QMessageBox.Icon.Information, _("Log folder"),
                          _("No program here opens folders. The log folder is:\n{folder}").format(folder=folder),
                          QMessageBox.StandardButton.Ok, self._window)
        box.setObjectName("logFolderDialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy the path
        box.open()  # not modal: nothing waits for it

    def show_about(self) -> None:
        QMessageBox.about(self._window, _("About {app}").format(app=APP_NAME),
                          f"<h3>{APP_NAME} {__version__}</h3><p>"
                          + _("Time-series forecasting with LSTM, GRU and RNN networks, with honest baselines.")
                          + "</p><p>" + _("Settings: {settings}<br>Logs: {logs}").format(
                              settings=escape(self._settings.path()), logs=escape(str(log_dir()))) + "</p>")
