"""The backtest's stitched chart: the actual values, each fold's forecast as its own segment, and a
dashed vertical line at every cutoff."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.i18n import _
from gui.widgets.canvases import PlotCanvas

FOLD_COLOURS = ("#d9480f", "#1971c2", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599")


def _x(values, dates: bool):
    return pd.to_datetime(values) if dates else np.asarray(values)


class BacktestCanvas(PlotCanvas):
    def __init__(self, parent=None) -> None:
        super().__init__(parent, figsize=(7.0, 3.2))
        self.show_message(_("Run a backtest to see each fold's forecast against the actual values."))

    def show_backtest(self, result, target: str) -> None:
        """`result`: core.backtest.BacktestResult (its `actual` and `forecasts` tables)."""
        if not result.folds:
            self.show_message(_("No fold finished."))
            return
        dates = bool(result.config.date_column) and np.issubdtype(np.asarray(result.actual["time"]).dtype,
                                                                   np.datetime64)
        axes = self.new_axes()
        axes.plot(_x(result.actual["time"], dates), result.actual["actual"], color="#495057", linewidth=1.2,
                  label=_("actual"))
        forecasts = result.forecasts
        for index, fold in enumerate(result.folds):
            part = forecasts[forecasts["fold"] == fold.fold]
            colour = FOLD_COLOURS[index % len(FOLD_COLOURS)]
            axes.plot(_x(part["time"], dates), part["predicted"], color=colour, linewidth=1.6, marker="o",
                      markersize=3, label=_("fold {fold}").format(fold=fold.fold) if index < 6 else None)
            axes.axvline(_x([fold.cutoff], dates)[0], color=colour, linestyle="--", linewidth=0.8, alpha=0.7)
        axes.set_title(_("{target}: fold forecasts against the actual values (dashed: cutoffs)").format(
            target=target), fontsize=10, parse_math=False)  # a column name is text, never mathtext
        if dates:  # few, short date labels: full dates side by side overlapped in a narrow chart
            from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

            locator = AutoDateLocator(maxticks=7)
            axes.xaxis.set_major_locator(locator)
            # numbers only: matplotlib's month names are English whatever the app's language
            axes.xaxis.set_major_formatter(ConciseDateFormatter(
                locator, formats=["%Y", "%m", "%d", "%H:%M", "%H:%M", "%S.%f"],
                zero_formats=["", "%Y", "%Y-%m", "%m-%d", "%H:%M", "%H:%M"],
                offset_formats=["", "%Y", "%Y-%m", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M"]))
        axes.legend(loc="best", fontsize=8)
        axes.grid(alpha=0.3)
        self.draw_idle()

    def fold_lines(self) -> int:
        """How many fold forecast segments are drawn (for tests and accessibility)."""
        return sum(1 for axes in self.figure.axes for line in axes.get_lines()
                   if line.get_marker() == "o")
