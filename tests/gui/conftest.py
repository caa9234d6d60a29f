import pytest

from gui import MainWindow


@pytest.fixture
def window(qtbot):
    """A shown main window whose background work is stopped after the test."""
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    for task in (win.train_task, win.load_task, win.model_task, win.warm_up_task):
        task.cancel_and_wait()
