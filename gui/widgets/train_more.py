"""Train N more (issue 26 item 4): how many more epochs, and the button that starts them.

The Results tab holds the box (its button is the action table's `train_more_now`); the Run menu's
"Train N more…" asks for the number in a dialog, starting from the box's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QPushButton, QSpinBox, QWidget

from core.i18n import _

if TYPE_CHECKING:
    from gui.session import Session

MAX_MORE = 100_000  # the settings form's own bound on epochs


class TrainMoreBox(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="trainMoreBox")
        self.session = session
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
        self.hide()  # shown with a trained model's output (not an opened or applied one)
        session.resultShown.connect(lambda _shown: self.setVisible(session.models.result is not None))
        session.data.finished.connect(lambda _loaded: self.hide())

    def start(self) -> bool:
        """Trains the shown model the box's number of epochs more."""
        return self.session.training.start_more(self.epochs.value())

    def ask(self) -> bool:
        """The Run menu's command: the number from a dialog (the box's by default), then trains."""
        more, ok = QInputDialog.getInt(self.window(), _("Train N more"),
                                       _("More epochs for each network, from its best weights:"),
                                       self.epochs.value(), 1, MAX_MORE)
        if not ok:
            return False
        self.epochs.setValue(more)
        return self.start()
