"""The Training tab: the loss curves, live while a model trains, and how the run ended."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout

from core.i18n import _, ngettext
from gui.panels import Panel
from gui.session import Session
from gui.widgets.canvases import LossCanvas
from gui.widgets.preview_canvas import ValidationPreviewCanvas

SIDE_BY_SIDE_WIDTH = 820  # px of the tab: below it each chart would be narrower than ~400 px


class TrainingPanel(Panel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("trainingPanel")
        self.session = session
        self.loss_canvas = LossCanvas()
        self.loss_canvas.setObjectName("lossCanvas")
        self.summary = QLabel("", wordWrap=True, objectName="trainingSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # quotes the target column's name
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        # the validation forecast of the best weights so far beside the loss: the forecast improving
        self.preview_canvas = ValidationPreviewCanvas()
        self.charts = QSplitter(Qt.Orientation.Horizontal, objectName="trainingCharts")
        self.charts.addWidget(self.loss_canvas)
        self.charts.addWidget(self.preview_canvas)
        self.charts.setChildrenCollapsible(False)
        layout.addWidget(self.charts, 1)
        session.training.started.connect(self._on_started)
        session.training.progress.connect(self._on_epoch)
        session.training.finished.connect(self._on_finished)

    def resizeEvent(self, event) -> None:
        # side by side where there is room for two readable charts, else one above the other
        wide = event.size().width() >= SIDE_BY_SIDE_WIDTH
        self.charts.setOrientation(Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical)
        super().resizeEvent(event)

    def _on_started(self, config) -> None:
        self.loss_canvas.reset(config.loss.upper())
        self.preview_canvas.reset()
        continued = self.session.training.continued
        if continued is not None:  # train N more: the curves go on from the epochs already run
            self.loss_canvas.train_loss = list(continued.train_loss)
            self.loss_canvas.val_loss = list(continued.val_loss)
            self.loss_canvas.best_epoch = continued.best_epoch
        epochs = ngettext("{count} epoch", "{count} epochs", config.epochs).format(count=config.epochs)
        if config.ensemble > 1:
            text = ngettext("Training {cell} on '{target}' for up to {epochs} ({count} network; the chart "
                            "shows the first)…",
                            "Training {cell} on '{target}' for up to {epochs} ({count} networks; the chart "
                            "shows the first)…", config.ensemble)
        else:
            text = _("Training {cell} on '{target}' for up to {epochs}…")
        plan = self.session.settings.plan
        reason = plan.smoothing_alone_reason() if plan is not None else None
        self.summary.setText(reason or text.format(cell=config.cell.upper(), target=config.target, epochs=epochs,
                                                   count=config.ensemble))

    def _on_epoch(self, progress) -> None:
        # the curves of the first network: the others of the ensemble and the refit only repeat
        # it with other seeds or rows, and one chart of several runs end to end reads as noise
        if progress.network == 1 and not progress.refit:
            self.loss_canvas.add_epoch(progress)
            self.preview_canvas.set_preview(progress.preview)

    def _on_finished(self, result) -> None:
        h = result.history
        self.loss_canvas.finish(h.train_loss, h.val_loss, h.best_epoch)
        self.preview_canvas.finish()
        text = self.session.training.finished_text(result)
        self.summary.setText(text + (f"\n{h.message}" if h.message else ""))
