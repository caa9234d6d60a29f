"""The settings form as a panel: every change goes to the Session, which plans again."""

from __future__ import annotations

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
        self.form.changed.connect(self._push)
        session.settingsAdopted.connect(self._show_adopted)
        self._push()

    def _show_adopted(self, values: dict) -> None:
        """Settings the Session took from elsewhere (a search's best): the form shows them."""
        self.form.set_values(values)
        self._push()

    def _push(self) -> None:
        self.session.set_settings(self.form.values())

    def restore(self, values: dict) -> None:
        """Shows saved values (unknown keys and bad values are ignored) and hands them to the Session."""
        self.form.set_values(values)
        self._push()

    def reset_to_defaults(self) -> None:
        """View > Reset settings to defaults: every setting as the settings table declares it."""
        self.form.reset_to_defaults()
        self._push()
