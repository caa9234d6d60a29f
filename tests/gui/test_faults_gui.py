"""Training faults in the desktop app: an exception inside the worker, divergence, two runs back
to back, and a model whose target name tries path traversal. The app always stays usable."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QSpinBox

from core import pipeline as experiment
from core.errors import DataError
from core.model import training
from gui.errors import log_file
from gui.resources import sample_path
from tests.factories import nan_loss_after

VISITORS = sample_path("monthly_visitors.csv")
TRAIN_TIMEOUT = 120_000


@pytest.fixture
def window(window, qtbot):
    """The shared window (tests/gui/conftest.py) with the monthly sample loaded and quick settings."""
    win = window
    with qtbot.waitSignal(win.session.data.finished, timeout=30_000):
        win.session.data.open_csv(VISITORS)
    win.columns_panel.target_combo.setCurrentText("visitors")
    win.findChild(QSpinBox, "windowSpin").setValue(12)
    win.findChild(QSpinBox, "epochsSpin").setValue(2)
    win.findChild(QSpinBox, "ensembleSpin").setValue(1)  # one network: these faults do not depend on how many
    assert win.session.settings.replan()
    return win


def error_dialogs(win) -> list[QMessageBox]:
    return [d for d in win.findChildren(QMessageBox) if d.objectName() == "errorDialog" and d.isVisible()]


def close_dialogs(qtbot, win) -> None:
    for dialog in error_dialogs(win):
        dialog.accept()
    qtbot.waitUntil(lambda: not error_dialogs(win), timeout=5_000)


def train(qtbot, win):
    with qtbot.waitSignal(win.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        win.session.training.start()
    return finished.args[0]


def test_an_exception_inside_the_worker_is_a_message_and_the_app_trains_afterwards(
        qtbot, window, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("the worker exploded")

    monkeypatch.setattr(experiment, "run_experiment", explode)
    with qtbot.waitSignal(window.session.training.failed, timeout=TRAIN_TIMEOUT) as failed:
        window.session.training.start()
    assert "the worker exploded" in failed.args[0]
    dialogs = error_dialogs(window)
    assert len(dialogs) == 1
    text = dialogs[0].text()
    assert "the worker exploded" in text and log_file() in text and "still usable" in text
    assert "Traceback" not in text and 'File "' not in text
    logged = Path(log_file()).read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: the worker exploded" in logged
    close_dialogs(qtbot, window)
    assert window.run_panel.train_button.isEnabled() and window.run_panel.progress_label.text() == "Training failed."

    # a user-fixable error from the worker shows its own words only
    def refuse(*args, **kwargs):
        raise DataError("Column 'visitors' has no values, so it can't be the target.")

    monkeypatch.setattr(experiment, "run_experiment", refuse)
    with qtbot.waitSignal(window.session.training.failed, timeout=TRAIN_TIMEOUT):
        window.session.training.start()
    assert [d.text() for d in error_dialogs(window)] == [
        "Column 'visitors' has no values, so it can't be the target."]
    close_dialogs(qtbot, window)

    monkeypatch.undo()
    result = train(qtbot, window)
    assert result.history.epochs_run == 2 and not error_dialogs(window)


def test_divergence_shows_the_advice_and_keeps_the_best_model(qtbot, window, monkeypatch):
    monkeypatch.setitem(training._LOSSES, "mse", nan_loss_after(6))
    window.findChild(QSpinBox, "epochsSpin").setValue(50)
    window.session.settings.replan()
    result = train(qtbot, window)
    assert result.history.status == training.DIVERGED
    dialogs = error_dialogs(window)
    assert len(dialogs) == 1 and "diverged" in dialogs[0].text() and "lower learning rate" in dialogs[0].text()
    assert "Diverged" in window.run_panel.progress_label.text()
    close_dialogs(qtbot, window)
    monkeypatch.undo()
    window.findChild(QSpinBox, "epochsSpin").setValue(2)
    window.session.settings.replan()
    assert train(qtbot, window).history.status == training.COMPLETED


def test_two_runs_back_to_back(qtbot, window):
    """The second run starts the moment the first delivers; both finish, with the same numbers."""
    results = []

    def again(result):
        results.append(result)
        if len(results) == 1:
            window.session.training.start()

    finished = window.session.training.finished
    finished.connect(again)
    with qtbot.waitSignals([finished, finished], timeout=2 * TRAIN_TIMEOUT):
        window.session.training.start()
    qtbot.waitUntil(lambda: len(results) == 2, timeout=TRAIN_TIMEOUT)
    first, second = results
    assert first is not second
    assert first.test_metrics == second.test_metrics  # same seed, same settings, same data
    assert window.run_panel.train_button.isEnabled() and not error_dialogs(window)


def test_a_model_named_with_path_traversal_suggests_only_safe_file_names(qtbot, window, tmp_path,
                                                                        monkeypatch):
    import json

    from core.model.bundle import META_FILE, save_bundle

    result = train(qtbot, window)
    folder = save_bundle(result, tmp_path / "model")
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    evil = "../../../etc/evil"
    meta["config"]["target"] = meta["columns"]["target"] = meta["columns"]["inputs"][0] = evil
    meta["tail"][evil] = meta["tail"].pop("visitors")
    (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with qtbot.waitSignal(window.session.models.opened, timeout=60_000):
        window.session.models.open(folder)
    suggested = []
    monkeypatch.setattr(window.dialogs, "_save_path", lambda title, name, filters: suggested.append(name) or "")
    window.dialogs.export_predictions()
    window.dialogs.export_chart()
    window.dialogs.export_metrics()
    assert len(suggested) == 3
    for name in suggested:
        assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert not error_dialogs(window)
