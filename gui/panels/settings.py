"""The settings form as a panel: every change goes to the Session, which plans again."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout

from gui.panels import Panel
from gui.session import Session
from gui.settings_form import SettingsForm


class SettingsPanel(Panel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("settingsPanel")
        self.session = session
        self.form = SettingsForm()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        # adopted settings (a search's best) the form can't hold exactly: a dropout of 0.237 shows as
        # 24 %, a weight decay has no field. name -> (what the form shows, the adopted value); the
        # adopted value goes to the Session until the user changes that field
        self._adopted: dict[str, tuple[Any, Any]] = {}
        self.form.changed.connect(self._push)
        session.settingsAdopted.connect(self._show_adopted)
        self._push()

    def _show_adopted(self, values: dict) -> None:
        """Settings the Session took from elsewhere (a search's best): the form shows them."""
        self._adopted = {}
        self.form.set_values(values)
        shown = self.form.values()
        self._adopted = {name: (shown.get(name, _NOT_IN_FORM), value) for name, value in values.items()}
        self._push()

    def _push(self) -> None:
        values = self.form.values()
        for name, (shown, adopted) in self._adopted.items():
            if name not in values or values[name] == shown:
                values[name] = adopted
        self.session.set_settings(values)

    def restore(self, values: dict) -> None:
        """Shows saved values (unknown keys and bad values are ignored) and hands them to the Session."""
        self._adopted = {}
        self.form.set_values(values)
        self._push()

    def reset_to_defaults(self) -> None:
        """View > Reset settings to defaults: every setting as the settings table declares it."""
        self._adopted = {}
        self.form.reset_to_defaults()
        self._push()


_NOT_IN_FORM = object()
