"""The live validation preview: the validation rows' real values and the best weights' 1-step-ahead
forecasts of them, redrawn at most ten times a second while a model trains.

As the loss chart (gui/widgets/canvases.py), it paints live with QPainter (a few milliseconds)
rather than rendering matplotlib on the UI thread (50-250 ms on a busy machine); its matplotlib
lines (ids "actual" and "predicted") are filled when asked for (`line`) and rendered once by
`finish`. Even building them costs ~25 ms, so nothing of matplotlib runs while live unless asked.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from core.i18n import _
from gui.widgets.plot_canvas import REDRAW_INTERVAL_MS, LivePaintedCanvas, next_turn

ACTUAL_COLOUR, PREDICTED_COLOUR = "#333333", "#e8590c"


class ValidationPreviewCanvas(LivePaintedCanvas):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(5.0, 3.0))
        self.setObjectName("validationPreview")
        self.redraws = 0  # live repaints asked for (at most one per REDRAW_INTERVAL_MS)
        self.live = False
        self.preview = None  # the last core.model.progress.ValidationPreview shown
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_INTERVAL_MS)
        self._timer.timeout.connect(self._redraw_if_dirty)
        self.axes = None
        self.show_message(_("The validation forecast appears here while the model trains."))

    def reset(self) -> None:
        """A run starts: nothing to show until its first epoch."""
        self.preview = None
        self.live = True
        self._dirty = True
        self._timer.start()

    def set_preview(self, preview) -> None:
        """An epoch's preview (or None: no validation windows); painted at the next tick."""
        if preview is self.preview:
            return
        self.preview = preview
        self._dirty = True

    def finish(self) -> None:
        """The run ended: the last preview drawn once by matplotlib."""
        self._timer.stop()
        self.live = False
        self._dirty = False
        if self.preview is None:
            self.show_message(_("Nothing to preview: no network was trained with validation windows."))
            return
        if self.isVisible():
            self._set_lines()
            self.draw_idle()
            return
        # behind the Results tab that opens as the run ends: the lines are built on a turn of
        # their own, not the one showing the results (or at once when asked for: `line`)
        self._lines_stale = True
        next_turn(self, self._finish_hidden)

    def _finish_hidden(self) -> None:
        if not self.live and getattr(self, "_lines_stale", False) and self.preview is not None:
            self._set_lines()
            self.draw_idle()

    def _redraw_if_dirty(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        self.redraws += 1
        self._lines_stale = True  # matplotlib's lines follow when asked for (`line`) or at the end
        self.update()

    def line(self, gid: str):
        """The matplotlib line "actual" or "predicted", holding what is shown, also while live."""
        if getattr(self, "_lines_stale", False) and self.preview is not None:
            self._set_lines()
        return super().line(gid)

    def _set_lines(self) -> None:
        self._lines_stale = False
        p = self.preview
        rows = p.rows + 1  # numbered from 1, as the data table does
        if self.axes is None or super().line("actual") is None:
            self.axes = axes = self.new_axes()
            axes.plot(rows, p.actual, color=ACTUAL_COLOUR, lw=1.2, label=_("real"), gid="actual")
            axes.plot(rows, p.predicted, color=PREDICTED_COLOUR, lw=1.2, label=_("predicted"), gid="predicted")
            axes.set_xlabel(_("row"))
            axes.legend(loc="upper left", fontsize=8)
        else:
            super().line("actual").set_data(rows, p.actual)
            super().line("predicted").set_data(rows, p.predicted)
            self.axes.relim()
            self.axes.autoscale_view()
        self.axes.set_title(self.title(), fontsize=10)
        self._layout_stale = True

    def title(self) -> str:
        return _("Validation, 1 step ahead (best epoch {epoch})").format(epoch=self.preview.epoch)

    def _paint_live(self, painter: QPainter) -> None:
        width, height = self.width(), self.height()
        painter.fillRect(self.rect(), QColor("white"))
        # no antialiasing, 1-pixel pens: a jagged line of 1,000 points stroked antialiased at 1.4 px
        # took 600-700 ms per paint here; plain, about a millisecond
        p = self.preview
        painter.setPen(QColor("#222222"))
        painter.drawText(QRectF(0, 6, width, 20), Qt.AlignmentFlag.AlignHCenter,
                         self.title() if p is not None else _("Validation forecast (training…)"))
        # below the plot: the first and last rows on one line, the key on the next
        plot = QRectF(56, 30, max(width - 70, 10), max(height - 76, 10))
        painter.setPen(QColor("#999999"))
        painter.drawRect(plot)
        if p is None or not len(p.rows):
            return
        values = np.concatenate([p.actual, p.predicted])
        values = values[np.isfinite(values)]
        if not len(values):
            return
        low, high = float(values.min()), float(values.max())
        if high == low:
            low, high = low - 0.5, high + 0.5
        first, last = int(p.rows[0]), int(p.rows[-1])

        def points(series: np.ndarray) -> QPolygonF:
            x = plot.left() + (p.rows - first) / max(last - first, 1) * plot.width()
            y = plot.bottom() - (series - low) / (high - low) * plot.height()
            keep = np.isfinite(y)
            return QPolygonF([QPointF(a, b) for a, b in zip(x[keep], y[keep])])

        for series, colour in ((p.actual, ACTUAL_COLOUR), (p.predicted, PREDICTED_COLOUR)):
            painter.setPen(QPen(QColor(colour), 1))
            painter.drawPolyline(points(series))
        painter.setPen(QColor("#333333"))
        painter.drawText(QRectF(0, plot.top() - 8, 52, 16), Qt.AlignmentFlag.AlignRight, f"{high:.4g}")
        painter.drawText(QRectF(0, plot.bottom() - 8, 52, 16), Qt.AlignmentFlag.AlignRight, f"{low:.4g}")
        ticks = QRectF(plot.left(), plot.bottom() + 4, plot.width(), 16)
        painter.drawText(ticks, Qt.AlignmentFlag.AlignLeft, str(first + 1))
        painter.drawText(ticks, Qt.AlignmentFlag.AlignHCenter, _("row"))
        painter.drawText(ticks, Qt.AlignmentFlag.AlignRight, str(last + 1))
        painter.drawText(QRectF(plot.left(), plot.bottom() + 22, plot.width(), 16), Qt.AlignmentFlag.AlignHCenter,
                         _("black: real · orange: predicted"))
