"""The loss and result charts (on gui.widgets.plot_canvas.PlotCanvas). Only the UI thread touches these.

The loss canvas coalesces epoch updates and redraws at most ten times a second, however fast the
epochs come, painting live curves natively. The result canvas draws long lines decimated to the
axes' pixel width (min and max per pixel column, `core.outputs.plotting.minmax_decimate`) and
decimates again on every zoom, pan and resize, so a million points redraw like a thousand.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from core.i18n import _
from core.numbers import decimals_for, number_text
from core.outputs.plotting import draw_losses, draw_results, step_label
from core.outputs.summary import anchor_line
from core.prep.timeindex import format_time
from gui.widgets.decimation import LineDecimator, sorted_float_x
from gui.widgets.plot_canvas import REDRAW_INTERVAL_MS, LivePaintedCanvas, PlotCanvas, next_turn


class LossCanvas(LivePaintedCanvas):
    """Live training and validation loss, throttled.

    While training, the curves are painted straight onto the widget with QPainter (about a
    millisecond) instead of through matplotlib (50-250 ms of the UI thread per redraw on a busy
    2-core machine: bench/bench_ui.py). `finish` draws the final matplotlib chart once.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(7.0, 3.0))
        self.train_loss: list[float] = []
        self.val_loss: list[float] = []
        self.best_epoch = 0
        self.loss_name = "loss"
        self.redraws = 0
        self.live = False  # painting live curves natively rather than showing the figure
        self._final_pending = False  # finished while hidden: the final chart is built on a later turn
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_INTERVAL_MS)
        self._timer.timeout.connect(self._redraw_if_dirty)
        self.show_message(_("Loss curves appear here while the model trains."))

    def reset(self, loss_name: str) -> None:
        self.train_loss, self.val_loss, self.best_epoch = [], [], 0
        self._final_pending = False
        self.loss_name = loss_name
        self.live = True
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
        if self.isVisible():
            self._redraw_if_dirty(final=True)
            return
        # behind the Results tab that opens as the run ends: built on a turn of the event loop of
        # its own, not the one showing the results nor their chart's layout (10-50 ms of matplotlib)
        self._final_pending = True
        next_turn(self, self._finish_pending_chart)

    def _finish_pending_chart(self) -> None:
        if self._final_pending:  # not reset by a new run meanwhile
            self._final_pending = False
            self._redraw_if_dirty(final=True)

    def _redraw_if_dirty(self, final: bool = False) -> None:
        if not self._dirty:
            return
        self._dirty = False
        self.redraws += 1
        if not final:
            self.update()  # paintEvent paints the live curves
            return
        self.live = False
        axes = self.new_axes()
        draw_losses(axes, self.train_loss, self.val_loss, self.best_epoch, self.loss_name)
        self.name_lines({_("train"): "train", _("validation"): "validation"})
        self.draw_idle()

    def _paint_live(self, painter: QPainter) -> None:
        width, height = self.width(), self.height()
        painter.fillRect(self.rect(), QColor("white"))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        plot = QRectF(70, 30, max(width - 90, 10), max(height - 66, 10))
        epochs = max(len(self.train_loss), len(self.val_loss))
        painter.setPen(QColor("#222222"))
        painter.drawText(QRectF(0, 6, width, 20), Qt.AlignmentFlag.AlignHCenter,
                         _("Loss curves (training: epoch {epoch})").format(epoch=epochs) if epochs
                         else _("Loss curves (training…)"))
        painter.setPen(QColor("#999999"))
        painter.drawRect(plot)
        values = [v for v in self.train_loss + self.val_loss if v is not None and math.isfinite(v)]
        if not values:
            return
        low, high = min(values), max(values)
        log = low > 0 and high / low > 30  # as draw_losses: log only when the losses span decades
        scale = math.log10 if log else (lambda v: v)
        bottom, top = scale(low), scale(high)
        if top == bottom:
            bottom, top = bottom - 0.5, top + 0.5

        def point(epoch: int, value: float) -> QPointF:
            x = plot.left() + (epoch - 1) / max(epochs - 1, 1) * plot.width()
            y = plot.bottom() - (scale(value) - bottom) / (top - bottom) * plot.height()
            return QPointF(x, y)

        if self.best_epoch:
            pen = QPen(QColor("#555555"), 1, Qt.PenStyle.DotLine)
            painter.setPen(pen)
            x = point(self.best_epoch, high).x()
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        for losses, color in ((self.train_loss, "#1c7ed6"), (self.val_loss, "#e8590c")):
            shown = [point(i + 1, v) for i, v in enumerate(losses) if v is not None and math.isfinite(v)]
            painter.setPen(QPen(QColor(color), 1.6))
            if len(shown) == 1:
                painter.drawEllipse(shown[0], 2, 2)
            elif shown:
                painter.drawPolyline(QPolygonF(shown))
        painter.setPen(QColor("#333333"))
        painter.drawText(QRectF(0, plot.top() - 8, 64, 16), Qt.AlignmentFlag.AlignRight, f"{high:.3g}")
        painter.drawText(QRectF(0, plot.bottom() - 8, 64, 16), Qt.AlignmentFlag.AlignRight, f"{low:.3g}")
        painter.drawText(QRectF(plot.left(), plot.bottom() + 4, 60, 16), Qt.AlignmentFlag.AlignLeft, "1")
        painter.drawText(QRectF(plot.right() - 60, plot.bottom() + 4, 60, 16), Qt.AlignmentFlag.AlignRight,
                         str(max(epochs, 1)))
        painter.drawText(QRectF(plot.left(), plot.bottom() + 4, plot.width(), 16),
                         Qt.AlignmentFlag.AlignHCenter,
                         (_("epoch · {loss} (scaled, log) · {key}") if log else _("epoch · {loss} (scaled) · {key}"))
                         .format(loss=self.loss_name, key=self.legend_text()))

    def legend_text(self) -> str:
        """The live chart's key: the validation curve only when there is one."""
        return _("blue: train · orange: validation") if self.val_loss else _("blue: train")


