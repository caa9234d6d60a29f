"""The main window composes the panels around one Session: the start page, then the columns,
settings and run controls beside the Data, Training and Results tabs; the menus and toolbar come
from the action table. State lives in the Session; the window only arranges and relays."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _, language, ngettext
from core.project import PROJECT_SUFFIX
from gui import pyside_imports  # noqa: F401 - first: Qt's import hook made cheap before pandas
from gui.actions import Actions
from gui.app_settings import AppSettings
from gui.dialogs import APP_NAME, FileDialogs
from gui.errors import show_error
from gui.language import LanguageMenu
from gui.panels.backtest import BacktestPanel
from gui.panels.columns import ColumnsPanel
from gui.panels.data import DataPanel
from gui.panels.inspector import InspectorPanel
from gui.panels.network import NetworkPanel
from gui.panels.results import ResultsPanel
from gui.panels.run import RunPanel
from gui.panels.search import SearchPanel
from gui.panels.settings import SettingsPanel
from gui.panels.start import StartPanel
from gui.panels.training import TrainingPanel
from gui.projects import ProjectFiles
from gui.resources import SAMPLES, sample_path
from gui.session import Session

WARM_UP_DELAY_MS = 500  # after the window is shown: let it paint and settle first


class MainWindow(QMainWindow):
    def __init__(self, warm_up_engine: bool = True) -> None:
        """`warm_up_engine`: load torch and scikit-learn in the background once shown."""
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.settings = AppSettings()
        self.session = session = Session(self)
        self._warm_up_pending = warm_up_engine
        self.start_panel = StartPanel(session)
        self.columns_panel = ColumnsPanel(session)
        self.settings_panel = SettingsPanel(session)
        self.run_panel = RunPanel(session)
        self.data_panel = DataPanel(session)
        self.training_panel = TrainingPanel(session)
        self.results_panel = ResultsPanel(session)
        self.backtest_panel = BacktestPanel(session)
        self.search_panel = SearchPanel(session)
        self.network_panel = NetworkPanel(session)
        self.inspector_panel = InspectorPanel(session)
        self.dialogs = FileDialogs(self, session, self.settings, self.results_panel.canvas.built_figure)
        self.projects = ProjectFiles(self, session, self.settings)
        self.commands = Actions(self, session)
        session.confirm_discard = self.dialogs.confirm_discard_model
        self._build_pages()
        self._build_menus()
        self._bind_buttons()
        self._connect()
        self._restore_settings()
        self.commands.guard_shortcuts(self)

    # ---------------------------------------------------------------- building
    def _build_pages(self) -> None:
        left_inner = QWidget()
        left_layout = QVBoxLayout(left_inner)
        left_layout.addWidget(self.columns_panel)
        left_layout.addWidget(self.settings_panel)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left_inner)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left = QWidget()
        left.setMinimumWidth(330)
        left_outer = QVBoxLayout(left)
        left_outer.setContentsMargins(0, 0, 0, 0)
        left_outer.addWidget(scroll, 1)
        left_outer.addWidget(self.run_panel)

        self.tabs = QTabWidget(objectName="mainTabs")
        self.tabs.addTab(self.data_panel, _("Data"))
        self.tabs.addTab(self.training_panel, _("Training"))
        self.tabs.addTab(self.results_panel, _("Results"))
        self.tabs.addTab(self.backtest_panel, _("Backtest"))
        self.tabs.addTab(self.search_panel, _("Search"))
        self.tabs.addTab(self.inspector_panel, _("Windows"))
        self.tabs.addTab(self.network_panel, _("Network"))
        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 900])

        self.pages = QStackedWidget()
        self.pages.addWidget(self.start_panel)
        self.pages.addWidget(self.splitter)
        self.setCentralWidget(self.pages)

    def _build_menus(self) -> None:
        self.commands.fill_menu_bar(self.menuBar())
        self.recent_menu = self.commands.menus["recent"]
        samples_menu = self.commands.menus["samples"]
        for name, title, _description in SAMPLES:
            samples_menu.addAction(_(title), lambda n=name: self.session.data.open_csv(sample_path(n)))
        self._rebuild_recent_menu()
        self.projects.recentChanged.connect(self._rebuild_recent_projects)
        self._rebuild_recent_projects(self.projects.recent())
        self.language_menu = LanguageMenu(self, self.settings, language(), lambda: self.session.data.source_path)
        view_menu = self.commands.menus["view"]
        view_menu.addSeparator()
        view_menu.addMenu(self.language_menu.menu)
        toolbar = QToolBar(_("Main"), self, objectName="mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.commands.fill_toolbar(toolbar)
        self.addToolBar(toolbar)
        self.file_label = QLabel("", objectName="fileLabel")
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)  # the file's name
        self.statusBar().addPermanentWidget(self.file_label)
        self.statusBar().showMessage(_("Open a CSV file to begin."))

    def _bind_buttons(self) -> None:
        """The panels' command buttons perform the action table's commands (gui/actions.py)."""
        for panel in (self.start_panel, self.columns_panel, self.settings_panel, self.run_panel, self.data_panel,
                      self.training_panel, self.results_panel, self.backtest_panel, self.search_panel):
            for action_id, button in panel.command_buttons().items():
                self.commands.bind_button(action_id, button)
        self.search_panel.requestChanged.connect(self.commands.update)  # its ticks decide whether Run may run

    def _connect(self) -> None:
        s = self.session
        s.data.finished.connect(self._on_loaded)
        s.training.started.connect(self._on_training_started)
        s.resultShown.connect(self._on_result_shown)
        s.models.opened.connect(self._on_model_opened)
        s.settings.planChanged.connect(lambda _plan: self._remember_columns())  # ticked features, per file
        # the one error path: a readable dialog here, the traceback in the log (gui/errors.py)
        s.problem.connect(lambda title, exc, details: show_error(self, title, exc, details))
        s.status.connect(lambda text, ms: self.statusBar().showMessage(text, ms))
        s.refused.connect(lambda reason: self.statusBar().showMessage(reason, 8000))

    def next_tab(self, step: int = 1) -> None:
        """View > Next tab (Ctrl+Tab), wherever the focus is: the tabs, round."""
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def previous_tab(self) -> None:
        self.next_tab(-1)

    # ---------------------------------------------------------------- following the session
    def _on_loaded(self, loaded) -> None:
        source = Path(self.session.data.source_path).resolve()
        self.pages.setCurrentWidget(self.splitter)
        self.data_panel.reveal()
        self._rebuild_recent_menu(self.settings.add_recent_file(str(source)))
        self.settings.set_last_directory(str(source.parent))
        self.setWindowTitle(f"{source.name} — {APP_NAME}")
        rows, columns = loaded.report.rows, len(loaded.report.columns)
        self.file_label.setText(_("{file}: {rows}, {columns}").format(
            file=source.name, rows=ngettext("{count:,} row", "{count:,} rows", rows).format(count=rows),
            columns=ngettext("{count} column", "{count} columns", columns).format(count=columns)))
        remembered = self.settings.columns_for(str(source))  # the columns last used with this file
        if remembered is not None and remembered[0] in loaded.report.numeric_columns():
            self.session.data.set_columns(*remembered)

    def _remember_columns(self) -> None:
        data = self.session.data
        if data.source_path is not None:
            self.settings.set_columns_for(str(Path(data.source_path).resolve()), data.target, list(data.features))

    def _on_training_started(self, _config) -> None:
        self.settings.set_form_values(self.session.settings.values)  # exact: adopted ones too
        self.training_panel.reveal()

    def _on_result_shown(self, _shown) -> None:
        self.pages.setCurrentWidget(self.splitter)
        self.results_panel.reveal()

    def _on_model_opened(self, bundle) -> None:
        """The window names the model shown, not the CSV still in the form."""
        name = Path(self.session.shown.source or "").name
        self.setWindowTitle(f"{name} — {APP_NAME}")
        self.file_label.setText(_("{file}: a saved model of '{target}'").format(file=name, target=bundle.config.target))

    def _rebuild_recent_menu(self, files: list[str] | None = None) -> None:
        files = self.settings.recent_files() if files is None else files
        self.recent_menu.clear()
        for path in files:
            self.recent_menu.addAction(path, lambda p=path: self.session.data.open_csv(p))
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(_("Clear list"), self._clear_recent)
        self.recent_menu.setEnabled(bool(files))
        self.start_panel.set_recent_files(files)

    def _rebuild_recent_projects(self, projects: list[str]) -> None:
        menu = self.commands.menus["recent_projects"]
        menu.clear()
        for path in projects:
            menu.addAction(path, lambda p=path: self.projects.open(p))
        if projects:
            menu.addSeparator()
            menu.addAction(_("Clear list"), self.projects.clear_recent)
        menu.setEnabled(bool(projects))

    def _clear_recent(self) -> None:
        self.settings.clear_recent_files()
        self._rebuild_recent_menu([])

    # ---------------------------------------------------------------- persisted between runs
    def _restore_settings(self) -> None:
        geometry = self.settings.bytes_value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = self.settings.bytes_value("window_state")
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.bytes_value("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.session.settings.restore(self.settings.form_values())
        self.search_panel.restore(self.settings.search_values())
        self._restore_backtest_request()

    def _restore_backtest_request(self) -> None:
        from core.backtest import BacktestRequest
        from core.errors import ForecasterError

        stored = self.settings.backtest_request()
        known = {k: v for k, v in stored.items() if k in asdict(BacktestRequest())}
        try:
            request = BacktestRequest(**known)
            request.check()
        except (ForecasterError, TypeError):
            return  # an edited or older file: the form keeps its defaults
        self.backtest_panel.set_request(request)

    def save_settings(self) -> None:
        self.settings.set_bytes_value("geometry", self.saveGeometry())
        self.settings.set_bytes_value("window_state", self.saveState())
        self.settings.set_bytes_value("splitter", QByteArray(self.splitter.saveState()))
        self.settings.set_form_values(self.session.settings.values)
        self.settings.set_backtest_request(asdict(self.backtest_panel.request()))
        self.settings.set_search_values(self.search_panel.values())
        self.settings.sync()

    # ---------------------------------------------------------------- Qt events
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._warm_up_pending:
            self._warm_up_pending = False
            QTimer.singleShot(WARM_UP_DELAY_MS, self, self.session.warm_up)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.dialogs.confirm_close():  # training runs, or a trained model is unsaved
            event.ignore()
            return
        self._remember_columns()
        self.save_settings()
        # stop background work before Qt destroys the threads' owners
        self.session.shutdown()
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_path(files[0])

    def open_path(self, path: str) -> bool:
        """A file given on the command line or dropped: a project, or a table to read."""
        if path.lower().endswith(PROJECT_SUFFIX):
            return self.projects.open(path)
        return self.session.data.open_csv(path)
