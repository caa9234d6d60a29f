"""No long stall when new chart content arrives (issue 25 item 4), never timed: a chart the event
loop draws is laid out on one turn and rendered on a later one, and what the user then sees is the
whole chart, laid out; a direct draw() is still complete at once; an empty chart is not rebuilt."""

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from gui.widgets.canvases import ResultCanvas
from tests.factories import hourly_predictions


def predictions(points: int):
    return hourly_predictions(points, seed=1, level=100.0, spike=False, gap=0.5)


@pytest.fixture
def canvas(qtbot):
    widget = ResultCanvas()
    qtbot.addWidget(widget)
    widget.resize(800, 400)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget._rendered_size is not None, timeout=10_000)  # the empty chart, rendered
    return widget


def painted_colours(canvas) -> set:
    image = canvas.grab().toImage()
    return {image.pixelColor(x, y).name() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}


def legend_inside_figure(canvas) -> bool:
    axes = canvas.figure.axes[0]
    box = axes.get_legend().get_window_extent(canvas.get_renderer())
    return box.x1 <= canvas.figure.bbox.width + 0.5 and axes.get_position().x1 < 0.9


def test_new_content_is_laid_out_then_rendered_on_later_turns_and_shows_whole(qtbot, canvas):
    position_before = canvas.figure.axes[0].get_position().bounds
    canvas.show_predictions(predictions(3000), None, "sales", 0.9, True)
    turns: list[tuple] = []  # what another timer saw between the event loop's turns

    def look() -> None:
        turns.append((canvas._layout_stale, canvas.figure.axes[0].get_position().bounds))

    probe = QTimer()
    probe.setInterval(0)
    probe.timeout.connect(look)
    probe.start()
    # the render comes last: real and predicted lines painted in their colours
    qtbot.waitUntil(lambda: not canvas._layout_stale and not canvas._layout_pending and
                    {"#1f2937", "#d9480f"} <= painted_colours(canvas), timeout=20_000)
    probe.stop()
    assert turns and turns[0][0]  # another timer ran while the new content still waited for its layout
    assert legend_inside_figure(canvas)  # laid out: the legend beside the plot fits the figure
    assert canvas.figure.axes[0].get_position().bounds != position_before
    assert canvas.line("real") is not None and len(canvas.line("real").get_xdata()) == 3000


def test_a_direct_draw_lays_out_and_renders_at_once(canvas):
    canvas.show_predictions(predictions(500), None, "sales", 0.9, True)
    canvas.draw()
    assert not canvas._layout_stale
    assert legend_inside_figure(canvas)
    rgba = np.asarray(canvas.buffer_rgba())
    assert (rgba[..., :3] < 80).all(axis=-1).any()  # dark pixels of the real line and the texts


def test_the_empty_chart_is_kept_for_the_same_message_and_replaced_for_another(canvas):
    axes = canvas.figure.axes[0]
    canvas.show_message(canvas.figure.axes[0].texts[0].get_text())
    assert canvas.figure.axes[0] is axes  # not rebuilt
    canvas.show_predictions(predictions(100), None, "sales", 0.9, True)
    canvas.show_message("No result yet.")
    assert canvas.line("real") is None and canvas.decimators == []
    assert [t.get_text() for t in canvas.figure.axes[0].texts] == ["No result yet."]
    canvas.show_predictions(predictions(100), None, "sales", 0.9, True)
    canvas.show_message("No result yet.")  # the same words, but a chart was shown since: replaced
    assert canvas.line("real") is None
    assert [t.get_text() for t in canvas.figure.axes[0].texts] == ["No result yet."]


def test_a_hidden_loss_chart_draws_its_final_curves_a_turn_later_and_a_new_run_cancels_that(qtbot):
    from gui.widgets.canvases import LossCanvas

    canvas = LossCanvas()
    qtbot.addWidget(canvas)
    canvas.reset("MSE")  # hidden, as the Training tab is when the Results tab opens
    canvas.finish([3.0, 2.0, 1.0], [3.5, 2.5, 1.5], 3)
    assert canvas.line("train") is None  # not in the turn that shows the results
    qtbot.waitUntil(lambda: canvas.line("train") is not None, timeout=5_000)
    assert not canvas.live and list(canvas.line("validation").get_ydata()) == [3.5, 2.5, 1.5]

    canvas.reset("MSE")
    canvas.finish([1.0, 0.5], [], 2)
    canvas.reset("MAE")  # Train again at once: the new run's live curves stay live
    qtbot.wait(50)
    assert canvas.live and canvas.train_loss == []


