"""Under the settings: the input shapes the plan gives (or what is wrong), Train and Cancel, and
the progress of the run."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from gui.panels import Panel
from gui.session import STATUS_WORDS, Session


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def finished_text(history, seconds: float) -> str:
    """How a run ended, for the progress line and the Training tab (history: TrainingHistory)."""
    status = STATUS_WORDS.get(history.status, history.status)
    return (f"{status} after {history.epochs_run} epochs in {duration(seconds)}; "
            f"best epoch {history.best_epoch}.")


class RunPanel(Panel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("runPanel")
        self.session = session
        self.shapes_label = QLabel(objectName="shapesLabel", wordWrap=True)
        self.shapes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label = QLabel(objectName="problemLabel", wordWrap=True)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)  # may quote column names
        self.problem_label.setStyleSheet("color: #b42318; font-weight: 600;")
        self.problem_label.hide()
        self.train_button = QPushButton("Train", objectName="trainButton")
        self.train_button.setToolTip("Train a model with these settings (Ctrl+R)")
        self.train_button.clicked.connect(session.start_training)
        self.cancel_button = QPushButton("Cancel", objectName="cancelButton")
        self.cancel_button.setToolTip("Stop after the current batch and keep the best model so far (Esc)")
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.cancel_button)
        self.progress_bar = QProgressBar(objectName="progressBar")
        self.progress_bar.setFormat("%v / %m epochs")
        self.progress_bar.setValue(0)
        self.progress_label = QLabel("", wordWrap=True, objectName="progressLabel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 0, 9, 9)
        layout.addWidget(self.shapes_label)
        layout.addWidget(self.problem_label)
        layout.addLayout(buttons)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.progress_label)
        session.dataLoaded.connect(self._on_new_data)
        session.planChanged.connect(self._on_plan)
        session.busyChanged.connect(self._update_buttons)
        session.trainingStarted.connect(self._on_started)
        session.trainingProgress.connect(self._on_epoch)
        session.trainingFinished.connect(self._on_finished)
        session.trainingFailed.connect(lambda _message: self.progress_label.setText("Training failed."))
        self._update_buttons()

    def cancel(self) -> None:
        """Stops the run after the current batch (Cancel, Esc); the best model so far is kept."""
        if self.session.is_training():
            self.session.cancel_training()
            self.progress_label.setText("Cancelling: finishing the current batch…")

    def _on_new_data(self, _loaded) -> None:
        """Another file: the previous run's progress is no longer about anything shown."""
        self.progress_bar.setValue(0)
        self.progress_label.clear()

    def _update_buttons(self) -> None:
        self.train_button.setEnabled(self.session.can_train())
        self.cancel_button.setEnabled(self.session.is_training())

    def _on_plan(self, plan) -> None:
        problem = self.session.problem_text
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))
        self.shapes_label.setText(self._shapes_text(plan) if plan is not None else "")
        if plan is not None and not self.session.is_training():
            self.progress_bar.setRange(0, plan.config.epochs)
            self.progress_bar.setValue(0)
        self._update_buttons()

    def _shapes_text(self, plan) -> str:
        rows = []
        for split in ("train", "val", "test"):
            x, y = plan.shapes[f"X_{split}"], plan.shapes[f"y_{split}"]
            rows.append(f"<tr><td>{split}</td><td>&nbsp;X ({x[0]:,}, {x[1]}, {x[2]})</td>"
                        f"<td>&nbsp;→ y ({y[0]:,}, {y[1]})</td></tr>")
        asked = self.session.settings
        auto = []
        if asked.get("window") is None:
            auto.append(f"window {plan.config.window}")
        if asked.get("season") is None:
            auto.append(f"season {plan.config.season or 'none'}")
        auto_text = f" · auto: {', '.join(auto)}" if auto else ""
        return (f"<b>Input shapes</b> (windows, time steps, features):<table>{''.join(rows)}</table>"
                f"{plan.parameters:,} trainable parameters{auto_text}")

    def _on_started(self, config) -> None:
        # every network of the ensemble, then its refit on every row (an upper bound: early
        # stopping ends most networks sooner, and the bar then jumps ahead)
        self.progress_bar.setRange(0, config.epochs * config.ensemble * (2 if config.refit else 1))
        self.progress_bar.setValue(0)
        self.progress_label.setText("Starting… (loading PyTorch)" if self.session.engine_loading else "Starting…")

    def _on_epoch(self, p) -> None:
        step, steps = (p.step, p.steps) if p.steps else (p.epoch, p.epochs)
        self.progress_bar.setMaximum(max(self.progress_bar.maximum(), steps))
        self.progress_bar.setValue(step)
        remaining = self.session.training_seconds / step * (steps - step)
        val = f", validation {p.val_loss:.4g}" if p.val_loss is not None else ""
        if p.refit:
            where = f"Refit on every row, network {p.network} of {p.networks}: epoch {p.epoch}/{p.epochs}"
        elif p.networks > 1:
            where = f"Network {p.network} of {p.networks}: epoch {p.epoch}/{p.epochs}"
        else:
            where = f"Epoch {p.epoch}/{p.epochs}"
        self.progress_label.setText(f"{where}: train loss {p.train_loss:.4g}{val}; best epoch {p.best_epoch}; "
                                    f"at most {duration(remaining)} left")

    def _on_finished(self, result) -> None:
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.progress_label.setText(finished_text(result.history, self.session.training_seconds))
