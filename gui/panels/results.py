"""The Results tab: real against predicted values and the forecast, the scores beside the
baselines' (with a warning when the naive forecast wins), and how often the intervals held."""

from __future__ import annotations

from matplotlib.backends.backend_qtagg import NavigationToolbar2QT
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from core.prep.timeindex import format_time
from gui.panels import Panel, escape
from gui.session import Session, ShownOutput
from gui.widgets.canvases import ResultCanvas
from gui.widgets.metrics_table import MetricsTable

EMPTY_CHART = "Train a model to see real vs predicted values here."


WARNING_STYLE = ("background: #fff4e5; color: #8a4b00; border: 1px solid #f5c27a; padding: 6px; "
                 "border-radius: 4px;")


class ResultsPanel(Panel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("resultsPanel")
        self.title = QLabel("", wordWrap=True, objectName="resultsTitle")
        self.warning_label = QLabel("", wordWrap=True, objectName="naiveWarning")
        self.warning_label.setStyleSheet(WARNING_STYLE)
        self.warning_label.hide()
        # the model against the best baseline, in one plain sentence (column names are plain text)
        self.verdict_label = QLabel("", wordWrap=True, objectName="verdictLabel")
        self.verdict_label.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict_label.hide()
        self.canvas = ResultCanvas()
        self.canvas.setObjectName("resultCanvas")
        self.nav_toolbar = NavigationToolbar2QT(self.canvas, self)
        self.nav_toolbar.setIconSize(QSize(18, 18))
        self.metrics_table = MetricsTable(objectName="metricsTable")
        self.coverage_label = QLabel("", wordWrap=True, objectName="coverageLabel")
        self.coverage_label.setTextFormat(Qt.TextFormat.PlainText)  # the forecast's assumption names columns
        self.coverage_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.nav_toolbar)
        layout.addWidget(self.canvas, 3)
        layout.addWidget(self.metrics_table, 1)
        layout.addWidget(self.coverage_label)
        session.dataLoaded.connect(self.clear)
        session.resultShown.connect(self.show_output)

    def clear(self, _loaded=None) -> None:
        self.canvas.show_message(EMPTY_CHART)
        self.metrics_table.clear_metrics()
        self.warning_label.hide()
        self.verdict_label.hide()

    def show_output(self, shown: ShownOutput) -> None:
        self.title.setText(f"<b>{escape(shown.target)}</b>: {escape(shown.description)}")
        self.canvas.show_predictions(shown.predictions, shown.forecast, shown.target, shown.level, shown.dates)
        self.metrics_table.show_metrics(shown.metrics)
        if shown.verdict:  # a trained run: the verdict against the best baseline
            self.verdict_label.setText(("⚠ " if shown.beats_best_baseline is False else "") + shown.verdict)
            self.verdict_label.setStyleSheet(WARNING_STYLE if shown.beats_best_baseline is False else "")
        self.verdict_label.setVisible(bool(shown.verdict))
        if shown.beats_naive is False and not shown.verdict:
            model, naive = (_number(shown.metrics.get(k, {}).get("rmse")) for k in ("model", "naive"))
            self.warning_label.setText(
                f"⚠ The model does not beat the naive forecast (each value = the previous one): "
                f"RMSE {model} vs {naive}. Try a longer window, more epochs, different "
                "features, or use the baseline.")
        self.warning_label.setVisible(shown.beats_naive is False and not shown.verdict)
        lines = [shown.models] if shown.models else []
        if shown.coverage is not None:
            lines.append(f"{shown.level:.0%} prediction intervals covered {shown.coverage:.0%} of the "
                         "actual values.")
        if shown.forecast is not None and len(shown.forecast):
            first = shown.forecast["time"].iloc[0]
            lines.append(f"Forecast: {len(shown.forecast)} step(s) from {format_time(first)}. {shown.assumption}")
        self.coverage_label.setText(" ".join(lines))


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"
