"""The Network tab (issue 26 item 2): the network the current settings describe, drawn from
core.outputs.diagram as the settings change (before training, like the shapes box)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from core.i18n import _
from core.outputs.diagram import network_diagram
from gui.panels import Panel
from gui.session import Session
from gui.widgets.network_diagram import NetworkDiagram


class NetworkPanel(Panel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("networkPanel")
        self.session = session
        intro = QLabel(_("The network these settings describe, box by box, with the names the PyTorch tutorials "
                         "use. Each window of the input goes through every box; the counts are for one network."),
                       wordWrap=True, objectName="networkIntro")
        self.diagram = NetworkDiagram()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.diagram, 1)
        session.settings.planChanged.connect(self._on_plan)

    def _on_plan(self, plan) -> None:
        if plan is None:
            self.diagram.show_message(self.session.settings.problem_text or
                                      _("Open a file and choose a target column to see the network."))
        else:
            self.diagram.show_diagram(network_diagram(plan))
