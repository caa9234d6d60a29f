"""Train N more (issue 26 item 4): how many more epochs, and the button that starts them.

The Results tab holds the box (its button is the action table's `train_more_now`); the Run menu's
"Train N more…" asks for the number in a dialog, starting from the box's."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QPushButton, QSpinBox, QWidget

from core.i18n import _

MAX_MORE = 100_000  # the settings form's own bound on epochs


class TrainMoreBox(QWidget):
    requested = Signal(int)  # how many more epochs: the panel holding the box starts them

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="trainMoreBox")
        self.epochs = QSpinBox(objectName="trainMoreEpochs")
        self.epochs.setRange(1, MAX_MORE)
        self.epochs.setValue(20)
        self.epochs.setToolTip(_("How many more epochs each network trains, from its best weights and its "
                                 "optimizer's state, on the same split and scalers."))
        self.button = QPushButton(_("Train more"), objectName="trainMoreButton")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(_("More epochs:")))
        layout.addWidget(self.epochs)
        layout.addWidget(self.button)
        self.hide()  # shown with a trained model's output (the panel says when)

    def start(self) -> None:
        """Asks for the box's number of epochs more."""
        self.requested.emit(self.epochs.value())

    def ask(self) -> None:
        """The Run menu's command: the number from a dialog (the box's by default), then trains."""
        more, ok = QInputDialog.getInt(self.window(), _("Train N more"),
                                       _("More epochs for each network, from its best weights:"),
                                       self.epochs.value(), 1, MAX_MORE)
        if ok:
            self.epochs.setValue(more)
            self.start()
