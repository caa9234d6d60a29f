"""The window's panels. Each takes the Session, listens to its signals and calls its methods;
none imports the engine's model, evaluation or pipeline, nor another panel (contracts in
pyproject.toml): what two panels share lives in gui.format or gui.widgets."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QTabWidget, QWidget


class Panel(QWidget):
    def command_buttons(self) -> dict[str, QAbstractButton]:
        """The panel's command buttons by the id of the action each performs (gui/actions.py). The
        window binds them: the action table decides what a click does and when it is enabled."""
        return {}

    def reveal(self) -> None:
        """Brings this panel to the front of the tabs that hold it (View > Data, Training, Results)."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QTabWidget):
            parent = parent.parentWidget()
        if parent is not None:
            parent.setCurrentWidget(self)
