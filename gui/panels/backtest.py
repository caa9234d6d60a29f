"""The Backtest tab: the chosen data, columns and settings scored at several rolling origins.

A small form (folds, fold step, retrain every, expanding or sliding), Run and Cancel, progress
fold by fold, a per-fold table (cutoff, training rows, the model's and the baselines' RMSE and
MASE, seconds; the best of each row in bold), the pooled scores, the stitched chart, and export
as backtest.csv / backtest.json (the CLI's files)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _, ngettext
from core.numbers import EMPTY, decimals_for, number_text
from core.outputs.summary import reused_fold_sentence
from core.prep.timeindex import format_time
from core.settings.requests import BacktestRequest
from core.settings.table import settings_of
from gui.panels import Panel
from gui.session import Session
from gui.settings_form import declared_value, declared_widget, show_declared_value
from gui.widgets.backtest_canvas import BacktestCanvas
from gui.widgets.metrics_table import MetricsTable

FORECASTERS = (("model", N_("Model")), ("naive", N_("Naive")), ("seasonal_naive", N_("Seasonal")),
               ("linear", N_("Linear")))
SCORES = ("rmse", "mase")
REQUEST_SETTINGS = settings_of(BacktestRequest)


class BacktestPanel(Panel):
    requestChanged = Signal(object)  # BacktestRequest, when the form changes (the window persists it)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("backtestPanel")
        self.session = session

        # the fields, their ranges, defaults and tooltips come from the request's declarations
        fields = {s.name: (s, declared_widget(s)) for s in REQUEST_SETTINGS}
        self._fields = fields
        self.folds_spin = fields["folds"][1]
        self.step_spin = fields["fold_step"][1]
        self.retrain_spin = fields["retrain_every"][1]
        self.window_combo = fields["expanding"][1]
        form = QGridLayout()  # two short rows of two fields: the table and chart keep the height
        for index, (s, field) in enumerate(fields.values()):
            row, column = divmod(index, 2)
            form.addWidget(QLabel(_(s.label)), row, 2 * column)
            form.addWidget(field, row, 2 * column + 1)
        for spin in (self.folds_spin, self.step_spin, self.retrain_spin):
            spin.setMinimumWidth(140)
        for widget in (self.folds_spin, self.step_spin, self.retrain_spin):
            widget.valueChanged.connect(lambda _value: self.requestChanged.emit(self.request()))
        self.window_combo.currentIndexChanged.connect(lambda _index: self.requestChanged.emit(self.request()))

        # bound to run_backtest, cancel_backtest and export_backtest (gui/actions.py)
        self.run_button = QPushButton(_("Run backtest"), objectName="backtestRun")
        self.cancel_button = QPushButton(_("Cancel"), objectName="backtestCancel")
        self.export_button = QPushButton(_("Export…"), objectName="backtestExport")
        buttons = QHBoxLayout()
        for button in (self.run_button, self.cancel_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.progress_bar = QProgressBar(objectName="backtestProgress")
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.status_label = QLabel("", wordWrap=True, objectName="backtestStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # quotes column names and messages

        self.table = QTableWidget(0, 3 + 2 * len(FORECASTERS), objectName="backtestTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        headers = [_("Cutoff"), _("Training rows")]
        for score in SCORES:
            headers += [_("{forecaster} {score}").format(forecaster=_(label), score=score.upper())
                        for _key, label in FORECASTERS]
        headers.append(_("Seconds"))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip(_("One row per fold; the best RMSE and MASE of each row are in bold."))
        self.table.verticalHeader().setVisible(False)  # the cutoff names the row
        self.table.setMinimumHeight(150)
        self.pooled_label = QLabel(_("Pooled over every fold"), objectName="backtestPooledLabel")
        self.pooled_table = MetricsTable(objectName="backtestPooled")
        self.pooled_table.setToolTip(_("Scores over the forecasts of every fold together; the best in each column "
                                       "is in bold."))
        self.pooled_table.setMinimumHeight(0)
        rows_height = sum(self.pooled_table.verticalHeader().sectionSize(i) for i in range(4))
        self.pooled_table.setFixedHeight(rows_height + self.pooled_table.horizontalHeader().sizeHint().height() + 4)
        self.notes_label = QLabel("", wordWrap=True, objectName="backtestNotes")
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_label.setStyleSheet("color: #495057;")
        self.canvas = BacktestCanvas()
        self.canvas.setObjectName("backtestCanvas")

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        controls = QHBoxLayout()
        controls.addLayout(form)
        controls.addStretch(1)
        top_layout.addLayout(controls)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.progress_bar)
        top_layout.addWidget(self.status_label)
        top_layout.addWidget(self.table, 2)
        top_layout.addWidget(self.pooled_label)
        top_layout.addWidget(self.pooled_table)
        top_layout.addWidget(self.notes_label)
        scroll = QScrollArea()  # in a short window the tables scroll instead of raising its minimum height
        scroll.setWidget(top)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(scroll)
        splitter.addWidget(self.canvas)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        session.data.finished.connect(self._on_new_data)
        session.backtest.started.connect(self._on_started)
        session.backtest.progress.connect(self._on_progress)
        session.backtest.finished.connect(self._on_finished)
        session.backtest.failed.connect(self._on_failed)

    def command_buttons(self) -> dict[str, QAbstractButton]:
        return {"run_backtest": self.run_button, "cancel_backtest": self.cancel_button,
                "export_backtest": self.export_button}

    # ---------------------------------------------------------------- the form
    def request(self) -> BacktestRequest:
        return BacktestRequest(**{name: declared_value(s, field) for name, (s, field) in self._fields.items()})

    def set_request(self, request: BacktestRequest) -> None:
        for name, (s, field) in self._fields.items():
            show_declared_value(s, field, getattr(request, name))

    # ---------------------------------------------------------------- commands (the action table's)
    def run(self) -> None:
        self.session.backtest.start(self.request())

    def cancel(self) -> None:
        if self.session.backtest.running:
            self.session.backtest.cancel()
            self.status_label.setText(_("Cancelling: finishing the current batch…"))

    # ---------------------------------------------------------------- following the session
    def _on_new_data(self, _loaded) -> None:
        self.table.setRowCount(0)
        self.pooled_table.clear_metrics()
        self.notes_label.clear()
        self.status_label.clear()
        self.progress_bar.setValue(0)
        self.canvas.show_message(_("Run a backtest to see each fold's forecast against the actual values."))

    def _on_started(self, request: BacktestRequest) -> None:
        self.table.setRowCount(0)
        self.progress_bar.setRange(0, request.folds)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(_("Fold {fold} of {folds}").format(fold=0, folds=request.folds))
        self.status_label.setText(_("Backtesting…"))

    def _on_progress(self, p) -> None:
        self.progress_bar.setRange(0, p.folds)
        self.progress_bar.setValue(p.fold - 1)
        self.progress_bar.setFormat(_("Fold {fold} of {folds}").format(fold=p.fold, folds=p.folds))
        if p.epoch is None:
            self.status_label.setText(_("Fold {fold} of {folds}…").format(fold=p.fold, folds=p.folds))
        else:
            e = p.epoch
            self.status_label.setText(_("Fold {fold} of {folds}: epoch {epoch} of at most {epochs}").format(
                fold=p.fold, folds=p.folds, epoch=e.step or e.epoch, epochs=e.steps or e.epochs))

    def _on_finished(self, result) -> None:
        done, asked = len(result.folds), result.request.folds
        self.progress_bar.setRange(0, asked)
        self.progress_bar.setValue(done)
        self.progress_bar.setFormat(_("Fold {fold} of {folds}").format(fold=done, folds=asked))
        if result.cancelled:
            self.status_label.setText(ngettext("Cancelled: {done} of {folds} fold finished.",
                                               "Cancelled: {done} of {folds} folds finished.", asked).format(
                done=done, folds=asked))
        else:
            self.status_label.setText(ngettext("Finished: {done} fold; models trained: {trainings}.",
                                               "Finished: {done} folds; models trained: {trainings}.", done).format(
                done=done, trainings=result.trainings))
        self._fill_table(result)
        self.pooled_table.show_metrics(result.pooled, seasonal=result.seasonal)
        self.notes_label.setText("\n".join(result.notes))
        self.canvas.show_backtest(result, result.config.target)

    def _on_failed(self, message: str) -> None:
        self.status_label.setText(message)
        self.progress_bar.setValue(0)

    def _fill_table(self, result) -> None:
        bold = QFont()
        bold.setBold(True)
        shown = [(key, label) for key, label in FORECASTERS if result.seasonal or key != "seasonal_naive"]
        for column, (key, _label) in enumerate(FORECASTERS * len(SCORES)):
            self.table.setColumnHidden(2 + column, (key, _label) not in shown)
        self.table.setRowCount(len(result.folds))
        places = {(key, score): decimals_for(fold.scores[key][score] for fold in result.folds)
                  for key, _label in FORECASTERS for score in SCORES}  # one count of decimals down a column
        for row, fold in enumerate(result.folds):
            cutoff = format_time(fold.cutoff) + ("" if fold.retrained else " *")
            cutoff_item = QTableWidgetItem(cutoff)
            if not fold.retrained:
                cutoff_item.setToolTip(reused_fold_sentence())
            self.table.setItem(row, 0, cutoff_item)
            self.table.setItem(row, 1, QTableWidgetItem(f"{fold.train_rows:,}"))
            for block, score in enumerate(SCORES):
                values = {key: fold.scores[key][score] for key, _label in shown}
                present = {k: v for k, v in values.items() if v is not None}
                best = min(present, key=present.get) if present else None
                for index, (key, _label) in enumerate(FORECASTERS):
                    value = fold.scores[key][score]
                    item = QTableWidgetItem(number_text(value, places[key, score], EMPTY))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    if key == best:
                        item.setFont(bold)
                    self.table.setItem(row, 2 + block * len(FORECASTERS) + index, item)
            self.table.setItem(row, 2 + len(SCORES) * len(FORECASTERS), QTableWidgetItem(f"{fold.seconds:.1f}"))

    def cell_text(self, row: int, forecaster: str, score: str) -> str:
        """The shown text of one score (tests read the table as a user does)."""
        column = 2 + SCORES.index(score) * len(FORECASTERS) + [k for k, _label in FORECASTERS].index(forecaster)
        item = self.table.item(row, column)
        return item.text() if item else ""
