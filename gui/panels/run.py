"""Under the settings: the input shapes the plan gives (or what is wrong), Train and Cancel, and
the progress of the run."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from core.i18n import _, ngettext
from gui.panels import Panel
from gui.session import STATUS_WORDS, Session


def duration(seconds: float) -> str:
    if seconds < 60:
        return _("{seconds:.0f} s").format(seconds=seconds)
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return _("{minutes} min {seconds:02d} s").format(minutes=minutes, seconds=secs)
    hours, minutes = divmod(minutes, 60)
    return _("{hours} h {minutes:02d} min").format(hours=hours, minutes=minutes)


def finished_text(history, seconds: float) -> str:
    """How a run ended, for the progress line and the Training tab (history: TrainingHistory)."""
    if history.epochs_run == 0 and history.status == "completed":  # the smoothing stood alone
        return _("No network was trained: the forecast is the exponential smoothing alone ({duration}).").format(
            duration=duration(seconds))
    status = _(STATUS_WORDS[history.status]) if history.status in STATUS_WORDS else history.status
    return ngettext("{status} after {epochs} epoch in {duration}; best epoch {best}.",
                    "{status} after {epochs} epochs in {duration}; best epoch {best}.", history.epochs_run).format(
        status=status, epochs=history.epochs_run, duration=duration(seconds), best=history.best_epoch)


def epoch_text(p, left: str) -> str:
    """The progress line after an epoch (p: EpochProgress): which network, the losses, the time left.

    One whole sentence per case (single network, network n of an ensemble, refit on every row;
    with or without a validation loss) so a translation never glues fragments together."""
    if p.refit:
        text = (_("Refit on every row, network {network} of {networks}: epoch {epoch}/{epochs}: train loss "
                  "{train:.4g}, validation {val:.4g}; best epoch {best}; at most {left} left")
                if p.val_loss is not None else
                _("Refit on every row, network {network} of {networks}: epoch {epoch}/{epochs}: train loss "
                  "{train:.4g}; best epoch {best}; at most {left} left"))
    elif p.networks > 1:
        text = (_("Network {network} of {networks}: epoch {epoch}/{epochs}: train loss {train:.4g}, validation "
                  "{val:.4g}; best epoch {best}; at most {left} left")
                if p.val_loss is not None else
                _("Network {network} of {networks}: epoch {epoch}/{epochs}: train loss {train:.4g}; best epoch "
                  "{best}; at most {left} left"))
    else:
        text = (_("Epoch {epoch}/{epochs}: train loss {train:.4g}, validation {val:.4g}; best epoch {best}; at "
                  "most {left} left")
                if p.val_loss is not None else
                _("Epoch {epoch}/{epochs}: train loss {train:.4g}; best epoch {best}; at most {left} left"))
    return text.format(network=p.network, networks=p.networks, epoch=p.epoch, epochs=p.epochs,
                       train=p.train_loss, val=p.val_loss, best=p.best_epoch, left=left)


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
        self.train_button = QPushButton(_("Train"), objectName="trainButton")
        self.train_button.setToolTip(_("Train a model with these settings (Ctrl+R)"))
        self.train_button.clicked.connect(session.training.start)
        self.cancel_button = QPushButton(_("Cancel"), objectName="cancelButton")
        self.cancel_button.setToolTip(_("Stop after the current batch and keep the best model so far (Esc)"))
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.cancel_button)
        self.progress_bar = QProgressBar(objectName="progressBar")
        self.progress_bar.setFormat(_("%v / %m epochs"))
        self.progress_bar.setValue(0)
        self.progress_label = QLabel("", wordWrap=True, objectName="progressLabel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 0, 9, 9)
        layout.addWidget(self.shapes_label)
        layout.addWidget(self.problem_label)
        layout.addLayout(buttons)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.progress_label)
        session.data.finished.connect(self._on_new_data)
        session.settings.planChanged.connect(self._on_plan)
        session.busyChanged.connect(self._update_buttons)
        session.training.started.connect(self._on_started)
        session.training.progress.connect(self._on_epoch)
        session.training.finished.connect(self._on_finished)
        session.training.failed.connect(lambda _message: self.progress_label.setText(_("Training failed.")))
        self._update_buttons()

    def cancel(self) -> None:
        """Stops the run after the current batch (Cancel, Esc); the best model so far is kept."""
        if self.session.training.running:
            self.session.training.cancel()
            self.progress_label.setText(_("Cancelling: finishing the current batch…"))

    def _on_new_data(self, _loaded) -> None:
        """Another file: the previous run's progress is no longer about anything shown."""
        self.progress_bar.setValue(0)
        self.progress_label.clear()

    def _update_buttons(self) -> None:
        self.train_button.setEnabled(self.session.training.can_start())
        self.cancel_button.setEnabled(self.session.training.running)

    def _on_plan(self, plan) -> None:
        problem = self.session.settings.problem_text
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))
        self.shapes_label.setText(self._shapes_text(plan) if plan is not None else "")
        if plan is not None and not self.session.training.running:
            self.progress_bar.setRange(0, plan.config.epochs)
            self.progress_bar.setValue(0)
        self._update_buttons()

    def _shapes_text(self, plan) -> str:
        rows = []
        names = {"train": _("train"), "val": _("validation"), "test": _("test")}
        for split in ("train", "val", "test"):
            x, y = plan.shapes[f"X_{split}"], plan.shapes[f"y_{split}"]
            rows.append(f"<tr><td>{names[split]}</td><td>&nbsp;X ({x[0]:,}, {x[1]}, {x[2]})</td>"
                        f"<td>&nbsp;→ y ({y[0]:,}, {y[1]})</td></tr>")
        asked = self.session.settings.values
        auto = []
        if asked.get("window") is None:
            auto.append(_("window {window}").format(window=plan.config.window))
        if asked.get("season") is None:
            auto.append(_("season {season}").format(season=plan.config.season or _("none")))
        heading = _("<b>Input shapes</b> (windows, time steps, features):")
        parameters = ngettext("{count:,} trainable parameter", "{count:,} trainable parameters",
                              plan.parameters).format(count=plan.parameters)
        if auto:
            parameters = _("{parameters} · auto: {settings}").format(parameters=parameters, settings=", ".join(auto))
        text = f"{heading}<table>{''.join(rows)}</table>{parameters}"
        reason = plan.smoothing_alone_reason()  # said before training, not only after it
        if reason:
            text += "<br>" + escape(reason)
        return text

    def _on_started(self, config) -> None:
        # every network of the ensemble, then its refit on every row (an upper bound: early
        # stopping ends most networks sooner, and the bar then jumps ahead)
        self.progress_bar.setRange(0, config.epochs * config.ensemble * (2 if config.refit else 1))
        self.progress_bar.setValue(0)
        self.progress_label.setText(_("Starting… (loading PyTorch)") if self.session.training.engine_loading
                                    else _("Starting…"))

    def _on_epoch(self, p) -> None:
        step, steps = (p.step, p.steps) if p.steps else (p.epoch, p.epochs)
        self.progress_bar.setMaximum(max(self.progress_bar.maximum(), steps))
        self.progress_bar.setValue(step)
        remaining = self.session.training.seconds / step * (steps - step)
        self.progress_label.setText(epoch_text(p, duration(remaining)))

    def _on_finished(self, result) -> None:
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.progress_label.setText(finished_text(result.history, self.session.training.seconds))
