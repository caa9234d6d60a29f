"""The main window: start page, then data / training / results around one settings panel."""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_qtagg import NavigationToolbar2QT
from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core import __version__
from core.data.csv_reader import AUTO, LoadedTable, read_csv
from core.errors import ForecasterError
from core.files import file_sha256, log_dir, safe_file_stem
from core.model.bundle import BUNDLE_SUFFIX, save_bundle
from core.outputs.export import csv_bytes, metrics_table, predictions_and_forecast, save_figure, write_bytes
from core.pipeline import default_threads, plan_run
from core.prep.timeindex import format_time
from core.settings.config import ForecastConfig
from gui import pyside_imports  # noqa: F401 - first: Qt's import hook made cheap before pandas
from gui.app_settings import AppSettings
from gui.canvases import LossCanvas, ResultCanvas
from gui.errors import show_error
from gui.metrics_table import MetricsTable
from gui.resources import SAMPLES, sample_path
from gui.settings_form import SettingsForm
from gui.start_page import StartPage
from gui.table_model import DataFrameModel
from gui.tasks import BackgroundTask

APP_NAME = "LSTM Forecaster"
NO_DATE = "(none)"
ENCODINGS = ["auto", "utf-8", "utf-8-sig", "gb18030", "cp1252", "utf-16", "latin-1", "big5", "shift_jis"]
DELIMITERS = [("auto", None), ("comma ,", ","), ("semicolon ;", ";"), ("tab", "\t"), ("pipe |", "|")]
DECIMALS = [("auto", None), ("point .", "."), ("comma ,", ",")]
VALIDATE_DELAY_MS = 150
CSV_FILTER = "CSV and text files (*.csv *.tsv *.txt);;All files (*)"
WARM_UP_DELAY_MS = 500  # after the window is shown: let it paint and settle first


