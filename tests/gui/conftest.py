import pytest
from PySide6.QtWidgets import QMessageBox

from gui import MainWindow


@pytest.fixture(autouse=True)
def questions():
    """Answers the window's questions (close with an unsaved model...) without a modal dialog:
    Discard, unless a test sets `questions.answer`. `questions.asked` lists the titles asked."""

    class Answers:
        answer = QMessageBox.StandardButton.Discard
        asked: list[str]
        buttons: list[str]  # the texts of the last question box's buttons (see exec_box)

    answers = Answers()
    answers.asked = []
    answers.buttons = []

    def question(parent, title, text, *args, **kwargs):
        answers.asked.append(title)
        return answers.answer

    def exec_box(box):
        """A question box of the window's own (named buttons): answered the same way, its
        buttons' texts kept in `answers.buttons`."""
        if box.icon() != QMessageBox.Icon.Question:
            return original_exec(box)
        answers.asked.append(box.windowTitle())
        answers.buttons = [button.text() for button in box.buttons()]
        return answers.answer

    # set by hand, not with monkeypatch: a test's monkeypatch.undo() must not bring back a modal dialog
    original, original_exec = QMessageBox.__dict__["question"], QMessageBox.exec
    QMessageBox.question = staticmethod(question)
    QMessageBox.exec = exec_box
    yield answers
    QMessageBox.question = original
    QMessageBox.exec = original_exec


@pytest.fixture
def window(qtbot):
    """A shown main window whose background work is stopped after the test."""
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.session.jobs.stop_all()
