"""Training as a job: the current plan's config trained in the background, then shown."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from core.errors import ForecasterError
from core.i18n import N_, _, ngettext
from core.outputs.summary import run_description, run_finished_line
from core.pipeline import ExperimentResult
from core.runtime import default_threads
from core.vocabulary import STATUS_WORDS, Status
from gui.jobs import Job
from gui.session.channel import JobChannel
from gui.session.shown import OpenedModel

if TYPE_CHECKING:
    from gui.session import Session


class TrainingChannel(JobChannel):
    """`started` brings the ForecastConfig resolved by the plan, `progress` an EpochProgress per
    epoch, `finished` the ExperimentResult (completed, stopped early, cancelled or diverged)."""

    job = Job.TRAIN
    failure_title = N_("Training failed")
    failure_note = N_("Training failed.")

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.seconds = 0.0  # of the current or last run
        self.engine_loading = False  # the current run loads torch first (no warm-up finished)
        self._started = 0.0
        self._search: dict | None = None  # the search record of the run being trained
        self.config = None  # the ForecastConfig of the current or last run, as asked (its networks)
        # while `started` is emitted for a continued run: the history it continues (the loss chart keeps it)
        self.continued = None

    def can_start(self) -> bool:
        return self.session.settings.plan is not None and self.refusal() is None

    def start(self) -> bool:
        """Trains with the current plan in the background; `finished` or `failed` follows. False if
        there is no plan or a job refuses it."""
        s = self.session
        if self.refused() or not s.settings.replan():
            return False
        config, frame = s.settings.plan.config, s.data.loaded.frame
        source_info = s.data.loaded.source_info(s.data.source_path)

        loading = not s.engine_loaded()

        def work(progress, cancel):
            if loading:
                # Train before the window's warm-up finished (or without one): load torch as the
                # warm-up does, its libraries with the GIL released and no garbage collections
                # meanwhile, or the import stalls the window for 0.4-0.6 s (bench/bench_ui.py)
                from core.warmup import warm_up

                warm_up(config.threads or default_threads())
            from core.pipeline import run_experiment  # torch loads here, on the worker thread

            return run_experiment(frame, config, progress, cancel, source_info)

        self.engine_loading = loading
        if not self.run(work, _("Training…")):
            return False
        self._started = time.perf_counter()
        self.seconds = 0.0
        self._search = s.settings.search_record()
        self.config = config
        self.started.emit(config)
        return True

    def can_train_more(self) -> bool:
        """After a run ends: its networks (the shown trained model, or a model opened from a file that
        kept its training state, on the table it was trained on) may train more."""
        from core.pipeline.more import can_train_more

        result = self.session.models.result
        if self.session.data.loaded is None or self.refusal() is not None:
            return False
        if result is not None:
            return can_train_more(result)
        return self._opened() is not None and self.more_refusal() is None

    def _opened(self) -> OpenedModel | None:
        """The model opened from a file whose output the Results tab shows, if that is what it shows."""
        reported = self.session.models.reported
        return reported if isinstance(reported, OpenedModel) and self.session.shown is not None else None

    def more_refusal(self) -> str | None:
        """Why the opened model shown can't train more here (Train more's tooltip); None otherwise."""
        opened = self._opened()
        if opened is None or self.session.models.result is not None:
            return None
        from core.model.bundle.archive import TRAINING_FILE
        from core.pipeline.more import resume_refusal

        loaded = self.session.data.loaded
        return resume_refusal(opened.bundle.meta, None if loaded is None else loaded.frame.columns,
                              TRAINING_FILE in (opened.members or {}))

    def start_more(self, more: int) -> bool:
        """Trains the shown model's networks `more` epochs further in the background, from their best
        weights and optimizer state, on the same split and scalers; `finished` brings the new result.
        An opened model's networks and state are read from its file (as the CLI's `train --resume`)."""
        from core.pipeline.more import saved_history

        s = self.session
        if self.refused() or not self.can_train_more():
            return False
        previous, frame = s.models.result, s.data.loaded.frame
        opened = self._opened() if previous is None else None
        source_info = s.data.loaded.source_info(s.data.source_path)

        def work(progress, cancel):
            from core.pipeline.more import continue_experiment, saved_networks

            networks = previous if previous is not None else saved_networks(frame, opened.path)
            return continue_experiment(frame, networks, more, progress, cancel, source_info)

        if not self.run(work, ngettext("Training {count} more epoch…", "Training {count} more epochs…", more).format(
                count=more)):
            return False
        self._started = time.perf_counter()
        self.seconds = 0.0
        self._search = s.models.result_search if previous is not None else opened.bundle.meta.get("search")
        self.continued = previous.history if previous is not None else saved_history(opened.bundle.meta)
        config = (previous or opened.bundle).config
        self.config = config.replace(epochs=config.epochs + more)
        self.started.emit(self.config)
        self.continued = None
        return True

    def finished_text(self, result: ExperimentResult) -> str:
        """How the last run ended, with what a cancel kept of the networks asked for."""
        asked = self.config.ensemble if self.config is not None else result.config.ensemble
        return run_finished_line(result, self.seconds, asked)

    def report(self, value: object) -> None:
        self.seconds = time.perf_counter() - self._started
        super().report(value)

    def done(self, result: ExperimentResult) -> None:
        self.seconds = time.perf_counter() - self._started
        name = self.session.data.file_name()
        self.session.models.show_experiment(result, run_description(result, name), self._search)
        status = Status.CANCELLED if result.cancelled else result.history.status
        self.session.status.emit(_(STATUS_WORDS[status]) if status in STATUS_WORDS else status, 5000)
        if status == Status.DIVERGED:
            self.session.problem.emit(_("Training diverged"), ForecasterError(result.history.message), "")
        super().done(result)
