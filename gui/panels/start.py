"""What the window shows before a file is open: open a CSV, a bundled sample, or a recent file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from gui.resources import SAMPLES, sample_path
from gui.session import Session


class StartPanel(QWidget):
    fileRequested = Signal(str)  # a path to open: a sample or a recent file (the session opens it)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fileRequested.connect(session.data.open_csv)
        self.setObjectName("startPage")
        title = QLabel("<h1>{}</h1>".format(_("LSTM Forecaster")))
        subtitle = QLabel(_("Forecast a column of a CSV file with an LSTM, GRU or RNN network, and see honestly "
                            "how it compares with simple baselines."))
        subtitle.setWordWrap(True)
        self.open_button = open_button = QPushButton(_("Open a CSV file…"))  # the `open` action
        open_button.setObjectName("startOpenButton")
        open_button.setMinimumHeight(40)
        drop_hint = QLabel(_("or drop a file onto this window"))
        drop_hint.setStyleSheet("color: #666666;")

        samples = QFrame()
        samples.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(samples)
        grid.addWidget(QLabel("<b>{}</b>".format(_("Try a sample"))), 0, 0, 1, 2)
        self.sample_buttons: dict[str, QPushButton] = {}
        for row, (name, label, description) in enumerate(SAMPLES, start=1):
            button = QPushButton(_(label))
            button.setObjectName(f"sample_{Path(name).stem}")
            button.setToolTip(str(sample_path(name)))
            button.clicked.connect(lambda _=False, n=name: self.fileRequested.emit(str(sample_path(n))))
            text = QLabel(_(description))
            text.setWordWrap(True)
            grid.addWidget(button, row, 0)
            grid.addWidget(text, row, 1)
            self.sample_buttons[name] = button
        grid.setColumnStretch(1, 1)

        self.recent_title = QLabel("<b>{}</b>".format(_("Recent files")))
        self.recent = QListWidget()
        self.recent.setObjectName("recentList")
        self.recent.setMaximumHeight(160)
        self.recent.itemActivated.connect(lambda item: self.fileRequested.emit(item.text()))

        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(subtitle)
        column.addSpacing(12)
        row = QHBoxLayout()
        row.addWidget(open_button)
        row.addWidget(drop_hint)
        row.addStretch(1)
        column.addLayout(row)
        column.addSpacing(12)
        column.addWidget(samples)
        column.addSpacing(12)
        column.addWidget(self.recent_title)
        column.addWidget(self.recent)
        column.addStretch(1)
        holder = QWidget()
        holder.setLayout(column)
        holder.setMaximumWidth(760)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(holder, 3)
        outer.addStretch(1)
        outer.setAlignment(Qt.AlignmentFlag.AlignTop)

    def command_buttons(self) -> dict[str, QAbstractButton]:
        """As gui.panels.Panel's: the window binds the Open button to the `open` action."""
        return {"open": self.open_button}

    def set_recent_files(self, files: list[str]) -> None:
        self.recent.clear()
        self.recent.addItems(files)
        self.recent_title.setVisible(bool(files))
        self.recent.setVisible(bool(files))