def test_new_content_renders_in_parts_while_the_last_image_stays_and_ends_as_one_render(qtbot, canvas):
    canvas.show_predictions(predictions(2000), None, "sales", 0.9, True)
    canvas.draw()
    first = np.asarray(canvas.buffer_rgba()).copy()
    later = predictions(2000)
    later["actual"] += 40  # another chart: the real line elsewhere
    canvas.show_predictions(later, None, "sales", 0.9, True)
    drawn: list[bool] = []  # matplotlib's draw_event: the figure's first part was drawn
    canvas.mpl_connect("draw_event", lambda _event: drawn.append(True))
    old_image_after_a_part: list[bool] = []

    def look() -> None:
        if drawn:
            old_image_after_a_part.append(np.array_equal(np.asarray(canvas.buffer_rgba()), first))

    probe = QTimer()
    probe.setInterval(0)
    probe.timeout.connect(look)
    probe.start()
    qtbot.waitUntil(lambda: not np.array_equal(np.asarray(canvas.buffer_rgba()), first), timeout=20_000)
    probe.stop()
    # the body was drawn on one turn, other timers ran, and the widget still showed the first chart
    assert True in old_image_after_a_part
    parts = np.asarray(canvas.buffer_rgba()).copy()
    canvas.draw()  # one whole render of the same figure, as an export or a zoom does
    assert np.array_equal(parts, np.asarray(canvas.buffer_rgba()))
    box = canvas.figure.axes[0].get_legend().get_window_extent(canvas.get_renderer())
    legend = parts[int(parts.shape[0] - box.y1):int(parts.shape[0] - box.y0), int(box.x0):int(box.x1), :3]
    assert (legend < 80).all(axis=-1).any()  # the legend's words were drawn, on the last turn


def test_the_next_content_gets_fresh_axes_made_ahead(qtbot, canvas):
    canvas.show_predictions(predictions(500), None, "sales", 0.9, True)
    qtbot.waitUntil(lambda: canvas._spare_axes is not None, timeout=20_000)  # made after the render
    spare = canvas._spare_axes
    canvas.show_message("No result yet.")
    assert canvas.figure.axes == [spare] and canvas._spare_axes is None
    assert canvas.line("real") is None and [t.get_text() for t in spare.texts] == ["No result yet."]


def test_queued_steps_run_one_per_turn_and_not_for_a_deleted_widget(qtbot):
    from PySide6.QtWidgets import QWidget

    from gui.widgets.plot_canvas import next_turn

    owner, gone = QWidget(), QWidget()
    events: list[str] = []
    probe = QTimer()
    probe.setInterval(0)
    probe.timeout.connect(lambda: events.append("other"))
    next_turn(owner, lambda: events.append("first"))
    next_turn(gone, lambda: events.append("never"))
    next_turn(owner, lambda: events.append("second"))
    gone.deleteLater()
    probe.start()
    qtbot.waitUntil(lambda: "second" in events, timeout=5_000)
    probe.stop()
    assert "never" not in events
    first, second = events.index("first"), events.index("second")
    assert "other" in events[first + 1:second]  # another timer ran between the two steps


@pytest.mark.parametrize("width", [800, 500])  # the legend beside the plot; under it (a figure legend)
def test_the_layout_done_a_pass_per_turn_puts_the_axes_where_constrained_layout_does(qtbot, canvas, width):
    canvas.resize(width, 400)
    qtbot.waitUntil(lambda: not canvas._layout_stale, timeout=10_000)
    canvas.show_predictions(predictions(1500), None, "sales", 0.9, True)
    passes: list[int] = []  # turns on which another timer saw the layout still unfinished
    probe = QTimer()
    probe.setInterval(0)
    probe.timeout.connect(lambda: canvas._layout_stale and not canvas._layout_pending and passes.append(1))
    probe.start()
    qtbot.waitUntil(lambda: not canvas._layout_stale and canvas._spare_axes is not None, timeout=20_000)
    probe.stop()
    axes = canvas.figure.axes[0]
    laid_out = axes.get_position().extents
    canvas._layout.execute(canvas.figure)  # matplotlib's constrained layout, from there
    assert np.allclose(axes.get_position().extents, laid_out, atol=1e-9)
    assert passes  # another timer ran between the two passes


def test_content_put_off_is_built_on_a_later_turn_or_when_read(qtbot, canvas):
    canvas.show_predictions(predictions(300), None, "sales", 0.9, True, later=True)
    assert canvas.figure.axes[0].texts  # still the "nothing yet" message in this turn
    qtbot.waitUntil(lambda: not canvas.figure.axes[0].texts, timeout=10_000)  # built on a turn of its own
    assert len(canvas.figure.axes[0].get_lines()) >= 2 and canvas._pending_build is None

    later = predictions(300)
    later["actual"] += 7
    canvas.show_predictions(later, None, "sales", 0.9, True, later=True)
    assert canvas.line("real").get_ydata()[0] == pytest.approx(later["actual"].iloc[0])  # read: built now
    canvas.show_predictions(predictions(300), None, "sales", 0.9, True, later=True)
    canvas.show_message("No result yet.")  # a new file before the turn came: the message wins
    qtbot.wait(50)
    assert canvas.line("real") is None and [t.get_text() for t in canvas.figure.axes[0].texts] == ["No result yet."]
