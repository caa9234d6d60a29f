"""The live validation preview beside the loss curve: during a real short run it shows the best
weights' 1-step-ahead validation forecasts, repaints at most ~10 times a second however fast the
epochs come, never renders matplotlib while live, and ends holding the run's own validation
forecasts in its "actual" and "predicted" lines."""

import time

import numpy as np
import pandas as pd
from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from gui.widgets.canvases import REDRAW_INTERVAL_MS
from tests.gui.window_steps import open_file, set_spins


def test_the_preview_follows_training_at_most_ten_times_a_second(qtbot, window, tmp_path, monkeypatch):
    rows = np.arange(160)
    path = tmp_path / "fast.csv"
    pd.DataFrame({"y": 20 + 0.1 * rows + 3 * np.sin(rows / 3)}).to_csv(path, index=False)
    open_file(qtbot, window, path)
    combo = window.findChild(QComboBox, "targetModeCombo")
    combo.setCurrentIndex(combo.findData("level"))
    # many quick epochs, no early stopping: they arrive faster than the preview may repaint
    set_spins(window, window=4, horizon=1, epochs=150, ensemble=1, patience=0, hidden=4)
    preview = window.findChild(QWidget, "validationPreview")
    assert preview is not None and preview.parentWidget() is not None
    received = []
    window.session.training.progress.connect(received.append)
    renders = []
    monkeypatch.setattr(preview.figure, "draw", lambda *a, **k: renders.append(preview.live))
    window.findChild(QPushButton, "trainButton").click()
    qtbot.waitUntil(lambda: window.session.training.running, timeout=10_000)
    started = time.perf_counter()
    with qtbot.waitSignal(window.session.training.finished, timeout=300_000) as finished:
        pass
    elapsed = time.perf_counter() - started
    result = finished.args[0]
    epochs = [p for p in received if p.network == 1 and not p.refit]
    assert len(epochs) == 150
    assert all(p.preview is not None and p.preview.epoch == p.best_epoch for p in epochs)
    # at most one repaint per REDRAW_INTERVAL_MS (one more for the tick that was due), and some
    assert 1 <= preview.redraws <= elapsed * 1000 / REDRAW_INTERVAL_MS + 2
    assert preview.redraws < len(epochs) or elapsed * 1000 / REDRAW_INTERVAL_MS >= len(epochs)
    assert True not in renders  # nothing rendered through matplotlib while live
    assert not preview.live
    # the last preview is the best weights' validation forecast: the run's own, 1 step ahead
    kept = result.predictions[(result.predictions["split"] == "val") & (result.predictions["step"] == 1)]
    assert np.array_equal(preview.line("actual").get_xdata(), kept["target_row"].to_numpy() + 1)
    assert np.allclose(preview.line("actual").get_ydata(), kept["actual"].to_numpy())
    assert np.allclose(preview.line("predicted").get_ydata(), kept["predicted"].to_numpy())
    assert preview.preview.epoch == result.history.best_epoch


def test_the_preview_says_so_when_no_network_learns_from_validation(qtbot):
    from gui.widgets.preview_canvas import ValidationPreviewCanvas

    canvas = ValidationPreviewCanvas()
    qtbot.addWidget(canvas)
    canvas.reset()
    canvas.set_preview(None)
    canvas.finish()
    texts = [t.get_text() for t in canvas.figure.axes[0].texts]
    assert texts and "Nothing to preview" in texts[0]
    assert canvas.line("predicted") is None
