"""The Network tab has its key and its View menu entry like the other tabs (issue 26)."""

from PySide6.QtCore import Qt

from tests.factories import noisy_sine_frame
from tests.gui.window_steps import open_file


def test_ctrl_7_and_view_network_show_the_network_tab(qtbot, window, tmp_path):
    path = tmp_path / "sine.csv"
    noisy_sine_frame(150).to_csv(path, index=False)
    open_file(qtbot, window, path)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.network_panel
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.data_panel
    view = window.commands.menus["view"]
    entry = next(action for action in view.actions() if action.text().replace("&", "") == "Network")
    assert entry.shortcut().toString() == "Ctrl+7"
    entry.trigger()
    assert window.tabs.currentWidget() is window.network_panel
