"""The matplotlib canvas every chart of the window uses (a Figure on a FigureCanvasQTAgg, no pyplot),
and how it keeps the UI thread free: new content is laid out on one turn of the event loop and
rendered on later ones, one step per turn (`next_turn`), while the last complete image stays on
screen. Only the UI thread touches these."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget
from shiboken6 import isValid

from core.outputs.plotting import configure_fonts

REDRAW_INTERVAL_MS = 100
# a timer, not a 0 ms one: Qt runs 0 ms single shots (posted events) posted while it runs them in
# the same pass, so chained steps would still be one stall; timers let other timers and input in
TURN_MS = 1
OUTSIDE = ("lower", "upper", "left", "right")  # matplotlib's legend places outside the axes
LINES_ZORDER = 2  # matplotlib's zorder of lines: the axis, its grid and patches come below

_steps: deque[tuple[QObject, Callable[[], None]]] = deque()
_turns: QTimer | None = None


def next_turn(owner: QObject, step: Callable[[], None]) -> None:
    """Runs `step` on a later turn of the event loop, after the steps queued before it, one step
    per turn: two charts' steps (the results' layout, the hidden loss chart's build) due at the
    same moment would otherwise run in one pass of Qt's timers, one stall. Skipped if `owner`'s
    widget is gone by then."""
    global _turns
    _steps.append((owner, step))
    if _turns is None:
        _turns = QTimer()
        _turns.setSingleShot(True)
        _turns.setInterval(TURN_MS)
        _turns.timeout.connect(_run_step)
    if not _turns.isActive():
        _turns.start()


def _run_step() -> None:
    owner, step = _steps.popleft()
    try:
        if isValid(owner):
            step()
    finally:
        if _steps and _turns is not None:
            _turns.start()


class PlotCanvas(FigureCanvasQTAgg):
    def __init__(self, parent: QWidget | None = None, figsize=(7.0, 4.0)) -> None:
        configure_fonts()
        super().__init__(Figure(figsize=figsize, layout="constrained"))
        self._layout = self.figure.get_layout_engine()
        self.figure.set_layout_engine("none")  # `draw` runs it only when the content or size changed
        self._layout_stale = True
        self._layout_pending = False  # a layout waits for its own turn of the event loop
        self._idle = False  # drawing from the event loop (draw_idle, paintEvent), not a direct draw()
        self._rendered_size: tuple[float, float] | None = None  # of the image last rendered
        self._version = 0  # of the content and size: a render step queued for an older one is dropped
        self.setParent(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(300, 200)

    _pending_build: Callable[[], None] | None = None  # new content put off to a turn of its own

    def build_pending(self) -> None:
        """Builds the content whose building was put off to a later turn (`put_off`) now: for
        whoever reads the chart before that turn came (`line`, a direct `draw`, an export)."""
        build, self._pending_build = self._pending_build, None
        if build is not None:
            build()

    def put_off(self, build: Callable[[], None]) -> None:
        """Builds new content on a turn of the event loop of its own (the last image stays
        meanwhile), or earlier if asked for (`build_pending`)."""
        self._pending_build = build
        next_turn(self, self.build_pending)

    def built_figure(self) -> Figure:
        self.build_pending()
        return self.figure

    def line(self, gid: str) -> Line2D | None:
        """The line with this id (`Line2D.get_gid`), e.g. "real" or "train": found the same way in
        every interface language, unlike its translated legend label (for tests and accessibility)."""
        self.build_pending()
        for axes in self.figure.axes:
            for line in axes.get_lines():
                if line.get_gid() == gid:
                    return line
        return None

    def name_lines(self, ids: dict[str, str]) -> None:
        """Gives each line whose legend label is a key of `ids` that key's id (`Line2D.set_gid`).
        The charts are drawn by core, which labels lines for people; the ids are for `line`."""
        for axes in self.figure.axes:
            for line in axes.get_lines():
                gid = ids.get(line.get_label())
                if gid is not None:
                    line.set_gid(gid)

    def new_axes(self) -> Axes:
        """Clears the figure for new content; the next draw lays it out again."""
        # the old axes are dropped, not cleared first as Figure.clear does: clearing builds their
        # ticks and spines anew only to throw them away (a fifth of building a results chart)
        for axes in list(self.figure.axes):
            self.figure.delaxes(axes)
        self.figure.clear()
        self._layout_stale = True
        self._version += 1
        self._message = None  # the message shown, while it is the figure's only content
        spare, self._spare_axes = getattr(self, "_spare_axes", None), None
        return self.figure.add_axes(spare) if spare is not None else self.figure.add_subplot()

    def _make_spare_axes(self) -> None:
        """Empty axes for the next new content, made on a turn of their own after a render: a
        third of building a results chart is making its axes."""
        if getattr(self, "_spare_axes", None) is None:
            spare = self.figure.add_subplot()
            self.figure.delaxes(spare)
            self._spare_axes = spare

    def draw(self) -> None:
        if self._pending_build is not None:
            if getattr(self, "_idle", False):
                return  # new content is on its way, and draws itself: not the old one again now
            self.build_pending()  # a direct draw shows what was asked for
        if not self.isVisible():
            # on a hidden tab: render when shown. Every render is 100-300 ms of the UI thread
            # (the Training tab's final loss chart, drawn just as the Results tab opens)
            self._hidden_draw_pending = True
            return
        # constrained layout measures every text of the figure: half of a redraw's cost. Zoom and
        # pan change neither the texts' sizes nor the figure's, so only new content and resizes
        # pay for it (bench/bench_ui.py)
        if not getattr(self, "_layout_stale", False):  # (False too while __init__ runs)
            self._render_now()
            return
        size = tuple(self.figure.bbox.size)
        if self._idle and self._rendered_size in (None, size):
            # a draw the event loop does (a paint, maybe inside another widget's synchronous
            # repaint): the layout gets event-loop turns of its own, then the render three more;
            # each was 100-200 ms of a first draw of results on a busy 2-core machine. Meanwhile
            # the last image stays, so only new content waits this way: after a resize the old
            # image no longer fits (it would flash blank while a window edge is dragged)
            if not self._layout_pending:
                self._layout_pending = True
                next_turn(self, self._lay_out)
            return
        self._layout.execute(self.figure)  # the positions stay: the figure itself has no layout engine
        self._layout_stale = False
        self._render_now()

    def _render_now(self) -> None:
        self._version += 1  # a split render under way is outdated by this one
        super().draw()
        self._rendered_size = tuple(self.figure.bbox.size)

    def _lay_out(self) -> None:
        self._layout_pending = False
        if not self._step_applies() or not self._layout_stale:  # (not stale: a direct draw came first)
            return
        version = self._version
        if self._in_passes():
            self._layout_pass()
            next_turn(self, lambda: self._second_pass(version))
            return
        self._layout.execute(self.figure)
        self._layout_stale = False
        next_turn(self, lambda: self._render_body(version))

    def _in_passes(self) -> bool:
        """Whether the layout can be done as constrained layout does it, one pass per turn: one
        axes of a subplot grid, no figure-level titles, figure-level legends only outside the
        axes ("outside lower center": a narrow results chart's, under the plot)."""
        figure = self.figure
        if len(figure.axes) != 1 or figure.texts or figure.subfigs:
            return False
        if any(getattr(legend, "_outside_loc", None) not in OUTSIDE or
               getattr(legend, "_bbox_to_anchor", True) is not None for legend in figure.legends):
            return False  # placed some other way (or a matplotlib that names these otherwise)
        axes = figure.axes[0]
        return axes.get_subplotspec() is not None and axes.get_in_layout() and \
            tuple(self._layout.get()["rect"]) == (0, 0, 1, 1)

    def _layout_pass(self) -> None:
        """One of constrained layout's two passes for a figure `_in_passes` says it can do: the axes
        take the figure less the legends outside them, their decorations' overhang (tick labels,
        titles, a legend beside) and the pads; the positions `ConstrainedLayoutEngine.execute`
        gives (a test compares)."""
        figure, axes, renderer = self.figure, self.figure.axes[0], self.get_renderer()
        params, (width, height) = self._layout.get(), figure.get_size_inches()
        w_pad, h_pad = params["w_pad"] / width, params["h_pad"] / height
        edge = dict.fromkeys(OUTSIDE, 0.0)  # the figure's own margins: its legends outside the axes
        to_figure = figure.transFigure.inverted()
        for legend in figure.legends:
            side, box = legend._outside_loc, legend.get_tightbbox(renderer).transformed(to_figure)
            edge[side] = max(edge[side], box.height + 2 * h_pad if side in ("lower", "upper") else
                             box.width + 2 * w_pad)
        box = axes.get_position(original=True)
        tight = axes.get_tightbbox(renderer, for_layout_only=True)
        outer = box if tight is None else tight.transformed(to_figure)
        left, right = edge["left"] + w_pad + box.x0 - outer.x0, edge["right"] + w_pad + outer.x1 - box.x1
        bottom, top = edge["lower"] + h_pad + box.y0 - outer.y0, edge["upper"] + h_pad + outer.y1 - box.y1
        if left + right < 1 and bottom + top < 1:  # else collapsed: matplotlib leaves it too
            axes.set_position([left, bottom, 1 - left - right, 1 - bottom - top])

    def _second_pass(self, version: int) -> None:
        # (the first pass moved tick labels: the second settles them, as matplotlib's does)
        if version != self._version or not self._step_applies():
            return
        self._layout_pass()
        self._layout_stale = False
        next_turn(self, lambda: self._render_body(version))

    def _step_applies(self, version: int | None = None) -> bool:
        """Whether a queued layout or render step is still wanted. Hidden: the render waits until
        shown. Superseded (new content, a resize, a direct draw): whoever superseded it draws."""
        if getattr(self, "live", False):
            return False
        if not self.isVisible():
            self._hidden_draw_pending = True
            return False
        if version is not None and self._layout_stale:  # changed since its layout: start over
            self.draw_idle()
            return False
        return version is None or version == self._version

    def _later_parts(self) -> list[list[Artist]]:
        """What the render draws on turns after its first, in groups: the lines and the texts over
        them, then the legends (about half of a render). One render draws them in the same order
        (by zorder; the axis, grid and shaded spans come below the lines), so the image is the same.
        A figure of several axes (twins overlap) is rendered at once."""
        if len(self.figure.axes) != 1:
            return []
        axes = self.figure.axes[0]
        legends = [legend for legend in (*self.figure.legends, axes.get_legend()) if legend is not None]
        if max(axes.xaxis.get_zorder(), axes.yaxis.get_zorder()) >= LINES_ZORDER:
            return [legends]  # the axis over the lines: left in the first part with them
        below = {axes.patch, axes.xaxis, axes.yaxis, *legends}  # Axes.draw's own exceptions too:
        if not (axes.axison and axes.get_frame_on()):
            below.update(axes.spines.values())  # a frame turned off, and images (drawn even when animated)
        lines = sorted((artist for artist in axes.get_children() if artist not in below and
                        artist.get_zorder() >= LINES_ZORDER and not isinstance(artist, AxesImage)),
                       key=lambda artist: artist.get_zorder())
        return [part for part in (lines, legends) if part]

    def _render_body(self, version: int) -> None:
        """The render's first turn: the figure without `_later_parts`, into a renderer of its own
        (the widget keeps painting the last complete image meanwhile)."""
        if not self._step_applies(version):
            return
        width, height = self.get_width_height(physical=True)
        renderer = RendererAgg(width, height, self.figure.dpi)
        parts = self._later_parts()
        later = [artist for part in parts for artist in part]
        for artist in later:
            artist.set_animated(True)  # Figure.draw leaves animated artists out (matplotlib's blitting)
        try:
            self.figure.draw(renderer)
        finally:
            for artist in later:
                artist.set_animated(False)
        next_turn(self, lambda: self._render_part(version, renderer, parts))

    def _render_part(self, version: int, renderer: RendererAgg, parts: list[list[Artist]]) -> None:
        """One more turn of the render; after the last part the image replaces the one on screen."""
        if not self._step_applies(version):
            return
        if parts:
            for artist in parts[0]:
                artist.draw(renderer)
            if len(parts) > 1:
                next_turn(self, lambda: self._render_part(version, renderer, parts[1:]))
                return
        self.renderer = renderer
        self._lastKey = (renderer.width, renderer.height, self.figure.dpi)  # FigureCanvasAgg's reuse key
        self._rendered_size = tuple(self.figure.bbox.size)
        self.update()
        next_turn(self, self._make_spare_axes)

    def _draw_idle(self) -> None:
        """Matplotlib's handler of draw_idle, also run by paintEvent: a draw the event loop does."""
        self._idle = True
        try:
            super()._draw_idle()
        finally:
            self._idle = False

    def resizeEvent(self, event) -> None:
        self._layout_stale = True
        self._version += 1
        super().resizeEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if getattr(self, "_hidden_draw_pending", False):
            self._hidden_draw_pending = False
            self.draw_idle()  # pending before the first paint, which renders it

    def show_message(self, text: str) -> None:
        self._pending_build = None  # (new content put off is replaced by the message)
        if getattr(self, "_message", None) == text:
            return  # shown already: a new file clears three charts, 40 ms each on a busy machine
        axes = self.new_axes()
        axes.set_axis_off()
        axes.text(0.5, 0.5, text, ha="center", va="center", color="#666666", fontsize=11, wrap=True,
                  parse_math=False)  # messages quote column names: text, never mathtext
        self._message = text
        self.draw_idle()


class LivePaintedCanvas(PlotCanvas):
    """A chart painted natively (`_paint_live`, QPainter) while `live` is set, by matplotlib otherwise:
    a matplotlib render while live (triggered by a resize, e.g. when the Training tab first shows)
    would cost 100+ ms of the UI thread for nothing."""

    live = False

    def draw(self) -> None:
        if self.live:
            return
        super().draw()

    def paintEvent(self, event) -> None:
        if not self.live:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        try:
            self._paint_live(painter)
        finally:
            painter.end()

    def _paint_live(self, painter: QPainter) -> None:
        raise NotImplementedError
