import pytest

from gui import MainWindow


@pytest.fixture
def window(qtbot):
    """A shown main window whose background work is stopped after the test."""
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.session.jobs.stop_all()
