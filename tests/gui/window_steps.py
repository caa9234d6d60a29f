"""Steps the window tests take as a user would: open a file and wait for it, set spin boxes."""

from PySide6.QtWidgets import QSpinBox


def open_file(qtbot, win, path):
    with qtbot.waitSignal(win.session.data.finished, timeout=30_000):
        assert win.session.data.open_csv(path)


def set_spins(win, **values):
    for name, value in values.items():
        win.findChild(QSpinBox, f"{name}Spin").setValue(value)
    win.session.settings.replan()
