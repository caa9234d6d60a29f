"""Under the settings: the input shapes the plan gives (or what is wrong), Train and Cancel, and
the progress of the run."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from core.i18n import _, ngettext
from core.outputs.summary import duration, epoch_line, progress_step, time_estimate_sentence, time_left, total_epochs
from gui.format import escape
from gui.panels import Panel
from gui.session import Session


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
        self.cancel_button = QPushButton(_("Cancel"), objectName="cancelButton")
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.cancel_button)
        self.progress_bar = QProgressBar(objectName="progressBar")
        self.progress_bar.setFormat(_("%v / %m epochs"))
        self.progress_bar.setValue(0)
        self._run_config = None  # the ForecastConfig of the run the progress line is about
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
        session.training.started.connect(self._on_started)
        session.training.progress.connect(self._on_epoch)
        session.training.finished.connect(self._on_finished)
        session.training.failed.connect(lambda _message: self.progress_label.setText(_("Training failed.")))

    def command_buttons(self) -> dict[str, QAbstractButton]:
        return {"train": self.train_button, "cancel": self.cancel_button}

    def cancel(self) -> None:
        """Stops the run after the current batch (Cancel, Esc); the best model so far is kept."""
        if self.session.training.running:
            self.session.training.cancel()
            self.progress_label.setText(_("Cancelling: finishing the current batch…"))

    def _on_new_data(self, _loaded) -> None:
        """Another file: the previous run's progress is no longer about anything shown."""
        self._run_config = None
        self.progress_bar.setValue(0)
        self.progress_label.clear()

    def _on_plan(self, plan) -> None:
        problem = self.session.settings.problem_text
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))
        self.shapes_label.setText(self._shapes_text(plan) if plan is not None else "")
        if self.session.training.running or (plan is not None and plan.config == self._run_config):
            return  # the progress line is about these very settings
        self._run_config = None  # other settings: the last run's ending is not about them
        self.progress_label.clear()
        if plan is None:  # nothing to count until the settings fit the data
            self._show_bar(0, 1, 0, "")
        elif plan.smoothing_alone:
            self._show_bar(0, 1, 0, _("No network to train"))
        else:  # as the run will count them: every network, and the refit
            self._show_bar(0, total_epochs(plan.config.epochs, plan.config.ensemble, plan.refits), 0)

    def _show_bar(self, low: int, high: int, value: int, text: str | None = None) -> None:
        """The bar at `value`, counting epochs or showing `text` instead."""
        self.progress_bar.setRange(low, high)
        self.progress_bar.setValue(value)
        self.progress_bar.setFormat(text if text is not None else _("%v / %m epochs"))

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
        if asked.get("ensemble") is None and not plan.smoothing_alone:
            auto.append(ngettext("{count} network", "{count} networks", plan.config.ensemble).format(
                count=plan.config.ensemble))
        if asked.get("batch_size") is None and not plan.smoothing_alone:
            auto.append(_("batch {size}").format(size=plan.config.batch_size))
        heading = _("<b>Input shapes</b> (windows, time steps, features):")
        reason = plan.smoothing_alone_reason()  # said before training, not only after it
        # no count of parameters that no network will have
        parameters = "" if reason else ngettext("{count:,} trainable parameter", "{count:,} trainable parameters",
                                                plan.parameters).format(count=plan.parameters)
        if auto:
            settings = ", ".join(auto)
            parameters = (_("{parameters} · auto: {settings}").format(parameters=parameters, settings=settings)
                          if parameters else _("auto: {settings}").format(settings=settings))
        text = f"{heading}<table>{''.join(rows)}</table>{parameters}"
        if reason:
            text += "<br>" + escape(reason)
        estimate = plan.time_estimate()
        if estimate is not None:
            text += "<br>" + escape(time_estimate_sentence(estimate))
        if not reason:  # which device trains and why (automatic: the size of the network decides)
            text += "<br>" + escape(plan.device_sentence())
        return text

    def _on_started(self, config) -> None:
        self._run_config = config
        plan = self.session.settings.plan
        if plan is not None and plan.smoothing_alone:
            self._show_bar(0, 1, 0, _("No network to train"))
        else:  # an upper bound: early stopping ends most networks sooner, and the bar then jumps ahead
            self._show_bar(0, total_epochs(config.epochs, config.ensemble, config.refit), 0)
        self.progress_label.setText(_("Starting… (loading PyTorch)") if self.session.training.engine_loading
                                    else _("Starting…"))

    def _on_epoch(self, p) -> None:
        step, steps = progress_step(p)
        self.progress_bar.setMaximum(max(self.progress_bar.maximum(), steps))
        self.progress_bar.setValue(step)
        left = time_left(self.session.training.seconds, step, steps)
        self.progress_label.setText(epoch_line(p, duration(left)))

    def _on_finished(self, result) -> None:
        if result.history.epochs_run == 0 and not result.cancelled:
            self._show_bar(0, 1, 1, _("No network was trained"))
        elif not result.cancelled:  # a cancelled run's bar stays where the cancel stopped it
            self.progress_bar.setValue(self.progress_bar.maximum())
        self.progress_label.setText(self.session.training.finished_text(result))
