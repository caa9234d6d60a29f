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
    QToolButton,
    QVBoxLayout,
)

from core.i18n import N_, _, ngettext
from core.numbers import EMPTY, decimals_for, number_text
from core.outputs.summary import reused_fold_sentence
from core.prep.timeindex import format_time
from core.settings.requests import BacktestRequest
from core.settings.table import settings_of
from gui.format import escape
from gui.panels import Panel
from gui.session import Session
from gui.settings_form import declared_value, declared_widget, show_declared_value
from gui.widgets.backtest_canvas import BacktestCanvas
from gui.widgets.metrics_table import MetricsTable
from gui.widgets.notices import VERDICT_STYLE, WARNING_STYLE

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
        self.progress_bar = QProgressBar(objectName="backtestProgress")
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        buttons = QHBoxLayout()  # the bar beside the buttons: one row less above the results
        for button in (self.run_button, self.cancel_button, self.export_button):
            buttons.addWidget(button)
        buttons.addWidget(self.progress_bar, 1)
        self.status_label = QLabel("", wordWrap=True, objectName="backtestStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # quotes column names and messages
        # the conclusion in one sentence (core's words, as the CLI prints them)
        self.verdict_label = QLabel("", wordWrap=True, objectName="backtestVerdict")
        self.verdict_label.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict_label.hide()

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
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setMinimumHeight(60)  # in a short window it scrolls: the conclusion above keeps its room
        self.pooled_label = QLabel(f"<b>{escape(_('Pooled over every fold'))}</b>", objectName="backtestPooledLabel")
        self.pooled_table = MetricsTable(objectName="backtestPooled")
        self.pooled_table.setToolTip(_("Scores over the forecasts of every fold together; the best in each column "
                                       "is in bold."))
        self.pooled_table.verticalHeader().setDefaultSectionSize(22)
        self.pooled_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_pooled_table()
        self.notes_label = QLabel("", wordWrap=True, objectName="backtestNotes")
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_label.setStyleSheet("color: #495057;")
        self.canvas = BacktestCanvas()
        self.canvas.setObjectName("backtestCanvas")
        self.canvas.setMinimumHeight(100)

        # above: the form, the commands and the conclusion (verdict and pooled scores), never
        # scrolled; below, sharing the rest: the folds (with the notes) and the chart
        # the engine's notes on the folds, shown on demand: in a 700 px window the folds and the chart need the room
        self.notes_button = QToolButton(objectName="backtestNotesButton", text=_("Notes"), checkable=True)
        self.notes_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.notes_button.setArrowType(Qt.ArrowType.RightArrow)
        self.notes_button.setAutoRaise(True)
        self.notes_button.setEnabled(False)
        self.notes_pane = notes = QScrollArea(objectName="backtestNotesScroll", widgetResizable=True)
        notes.setFrameShape(QFrame.Shape.NoFrame)
        notes.setWidget(self.notes_label)
        notes.setMinimumHeight(40)
        notes.hide()
        self.notes_button.toggled.connect(self._show_notes)
        splitter = QSplitter(Qt.Orientation.Vertical, objectName="backtestSplitter")
        shares = (9, 2, 11)  # the folds' table, the notes (when shown), the chart: three fold rows at 700 px
        for index, (pane, stretch) in enumerate(zip((self.table, notes, self.canvas), shares, strict=True)):
            splitter.addWidget(pane)
            splitter.setStretchFactor(index, stretch)
        splitter.setSizes([100 * share for share in shares])  # in proportion
        splitter.setChildrenCollapsible(False)
        controls = QHBoxLayout()
        controls.addLayout(form)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(buttons)
        status = QHBoxLayout()
        status.addWidget(self.status_label, 1)
        status.addWidget(self.notes_button)
        layout.addLayout(status)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.pooled_label)
        layout.addWidget(self.pooled_table)
        layout.addWidget(splitter, 1)

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
    def _fit_pooled_table(self) -> None:
        """As tall as its shown rows: the pooled scores are the conclusion, read without scrolling."""
        t = self.pooled_table
        rows = sum(t.verticalHeader().sectionSize(i) for i in range(t.rowCount()) if not t.isRowHidden(i))
        t.setFixedHeight(rows + t.horizontalHeader().sizeHint().height() + 2 * t.frameWidth())

    def _show_verdict(self, verdict: dict | None) -> None:
        beats = None if verdict is None else verdict["beats_best_baseline"]
        self.verdict_label.setText("" if verdict is None else
                                   ("⚠ " if beats is False else "✓ " if beats else "") + verdict["sentence"])
        self.verdict_label.setStyleSheet(WARNING_STYLE if beats is False else VERDICT_STYLE if beats else "")
        self.verdict_label.setVisible(verdict is not None)

    def _show_notes(self, shown: bool) -> None:
        self.notes_pane.setVisible(shown)
        self.notes_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _set_notes(self, notes: list[str]) -> None:
        self.notes_label.setText("\n".join(notes))
        self.notes_button.setEnabled(bool(notes))
        self.notes_button.setText(_("Notes ({count})").format(count=len(notes)) if notes else _("Notes"))
        if not notes:
            self.notes_button.setChecked(False)

    def _on_new_data(self, _loaded) -> None:
        self.table.setRowCount(0)
        self._show_verdict(None)
        self.pooled_table.clear_metrics()
        self._set_notes([])
        self.status_label.clear()
        self.progress_bar.setValue(0)
        self.canvas.show_message(_("Run a backtest to see each fold's forecast against the actual values."))

    def _on_started(self, request: BacktestRequest) -> None:
        self.table.setRowCount(0)
        self._show_verdict(None)
        self.progress_bar.setRange(0, request.folds)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(_("Fold {fold} of {folds}").format(fold=0, folds=request.folds))
        self.status_label.setText(_("Backtesting…"))

    def _on_progress(self, p) -> None:
        self.progress_bar.setRange(0, p.folds)
        if p.done is not None:  # a fold finished: its row now, not when the last fold ends
            self.progress_bar.setValue(p.fold)
            self._show_columns(p.seasonal)
            self._set_row(self.table.rowCount(), p.done, p.seasonal)
            self.table.scrollToBottom()
            return
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
        self._fit_pooled_table()
        self._show_verdict(result.verdict() if result.folds else None)
        self._set_notes(result.notes)
        self.canvas.show_backtest(result, result.config.target)

    def _on_failed(self, message: str) -> None:
        self.status_label.setText(message)
        self.progress_bar.setValue(0)

    def _show_columns(self, seasonal: bool) -> None:
        for column, (key, _label) in enumerate(FORECASTERS * len(SCORES)):
            self.table.setColumnHidden(2 + column, key == "seasonal_naive" and not seasonal)

    def _fill_table(self, result) -> None:
        self._show_columns(result.seasonal)
        self.table.setRowCount(0)
        # one count of decimals down a column (a row shown as its fold ended had its own)
        places = {(key, score): decimals_for(fold.scores[key][score] for fold in result.folds)
                  for key, _label in FORECASTERS for score in SCORES}
        for row, fold in enumerate(result.folds):
            self._set_row(row, fold, result.seasonal, places)

    def _set_row(self, row: int, fold, seasonal: bool, places: dict | None = None) -> None:
        """One fold's row (core.backtest.FoldResult); the best RMSE and MASE in bold. `places`: the
        decimals of each column, (forecaster, score) -> count; else each cell's own."""
        bold = QFont()
        bold.setBold(True)
        shown = [key for key, _label in FORECASTERS if seasonal or key != "seasonal_naive"]
        self.table.setRowCount(max(self.table.rowCount(), row + 1))
        cutoff_item = QTableWidgetItem(format_time(fold.cutoff) + ("" if fold.retrained else " *"))
        if not fold.retrained:
            cutoff_item.setToolTip(reused_fold_sentence())
        self.table.setItem(row, 0, cutoff_item)
        self.table.setItem(row, 1, QTableWidgetItem(f"{fold.train_rows:,}"))
        for block, score in enumerate(SCORES):
            present = {key: fold.scores[key][score] for key in shown if fold.scores[key][score] is not None}
            best = min(present, key=present.get) if present else None
            for index, (key, _label) in enumerate(FORECASTERS):
                value = fold.scores[key][score]
                decimals = places[key, score] if places else decimals_for([value])
                item = QTableWidgetItem(number_text(value, decimals, EMPTY))
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