# lines longer than this are decimated; shorter ones are drawn as they are
DECIMATE_ABOVE = 5000


NARROW_CHART = 620  # px: a results chart narrower than this has its legend under the plot
LEGEND_COLUMN_PIXELS = 170  # room one legend entry needs at x-small ("exponential smoothing alone")


class ResultCanvas(PlotCanvas):
    hovered = Signal(str)  # the data point nearest the mouse, in words ("" when there is none)

    HOVER_LINES = ("real", "predicted", "forecast", "anchor")  # ids of the lines the readout reports

    def __init__(self, parent: QWidget | None = None) -> None:
        # where the legend is: (under the plot?, its columns), None: not placed yet
        self._legend_below: tuple[bool, int] | None = None
        super().__init__(parent, figsize=(8.0, 4.5))
        # at 1024x700 its pane is ~180 px high: a taller minimum drew the figure past the pane's
        # edge, and the splitter cut the legend's last row off
        self.setMinimumHeight(150)
        self.decimators: list[LineDecimator] = []
        self._hover: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]] = []  # label, x float, x, y
        self.show_message(_("Train a model to see real vs predicted values here."))
        self.mpl_connect("motion_notify_event", self._on_motion)

    def show_message(self, text: str) -> None:
        self.decimators = []
        self._hover = []
        self._legend_below = None
        self.hovered.emit("")  # the last chart's point is gone from the screen
        super().show_message(text)

    def nearest_point(self, x_pixel: float, y_pixel: float) -> tuple[str, object, float] | None:
        """The drawn data point nearest a position in display pixels: (line label, x, y).

        Each line's point nearest in time is found by bisection (lines are in time order, so a
        million points cost nothing), then the nearest of those on screen wins."""
        self.build_pending()
        if not self._hover:
            return None
        axes = self.figure.axes[0]
        x_value = axes.transData.inverted().transform((x_pixel, y_pixel))[0]
        best = None
        for label, x_float, x, y in self._hover:
            i = int(np.searchsorted(x_float, x_value))
            for j in (i - 1, i):
                if 0 <= j < len(x_float) and np.isfinite(y[j]):
                    px, py = axes.transData.transform((x_float[j], y[j]))
                    distance = (px - x_pixel) ** 2 + (py - y_pixel) ** 2
                    if best is None or distance < best[0]:
                        best = (distance, label, x[j], float(y[j]))
        return None if best is None else best[1:]

    def readout(self, x_pixel: float, y_pixel: float) -> str:
        point = self.nearest_point(x_pixel, y_pixel)
        if point is None:
            return ""
        label, x, y = point
        # one value with no column to line up with: up to 6 significant digits, no trailing zeros
        text = number_text(y, decimals_for([y], 6))
        return f"{label}: {format_time(x)} → {text.rstrip('0').rstrip('.') if '.' in text else text}"

    def _on_motion(self, event) -> None:
        inside = event.inaxes is not None and bool(self._hover)
        self.hovered.emit(self.readout(event.x, event.y) if inside else "")

    def show_result(self, result) -> None:
        self.show_predictions(result.predictions, result.forecast, result.config.target,
                              result.config.interval_level, bool(result.config.date_column),
                              actual=getattr(result, "actual", None), bridge=getattr(result, "bridge", None),
                              **anchor_line(getattr(result, "credit", None)))

    def show_predictions(self, predictions, forecast, target: str, level: float, dates: bool, step: int = 1,
                         horizon: int | None = None, anchor=None, anchor_label: str = "", actual=None,
                         bridge=None, later: bool = False) -> None:
        """`anchor`: the anchor's own forecast at the forecast's steps, drawn dashed (line id "anchor");
        `actual`: every value of the target (time, actual), for the real line; `bridge`: predictions
        of the windows no split holds, so the step's line has no gap (core.outputs.plotting).
        `later`: built on a turn of its own (`put_off`), not in the one filling the Results tab."""
        if later:
            self.hovered.emit("")
            self.put_off(lambda: self.show_predictions(predictions, forecast, target, level, dates, step, horizon,
                                                       anchor, anchor_label, actual, bridge))
            return
        self._pending_build = None
        axes = self.new_axes()
        self.hovered.emit("")  # a read-out of the previous chart would name a value no longer drawn
        draw_results(axes, predictions, target, step=step, forecast=forecast, level=level, horizon=horizon,
                     anchor=anchor, anchor_label=anchor_label, actual=actual, bridge=bridge)
        if horizon is None:  # draw_results' default, on which the predicted line's label depends
            horizon = int(predictions["step"].max()) if len(predictions) else 1
        ids = {_("real"): "real", step_label(step, horizon): "predicted", _("forecast"): "forecast"}
        if anchor is not None:
            ids[anchor_label or _("anchor")] = "anchor"
        self.name_lines(ids)  # (dates: core's concise ticks, level at any zoom; `dates` kept for the callers)
        self._hover = [(line.get_label(), sorted_float_x(axes, line.get_xdata(orig=True)),
                        np.asarray(line.get_xdata(orig=True)), np.asarray(line.get_ydata(orig=True), dtype=float))
                       for line in axes.get_lines() if line.get_gid() in self.HOVER_LINES]
        self.decimators = [LineDecimator(line) for line in axes.get_lines()
                           if len(line.get_xdata(orig=True)) > DECIMATE_ABOVE]
        if self.decimators:
            axes.callbacks.connect("xlim_changed", self._decimate)
            self._decimate(axes)
        self._legend_below = None
        self._place_legend()
        self.draw_idle()

    def _place_legend(self) -> None:
        """Beside the plot where there is room; under it, in columns, on a narrow chart (a 1024 px
        window), where beside it left the axes too narrow for their dates."""
        axes = self.figure.axes[0] if self.figure.axes else None
        below = self.width() < NARROW_CHART
        placed = (below, self.width() // LEGEND_COLUMN_PIXELS if below else 0)
        if axes is None or placed == self._legend_below:
            return
        handles, labels = axes.get_legend_handles_labels()
        if not handles:
            return
        self._legend_below = placed
        for legend in list(self.figure.legends):
            legend.remove()
        if below:
            if axes.get_legend() is not None:
                axes.get_legend().remove()
            axes.title.set_fontsize("small")  # the tab's header names the target too: height for the data
            columns = max(1, min(4, self.width() // LEGEND_COLUMN_PIXELS))  # as many as fit whole
            self.figure.legend(handles, labels, loc="outside lower center", ncol=columns, fontsize="x-small")
        elif axes.get_legend() is None:  # (a new chart has it beside the plot already: draw_results)
            axes.title.set_fontsize("large")  # matplotlib's default
            axes.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
                        borderaxespad=0)
        self._layout_stale = True

    def _decimate(self, axes: Axes) -> None:
        for decimator in self.decimators:
            decimator.update(axes)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)  # resizes the figure: the axes' pixel width changes
        self._place_legend()
        if self.decimators:
            self._decimate(self.decimators[0].line.axes)