class MainWindow(QMainWindow):
    dataLoaded = Signal(object)  # LoadedTable, after the file is read and shown
    loadFailed = Signal(str)  # the message shown to the user
    trainingFinished = Signal(object)  # ExperimentResult, after results are shown
    trainingFailed = Signal(str)  # the message shown to the user
    modelOpened = Signal(object)  # LoadedBundle, after it is shown
    modelApplied = Signal(object)  # the predictions table of the applied model
    modelFailed = Signal(str)  # opening, applying or saving a model failed: the message
    engineReady = Signal()  # torch and scikit-learn are loaded (see core.warmup)

    def __init__(self, warm_up_engine: bool = True) -> None:
        """`warm_up_engine`: load torch and scikit-learn in the background once shown."""
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.settings = AppSettings()
        self.loaded: LoadedTable | None = None
        self.result = None
        self.plan = None
        self._source_path: str | None = None
        self._train_started = 0.0
        self._closing = False
        self.bundle = None  # a saved model opened with File > Open model
        self.shown = None  # what the Results tab shows: a ShownOutput, for exporting
        self.load_task = BackgroundTask(self)
        self.train_task = BackgroundTask(self)
        self.model_task = BackgroundTask(self)  # opening and applying saved models
        self.warm_up_task = BackgroundTask(self)  # loads torch before the first Train
        self._warm_up_pending = warm_up_engine
        self._validate_timer = QTimer(self, singleShot=True, interval=VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self.validate_settings)

        self._build_actions()
        self._build_pages()
        self._build_menus()
        self._connect_tasks()
        self._restore_settings()
        self._update_actions()

    # ---------------------------------------------------------------- building
    def _build_actions(self) -> None:
        def action(text: str, shortcut=None, slot=None, tip: str = "") -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            if slot is not None:
                # triggered(bool) would pass `checked` into the slot's first parameter
                # (Save model took it for a path): call every handler with no arguments
                act.triggered.connect(lambda _checked=False, handler=slot: handler())
            act.setStatusTip(tip)
            return act

        self.open_action = action("&Open CSV…", QKeySequence.StandardKey.Open, self.choose_csv,
                                  "Open a CSV file")
        self.reload_action = action("&Re-read with these options", "Ctrl+Shift+R", self.reread,
                                    "Read the file again with the encoding/delimiter/decimal chosen on the Data tab")
        self.quit_action = action("&Quit", QKeySequence.StandardKey.Quit, self.close)
        self.train_action = action("&Train", "Ctrl+R", self.start_training, "Train a model with these settings")
        self.cancel_action = action("&Cancel training", "Esc", self.cancel_training,
                                    "Stop after the current batch and keep the best model so far")
        self.save_model_action = action("&Save model…", QKeySequence.StandardKey.Save, self.save_model,
                                        "Save the trained model, its scalers and settings in one .lstmf file")
        self.open_model_action = action("Open &model…", "Ctrl+Shift+O", self.choose_model,
                                        "Open a saved .lstmf model and show its forecast")
        self.apply_model_action = action("&Apply model to new data…", "Ctrl+Shift+A", self.choose_apply_csv,
                                         "Predict a CSV with the same columns using the open or trained model")
        self.export_predictions_action = action("&Predictions and forecast (CSV)…", "Ctrl+E",
                                                self.export_predictions)
        self.export_chart_action = action("&Chart (PNG, SVG, PDF)…", None, self.export_chart)
        self.export_metrics_action = action("&Metrics (CSV)…", None, self.export_metrics)
        self.about_action = action("&About", None, self.show_about)
        self.logs_action = action("Open &log folder", None,
                                  lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir()))))

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        samples_menu = file_menu.addMenu("Open &Sample")
        for name, title, _ in SAMPLES:
            samples_menu.addAction(title, lambda n=name: self.open_csv(sample_path(n)))
        file_menu.addAction(self.reload_action)
        file_menu.addSeparator()
        file_menu.addAction(self.save_model_action)
        file_menu.addAction(self.open_model_action)
        file_menu.addAction(self.apply_model_action)
        export_menu = file_menu.addMenu("&Export")
        export_menu.addAction(self.export_predictions_action)
        export_menu.addAction(self.export_chart_action)
        export_menu.addAction(self.export_metrics_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        run_menu = self.menuBar().addMenu("&Run")
        run_menu.addAction(self.train_action)
        run_menu.addAction(self.cancel_action)
        view_menu = self.menuBar().addMenu("&View")
        for index, name in enumerate(("&Data", "T&raining", "R&esults")):
            view_menu.addAction(name, f"Ctrl+{index + 1}", lambda i=index: self._show_tab(i))
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.logs_action)
        help_menu.addAction(self.about_action)
        self._rebuild_recent_menu()

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.open_action)
        toolbar.addSeparator()
        toolbar.addAction(self.train_action)
        toolbar.addAction(self.cancel_action)
        toolbar.addSeparator()
        toolbar.addAction(self.save_model_action)
        toolbar.addAction(self.open_model_action)
        toolbar.addAction(self.apply_model_action)
        self.addToolBar(toolbar)
        self.file_label = QLabel("")
        self.statusBar().addPermanentWidget(self.file_label)
        self.statusBar().showMessage("Open a CSV file to begin.")

    def _build_pages(self) -> None:
        self.pages = QStackedWidget()
        self.start_page = StartPage(self)
        self.start_page.openRequested.connect(self.choose_csv)
        self.start_page.fileRequested.connect(self.open_csv)
        self.pages.addWidget(self.start_page)
        self.pages.addWidget(self._build_workspace())
        self.setCentralWidget(self.pages)

    def _build_workspace(self) -> QWidget:
        # left: columns, settings, train controls
        self.target_combo = QComboBox(objectName="targetCombo")
        self.target_combo.setToolTip("The column to forecast. Its own past is always an input.")
        self.date_combo = QComboBox(objectName="dateColumnCombo")
        self.date_combo.setToolTip("The date/time column: it orders the rows and labels the chart. "
                                   "Changing it reads the file again.")
        self.feature_list = QListWidget(objectName="featureList")
        self.feature_list.setToolTip("Extra input columns (drivers). Tick the ones that help explain "
                                     "the target; the target's own past is always used.")
        self.feature_list.setMaximumHeight(140)
        columns_box = QGroupBox("Columns")
        form = QFormLayout(columns_box)
        form.addRow("Target", self.target_combo)
        form.addRow("Date column", self.date_combo)
        form.addRow("Features", self.feature_list)
        self.settings_form = SettingsForm()
        self.shapes_label = QLabel(objectName="shapesLabel", wordWrap=True)
        self.shapes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label = QLabel(objectName="problemLabel", wordWrap=True)
        self.problem_label.setStyleSheet("color: #b42318; font-weight: 600;")
        self.train_button = QPushButton("Train", objectName="trainButton")
        self.train_button.setToolTip("Train a model with these settings (Ctrl+R)")
        self.train_button.clicked.connect(self.start_training)
        self.cancel_button = QPushButton("Cancel", objectName="cancelButton")
        self.cancel_button.setToolTip("Stop after the current batch and keep the best model so far (Esc)")
        self.cancel_button.clicked.connect(self.cancel_training)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.cancel_button)
        self.progress_bar = QProgressBar(objectName="progressBar")
        self.progress_bar.setFormat("%v / %m epochs")
        self.progress_bar.setValue(0)
        self.progress_label = QLabel("", wordWrap=True, objectName="progressLabel")

        left_inner = QWidget()
        left_layout = QVBoxLayout(left_inner)
        left_layout.addWidget(columns_box)
        left_layout.addWidget(self.settings_form)
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
        footer = QVBoxLayout()
        footer.setContentsMargins(9, 0, 9, 9)
        footer.addWidget(self.shapes_label)
        footer.addWidget(self.problem_label)
        footer.addLayout(buttons)
        footer.addWidget(self.progress_bar)
        footer.addWidget(self.progress_label)
        left_outer.addLayout(footer)

        # right: tabs
        self.tabs = QTabWidget(objectName="mainTabs")
        self.tabs.addTab(self._build_data_tab(), "Data")
        self.tabs.addTab(self._build_training_tab(), "Training")
        self.tabs.addTab(self._build_results_tab(), "Results")

        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 900])

        self.target_combo.currentIndexChanged.connect(self._on_target_changed)
        self.feature_list.itemChanged.connect(lambda _: self.schedule_validation())
        self.date_combo.activated.connect(self._on_date_column_chosen)
        self.settings_form.changed.connect(self.schedule_validation)
        return self.splitter

    def _build_data_tab(self) -> QWidget:
        self.encoding_combo = QComboBox(editable=True, objectName="encodingCombo")
        self.encoding_combo.addItems(ENCODINGS)
        self.encoding_combo.setToolTip("Text encoding of the file. 'auto' detects it; choose one if the "
                                       "names or text look garbled (e.g. gb18030 for Chinese Excel files).")
        self.delimiter_combo = QComboBox(objectName="delimiterCombo")
        for label, value in DELIMITERS:
            self.delimiter_combo.addItem(label, value)
        self.decimal_combo = QComboBox(objectName="decimalCombo")
        for label, value in DECIMALS:
            self.decimal_combo.addItem(label, value)
        reread = QPushButton("Re-read")
        reread.setToolTip("Read the file again with these options")
        reread.clicked.connect(self.reread)
        options = QHBoxLayout()
        for text, widget in (("Encoding", self.encoding_combo), ("Delimiter", self.delimiter_combo),
                             ("Decimal", self.decimal_combo)):
            options.addWidget(QLabel(text))
            options.addWidget(widget)
        options.addWidget(reread)
        options.addStretch(1)
        self.report_view = QTextBrowser(objectName="importReport")
        self.report_view.setMaximumHeight(170)
        self.preview_model = DataFrameModel()
        self.preview = QTableView(objectName="previewTable")
        self.preview.setModel(self.preview_model)
        self.preview.setAlternatingRowColors(True)
        self.preview.verticalHeader().setDefaultSectionSize(22)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(options)
        layout.addWidget(self.report_view)
        layout.addWidget(self.preview, 1)
        return tab

    def _build_training_tab(self) -> QWidget:
        self.loss_canvas = LossCanvas()
        self.loss_canvas.setObjectName("lossCanvas")
        self.training_summary = QLabel("", wordWrap=True, objectName="trainingSummary")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.training_summary)
        layout.addWidget(self.loss_canvas, 1)
        return tab

    def _build_results_tab(self) -> QWidget:
        self.warning_label = QLabel("", wordWrap=True, objectName="naiveWarning")
        self.warning_label.setStyleSheet(
            "background: #fff4e5; color: #8a4b00; border: 1px solid #f5c27a; padding: 6px; border-radius: 4px;")
        self.warning_label.hide()
        self.result_canvas = ResultCanvas()
        self.result_canvas.setObjectName("resultCanvas")
        self.nav_toolbar = NavigationToolbar2QT(self.result_canvas, self)
        self.nav_toolbar.setIconSize(QSize(18, 18))
        self.metrics_table = MetricsTable(objectName="metricsTable")
        self.results_title = QLabel("", wordWrap=True, objectName="resultsTitle")
        self.coverage_label = QLabel("", wordWrap=True, objectName="coverageLabel")
        self.coverage_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.results_title)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.nav_toolbar)
        layout.addWidget(self.result_canvas, 3)
        layout.addWidget(self.metrics_table, 1)
        layout.addWidget(self.coverage_label)
        return tab

    def _connect_tasks(self) -> None:
        self.load_task.succeeded.connect(self._on_loaded)
        self.load_task.failed.connect(self._on_load_failed)
        self.load_task.finished.connect(self._update_actions)
        self.train_task.progress.connect(self._on_epoch)
        self.train_task.succeeded.connect(self._on_trained)
        self.train_task.failed.connect(self._on_train_failed)
        self.train_task.finished.connect(self._on_training_thread_finished)
        self.model_task.succeeded.connect(self._on_model_task_done)
        self.model_task.failed.connect(self._on_model_task_failed)
        self.model_task.finished.connect(self._update_actions)
        self.warm_up_task.succeeded.connect(lambda _: self.engineReady.emit())
        self.warm_up_task.failed.connect(self._on_warm_up_failed)

    # ---------------------------------------------------------------- opening files
    @Slot()
    def choose_csv(self) -> None:
        path = self._choose_csv("Open CSV")
        if path:
            self.open_csv(path)

    def _choose_csv(self, title: str) -> str:
        path, _ = QFileDialog.getOpenFileName(self, title, self.settings.last_directory(), CSV_FILTER)
        return path

    def open_csv(self, path, encoding: str | None = None, delimiter: str | None = None,
                 decimal: str | None = None, date_column: str | None = AUTO) -> bool:
        """Reads `path` in the background; `dataLoaded` or `loadFailed` follows. False if busy."""
        path = str(path)
        if self.train_task.is_running():
            answer = QMessageBox.question(self, APP_NAME, "A model is training. Stop it and open the file?")
            if answer != QMessageBox.StandardButton.Yes:
                return False
            self.train_task.cancel_and_wait()
        if self.load_task.is_running():
            self.statusBar().showMessage("Still reading the previous file…", 3000)
            return False
        self._pending_path = path
        self.statusBar().showMessage(f"Reading {path}…")
        self.load_task.start(lambda report, cancel: read_csv(
            path, encoding=encoding, delimiter=delimiter, decimal=decimal, date_column=date_column))
        self._update_actions()
        return True

    @Slot()
    def reread(self) -> None:
        if not self._source_path:
            return
        encoding = self.encoding_combo.currentText().strip()
        self.open_csv(self._source_path, encoding=None if encoding in ("", "auto") else encoding,
                      delimiter=self.delimiter_combo.currentData(), decimal=self.decimal_combo.currentData(),
                      date_column=self._chosen_date_column())

    def _chosen_date_column(self):
        text = self.date_combo.currentText()
        if not text:
            return AUTO
        return None if text == NO_DATE else text

    @Slot(int)
    def _on_date_column_chosen(self, _index: int) -> None:
        if self.loaded is not None and self._chosen_date_column() != self.loaded.report.date_column:
            self.reread()

    @Slot(object)
    def _on_loaded(self, loaded: LoadedTable) -> None:
        previous_target = self.target_combo.currentText()
        self.loaded = loaded
        self.result = None
        self._source_path = self._pending_path
        report = loaded.report
        self.preview_model.set_frame(loaded.frame)
        self.preview.resizeColumnsToContents()
        self.report_view.setHtml(self._report_html(loaded))
        self._select_combo(self.encoding_combo, report.encoding)
        self.delimiter_combo.setCurrentIndex(max(0, self.delimiter_combo.findData(report.delimiter)))
        self.decimal_combo.setCurrentIndex(max(0, self.decimal_combo.findData(report.decimal)))
        self._fill_columns(previous_target)
        self.pages.setCurrentIndex(1)
        self.tabs.setCurrentIndex(0)
        self.result_canvas.show_message("Train a model to see real vs predicted values here.")
        self.metrics_table.clear_metrics()
        self.warning_label.hide()
        self._rebuild_recent_menu(self.settings.add_recent_file(str(Path(self._source_path).resolve())))
        self.settings.set_last_directory(str(Path(self._source_path).resolve().parent))
        name = Path(self._source_path).name
        self.setWindowTitle(f"{name} — {APP_NAME}")
        self.file_label.setText(f"{name}: {report.rows:,} rows, {len(report.columns)} columns")
        self.statusBar().showMessage(f"Read {name}: {report.rows:,} rows.", 5000)
        self.validate_settings()
        self.dataLoaded.emit(loaded)

    @Slot(object, str)
    def _on_load_failed(self, exc: BaseException, details: str) -> None:
        self.statusBar().showMessage("The file could not be read.", 5000)
        self._update_actions()
        show_error(self, "Can't open the file", exc, details)
        self.loadFailed.emit(str(exc))

    def _select_combo(self, combo: QComboBox, text: str) -> None:
        index = combo.findText(text)
        if index < 0:
            combo.addItem(text)
            index = combo.findText(text)
        combo.setCurrentIndex(index)

    def _report_html(self, loaded: LoadedTable) -> str:
        r = loaded.report
        delimiter = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(r.delimiter, r.delimiter)
        facts = [
            ("Encoding", r.encoding), ("Delimiter", delimiter),
            ("Decimal mark", "comma" if r.decimal == "," else "point"),
            ("Date column", r.date_column or "none"), ("Rows", f"{r.rows:,}"),
            ("Missing values filled", sum(r.filled.values())),
            ("Duplicate timestamps dropped", r.duplicates_dropped),
            ("Rows sorted by date", "yes" if r.sorted_by_date else "no"),
        ]
        table = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;{_escape(str(v))}</td></tr>" for k, v in facts)
        notes = "".join(f"<li>{_escape(n)}</li>" for n in r.notes)
        return f"<table>{table}</table><ul style='margin-left:-20px'>{notes}</ul>"

    def _fill_columns(self, previous_target: str) -> None:
        report = self.loaded.report
        usable = report.numeric_columns()
        blockers = [self.target_combo.blockSignals(True), self.feature_list.blockSignals(True)]
        self.target_combo.clear()
        self.target_combo.addItems(usable)
        if previous_target in usable:
            self.target_combo.setCurrentText(previous_target)
        self.date_combo.clear()
        self.date_combo.addItem(NO_DATE)
        for column in report.columns:
            if column.kind in ("datetime", "text") or column.name == report.date_column:
                self.date_combo.addItem(column.name)
        self.date_combo.setCurrentText(report.date_column or NO_DATE)
        self._fill_features()
        self.target_combo.blockSignals(blockers[0])
        self.feature_list.blockSignals(blockers[1])

    def _fill_features(self, keep_checked: set[str] | None = None) -> None:
        report = self.loaded.report
        target = self.target_combo.currentText()
        self.feature_list.blockSignals(True)
        self.feature_list.clear()
        for column in report.columns:
            if column.name == report.date_column:
                continue
            item = QListWidgetItem(column.name)
            flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
            if not column.usable:
                flags = Qt.ItemFlag.ItemIsUserCheckable
                item.setToolTip(f"Can't be a feature: {column.reason}.")
            elif column.name == target:
                flags = Qt.ItemFlag.ItemIsUserCheckable
                item.setToolTip("This is the target: its own past is always an input.")
            else:
                item.setToolTip(f"Numeric column: tick to use it as an input "
                                f"(range {column.min:.4g} to {column.max:.4g}).")
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if keep_checked and column.name in keep_checked
                               and column.name != target else Qt.CheckState.Unchecked)
            self.feature_list.addItem(item)
        self.feature_list.blockSignals(False)

    @Slot(int)
    def _on_target_changed(self, _index: int) -> None:
        if self.loaded is not None:
            self._fill_features(set(self.selected_features()))
        self.schedule_validation()

    def selected_features(self) -> list[str]:
        return [self.feature_list.item(i).text() for i in range(self.feature_list.count())
                if self.feature_list.item(i).checkState() == Qt.CheckState.Checked
                and self.feature_list.item(i).flags() & Qt.ItemFlag.ItemIsEnabled]

    def set_features(self, names: list[str]) -> None:
        for i in range(self.feature_list.count()):
            item = self.feature_list.item(i)
            if item.flags() & Qt.ItemFlag.ItemIsEnabled:
                item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)

    # ---------------------------------------------------------------- validation
    def schedule_validation(self) -> None:
        self._validate_timer.start()

    def current_config(self) -> ForecastConfig:
        """The settings on screen as a config; raises ConfigError with a readable message."""
        if self.loaded is None or not self.target_combo.currentText():
            raise ForecasterError("Open a CSV file with at least one numeric column.")
        # torch threads: every core but one, so the UI thread keeps a core (bench/bench_engine.py)
        return ForecastConfig(target=self.target_combo.currentText(),
                              features=tuple(self.selected_features()),
                              date_column=self.loaded.report.date_column,
                              threads=default_threads(),
                              **self.settings_form.values())

    @Slot()
    def validate_settings(self) -> bool:
        """Checks the settings against the data; shows the tensor shapes or what is wrong."""
        self.plan = None
        try:
            self.plan = plan_run(self.loaded.frame, self.current_config()) if self.loaded else None
        except ForecasterError as exc:
            self.problem_label.setText(str(exc))
            self.problem_label.show()
            self.shapes_label.setText("")
        else:
            self.problem_label.hide()
            self.shapes_label.setText(self._shapes_text() if self.plan else "")
            if self.plan and not self.train_task.is_running():
                self.progress_bar.setRange(0, self.plan.config.epochs)
                self.progress_bar.setValue(0)
        self._update_actions()
        return self.plan is not None

    def _shapes_text(self) -> str:
        p = self.plan
        rows = []
        for split in ("train", "val", "test"):
            x, y = p.shapes[f"X_{split}"], p.shapes[f"y_{split}"]
            rows.append(f"<tr><td>{split}</td><td>&nbsp;X ({x[0]:,}, {x[1]}, {x[2]})</td>"
                        f"<td>&nbsp;→ y ({y[0]:,}, {y[1]})</td></tr>")
        auto = []
        if self.settings_form.window.value() == 0:
            auto.append(f"window {p.config.window}")
        if self.settings_form.season.value() == 0:
            auto.append(f"season {p.config.season or 'none'}")
        auto_text = f" · auto: {', '.join(auto)}" if auto else ""
        return (f"<b>Input shapes</b> (windows, time steps, features):<table>{''.join(rows)}</table>"
                f"{p.parameters:,} trainable parameters{auto_text}")

    # ---------------------------------------------------------------- training
    @Slot()
    def start_training(self) -> None:
        if self.train_task.is_running() or self.load_task.is_running():
            return
        self._validate_timer.stop()  # validated now; a pending one would reset the progress bar later
        if not self.validate_settings():
            return
        config = self.plan.config
        frame = self.loaded.frame
        report = self.loaded.report
        source_info = {"encoding": report.encoding, "delimiter": report.delimiter,
                       "decimal": report.decimal, "date_column": report.date_column,
                       "date_is_year": report.date_is_year, "source": self._source_path}

        def work(progress, cancel):
            from core.pipeline import run_experiment  # torch loads here, on the worker thread

            return run_experiment(frame, config, progress, cancel, source_info)

        self.settings.set_form_values(self.settings_form.values())
        self.progress_bar.setRange(0, config.epochs)
        self.progress_bar.setValue(0)
        engine_loaded = "torch" in sys.modules and not self.warm_up_task.is_running()
        self.progress_label.setText("Starting…" if engine_loaded else "Starting… (loading PyTorch)")
        self.loss_canvas.reset(config.loss.upper())
        self.training_summary.setText(f"Training {config.cell.upper()} on '{config.target}' "
                                      f"for up to {config.epochs} epochs…")
        self._train_started = time.perf_counter()
        self.train_task.start(work)
        self.tabs.setCurrentIndex(1)
        self.statusBar().showMessage("Training…")
        self._update_actions()

    @Slot()
    def cancel_training(self) -> None:
        if self.train_task.is_running():
            self.train_task.cancel()
            self.progress_label.setText("Cancelling: finishing the current batch…")

    @Slot(object)
    def _on_epoch(self, p) -> None:
        self.progress_bar.setValue(p.epoch)
        elapsed = time.perf_counter() - self._train_started
        remaining = elapsed / p.epoch * (p.epochs - p.epoch)
        val = f", validation {p.val_loss:.4g}" if p.val_loss is not None else ""
        self.progress_label.setText(f"Epoch {p.epoch}/{p.epochs}: train loss {p.train_loss:.4g}{val}; "
                                    f"best epoch {p.best_epoch}; at most {_duration(remaining)} left")
        self.loss_canvas.add_epoch(p)

    @Slot(object)
    def _on_trained(self, result) -> None:
        self.result = result
        h = result.history
        self.loss_canvas.finish(h.train_loss, h.val_loss, h.best_epoch)
        self.progress_bar.setValue(h.epochs_run)
        status = {"completed": "Finished", "early_stopped": "Stopped early (no better validation loss)",
                  "cancelled": "Cancelled: the best model so far is shown",
                  "diverged": "Diverged"}.get(h.status, h.status)
        elapsed = time.perf_counter() - self._train_started
        self.progress_label.setText(f"{status} after {h.epochs_run} epochs in {_duration(elapsed)}; "
                                    f"best epoch {h.best_epoch}.")
        self.training_summary.setText(self.progress_label.text() + (f"\n{h.message}" if h.message else ""))
        c = result.config
        self._show_output(ShownOutput(
            title=f"<b>{_escape(c.target)}</b>: {c.cell.upper()} trained on {_escape(self._display_name())}",
            predictions=result.predictions, forecast=result.forecast, target=c.target,
            level=c.interval_level, dates=bool(c.date_column), metrics=result.test_metrics,
            coverage=result.coverage["overall"], assumption=result.predictor.assumption(),
            source=self._source_path))
        self.statusBar().showMessage(status, 5000)
        self._update_actions()
        if h.status == "diverged":
            show_error(self, "Training diverged", ForecasterError(h.message))
        self.trainingFinished.emit(result)

    def _show_output(self, shown: ShownOutput) -> None:
        """Puts a set of predictions, forecast and scores on the Results tab."""
        self.shown = shown
        self.results_title.setText(shown.title)
        self.result_canvas.show_predictions(shown.predictions, shown.forecast, shown.target, shown.level,
                                            shown.dates)
        self.metrics_table.show_metrics(shown.metrics)
        m = shown.metrics
        model, naive = m.get("model", {}).get("rmse"), m.get("naive", {}).get("rmse")
        if model is not None and naive is not None and model >= naive:
            self.warning_label.setText(
                f"⚠ The model does not beat the naive forecast (each value = the previous one): "
                f"RMSE {model:.4g} vs {naive:.4g}. Try a longer window, more epochs, different "
                "features, or use the baseline.")
            self.warning_label.show()
        else:
            self.warning_label.hide()
        lines = []
        if shown.coverage is not None:
            lines.append(f"{shown.level:.0%} prediction intervals covered {shown.coverage:.0%} of the "
                         "actual values.")
        if shown.forecast is not None and len(shown.forecast):
            first = shown.forecast["time"].iloc[0]
            lines.append(f"Forecast: {len(shown.forecast)} step(s) from {format_time(first)}. "
                         f"{shown.assumption}")
        self.coverage_label.setText(" ".join(lines))
        self.tabs.setCurrentIndex(2)
        self.pages.setCurrentIndex(1)
        self._update_actions()

    @Slot(object, str)
    def _on_train_failed(self, exc: BaseException, details: str) -> None:
        self.progress_label.setText("Training failed.")
        self.statusBar().showMessage("Training failed.", 5000)
        self._update_actions()
        if not self._closing:
            show_error(self, "Training failed", exc, details)
        self.trainingFailed.emit(str(exc))

    @Slot()
    def _on_training_thread_finished(self) -> None:
        self._update_actions()

    # ---------------------------------------------------------------- models and exports
    def _display_name(self) -> str:
        return Path(self._source_path).name if self._source_path else "the data"

    def _save_path(self, title: str, suggested: str, filters: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(self.settings.last_directory()) / suggested),
                                              filters)
        if path:
            self.settings.set_last_directory(str(Path(path).parent))
        return path

    @Slot()
    def save_model(self, path: str | None = None) -> bool:
        """Saves the trained model as one .lstmf file; asks where when `path` is None."""
        if self.result is None:
            return False
        if path is None:
            stem = Path(self._source_path).stem if self._source_path else "model"
            target = safe_file_stem(self.result.config.target)
            path = self._save_path("Save model", f"{stem}-{target}{BUNDLE_SUFFIX}",
                                   f"LSTM Forecaster model (*{BUNDLE_SUFFIX})")
            if not path:
                return False
        if not path.lower().endswith(BUNDLE_SUFFIX):
            path += BUNDLE_SUFFIX
        try:
            checksum = file_sha256(self._source_path) if self._source_path else None
            save_bundle(self.result, path, data_sha256=checksum)
        except (ForecasterError, OSError) as exc:
            show_error(self, "Can't save the model", exc)
            self.modelFailed.emit(str(exc))
            return False
        self.statusBar().showMessage(f"Saved the model to {path}.", 5000)
        return True

    @Slot()
    def choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open model", self.settings.last_directory(),
                                              f"LSTM Forecaster model (*{BUNDLE_SUFFIX});;All files (*)")
        if path:
            self.open_model(path)

    def open_model(self, path) -> bool:
        """Loads a saved model in the background and shows its forecast; `modelOpened` follows."""
        path = str(path)

        def work(report, cancel):
            from core.apply import forecast_table
            from core.model.bundle import load_bundle

            bundle = load_bundle(path)
            return ("opened", path, bundle, forecast_table(bundle))

        return self._start_model_task(work, f"Opening {Path(path).name}…")

    @Slot()
    def choose_apply_csv(self) -> None:
        path = self._choose_csv("Apply the model to a CSV")
        if path:
            self.apply_model(path)

    def apply_model(self, csv_path) -> bool:
        """Predicts every window of a CSV with the open (or just trained) model; `modelApplied` follows."""
        csv_path = str(csv_path)
        bundle = self.bundle or (self._bundle_of_result() if self.result is not None else None)
        if bundle is None:
            return False

        def work(report, cancel):
            from core.apply import predict_table

            loaded = read_csv(csv_path)
            table = predict_table(bundle, loaded.frame, loaded.report.date_column, loaded.report.date_is_year,
                                  source=Path(csv_path).name)
            return ("applied", csv_path, bundle, (loaded, table))

        return self._start_model_task(work, f"Applying the model to {Path(csv_path).name}…")

    def _bundle_of_result(self):
        from core.model.bundle import LoadedBundle

        r = self.result
        return LoadedBundle(r.predictor, r.time_index, r.tail, {"test_metrics": r.test_metrics})

    def _start_model_task(self, work, message: str) -> bool:
        if self.model_task.is_running() or self.train_task.is_running():
            return False
        self.statusBar().showMessage(message)
        self.model_task.start(work)
        self._update_actions()
        return True

    @Slot(object)
    def _on_model_task_done(self, outcome) -> None:
        kind, path, bundle, payload = outcome
        c = bundle.config
        name = Path(path).name
        if kind == "opened":
            self.bundle = bundle
            tail = bundle.tail
            times = (tail[c.date_column].to_numpy() if c.date_column and c.date_column in tail
                     else np.arange(bundle.time_index.rows - len(tail) + 1, bundle.time_index.rows + 1))
            recent = pd.DataFrame({"time": times, "step": 1, "actual": tail[c.target].to_numpy(),
                                   "predicted": np.nan})
            metrics = bundle.meta.get("test_metrics") or {}
            coverage = (bundle.meta.get("coverage") or {}).get("overall")
            self._show_output(ShownOutput(
                title=f"<b>{_escape(c.target)}</b>: saved model {_escape(name)} (window {c.window}, horizon "
                      f"{c.horizon}); its last {len(tail)} training rows and its forecast. Scores are from "
                      "its own test split.",
                predictions=recent, forecast=payload, target=c.target, level=c.interval_level,
                dates=bool(c.date_column), metrics=metrics, coverage=coverage,
                assumption=bundle.predictor.assumption(), source=path))
            self.statusBar().showMessage(f"Opened {name}. Use File > Apply model to new data to predict a CSV.",
                                         8000)
            self.modelOpened.emit(bundle)
        else:
            loaded, table = payload
            known = table[table["actual"].notna()]
            future = table[table["actual"].isna()].drop(columns=["actual"])
            self._show_output(ShownOutput(
                title=f"<b>{_escape(c.target)}</b>: the model applied to {_escape(name)} "
                      f"({len(known):,} predictions with known values, then the forecast)",
                predictions=known, forecast=future, target=c.target, level=c.interval_level,
                dates=bool(loaded.report.date_column), metrics=applied_metrics(known, loaded.frame[c.target]),
                coverage=applied_coverage(known), assumption=bundle.predictor.assumption(), source=path))
            self.statusBar().showMessage(f"Applied the model to {name}.", 5000)
            self.modelApplied.emit(table)
        self._update_actions()

    @Slot(object, str)
    def _on_model_task_failed(self, exc: BaseException, details: str) -> None:
        self.statusBar().showMessage("That did not work.", 5000)
        self._update_actions()
        show_error(self, "Model", exc, details)
        self.modelFailed.emit(str(exc))

    def _export(self, title: str, suggested: str, filters: str, write, path: str | None) -> bool:
        if self.shown is None:
            return False
        path = path or self._save_path(title, suggested, filters)
        if not path:
            return False
        try:
            write(path)
        except (ForecasterError, OSError, ValueError) as exc:
            show_error(self, "Can't export", exc)
            return False
        self.statusBar().showMessage(f"Wrote {path}.", 5000)
        return True

    @Slot()
    def export_predictions(self, path: str | None = None) -> bool:
        s = self.shown
        return self._export("Export predictions and forecast",
                            f"{safe_file_stem(s.target)}-predictions.csv" if s else "",
                            "CSV (*.csv)", lambda p: write_bytes(p, csv_bytes(
                                predictions_and_forecast(s.predictions, s.forecast))), path)

    @Slot()
    def export_chart(self, path: str | None = None) -> bool:
        s = self.shown
        return self._export("Export chart", f"{safe_file_stem(s.target)}-chart.png" if s else "",
                            "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)",
                            lambda p: save_figure(self.result_canvas.figure, p), path)

    @Slot()
    def export_metrics(self, path: str | None = None) -> bool:
        s = self.shown
        return self._export("Export metrics", f"{safe_file_stem(s.target)}-metrics.csv" if s else "",
                            "CSV (*.csv)",
                            lambda p: write_bytes(p, csv_bytes(metrics_table(s.metrics, s.coverage, s.level))),
                            path)

    # ---------------------------------------------------------------- state
    def _update_actions(self) -> None:
        training = self.train_task.is_running()
        loading = self.load_task.is_running()
        can_train = self.plan is not None and not training and not loading
        self.train_action.setEnabled(can_train)
        self.train_button.setEnabled(can_train)
        self.cancel_action.setEnabled(training)
        self.cancel_button.setEnabled(training)
        busy_model = self.model_task.is_running()
        self.open_action.setEnabled(not loading)
        self.reload_action.setEnabled(self._source_path is not None and not loading and not training)
        self.save_model_action.setEnabled(self.result is not None and not training)
        self.open_model_action.setEnabled(not busy_model and not training)
        self.apply_model_action.setEnabled((self.bundle is not None or self.result is not None)
                                           and not busy_model and not training)
        for export in (self.export_predictions_action, self.export_chart_action, self.export_metrics_action):
            export.setEnabled(self.shown is not None)

    def _show_tab(self, index: int) -> None:
        if self.pages.currentIndex() == 1:
            self.tabs.setCurrentIndex(index)

    def _rebuild_recent_menu(self, files: list[str] | None = None) -> None:
        files = self.settings.recent_files() if files is None else files
        self.recent_menu.clear()
        for path in files:
            self.recent_menu.addAction(path, lambda p=path: self.open_csv(p))
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self._clear_recent)
        self.recent_menu.setEnabled(bool(files))
        self.start_page.set_recent_files(files)

    def _clear_recent(self) -> None:
        self.settings.clear_recent_files()
        self._rebuild_recent_menu([])

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}",
                          f"<h3>{APP_NAME} {__version__}</h3><p>Time-series forecasting with LSTM, GRU "
                          "and RNN networks, with honest baselines.</p>"
                          f"<p>Settings: {_escape(self.settings.path())}<br>Logs: {_escape(str(log_dir()))}</p>")

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
        self.settings_form.set_values(self.settings.form_values())

    def save_settings(self) -> None:
        self.settings.set_bytes_value("geometry", self.saveGeometry())
        self.settings.set_bytes_value("window_state", self.saveState())
        self.settings.set_bytes_value("splitter", QByteArray(self.splitter.saveState()))
        self.settings.set_form_values(self.settings_form.values())
        self.settings.sync()

    # ---------------------------------------------------------------- warming up
    def _warm_up_engine(self) -> None:
        """Imports torch and scikit-learn on a worker thread while the user picks a file."""
        if self._closing or self.train_task.is_running():
            return

        def work(report, cancel):
            from core.warmup import warm_up

            warm_up(default_threads())

        self.warm_up_task.start(work)

    @Slot(object, str)
    def _on_warm_up_failed(self, exc: BaseException, details: str) -> None:
        # not the user's problem yet: training will load the same libraries and say what fails
        logging.getLogger(__name__).warning("Loading the engine in the background failed:\n%s", details)

    # ---------------------------------------------------------------- Qt events
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._warm_up_pending:
            self._warm_up_pending = False
            QTimer.singleShot(WARM_UP_DELAY_MS, self, self._warm_up_engine)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        self.save_settings()
        # stop background work before Qt destroys the threads' owners (an import in progress
        # can't be interrupted: closing during the warm-up waits for it, a second or two)
        self.train_task.cancel_and_wait()
        self.load_task.cancel_and_wait()
        self.model_task.cancel_and_wait()
        self.warm_up_task.cancel_and_wait()
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_csv(files[0])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


@dataclass
class ShownOutput:
    """What the Results tab shows, kept so it can be exported as it is."""

    title: str
    predictions: pd.DataFrame
    forecast: pd.DataFrame | None
    target: str
    level: float
    dates: bool
    metrics: dict
    coverage: float | None
    assumption: str
    source: str | None


def applied_metrics(known: pd.DataFrame, target: pd.Series) -> dict:
    """The model and the naive forecast on a new file's windows (no Ridge: it isn't saved)."""
    from core.evaluation.metrics import forecast_metrics, naive_scale

    if known.empty:
        return {}
    values = target.to_numpy(dtype=float)
    naive = values[known["origin"].to_numpy(dtype=np.int64)]  # the last value each window saw
    actual = known["actual"].to_numpy()
    scale = naive_scale(values)
    return {"model": forecast_metrics(actual, known["predicted"].to_numpy(), scale),
            "naive": forecast_metrics(actual, naive, scale)}


def applied_coverage(known: pd.DataFrame) -> float | None:
    if known.empty or not np.isfinite(known["lower"]).all():
        return None
    inside = (known["actual"] >= known["lower"]) & (known["actual"] <= known["upper"])
    return float(inside.mean())
