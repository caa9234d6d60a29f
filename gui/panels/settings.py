"""The settings form as a panel: every change goes to the Session, which plans again. Values set
outside the form (a search's best, restored ones) are kept exactly by the Session's settings."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
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
        session.settings.valuesSet.connect(self._show)
        session.engineReady.connect(self.form.show_devices)  # torch loaded: it answers for the cheap probe
        self._push()

    def _show(self, values: dict) -> None:
        """Settings the Session took from elsewhere (a search's best, restored ones): the form shows them."""
        with QSignalBlocker(self.form):  # one push once all are shown: it tells the Session what the form shows
            self.form.set_values(values)
        self._push()

    def _push(self) -> None:
        self.session.settings.take_form(self.form.values())

    def reset_to_defaults(self) -> None:
        """View > Reset settings to defaults: every setting as the settings table declares it."""
        with QSignalBlocker(self.form):
            self.form.reset_to_defaults()
        self.session.settings.set_values(self.form.values())
