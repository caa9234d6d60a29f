"""The Search tab: tune the searchable settings within a time budget (core.search, Optuna), with
live progress, the trials table and chart, the best settings and their test score, and "Use these
settings" to put them into the form for the next Train.

The search starts from the form's settings (the ones it doesn't tune stay as the form has them).
Everything runs through the Session; this panel only builds the request and shows what comes back.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _, ngettext
from core.outputs.summary import search_lines
from core.runtime import available_cores
from core.settings.requests import SearchRequest
from core.settings.table import settings_of
from core.vocabulary import TrialState
from gui.format import duration, score_text, settings_summary
from gui.panels import Panel
from gui.session import Session
from gui.settings_form import ComboBox, SpinBox, declared_value, declared_widget
from gui.widgets.search_views import SEARCHABLE, TrialsCanvas, TrialsModel, best_trial

DEFAULT_BUDGET_MINUTES = 5
DECLARED = {s.name: s for s in settings_of(SearchRequest)}
SEARCHED_COLUMNS = 3
NARROW_WIDTH = 900  # px: below it the form and the searched settings, the table and the chart stack
CLOCK_MS = 500  # the time-used bar moves between the engine's reports too


class SearchPanel(Panel):
    requestChanged = Signal()  # a field of the search form changed (the window persists them)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("searchPanel")
        self.session = session
        self._started_at = 0.0
        self._budget_s = 0.0
        self._cancelled = False
        self._build()
        self._clock = QTimer(self, interval=CLOCK_MS)
        self._clock.timeout.connect(self._tick)
        session.search.started.connect(self._on_started)
        session.search.progress.connect(self._on_progress)
        session.search.finished.connect(self._on_finished)
        session.search.failed.connect(self._on_failed)
        session.data.finished.connect(self._on_new_data)

    def command_buttons(self) -> dict[str, QAbstractButton]:
        return {"run_search": self.run_button, "cancel_search": self.cancel_button, "use_search": self.use_button,
                "export_search": self.export_button}

    # ---------------------------------------------------------------- building
    def _build(self) -> None:
        self.budget_spin = SpinBox()
        self.budget_spin.setObjectName("searchBudgetSpin")
        self.budget_spin.setRange(1, 100_000)
        self.budget_spin.setValue(DEFAULT_BUDGET_MINUTES)
        self.budget_unit = ComboBox()
        self.budget_unit.setObjectName("searchBudgetUnitCombo")
        self.budget_unit.addItem(_("minutes"), 60)
        self.budget_unit.addItem(_("seconds"), 1)
        budget_row = QHBoxLayout()
        budget_row.addWidget(self.budget_spin, 1)
        budget_row.addWidget(self.budget_unit)
        self.budget_spin.setToolTip(_("The search stops when this time is used up, checked between epochs: a running "
                                      "trial does not overrun it by more than one epoch."))
        # trials, workers and seed: ranges, defaults and tooltips from the request's declarations
        self.trials_spin = declared_widget(DECLARED["trials"])
        self.jobs_spin = declared_widget(DECLARED["jobs"])
        # the engine refuses more workers than usable cores (core.search.runner.check_workers)
        self.jobs_spin.setMaximum(min(self.jobs_spin.maximum(), available_cores()))
        self.seed_spin = declared_widget(DECLARED["seed"])
        self.storage_edit = QLineEdit(objectName="searchStorageEdit")
        self.storage_edit.setPlaceholderText(_("empty: a journal file in a temporary folder"))
        self.storage_edit.setToolTip(_(DECLARED["storage"].help))
        self.study_edit = QLineEdit(objectName="searchStudyEdit")
        self.study_edit.setPlaceholderText(_("empty: a new name"))
        self.study_edit.setToolTip(_(DECLARED["study"].help))

        form = QFormLayout()
        form.addRow(_("Time budget"), budget_row)
        for name in ("trials", "jobs", "seed"):
            form.addRow(_(DECLARED[name].label), getattr(self, f"{name}_spin"))
        self.advanced_button = QToolButton(objectName="searchAdvancedButton", text=_("Advanced"), checkable=True)
        self.advanced_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_button.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_button.setAutoRaise(True)
        self.advanced = QWidget(objectName="searchAdvanced")
        advanced_form = QFormLayout(self.advanced)
        advanced_form.setContentsMargins(0, 0, 0, 0)
        advanced_form.addRow(_(DECLARED["storage"].label), self.storage_edit)
        advanced_form.addRow(_(DECLARED["study"].label), self.study_edit)
        self.advanced.setVisible(False)
        self.advanced_button.toggled.connect(self._show_advanced)
        form.addRow(self.advanced_button)
        form.addRow(self.advanced)
        request_box = QGroupBox(_("Search"))
        request_box.setLayout(form)

        searched_box = QGroupBox(_("Searched settings"))
        searched_layout = QVBoxLayout(searched_box)
        grid = QGridLayout()
        self.searched_checks: dict[str, QCheckBox] = {}
        for index, s in enumerate(SEARCHABLE):
            check = QCheckBox(_(s.label), objectName=f"searched_{s.name}Check", checked=True)
            check.setToolTip(_("Ticked: the search tunes it. Unticked: it stays as the form has it."))
            check.toggled.connect(self.requestChanged)  # also asks the window's actions whether Run may run
            self.searched_checks[s.name] = check
            grid.addWidget(check, index // SEARCHED_COLUMNS, index % SEARCHED_COLUMNS)
        searched_layout.addLayout(grid)
        searched_note = QLabel(_("The other settings stay as the form has them. Trial 0 runs the form's own settings "
                                 "(in italics), the score to beat. Trials are scored on the validation split; the best "
                                 "settings and your own are then scored on the test split, once, and the search's "
                                 "conclusion is decided there."), wordWrap=True)
        searched_note.setStyleSheet("color: #475467;")
        searched_layout.addWidget(searched_note)
        searched_layout.addStretch(1)

        self._top = top = QBoxLayout(QBoxLayout.Direction.LeftToRight)  # stacked in a narrow tab (resizeEvent)
        top.addWidget(request_box, 2)
        top.addWidget(searched_box, 3)

        # bound to run_search, cancel_search, use_search and export_search (gui/actions.py)
        self.run_button = QPushButton(_("Run search"), objectName="searchRunButton")
        self.cancel_button = QPushButton(_("Cancel"), objectName="searchCancelButton")
        self.use_button = QPushButton(_("Use these settings"), objectName="useSearchButton")
        self.export_button = QPushButton(_("Export…"), objectName="exportSearchButton")
        buttons = QHBoxLayout()
        for button in (self.run_button, self.cancel_button, self.use_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.progress_bar = QProgressBar(objectName="searchProgressBar")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(" ")
        self.state_label = QLabel("", objectName="searchStateLabel", wordWrap=True)
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)

        self.trials_model = TrialsModel(self)
        self.trials_table = QTableView(objectName="searchTrialsTable")
        self.trials_table.setModel(self.trials_model)
        self.trials_table.setAlternatingRowColors(True)
        self.trials_table.verticalHeader().setVisible(False)
        self.trials_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.trials_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.canvas = TrialsCanvas()
        self.canvas.setObjectName("searchCanvas")
        self.canvas.setMinimumSize(240, 180)
        self._views = views = QSplitter(Qt.Orientation.Horizontal, objectName="searchSplitter")
        views.addWidget(self.trials_table)
        views.addWidget(self.canvas)
        views.setStretchFactor(0, 3)
        views.setStretchFactor(1, 2)

        self.best_label = QLabel("", objectName="searchBestLabel", wordWrap=True)
        self.best_label.setTextFormat(Qt.TextFormat.PlainText)  # setting labels and values only, but plain anyway
        self.best_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        content = QWidget(objectName="searchContent")
        layout = QVBoxLayout(content)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.state_label)
        layout.addWidget(views, 1)
        layout.addWidget(self.best_label)
        # the tabs share one minimum size: scrolled, this tab's many fields don't make the window
        # taller or wider than the other tabs need
        self._scroll = scroll = QScrollArea(objectName="searchScroll", widgetResizable=True)
        self._follow_conclusion = False  # a search just ended: keep its conclusion (at the bottom) in view
        scroll.verticalScrollBar().rangeChanged.connect(
            lambda _low, high: scroll.verticalScrollBar().setValue(high) if self._follow_conclusion else None)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        for spin in (self.budget_spin, self.trials_spin, self.jobs_spin, self.seed_spin):
            spin.valueChanged.connect(self.requestChanged)
        self.budget_unit.currentIndexChanged.connect(self.requestChanged)
        for edit in (self.storage_edit, self.study_edit):
            edit.textChanged.connect(self.requestChanged)

    def resizeEvent(self, event) -> None:
        """Side by side where the tab is wide; stacked where it is narrow (a 1024 px window), so
        the tab scrolls down instead of sideways and nothing is cut at its right edge."""
        narrow = event.size().width() < NARROW_WIDTH
        self._top.setDirection(QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight)
        self._views.setOrientation(Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal)
        super().resizeEvent(event)

    def _show_advanced(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        self.advanced_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    # ---------------------------------------------------------------- the form's values
    def budget_seconds(self) -> float:
        return float(self.budget_spin.value() * self.budget_unit.currentData())

    def values(self) -> dict[str, Any]:
        """The search form, to persist between runs."""
        return {"budget": self.budget_spin.value(), "budget_unit": self.budget_unit.currentData(),
                "trials": self.trials_spin.value(), "jobs": self.jobs_spin.value(), "seed": self.seed_spin.value(),
                "storage": self.storage_edit.text(), "study": self.study_edit.text(), "fixed": list(self.fixed())}

    def fixed(self) -> tuple[str, ...]:
        """The searchable settings the user unticked: the search keeps them as the form has them."""
        return tuple(name for name, check in self.searched_checks.items() if not check.isChecked())

    def restore(self, values: dict[str, Any]) -> None:
        """Shows saved values; missing or unreadable ones keep the defaults."""
        spins = {"budget": self.budget_spin, "trials": self.trials_spin, "jobs": self.jobs_spin,
                 "seed": self.seed_spin}
        for key, spin in spins.items():
            try:
                if key in values:
                    spin.setValue(int(values[key]))
            except (TypeError, ValueError, OverflowError):
                continue
        try:
            unit = self.budget_unit.findData(int(values.get("budget_unit", 60)))
        except (TypeError, ValueError):
            unit = -1
        if unit >= 0:
            self.budget_unit.setCurrentIndex(unit)
        self.storage_edit.setText(str(values.get("storage", "") or ""))
        self.study_edit.setText(str(values.get("study", "") or ""))
        fixed = values.get("fixed", [])
        fixed = fixed if isinstance(fixed, list) else []
        for name, check in self.searched_checks.items():
            check.setChecked(name not in fixed)
        self._show_advanced(bool(self.storage_edit.text() or self.study_edit.text()))
        self.advanced_button.setChecked(self.advanced.isVisible())

    def request(self):
        trials = declared_value(DECLARED["trials"], self.trials_spin)
        return SearchRequest(budget_s=self.budget_seconds(), trials=trials,
                             jobs=self.jobs_spin.value(), storage=self.storage_edit.text().strip() or None,
                             study=self.study_edit.text().strip() or None, seed=self.seed_spin.value(),
                             fixed=self.fixed())

    # ---------------------------------------------------------------- commands
    def run(self) -> bool:
        """Run search: starts from the form's settings; refused (with the reason) while training."""
        return self.session.search.start(self.request())

    def cancel(self) -> None:
        if self.session.search.running:
            self._cancelled = True
            self.session.search.cancel()
            self.state_label.setText(_("Cancelling: finishing the current epoch of each running trial…"))

    def run_refusal(self) -> str | None:
        """Why Run search can't start now, or None: the run_search action is disabled while there is
        a reason, and the disabled button shows it as its tooltip."""
        s = self.session
        reason = s.search.refusal() if s.data.loaded is not None else _("Open a CSV file first.")
        if reason is None and len(self.fixed()) == len(self.searched_checks):
            reason = _("Tick at least one setting to search.")
        return reason

    # ---------------------------------------------------------------- following the session
    def _on_new_data(self, _loaded) -> None:
        """Another file: the last search was about the previous one."""
        self.trials_model.clear()
        self.canvas.reset()
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(" ")
        self.state_label.clear()
        self.best_label.clear()

    def _on_started(self, request) -> None:
        self._started_at = time.perf_counter()
        self._budget_s = request.budget_s
        self._cancelled = False
        self.trials_model.clear()
        self.canvas.reset()
        self.best_label.clear()
        self._show_time(0.0, 0)
        self.state_label.setText(_("Starting the search… (the first trial loads PyTorch and Optuna)"))
        self._clock.start()
        self.reveal()

    def _tick(self) -> None:
        elapsed = time.perf_counter() - self._started_at
        self._show_time(elapsed, self._finished_trials())
        if self._trials_over(elapsed, running=0 if elapsed >= self._budget_s else None):
            self._say_final_run()

    def _finished_trials(self) -> int:
        return sum(1 for row in range(self.trials_model.rowCount())
                   if self.trials_model.trial(row).state != TrialState.RUNNING)

    def _show_time(self, elapsed: float, trials: int) -> None:
        budget = max(self._budget_s, 1e-9)
        self.progress_bar.setValue(min(1000, round(1000 * elapsed / budget)))
        text = ngettext("{used} of {budget} · {count} trial done", "{used} of {budget} · {count} trials done",
                        trials).format(used=duration(min(elapsed, budget)), budget=duration(budget), count=trials)
        self.progress_bar.setFormat(text.replace("%", "%%"))

    def _trials_over(self, elapsed: float, running: int | None) -> bool:
        """No trial runs and none will start: the budget is used or the trial limit reached.
        `running` None: not known (between the engine's reports)."""
        if self._cancelled or running:
            return False
        limit = self.trials_spin.value()
        return elapsed >= self._budget_s or (running == 0 and bool(limit) and self._finished_trials() >= limit)

    def _say_final_run(self) -> None:
        """After the trials, the search trains the best settings once more (on every row before the
        test split) and scores them on the test split: a while of no news deserves a word."""
        self.state_label.setText(_("The trials are over: training the best settings and your own once more and "
                                   "scoring them on the test split…"))

    def _on_progress(self, progress) -> None:
        best = progress.best
        self.trials_model.set_trials(progress.trials, best.number if best is not None else None)
        self.canvas.show_trials(progress.trials)
        self._budget_s = progress.budget_s or self._budget_s
        self._started_at = time.perf_counter() - progress.elapsed_s  # the engine's clock wins
        self._show_time(progress.elapsed_s, self._finished_trials())
        running = sum(1 for t in progress.trials if t.state == TrialState.RUNNING)
        if self._cancelled:
            return
        if self._trials_over(progress.elapsed_s, running):
            self._say_final_run()
        elif best is not None:
            self.state_label.setText(ngettext(
                "Searching: {running} trial running; best score so far {score} (trial {number}).",
                "Searching: {running} trials running; best score so far {score} (trial {number}).", running).format(
                running=running, score=score_text(best.score), number=best.number))
        else:
            self.state_label.setText(ngettext("Searching: {running} trial running.",
                                              "Searching: {running} trials running.", running).format(running=running))
        if progress.events:  # a worker process that died: the trials table alone shows only a failed trial
            self.state_label.setText(self.state_label.text() + " " + progress.events[-1])

    def _on_finished(self, result) -> None:
        self._clock.stop()
        best = best_trial(result.trials)
        self.trials_model.set_trials(result.trials, best.number if best is not None else None)
        self.canvas.show_trials(result.trials)
        self._budget_s = result.budget_s or self._budget_s
        self._show_time(result.elapsed_s, self._finished_trials())
        count = len(result.trials)
        if result.cancelled:
            text = ngettext("Cancelled after {count} trial in {duration}: the best settings so far are kept, "
                            "not scored on the test split.",
                            "Cancelled after {count} trials in {duration}: the best settings so far are kept, "
                            "not scored on the test split.", count)
        else:
            text = ngettext("Finished: {count} trial in {duration}.", "Finished: {count} trials in {duration}.",
                            count)
        self.state_label.setText(text.format(count=count, duration=duration(result.elapsed_s)))
        # the same paragraph as the terminal's, the settings named as the form names them
        self.best_label.setText("\n".join(search_lines(result, settings_summary)))
        # in a short window the form fills the view: the conclusion scrolls into it as it is laid out
        self._follow_conclusion = True
        QTimer.singleShot(1500, lambda: setattr(self, "_follow_conclusion", False))
        self._scroll.verticalScrollBar().setValue(self._scroll.verticalScrollBar().maximum())

    def _on_failed(self, message: str) -> None:
        self._clock.stop()
        self.state_label.setText(_("The search failed: {message}").format(message=message))
