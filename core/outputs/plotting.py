"""Charts drawn onto any matplotlib Axes: the CLI renders them with Agg, the GUI on its Qt canvas.

Never pyplot: figures are plain `matplotlib.figure.Figure` objects, so nothing here picks a
GUI backend or keeps global state.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from core.files import atomic_write_bytes
from core.i18n import N_, _, ngettext
from core.outputs.summary import anchor_line

SPLIT_COLORS = {"train": "#dbe9f6", "val": "#fdebd0", "test": "#e8f6e1"}
SPLIT_NAMES = {"train": N_("train"), "val": N_("validation"), "test": N_("test")}
# Chinese column names render as boxes unless a CJK-capable font is in the fallback list
# keyword arguments for any Text holding user data (column names): drawn as written, '$' and all
LITERAL = {"parse_math": False}
CJK_FONTS = ["Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans CJK JP",
             "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei"]


CJK_FILES = re.compile(r"cjk|wqy|sourcehan|msyh|simhei|simsun|pingfang|yahei|notosanssc|notoserifsc", re.I)
CJK_TEXT = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_families_of: dict[int, list[str]] = {}  # id of a font manager -> its CJK families with the glyphs
_looked_for_uncached = False  # the system's font folders are scanned at most once per process


def _cjk_families(manager) -> list[str]:
    """The CJK_FONTS matplotlib's font list holds whose file really has Chinese glyphs."""
    if id(manager) not in _families_of:
        from matplotlib.font_manager import FontProperties
        from matplotlib.ft2font import FT2Font

        installed = {font.name for font in manager.ttflist}
        found = []
        for name in (n for n in CJK_FONTS if n in installed):
            try:
                path = manager.findfont(FontProperties(family=name), fallback_to_default=False)
                if FT2Font(path).get_char_index(ord("测")):
                    found.append(name)
            except (ValueError, RuntimeError, OSError):
                continue
        _families_of[id(manager)] = found
    return _families_of[id(manager)]


def _add_uncached_cjk_fonts(manager) -> bool:
    """Adds the CJK fonts installed after matplotlib's font cache was built (the cache then gives
    boxes) to the live font list, and saves the list so the next start knows them. The list is
    updated in place: the Agg and Qt backends hold a reference to it from their import."""
    from matplotlib import font_manager

    global _looked_for_uncached
    if _looked_for_uncached:
        return False
    _looked_for_uncached = True
    known = {font.fname for font in manager.ttflist}
    added = False
    for path in font_manager.findSystemFonts():
        if CJK_FILES.search(Path(path).name) and path not in known:
            try:
                manager.addfont(path)
                added = True
            except (RuntimeError, OSError, ValueError):
                continue
    if added:
        _families_of.pop(id(manager), None)
        try:
            font_manager.json_dump(manager, Path(matplotlib.get_cachedir())
                                   / f"fontlist-v{font_manager.FontManager.__version__}.json")
        except OSError:
            pass  # a read-only cache folder: the fonts are still used in this session
    return added


