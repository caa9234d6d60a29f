"""The window's panels. Each takes the Session, listens to its signals and calls its methods;
none imports the engine's model, evaluation or pipeline (a contract in pyproject.toml)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget


def escape(text: str) -> str:
    """User text (column and file names) shown as plain text inside a rich-text label."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as written: Qt renders a tooltip as HTML whenever it looks like
    HTML, so a cell such as '<img src=x>' quoted in it would load an image. Escaped inside <p>, it
    is always rich text whose content is literal."""
    return f"<p>{escape(text)}</p>"


class Panel(QWidget):
    def reveal(self) -> None:
        """Brings this panel to the front of the tabs that hold it (View > Data, Training, Results)."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QTabWidget):
            parent = parent.parentWidget()
        if parent is not None:
            parent.setCurrentWidget(self)
