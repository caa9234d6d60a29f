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

    answers = Answers()
    answers.asked = []

    def question(parent, title, text, *args, **kwargs):
        answers.asked.append(title)
        return answers.answer

    # set by hand, not with monkeypatch: a test's monkeypatch.undo() must not bring back a modal dialog
    original = QMessageBox.__dict__["question"]
    QMessageBox.question = staticmethod(question)
    yield answers
    QMessageBox.question = original


@pytest.fixture
def window(qtbot):
    """A shown main window whose background work is stopped after the test."""
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.session.jobs.stop_all()
