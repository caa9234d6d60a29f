"""The Results tab: real against predicted values (at the step of the horizon chosen) and the
forecast, the verdict against the best baseline with advice and the engine's notes, the scores
beside the baselines' and per step, and the forecast as numbers."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _, ngettext
from core.numbers import column_texts
from core.outputs.summary import outcome_lines
from gui.format import escape
from gui.panels import Panel
from gui.session import OpenedModel, Session, ShownOutput
from gui.widgets.canvases import ResultCanvas
from gui.widgets.chart_toolbar import ChartToolbar
from gui.widgets.metrics_table import MetricsTable
from gui.widgets.notices import VERDICT_STYLE, WARNING_STYLE
from gui.widgets.result_tables import ForecastTable, StepScoresTable
from gui.widgets.train_more import TrainMoreBox

NARROW_WIDTH = 800  # px of the tab: below it the chart gets a larger share beside the forecast table
EMPTY_CHART = N_("Train a model to see real vs predicted values here.")


def _plain_label(name: str) -> QLabel:
    label = QLabel("", wordWrap=True, objectName=name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # may quote column and file names
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ResultsPanel(Panel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("resultsPanel")
        self.shown: ShownOutput | None = None
        self.title = QLabel("", wordWrap=True, objectName="resultsTitle")
        self.warning_label = QLabel("", wordWrap=True, objectName="naiveWarning")
        self.warning_label.setStyleSheet(WARNING_STYLE)
        self.warning_label.hide()
        # the model against the best baseline, in one plain sentence; then what to change, then the
        # engine's notes on the run (column names are plain text)
        self.verdict_label = _plain_label("verdictLabel")
        self.verdict_label.hide()
        # what made the forecast and what the network added to its anchor (core's credit sentences)
        self.credit_label = _plain_label("creditLabel")
        self.credit_label.hide()
        self.advice_label = _plain_label("adviceLabel")
        self.advice_label.hide()
        self.coverage_warning = _plain_label("coverageWarning")  # intervals far narrower than their level
        self.coverage_warning.setStyleSheet(WARNING_STYLE)
        self.coverage_warning.hide()
        self.notes_label = _plain_label("notesLabel")
        self.notes_label.setStyleSheet("color: #495057;")
        self.notes_label.hide()
        self.step_selector = QSpinBox(objectName="stepSelector")
        self.step_selector.setToolTip(_("Which step ahead the chart's predictions show: 1 is the next row after "
                                        "each window, the horizon the farthest."))
        self.step_selector.valueChanged.connect(self._on_step_changed)
        self.step_caption = QLabel("", wordWrap=True, objectName="stepCaption")  # wrapped: the window fits 1024 px
        self.step_row = QWidget()
        step_layout = QHBoxLayout(self.step_row)
        step_layout.setContentsMargins(0, 0, 0, 0)
        step_layout.addWidget(QLabel(_("Step shown:")))
        step_layout.addWidget(self.step_selector)
        step_layout.addWidget(self.step_caption, 1)
        self.step_row.hide()
        self.canvas = ResultCanvas()
        self.canvas.setObjectName("resultCanvas")
        self.nav_toolbar = ChartToolbar(self.canvas, self, coordinates=False)  # hover_label reads out
        self.nav_toolbar.setIconSize(QSize(18, 18))
        self.hover_label = _plain_label("hoverLabel")
        self.hover_label.setStyleSheet("color: #495057;")
        self.canvas.hovered.connect(self.hover_label.setText)
        self.forecast_table = ForecastTable()
        self.metrics_table = MetricsTable(objectName="metricsTable")
        # the model and its three baselines in view without scrolling, also in a 700 px window
        self.metrics_table.verticalHeader().setDefaultSectionSize(22)
        self.metrics_table.setMinimumHeight(4 * 22 + self.metrics_table.horizontalHeader().sizeHint().height() + 4)
        self.step_table = StepScoresTable()
        self.step_table.hide()
        self.coverage_label = _plain_label("coverageLabel")  # the forecast's assumption names columns

        chart = QWidget()
        chart_layout = QVBoxLayout(chart)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addWidget(self.nav_toolbar)
        chart_layout.addWidget(self.canvas, 1)
        chart_layout.addWidget(self.hover_label)
        forecast_box = QWidget()
        forecast_layout = QVBoxLayout(forecast_box)
        forecast_layout.setContentsMargins(0, 0, 0, 0)
        forecast_layout.addWidget(QLabel(f"<b>{escape(_('Forecast'))}</b>"))
        forecast_layout.addWidget(self.forecast_table, 1)
        # the feature columns' future values: a file in, or a template out (bound to the action table)
        self.future_button = QPushButton(_("Future feature values…"), objectName="futureFeaturesButton")
        self.template_button = QPushButton(_("Save template…"), objectName="futureTemplateButton")
        future_row = QHBoxLayout()
        future_row.addWidget(self.future_button)
        future_row.addWidget(self.template_button)
        future_row.addStretch(1)
        forecast_layout.addLayout(future_row)
        self._chart_splitter = top = QSplitter(Qt.Orientation.Horizontal, objectName="resultsChartSplitter")
        self._narrow: bool | None = None  # the last width class resizeEvent set the chart's share for
        top.addWidget(chart)
        top.addWidget(forecast_box)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 1)
        top.setSizes([640, 440])  # in proportion: the forecast's six columns readable beside the chart
        self._scores_splitter = scores = QSplitter(Qt.Orientation.Horizontal, objectName="resultsScoresSplitter")
        scores.addWidget(self.metrics_table)
        scores.addWidget(self.step_table)
        scores.setStretchFactor(0, 3)
        scores.setStretchFactor(1, 2)
        body = QSplitter(Qt.Orientation.Vertical, objectName="resultsSplitter")
        body.addWidget(top)
        body.addWidget(scores)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 1)
        body.setSizes([480, 160])  # in proportion: the four score rows without scrolling
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.credit_label)
        layout.addWidget(self.advice_label)
        layout.addWidget(self.coverage_warning)
        layout.addWidget(self.notes_label)
        self.train_more_box = TrainMoreBox()  # the shown run's networks go on training
        self.train_more_box.requested.connect(session.training.start_more)
        # shown with a trained model's output, not an opened or applied one
        session.resultShown.connect(lambda _shown: self.train_more_box.setVisible(
            session.models.result is not None or isinstance(session.models.reported, OpenedModel)))
        session.data.finished.connect(lambda _loaded: self.train_more_box.hide())
        tools = QHBoxLayout()
        tools.addWidget(self.step_row, 1)
        tools.addWidget(self.train_more_box)
        layout.addLayout(tools)
        layout.addWidget(body, 1)
        layout.addWidget(self.coverage_label)
        session.data.finished.connect(self.clear)
        session.resultShown.connect(self.show_output)

    def command_buttons(self) -> dict[str, QAbstractButton]:
        return {"future_features": self.future_button, "future_template": self.template_button,
                "train_more_now": self.train_more_box.button}

    def resizeEvent(self, event) -> None:
        """In a narrow tab (a 1024 px window) the chart takes more of the width: the forecast table
        scrolls sideways instead. Set when the width class changes, so a user's drag stays."""
        narrow = event.size().width() < NARROW_WIDTH
        if narrow != self._narrow:
            self._narrow = narrow
            width = max(self._chart_splitter.width(), event.size().width())
            for splitter, share in ((self._chart_splitter, 0.68 if narrow else 0.6),
                                    (self._scores_splitter, 0.62 if narrow else 0.6)):  # every score unelided
                splitter.setSizes([int(width * share), width - int(width * share)])
            # equal columns where there is room; narrow, each as wide as its numbers (no "0.26…")
            self.metrics_table.horizontalHeader().setSectionResizeMode(
                QHeaderView.ResizeMode.ResizeToContents if narrow else QHeaderView.ResizeMode.Stretch)
        super().resizeEvent(event)

    def clear(self, _loaded=None) -> None:
        self.shown = None
        self.title.clear()  # it named the run whose chart is gone
        self.canvas.show_message(_(EMPTY_CHART))
        self.metrics_table.clear_metrics()
        self.forecast_table.show_forecast(None)
        self.step_table.show_scores(None)
        for widget in (self.warning_label, self.verdict_label, self.credit_label, self.advice_label,
                       self.coverage_warning, self.notes_label, self.step_row, self.step_table):
            widget.hide()
        self.hover_label.clear()
        self.coverage_label.clear()

    def show_output(self, shown: ShownOutput) -> None:
        self.shown = shown
        self.title.setText(f"<b>{escape(shown.target)}</b>: {escape(shown.description)}")
        multi_step = shown.horizon > 1 and len(shown.predictions) > 0  # no predictions: no step to choose
        self.step_selector.blockSignals(True)
        self.step_selector.setRange(1, max(shown.horizon, 1))
        self.step_selector.setValue(1)
        self.step_selector.blockSignals(False)
        self.step_row.setVisible(multi_step)
        self._draw(1)
        self.metrics_table.show_metrics(shown.metrics, seasonal=shown.seasonal)
        has_steps = multi_step and shown.step_scores is not None and len(shown.step_scores) > 0
        self.step_table.show_scores(shown.step_scores if has_steps else None)
        self.step_table.setVisible(has_steps)
        self.forecast_table.show_forecast(shown.forecast)
        if shown.verdict:  # a trained run: the verdict against the best baseline
            self.verdict_label.setText(("⚠ " if shown.beats_best_baseline is False else "✓ " if
                                        shown.beats_best_baseline else "") + shown.verdict)
            self.verdict_label.setStyleSheet(WARNING_STYLE if shown.beats_best_baseline is False
                                             else VERDICT_STYLE if shown.beats_best_baseline else "")
        self.verdict_label.setVisible(bool(shown.verdict))
        self.credit_label.setText(" ".join(shown.credit))
        self.credit_label.setVisible(bool(shown.credit))
        self.advice_label.setText(shown.advice)
        self.advice_label.setVisible(bool(shown.advice))
        self.coverage_warning.setText(" ".join(f"⚠ {sentence}" for sentence in shown.coverage_warnings))
        self.coverage_warning.setVisible(bool(shown.coverage_warnings))
        self.notes_label.setText("\n".join(f"• {note}" for note in shown.notes))
        self.notes_label.setVisible(bool(shown.notes))
        if shown.beats_naive is False and not shown.verdict:
            model, naive = column_texts(shown.metrics.get(k, {}).get("rmse") for k in ("model", "naive"))
            self.warning_label.setText(_(
                "⚠ The model does not beat the naive forecast (each value = the previous one): RMSE {model} vs "
                "{naive}. Try a longer window, more epochs, different features, or use the baseline.").format(
                model=model, naive=naive))
        self.warning_label.setVisible(shown.beats_naive is False and not shown.verdict)
        # the same sentences as the terminal's summary (plain text: the assumption names columns)
        self.coverage_label.setText(" ".join(
            outcome_lines(shown.models, shown.level, shown.coverage, shown.forecast, shown.assumption)))

    def _draw(self, step: int) -> None:
        s = self.shown
        self.canvas.show_predictions(s.predictions, s.forecast, s.target, s.level, s.dates, step=step,
                                     horizon=s.horizon, anchor=s.anchor, anchor_label=s.anchor_label,
                                     actual=s.actual, bridge=s.bridge, later=True)
        self.step_caption.setText(ngettext(
            "The orange line shows predictions made {step} row before the value they predict (horizon {horizon}); "
            "the real line shows every actual value.",
            "The orange line shows predictions made {step} rows before the value they predict (horizon "
            "{horizon}); the real line shows every actual value.", step).format(step=step, horizon=s.horizon))

    def _on_step_changed(self, step: int) -> None:
        if self.shown is not None:
            self._draw(step)
