"""Train more on a model opened from a file (issue 26): allowed when the file kept its training
state and the open table has the model's columns, as the CLI's `train --resume`; else disabled
with a tooltip saying why."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QSpinBox

from core.model.bundle import read_members, write_bundle
from core.model.bundle.archive import TRAINING_FILE
from tests.factories import save_small_model, smooth_frame
from tests.gui.window_steps import open_file

TRAIN_TIMEOUT = 120_000


def open_model(qtbot, window, path) -> None:
    with qtbot.waitSignal(window.session.models.opened, timeout=30_000):
        assert window.session.models.open(path)


def test_an_opened_model_trains_more_on_its_own_table(qtbot, window, tmp_path):
    model = save_small_model(tmp_path / "small.lstmf", rows=60, window=6, hidden=4)  # one epoch
    csv = tmp_path / "smooth.csv"
    smooth_frame(60).to_csv(csv, index=False)
    open_file(qtbot, window, csv)
    open_model(qtbot, window, model)
    window.results_panel.reveal()
    button = window.findChild(QPushButton, "trainMoreButton")
    assert button.isVisible() and button.isEnabled(), button.toolTip()
    assert window.commands["train_more"].isEnabled()
    window.findChild(QSpinBox, "trainMoreEpochs").setValue(2)
    with qtbot.waitSignal(window.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert result.config.epochs == 3 and result.history.epochs_run == 3  # numbered on from the saved epoch
    assert window.session.models.result is result  # the continued model is now the one shown and saved
    assert window.session.models.bundle is None


def test_train_more_says_why_not_for_another_table_or_a_file_without_state(qtbot, window, tmp_path):
    model = save_small_model(tmp_path / "small.lstmf", rows=60, window=6, hidden=4)
    other = tmp_path / "other.csv"
    smooth_frame(60).rename(columns={"y": "level", "x": "rain"}).to_csv(other, index=False)
    open_file(qtbot, window, other)
    open_model(qtbot, window, model)
    window.results_panel.reveal()
    button = window.findChild(QPushButton, "trainMoreButton")
    assert button.isVisible() and not button.isEnabled()
    assert "not the one this model was trained on" in button.toolTip() and "y, x" in button.toolTip()
    assert not window.commands["train_more"].isEnabled()

    bare = tmp_path / "bare.lstmf"
    write_bundle(read_members(model), bare)  # the two members every bundle has: no training state
    csv = tmp_path / "smooth.csv"
    smooth_frame(60).to_csv(csv, index=False)
    open_file(qtbot, window, csv)
    open_model(qtbot, window, bare)
    assert button.isVisible() and not button.isEnabled()
    assert "no training state" in button.toolTip()


def test_saving_an_opened_model_keeps_its_training_state(qtbot, window, tmp_path):
    model = save_small_model(tmp_path / "small.lstmf", rows=60, window=6, hidden=4)
    open_model(qtbot, window, model)
    assert window.session.models.save(tmp_path / "again.lstmf")
    assert TRAINING_FILE in read_members(tmp_path / "again.lstmf", optional=True)