def configure_fonts(texts=()) -> bool:
    """Latin text keeps the default font; Chinese falls back, glyph by glyph, to a CJK font.

    Matplotlib falls back only across the fonts named in `font.family` (not across the
    generic sans-serif list), so the installed CJK fonts are named there. When Chinese is needed
    (the Chinese interface, or Chinese in `texts` such as column names) and the font cache knows
    no CJK font although one is installed, the cache is rebuilt once. Returns whether Chinese
    glyphs can be drawn.
    """
    from matplotlib import font_manager

    from core.i18n import CHINESE, language

    manager = font_manager.fontManager
    cjk = _cjk_families(manager)
    needed = language() == CHINESE or any(CJK_TEXT.search(str(text)) for text in texts)
    if not cjk and needed and _add_uncached_cjk_fonts(manager):
        cjk = _cjk_families(manager)
    if not cjk:
        return False
    base = matplotlib.rcParams["font.sans-serif"][0]
    matplotlib.rcParams["font.family"] = [base, *cjk, "sans-serif"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return True


def _x_values(predictions: pd.DataFrame) -> np.ndarray:
    return predictions["time"].to_numpy()


def _target_rows(predictions: pd.DataFrame) -> np.ndarray | None:
    """The row of the table each prediction is for, when the table says (None: use the time)."""
    if "target_row" in predictions:
        return predictions["target_row"].to_numpy(dtype=np.int64)
    if "origin" in predictions:
        return predictions["origin"].to_numpy(dtype=np.int64) + predictions["step"].to_numpy(dtype=np.int64)
    return None


def actual_series(predictions: pd.DataFrame) -> pd.DataFrame:
    """Every actual value the predictions know, once each, in row order: time, actual, split.

    With a horizon H the last H-1 rows are only some window's later steps, and rows beside a
    split boundary only some steps' targets; the union over all steps has them all.
    """
    known = predictions[predictions["actual"].notna()]
    rows = _target_rows(known)
    key = pd.Series(rows if rows is not None else known["time"].to_numpy(), index=known.index)
    first = known.loc[~key.duplicated()]
    order = np.argsort(key.loc[first.index].to_numpy(), kind="stable")
    out = first.iloc[order]
    columns = ["time", "actual"] + (["split"] if "split" in out else [])
    return out[columns].reset_index(drop=True)


def step_label(step: int, horizon: int) -> str:
    """The predicted line's legend label: plain "predicted" when there is one step."""
    if horizon <= 1:
        return _("predicted")
    return ngettext("predicted ({step} step ahead)", "predicted ({step} steps ahead)", step).format(step=step)


def draw_results(ax: Axes, predictions: pd.DataFrame, target: str, step: int = 1,
                 forecast: pd.DataFrame | None = None, level: float | None = None,
                 horizon: int | None = None, anchor: list[float] | np.ndarray | None = None,
                 anchor_label: str = "", actual: pd.DataFrame | None = None,
                 bridge: pd.DataFrame | None = None) -> None:
    """Every actual value as one line ("real"), the predictions made `step` steps ahead with the
    split spans shaded, and the forecast past the end with its interval (a band, or an error bar
    for a single step). `anchor`: the anchor's own forecast at the forecast's steps, drawn dashed
    under `anchor_label`, so what the network added to it shows. `actual` (time, actual): every
    value of the target, for the real line, when known; else the values the predictions know.
    `bridge` (time, step, predicted, target_row): predictions of windows no split holds, drawn in
    the step's line so it runs on across split boundaries and to the last row."""
    configure_fonts([target])  # a Chinese column name needs a CJK font even in the English interface
    if horizon is None:
        horizon = int(predictions["step"].max()) if len(predictions) else 1
    real = actual_series(predictions)
    x = _x_values(real)
    splits = real["split"].to_numpy() if "split" in real else np.array([""] * len(real))
    for split in ("train", "val", "test"):
        part = x[splits == split]
        if len(part):
            ax.axvspan(part[0], part[-1], color=SPLIT_COLORS[split], zorder=0,
                       label=f"{_(SPLIT_NAMES[split])} ({len(part)})")
    test = x[splits == "test"]
    if len(test):
        ax.axvline(test[0], color="#555555", linestyle="--", linewidth=1)
    if actual is not None and len(actual):  # the rows before the first window too, and a file too short for one
        x, real = _x_values(actual), actual
    ax.plot(x, real["actual"].to_numpy(dtype=float), color="#1f2937", linewidth=1.2, label=_("real"))

    one = predictions[(predictions["step"] == step) & predictions["predicted"].notna()]
    if bridge is not None and len(bridge) and "target_row" in one:
        extra = bridge[(bridge["step"] == step) & bridge["predicted"].notna()]
        one = pd.concat([one[["time", "predicted", "target_row"]], extra[["time", "predicted", "target_row"]]],
                        ignore_index=True)
    rows = _target_rows(one)
    if rows is not None:
        order = np.argsort(rows, kind="stable")
        one, rows = one.iloc[order], rows[order]
    if len(one):
        px = _x_values(one)
        # windows straddling a split boundary are left out: break the predicted line there rather
        # than draw across rows nobody predicted (the real line above has them all)
        gaps = np.flatnonzero(np.diff(rows) > 1) + 1 if rows is not None else np.empty(0, dtype=np.int64)
        gap_x = np.datetime64("NaT") if np.issubdtype(px.dtype, np.datetime64) else np.nan
        line_x = np.insert(px if gap_x is not np.nan else px.astype(float), gaps, gap_x)
        predicted = np.insert(one["predicted"].to_numpy(dtype=float), gaps, np.nan)
        ax.plot(line_x, predicted, color="#d9480f", linewidth=1.2, label=step_label(step, horizon))
    if forecast is not None and len(forecast):
        fx = forecast["time"].to_numpy()
        fy = forecast["predicted"].to_numpy(dtype=float)
        lower, upper = forecast["lower"].to_numpy(dtype=float), forecast["upper"].to_numpy(dtype=float)
        band = _("{level:.0%} interval").format(level=level) if level else _("interval")
        if np.isfinite(lower).all() and np.isfinite(upper).all():
            if len(fx) == 1:  # a band over one point has no width: an error bar shows it
                ax.errorbar(fx, fy, yerr=[fy - lower, upper - fy], fmt="none", ecolor="#7048e8",
                            elinewidth=1.6, capsize=5, label=band)
            else:
                ax.fill_between(fx, lower, upper, color="#7048e8", alpha=0.18, linewidth=0, label=band)
        ax.plot(fx, fy, color="#7048e8", linewidth=1.6,
                marker="o" if len(fx) <= 40 else None, markersize=3 if len(fx) > 1 else 6, label=_("forecast"))
        if anchor is not None and len(anchor) == len(fx):
            ax.plot(fx, np.asarray(anchor, dtype=float), color="#2b8a3e", linestyle="--", linewidth=1.3,
                    marker="x" if len(fx) == 1 else None, label=anchor_label or _("anchor"))
        _room_after(ax, fx, x)
    # a column name is text, never mathtext: 'cost_$ - tax_$' would fail to parse and blank the chart
    if np.issubdtype(np.asarray(x).dtype, np.datetime64):
        concise_dates(ax)
    ax.set_title(_("{target}: real vs predicted").format(target=target), **LITERAL)
    ax.set_ylabel(target, **LITERAL)
    # beside the plot, not on it: never over the data, and no search for the emptiest corner
    # ("best" tests every vertex of every line, on every redraw: a third of a first draw)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", borderaxespad=0)
    ax.grid(True, alpha=0.3)


TICK_PIXELS = 64  # room each date label needs on the axis ('2024', 'Mar', '12:00' and a gap)


def _room_after(ax: Axes, forecast_x: np.ndarray, actual_x: np.ndarray) -> None:
    """A step of room after the last forecast point, so its marker and error bar are drawn whole:
    the usual 5% margin is a few pixels on a narrow chart of a short file, which cut the point."""
    times = forecast_x if len(forecast_x) > 1 else np.concatenate([actual_x[-1:], forecast_x])
    if len(times) < 2:
        return
    last, step = ax.convert_xunits(times[-1:])[0], np.diff(ax.convert_xunits(times[-2:]))[0]
    low, high = ax.get_xlim()
    if np.isfinite(step) and step > 0 and high < last + step:
        ax.set_xlim(low, last + step)


def concise_dates(ax: Axes) -> None:
    """Date ticks that fit at any zoom and width: the locator picks round dates, as many as the
    axes' width has room for, and the formatter writes only what changes ('Mar', '15', '12:00'),
    the rest once in the corner, so the labels stay short and level instead of overlapping."""
    from typing import ClassVar

    from matplotlib.dates import MONTHLY, AutoDateLocator, ConciseDateFormatter

    class FittingLocator(AutoDateLocator):
        # matplotlib asks for the ticks a dozen times per layout and draw; they depend only on the
        # view and the room, so recent answers are kept (a tenth of laying out a results chart)
        recent: ClassVar[dict[tuple[float, float, int], object]] = {}  # one class per chart: its own

        def __call__(self):
            room = int(self.axis.axes.bbox.width // TICK_PIXELS) if self.axis is not None else 8
            low, high = sorted(self.axis.get_view_interval()) if self.axis is not None else (-np.inf, np.inf)
            key = (float(low), float(high), room)
            if key in self.recent:
                return self.recent[key]
            for most in range(max(3, min(room, 10)), 13):  # one tick alone says no date ('00:00'): allow more
                self.maxticks = dict.fromkeys(self._freqs, most)
                ticks = super().__call__()
                if np.count_nonzero((np.asarray(ticks) >= low) & (np.asarray(ticks) <= high)) >= 2:
                    break
            if len(self.recent) >= 8:
                self.recent.pop(next(iter(self.recent)))
            self.recent[key] = ticks
            return ticks

    locator = FittingLocator(minticks=2)
    locator.intervald[MONTHLY] = [1, 2, 3, 4, 6, 12]  # two years in three ticks: yearly, not a warning
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def draw_losses(ax: Axes, train_loss: list[float], val_loss: list[float], best_epoch: int,
                loss_name: str = "loss") -> None:
    epochs = np.arange(1, len(train_loss) + 1)
    ax.plot(epochs, train_loss, label=_("train"), color="#1c7ed6")
    if val_loss:
        ax.plot(np.arange(1, len(val_loss) + 1), val_loss, label=_("validation"), color="#e8590c")
    if best_epoch:
        ax.axvline(best_epoch, color="#555555", linestyle=":", linewidth=1,
                   label=_("best epoch ({epoch})").format(epoch=best_epoch))
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(_("{loss} (scaled)").format(loss=loss_name), **LITERAL)
    values = [v for v in list(train_loss) + list(val_loss) if v is not None and np.isfinite(v)]
    if values and min(values) > 0 and max(values) / min(values) > 30:
        ax.set_yscale("log")  # only when the losses span decades; plain numbers read easier
    ax.set_title(_("Loss curves"))
    ax.legend(loc="best", fontsize="small")
    ax.grid(True, alpha=0.3)


def save_report_png(result, path: str | Path) -> None:
    """The CLI's plot.png: results on top, loss curves below."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    configure_fonts()
    figure = Figure(figsize=(11, 7.5), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, height_ratios=[2, 1])
    draw_results(top, result.predictions, result.config.target, forecast=result.forecast,
                 level=result.config.interval_level, actual=getattr(result, "actual", None),
                 bridge=getattr(result, "bridge", None),
                 **anchor_line(getattr(result, "credit", None)))
    h = result.history
    draw_losses(bottom, h.train_loss, h.val_loss, h.best_epoch, result.config.loss.upper())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    atomic_write_bytes(path, buffer.getvalue())


def minmax_decimate(x: np.ndarray, y: np.ndarray, x_min: float, x_max: float, columns: int) -> np.ndarray:
    """Indices of the points of a line worth drawing in [x_min, x_max] at `columns` pixels wide.

    `x` is float and non-decreasing (NaN allowed where `y` is NaN: a break in the line). The
    view is cut into `columns` equal spans of x (one per pixel column); each keeps the points
    with its lowest and highest y, in x order, so every peak and trough on screen survives,
    and its first NaN, so breaks in the line survive. One point either side of the view is
    kept so the line runs to the edges. At most 3 x columns + 2 indices, sorted; when the
    view holds few points anyway, all of them.
    """
    n = len(x)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    xs = np.asarray(x, dtype=np.float64)
    if np.isnan(xs).any():  # gap markers: give them their neighbour's x so xs stays sorted
        valid = ~np.isnan(xs)
        last = np.maximum.accumulate(np.where(valid, np.arange(n), 0))
        xs = xs[last]
    lo = max(int(np.searchsorted(xs, x_min, side="left")) - 1, 0)
    hi = min(int(np.searchsorted(xs, x_max, side="right")) + 1, n)
    columns = max(int(columns), 1)
    if hi - lo <= 3 * columns:
        return np.arange(lo, hi, dtype=np.int64)
    xv = xs[lo:hi]
    yv = np.asarray(y[lo:hi], dtype=np.float64)
    span = (x_max - x_min) or 1.0
    edges = x_min + span * np.arange(1, columns) / columns
    starts = np.concatenate([[0], np.searchsorted(xv, edges, side="left")])
    starts = np.unique(starts[starts < len(xv)])  # drop empty columns
    counts = np.diff(np.append(starts, len(xv)))
    positions = np.arange(len(xv))
    big = len(xv)
    nan = np.isnan(yv)
    mins = np.repeat(np.fmin.reduceat(yv, starts), counts)
    maxs = np.repeat(np.fmax.reduceat(yv, starts), counts)
    first_min = np.minimum.reduceat(np.where(yv == mins, positions, big), starts)
    first_max = np.minimum.reduceat(np.where(yv == maxs, positions, big), starts)
    first_nan = np.minimum.reduceat(np.where(nan, positions, big), starts)
    keep = np.concatenate([[0, len(xv) - 1], first_min, first_max, first_nan])
    return lo + np.unique(keep[keep < big])
