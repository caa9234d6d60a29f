"""Train N more in the window (issue 26 item 4): the Results tab's button and the Run menu's command."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QPushButton, QSpinBox

from tests.factories import noisy_sine_frame
from tests.gui.window_steps import open_file

TRAIN_TIMEOUT = 120_000


def test_train_more_continues_the_shown_run(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "sine.csv"
    noisy_sine_frame(150).to_csv(path, index=False)
    open_file(qtbot, window, str(path))
    form = window.settings_panel.form
    for name, value in (("epochs", 3), ("patience", 0), ("ensemble", 1), ("hidden", 4)):
        getattr(form, name).setValue(value)
    window.session.settings.replan()
    button = window.findChild(QPushButton, "trainMoreButton")
    assert not button.isEnabled() and not window.commands["train_more"].isEnabled()  # nothing trained yet
    with qtbot.waitSignal(window.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        qtbot.mouseClick(window.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)
    first = finished.args[0]
    assert first.history.epochs_run == 3
    window.results_panel.reveal()
    assert button.isEnabled() and button.isVisible()

    epochs_seen = []
    window.session.training.progress.connect(lambda p: epochs_seen.append((p.epoch, p.refit)))
    window.findChild(QSpinBox, "trainMoreEpochs").setValue(2)
    at_start = []  # the loss chart's curves when the continued run starts: the first run's, kept
    canvas = window.training_panel.loss_canvas
    window.session.training.started.connect(lambda _config: at_start.append(len(canvas.train_loss)))
    with qtbot.waitSignal(window.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    more = finished.args[0]
    assert at_start == [3]
    assert [epoch for epoch, refit in epochs_seen if not refit] == [4, 5]  # numbered on from the first run
    assert more.history.epochs_run == 5 and more.history.train_loss[:3] == first.history.train_loss
    assert window.session.models.result is more  # the continued model is the one shown and saved
    # the loss chart shows all five epochs, not only the last two
    assert len(window.training_panel.loss_canvas.train_loss) == 5
    assert more.config.epochs == 5

    # the Run menu's command asks how many (a dialog answered here) and goes on again
    asked = []
    monkeypatch.setattr(QInputDialog, "getInt", lambda *args, **kwargs: (asked.append(args[3]) or (1, True)))
    assert window.commands["train_more"] in window.commands.menus["run"].actions()
    with qtbot.waitSignal(window.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        window.commands["train_more"].trigger()
    assert asked == [2]  # the dialog starts from the box's number
    assert finished.args[0].history.epochs_run == 6
