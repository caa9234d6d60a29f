"""The report's charts: each draws onto a plain matplotlib Figure (never pyplot), so the HTML
embeds it as a PNG and the PDF draws it on a page as vectors."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from core.i18n import _
from core.outputs.plotting import LITERAL, actual_series, configure_fonts, draw_losses, draw_results
from core.report.content import ReportContent

CLOSE_UP_ROWS = 60  # actual rows the forecast close-up shows before the forecast (at least 3x its steps)


@dataclass(frozen=True)
class Chart:
    key: str  # a stable name (tests, file names)
    title: str
    draw: Callable[[Figure], None]
    size: tuple[float, float] = (11.0, 4.8)  # inches


def charts(content: ReportContent) -> list[Chart]:
    """The charts this report has, in reading order."""
    out = []
    if len(content.predictions):
        out.append(Chart("results", _("Real vs predicted"), lambda f: _results(f, content)))
    if content.forecast is not None and len(content.forecast):
        out.append(Chart("forecast", _("Forecast with its intervals"), lambda f: _close_up(f, content)))
    if content.training.get("train_loss"):
        out.append(Chart("losses", _("Loss curves"), lambda f: _losses(f, content), (11.0, 3.8)))
    backtest = content.backtest
    if backtest is not None and len(getattr(backtest, "forecasts", ())):
        out.append(Chart("backtest", _("Backtest: each fold's forecast"), lambda f: _backtest(f, content)))
    trials = getattr(content.search, "trials", None)
    if trials and any(t.score is not None for t in trials):
        out.append(Chart("search", _("Search: each trial's validation score"), lambda f: _search(f, content),
                         (11.0, 3.8)))
    return out


def figure_for(chart: Chart) -> Figure:
    """A fresh figure of the chart's size with the chart drawn on it (Agg canvas)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    configure_fonts()
    figure = Figure(figsize=chart.size, dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    chart.draw(figure)
    return figure


def png_bytes(chart: Chart, dpi: int = 100) -> bytes:
    buffer = io.BytesIO()
    figure_for(chart).savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _results(figure: Figure, c: ReportContent) -> None:
    draw_results(figure.subplots(), c.predictions, c.target, forecast=c.forecast, level=c.level,
                 horizon=int(c.config.get("horizon") or 1), anchor=c.anchor, anchor_label=c.anchor_label)


def _close_up(figure: Figure, c: ReportContent) -> None:
    """The last rows and the forecast past them, large enough to read each step's interval."""
    keep = max(CLOSE_UP_ROWS, 3 * len(c.forecast))
    real = actual_series(c.predictions) if len(c.predictions) else pd.DataFrame({"time": [], "actual": []})
    recent = c.predictions
    if len(real) > keep:
        start = real["time"].iloc[-keep]
        recent = c.predictions[c.predictions["time"] >= start]
    ax = figure.subplots()
    draw_results(ax, recent, c.target, forecast=c.forecast, level=c.level,
                 horizon=int(c.config.get("horizon") or 1), anchor=c.anchor, anchor_label=c.anchor_label)
    ax.set_title(_("{target}: the forecast").format(target=c.target), **LITERAL)


def _losses(figure: Figure, c: ReportContent) -> None:
    t = c.training
    draw_losses(figure.subplots(), list(t.get("train_loss") or []), list(t.get("val_loss") or []),
                int(t.get("best_epoch") or 0), str(c.config.get("loss", "loss")).upper())


def _backtest(figure: Figure, c: ReportContent) -> None:
    result = c.backtest
    ax = figure.subplots()
    actual = result.actual
    if len(actual):
        ax.plot(actual["time"].to_numpy(), actual["actual"].to_numpy(dtype=float), color="#1f2937",
                linewidth=1.2, label=_("real"))
    for fold, part in result.forecasts.groupby("fold", sort=True):
        ax.plot(part["time"].to_numpy(), part["predicted"].to_numpy(dtype=float), linewidth=1.4,
                label=_("fold {fold}").format(fold=fold))
    ax.set_title(_("{target}: backtest folds").format(target=c.target), **LITERAL)
    ax.set_ylabel(c.target, **LITERAL)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", borderaxespad=0)
    ax.grid(True, alpha=0.3)


def _search(figure: Figure, c: ReportContent) -> None:
    trials = sorted((t for t in c.search.trials if t.score is not None and math.isfinite(t.score)),
                    key=lambda t: t.number)
    ax = figure.subplots()
    numbers = np.array([t.number for t in trials])
    scores = np.array([t.score for t in trials], dtype=float)
    ax.plot(numbers, scores, "o", color="#1c7ed6", markersize=4, label=_("trial"))
    ax.step(numbers, np.minimum.accumulate(scores), where="post", color="#d9480f", label=_("best so far"))
    ax.set_xlabel(_("trial"))
    ax.set_ylabel(_("validation RMSE"))
    ax.legend(loc="best", fontsize="small")
    ax.grid(True, alpha=0.3)
