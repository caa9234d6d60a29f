"""Long lines drawn decimated to the axes' pixel width (min and max per pixel column,
`core.outputs.plotting.minmax_decimate`), again on every zoom, pan and resize."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from core.outputs.plotting import minmax_decimate

RECENT_VIEWS = 8  # decimations kept per line: a few thousand indices each


class LineDecimator:
    """Keeps a line's full data and shows only what the axes' pixel width can show."""

    def __init__(self, line: Line2D) -> None:
        self.line = line
        self.x = np.asarray(line.get_xdata(orig=True))
        self.y = np.asarray(line.get_ydata(orig=True), dtype=np.float64)
        self.x_float = sorted_float_x(line.axes, self.x)
        self.shown = len(self.x)
        self._recent: dict[tuple[float, float, int], np.ndarray] = {}  # view -> indices shown

    def update(self, axes: Axes) -> None:
        x_min, x_max = sorted(axes.get_xlim())
        # the figure's width, not the axes': decimation may run before the layout widens the axes
        columns = max(int(axes.figure.bbox.width), 1)
        view = (x_min, x_max, columns)
        keep = self._recent.pop(view, None)  # the full view (Home, Back) comes back often
        if keep is None:
            keep = minmax_decimate(self.x_float, self.y, x_min, x_max, columns)
        self._recent[view] = keep
        while len(self._recent) > RECENT_VIEWS:
            del self._recent[next(iter(self._recent))]  # the least recently shown
        self.shown = len(keep)
        self.line.set_data(self.x[keep], self.y[keep])


def sorted_float_x(axes: Axes, x: np.ndarray) -> np.ndarray:
    """A line's x as floats in axes units, gap markers (NaN/NaT) given their neighbour's x."""
    values = np.asarray(axes.convert_xunits(x), dtype=np.float64)
    gaps = np.isnan(values)
    if gaps.any():
        values = values[np.maximum.accumulate(np.where(~gaps, np.arange(len(values)), 0))]
    return values
