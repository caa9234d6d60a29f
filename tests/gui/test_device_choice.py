"""The device drop-down: devices this machine lacks can't be chosen and say why; the run panel says
which device trains and why."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox

from gui.app_settings import AppSettings
from gui.resources import sample_path
from gui.settings_form import SettingsForm


def press(widget, key) -> None:
    QApplication.sendEvent(widget, QKeyEvent(QKeyEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier))


def test_a_device_this_machine_lacks_is_disabled_with_the_reason(qtbot):
    form = SettingsForm()
    qtbot.addWidget(form)
    form.show_devices(frozenset({"cpu"}))
    combo = form.findChild(QComboBox, "deviceCombo")
    items = combo.model()
    cuda, mps = combo.findData("cuda"), combo.findData("mps")
    assert not items.item(cuda).isEnabled() and not items.item(mps).isEnabled()
    assert "No CUDA GPU is available here" in combo.itemData(cuda, Qt.ItemDataRole.ToolTipRole)
    assert "Apple silicon" in combo.itemData(mps, Qt.ItemDataRole.ToolTipRole)
    combo.setFocus()
    combo.setCurrentIndex(combo.findData("cpu"))
    press(combo, Qt.Key.Key_Down)  # the keyboard passes over the disabled choices
    assert form.values()["device"] == "cpu"
    form.show_devices(frozenset({"cpu", "cuda"}))  # a machine with a GPU: CUDA can be chosen
    assert items.item(cuda).isEnabled() and combo.itemData(cuda, Qt.ItemDataRole.ToolTipRole) is None
    press(combo, Qt.Key.Key_Down)
    assert form.values()["device"] == "cuda"


def test_cuda_remembered_from_another_machine_falls_back_to_automatic(qtbot, monkeypatch):
    monkeypatch.setattr("gui.settings_form.available_devices", lambda: frozenset({"cpu"}))
    form = SettingsForm()
    qtbot.addWidget(form)
    AppSettings().set_form_values({"device": "cuda", "hidden": 48})
    form.set_values(AppSettings().form_values())
    assert form.values()["device"] == "auto" and form.values()["hidden"] == 48
    form.set_values({"device": "cpu"})  # remembered like any other setting
    assert form.values()["device"] == "cpu"


def test_the_run_panel_says_which_device_trains_and_why(qtbot, window):
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        assert window.session.data.open_csv(sample_path("daily_sales.csv"))
    window.findChild(QComboBox, "targetCombo").setCurrentText("sales")
    label = window.run_panel.shapes_label
    qtbot.waitUntil(lambda: "Device: CPU (automatic: " in label.text(), timeout=10_000)
    window.findChild(QComboBox, "deviceCombo").setCurrentIndex(
        window.findChild(QComboBox, "deviceCombo").findData("cpu"))
    qtbot.waitUntil(lambda: "Device: CPU (as asked)" in label.text(), timeout=10_000)
