"""The GUI's speed behaviour, never timed: the thread policy reaches the engine, and long result
lines are decimated to the chart's pixel width on draw, zoom and resize without losing peaks."""

import threading

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QSpinBox

from core import i18n
from core.pipeline import default_threads
from gui import MainWindow, main_window
from gui.jobs import Job
from gui.resources import sample_path
from gui.widgets.canvases import DECIMATE_ABOVE, ResultCanvas
from tests.factories import hourly_predictions


def on_another_thread(work):
    """`work()` run on a new thread; its return value."""
    out = []
    thread = threading.Thread(target=lambda: out.append(work()))
    thread.start()
    thread.join()
    return out[0]


def test_the_window_trains_with_the_thread_policy(qtbot, monkeypatch):
    """torch's thread count is per thread: what counts is what the training thread itself sees."""
    import torch
    from torch import nn

    from core.model import training

    seen = []  # (thread, torch threads) for each loss computed

    class SpyLoss(nn.MSELoss):
        def forward(self, predicted, target):
            seen.append((threading.get_ident(), torch.get_num_threads()))
            return super().forward(predicted, target)

    monkeypatch.setitem(training._LOSSES, "mse", SpyLoss)
    window = MainWindow(warm_up_engine=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        assert window.session.data.open_csv(sample_path("daily_sales.csv"))
    window.findChild(QSpinBox, "epochsSpin").setValue(1)
    window.findChild(QSpinBox, "ensembleSpin").setValue(1)
    assert window.session.settings.replan()
    # new threads start with the last count set anywhere: make it one that is not the policy, so a
    # worker that never set its own would show it. Set from a passing thread, as the UI thread's own
    # count (which later tests read) is fixed once it asks.
    before = on_another_thread(torch.get_num_threads)
    on_another_thread(lambda: torch.set_num_threads(default_threads() + 1))
    try:
        with qtbot.waitSignal(window.session.training.finished, timeout=120_000):
            assert window.session.training.start()
    finally:
        on_another_thread(lambda: torch.set_num_threads(before))
    assert window.session.settings.asked_config().threads == default_threads()
    assert window.session.settings.plan.config.threads == default_threads()
    assert seen  # the spy was inside the training
    assert threading.main_thread().ident not in {ident for ident, _ in seen}  # on the worker thread
    assert {threads for _, threads in seen} == {default_threads()}




@pytest.fixture
def canvas(qtbot):
    widget = ResultCanvas()
    qtbot.addWidget(widget)
    widget.resize(800, 400)
    widget.show()
    return widget


def test_long_lines_are_decimated_to_the_pixel_width_and_keep_their_peaks(canvas):
    table = hourly_predictions(60_000)
    canvas.show_predictions(table, None, "sales", 0.9, True)
    canvas.draw()
    real = canvas.line("real")
    width = int(canvas.figure.axes[0].bbox.width)
    assert len(real.get_xdata()) <= 3 * width + 2 < len(table)
    assert np.nanmax(real.get_ydata()) == table["actual"].max()
    assert np.nanmin(real.get_ydata()) == table["actual"].min()

    axes = canvas.figure.axes[0]
    x = axes.convert_xunits(table["time"].to_numpy())
    axes.set_xlim(x[1000], x[1400])  # zoom in: every point of the view is drawn
    shown = axes.convert_xunits(real.get_xdata())
    inside = (shown >= x[1000]) & (shown <= x[1400])
    assert inside.sum() == 401

    canvas.resize(400, 300)  # narrower: fewer columns
    axes.set_xlim(x[0], x[-1])
    canvas.resize(400, 300)
    assert len(real.get_xdata()) <= 3 * int(axes.bbox.width) + 2


def test_short_lines_are_drawn_whole(canvas):
    table = hourly_predictions(DECIMATE_ABOVE - 10)
    canvas.show_predictions(table, None, "sales", 0.9, True)
    assert len(canvas.line("real").get_xdata()) == len(table)
    assert canvas.decimators == []


def test_lines_are_found_by_id_whatever_the_interface_language(qtbot):
    i18n.set_language("zh_CN")  # undone by tests/conftest.py's english_messages
    canvas = ResultCanvas()  # made in Chinese: its fonts are chosen for it
    qtbot.addWidget(canvas)
    table = hourly_predictions(200)
    table = pd.concat([table, table.assign(step=2)], ignore_index=True)
    canvas.show_predictions(table, None, "sales", 0.9, True, step=2)
    real, predicted = canvas.line("real"), canvas.line("predicted")
    assert real.get_label() == i18n._("real") != "real"
    assert predicted.get_label() == i18n.ngettext("predicted ({step} step ahead)", "predicted ({step} steps ahead)",
                                                  2).format(step=2)
    assert "predicted" not in predicted.get_label()
    assert canvas.line("forecast") is None and canvas.line(i18n._("real")) is None
    # the hover readout finds its lines by id too, and names them in Chinese
    canvas.draw()
    axes = real.axes
    px, py = axes.transData.transform((axes.convert_xunits(real.get_xdata()[40]), real.get_ydata()[40]))
    assert canvas.nearest_point(px, py)[0] == real.get_label()


def test_live_loss_curves_are_painted_natively_then_drawn_once_by_matplotlib(qtbot):
    from core.model.training import EpochProgress
    from gui.widgets.canvases import LossCanvas

    canvas = LossCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(600, 250)
    canvas.show()
    canvas.reset("MSE")
    for epoch in range(1, 41):
        canvas.add_epoch(EpochProgress(epoch, 40, 10 / epoch, 11 / epoch, 0.01, epoch))
    qtbot.waitUntil(lambda: canvas.redraws >= 1, timeout=5_000)
    assert canvas.live and canvas.figure.axes[0].get_lines() == []  # matplotlib untouched while live
    image = canvas.grab().toImage()  # paints the live curves
    assert not image.isNull()
    colours = {image.pixelColor(x, y).name() for x in range(0, 600, 3) for y in range(0, 250, 3)}
    assert "#ffffff" in colours and len(colours) > 5  # something was drawn on the white
    canvas.finish([10 / e for e in range(1, 41)], [11 / e for e in range(1, 41)], 40)
    assert not canvas.live
    assert canvas.line("train") is not None and len(canvas.line("train").get_xdata()) == 40


def test_the_engine_is_loaded_in_the_background_once_the_window_is_shown(qtbot):
    import sys

    window = MainWindow()
    qtbot.addWidget(window)
    assert not window.session.jobs.is_running(Job.WARM_UP)  # nothing before the window is shown
    with qtbot.waitSignal(window.session.engineReady, timeout=120_000):
        window.show()
    assert {"torch", "torch._dynamo", "sklearn.linear_model"} <= set(sys.modules)
    assert sys.modules["torch"].get_num_threads() == default_threads()
    assert window.isVisible() and not window.session.jobs.is_running(Job.WARM_UP)


@pytest.mark.parametrize("warm_up", [False, True], ids=["no warm-up", "control: warms up"])
def test_a_window_made_not_to_warm_up_loads_nothing_when_shown(qtbot, monkeypatch, warm_up):
    """A spy in place of the warm-up, with no delay before it: a timer queued after the window is
    shown fires after any warm-up the showing queued. The window that warms up is the control."""
    monkeypatch.setattr(main_window, "WARM_UP_DELAY_MS", 0)
    window = MainWindow(warm_up_engine=warm_up)
    qtbot.addWidget(window)
    calls = []
    monkeypatch.setattr(window.session, "warm_up", lambda: calls.append("warm_up"))
    window.show()
    after_show = []
    QTimer.singleShot(0, lambda: after_show.append(True))
    qtbot.waitUntil(lambda: bool(after_show), timeout=5_000)
    assert calls == (["warm_up"] if warm_up else [])
    assert not window.session.jobs.is_running(Job.WARM_UP)


def test_pyside_import_hook_reads_bytes_with_the_same_answers(tmp_path, monkeypatch):
    import linecache
    import sys

    from gui import pyside_imports

    feature = next(sys.modules[name] for name in pyside_imports.FEATURE_MODULES if name in sys.modules)
    check = feature._mod_uses_pyside
    assert hasattr(check, "upstream")  # ours, installed by importing the window
    (tmp_path / "uses_qt_mod.py").write_text("import PySide6.QtCore\nX = 1\n")
    (tmp_path / "plain_mod.py").write_text("# Qt is not named here\nY = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name, uses in [("uses_qt_mod", True), ("plain_mod", False)]:
        module = __import__(name)
        assert check(module) is uses
        assert check.upstream(module) is uses  # PySide6's own answer agrees
    (tmp_path / "third_mod.py").write_text("Z = 3\n")
    assert check(__import__("third_mod")) is False
    assert not any(key.endswith("third_mod.py") for key in linecache.cache)
    assert pyside_imports.install() is True  # installing twice keeps one wrapper
    assert feature._mod_uses_pyside is check
