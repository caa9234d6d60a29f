"""The window inspector's views: the series with one sample's input and target rows highlighted (a
click picks a sample), and the data table with the same rows highlighted.

Rows are numbered from 1 on the chart, as the data table numbers them."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from core.i18n import _
from gui.widgets.canvases import PlotCanvas
from gui.widgets.table_model import DataFrameModel

INPUT_COLOUR, TARGET_COLOUR = "#a5d8ff", "#ffc078"  # light: the table's text stays readable on them
SPLIT_COLOURS = {"train": "#f1f3f5", "val": "#fff9db", "test": "#ebfbee"}
WHOLE_SERIES_ROWS = 600  # longer series show a stretch around the sample (its rows stay visible)


class HighlightedRowsModel(DataFrameModel):
    """The data table with a sample's input rows and target rows on coloured backgrounds."""

    def __init__(self, frame: pd.DataFrame | None = None, parent=None) -> None:
        super().__init__(frame, parent)
        self.input_rows = range(0)
        self.target_rows = range(0)
        self._brushes = {"input": QBrush(QColor(INPUT_COLOUR)), "target": QBrush(QColor(TARGET_COLOUR))}

    def highlight(self, input_rows: range, target_rows: range) -> None:
        old = [r for r in (self.input_rows, self.target_rows) if len(r)]
        self.input_rows, self.target_rows = input_rows, target_rows
        for rows in old + [r for r in (input_rows, target_rows) if len(r)]:
            self.dataChanged.emit(self.index(rows[0], 0), self.index(rows[-1], self.columnCount() - 1),
                                  [Qt.ItemDataRole.BackgroundRole])

    def role_of(self, row: int) -> str | None:
        """"input", "target" or None: how row `row` (0-based) is highlighted."""
        if row in self.input_rows:
            return "input"
        if row in self.target_rows:
            return "target"
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid():
            kind = self.role_of(index.row())
            return None if kind is None else self._brushes[kind]
        return super().data(index, role)


class WindowChart(PlotCanvas):
    """The target series, the splits shaded, one sample's input rows and target rows highlighted."""

    rowClicked = Signal(int)  # the 0-based row clicked on

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(7.0, 2.6))
        self.setMinimumSize(300, 160)
        self.values = np.empty(0)
        self.axes = None
        self.inputs: Rectangle | None = None  # x: rows first - 0.5 .. last + 0.5, numbered from 1
        self.targets: Rectangle | None = None
        self.mpl_connect("button_press_event", self._on_press)
        self.show_message(_("Choose a target column to see the samples the network learns from."))

    def show_series(self, values: np.ndarray, name: str, splits: dict[str, tuple[int, int]],
                    labels: dict[str, str]) -> None:
        """The target column (`values`), the row ranges [start, end) of the splits and their names."""
        self.values = np.asarray(values, dtype=np.float64)
        axes = self.axes = self.new_axes()
        for split, (start, end) in splits.items():
            if end > start:
                axes.axvspan(start + 0.5, end + 0.5, color=SPLIT_COLOURS[split], lw=0, zorder=0)
                axes.text(start + 1, 0.98, labels[split], transform=axes.get_xaxis_transform(), ha="left",
                          va="top", fontsize=8, color="#666666", clip_on=True)
        axes.plot([], [], color="#444444", lw=1.0, gid="series", label=name)
        axes.plot([], [], "o", color="#1971c2", ms=3, gid="input points")
        axes.plot([], [], "o", color="#e8590c", ms=3, gid="target points")
        self.inputs = Rectangle((0, 0), 0, 1, transform=axes.get_xaxis_transform(), color=INPUT_COLOUR, alpha=0.6,
                                lw=0, zorder=1, label=_("input rows (window)"))
        self.targets = Rectangle((0, 0), 0, 1, transform=axes.get_xaxis_transform(), color=TARGET_COLOUR,
                                 alpha=0.7, lw=0, zorder=1, label=_("target rows (horizon)"))
        axes.add_patch(self.inputs)
        axes.add_patch(self.targets)
        axes.set_xlabel(_("row"))
        axes.set_ylabel(name)
        axes.legend(handles=[self.inputs, self.targets], loc="lower left", fontsize=8)

    def set_sample(self, input_rows: range, target_rows: range) -> None:
        """Highlights rows `input_rows` and `target_rows` (0-based) and shows them."""
        if self.axes is None or self.inputs is None:
            return
        for patch, rows in ((self.inputs, input_rows), (self.targets, target_rows)):
            patch.set_x(rows[0] + 0.5)  # row r is drawn at x = r + 1
            patch.set_width(len(rows))
        n = len(self.values)
        if n <= WHOLE_SERIES_ROWS:
            start, end = 0, n
        else:  # a stretch around the sample: its rows, and as many again on either side
            span = target_rows[-1] - input_rows[0] + 1
            pad = max(span, 50)
            start, end = max(0, input_rows[0] - pad), min(n, target_rows[-1] + 1 + pad)
        rows = np.arange(start, end)
        self.line("series").set_data(rows + 1, self.values[start:end])
        self.line("input points").set_data(np.asarray(input_rows) + 1, self.values[list(input_rows)])
        self.line("target points").set_data(np.asarray(target_rows) + 1, self.values[list(target_rows)])
        self.axes.set_xlim(start + 0.5, end + 0.5)
        shown = self.values[start:end]
        finite = shown[np.isfinite(shown)]
        if len(finite):
            low, high = float(finite.min()), float(finite.max())
            margin = (high - low) * 0.05 or 0.5
            self.axes.set_ylim(low - margin, high + margin)
        self.draw_idle()

    def highlighted(self) -> tuple[range, range]:
        """The rows highlighted now (0-based), read back from the chart's rectangles."""
        def rows(patch: Rectangle) -> range:
            first = round(patch.get_x() - 0.5)
            return range(first, first + round(patch.get_width()))
        return rows(self.inputs), rows(self.targets)

    def _on_press(self, event) -> None:
        if event.inaxes is self.axes and event.xdata is not None and event.button == 1:
            self.rowClicked.emit(round(event.xdata) - 1)
