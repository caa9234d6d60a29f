"""Matplotlib canvases embedded in Qt (glue-qt's pattern): a Figure on a FigureCanvasQTAgg, no pyplot.

Only the UI thread touches these. The loss canvas coalesces epoch updates and redraws at
most ten times a second, however fast the epochs come.
"""

from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.plotting import configure_fonts, draw_losses, draw_results

REDRAW_INTERVAL_MS = 100


class PlotCanvas(FigureCanvasQTAgg):
    def __init__(self, parent: QWidget | None = None, figsize=(7.0, 4.0)) -> None:
        configure_fonts()
        super().__init__(Figure(figsize=figsize, layout="constrained"))
        self.setParent(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(300, 200)

    def line(self, label: str) -> Line2D | None:
        """The line with this legend label on the first axes (for tests and accessibility)."""
        for axes in self.figure.axes:
            for line in axes.get_lines():
                if line.get_label() == label:
                    return line
        return None

    def show_message(self, text: str) -> None:
        self.figure.clear()
        axes = self.figure.add_subplot()
        axes.set_axis_off()
        axes.text(0.5, 0.5, text, ha="center", va="center", color="#666666", fontsize=11, wrap=True)
        self.draw_idle()


class LossCanvas(PlotCanvas):
    """Live training and validation loss, throttled."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(7.0, 3.0))
        self.train_loss: list[float] = []
        self.val_loss: list[float] = []
        self.best_epoch = 0
        self.loss_name = "loss"
        self.redraws = 0
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_INTERVAL_MS)
        self._timer.timeout.connect(self._redraw_if_dirty)
        self.show_message("Loss curves appear here while the model trains.")

    def reset(self, loss_name: str) -> None:
        self.train_loss, self.val_loss, self.best_epoch = [], [], 0
        self.loss_name = loss_name
        self._dirty = True
        self._timer.start()

    def add_epoch(self, progress) -> None:
        self.train_loss.append(progress.train_loss)
        if progress.val_loss is not None:
            self.val_loss.append(progress.val_loss)
        self.best_epoch = progress.best_epoch
        self._dirty = True

    def finish(self, train_loss: list[float], val_loss: list[float], best_epoch: int) -> None:
        """Final curves from the training history (what the engine kept), drawn at once."""
        self.train_loss, self.val_loss, self.best_epoch = list(train_loss), list(val_loss), best_epoch
        self._timer.stop()
        self._dirty = True
        self._redraw_if_dirty()

    def _redraw_if_dirty(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        self.figure.clear()
        axes = self.figure.add_subplot()
        draw_losses(axes, self.train_loss, self.val_loss, self.best_epoch, self.loss_name)
        self.redraws += 1
        self.draw_idle()


class ResultCanvas(PlotCanvas):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(8.0, 4.5))
        self.show_message("Train a model to see real vs predicted values here.")

    def show_result(self, result) -> None:
        self.show_predictions(result.predictions, result.forecast, result.config.target,
                              result.config.interval_level, bool(result.config.date_column))

    def show_predictions(self, predictions, forecast, target: str, level: float, dates: bool) -> None:
        self.figure.clear()
        axes = self.figure.add_subplot()
        draw_results(axes, predictions, target, forecast=forecast, level=level)
        if dates:
            self.figure.autofmt_xdate()
        self.draw_idle()
