"""A study that carries its whole job, and the worker that runs its trials.

Everything a worker needs lives in the study's user attributes as JSON, so `search-worker` on
any machine with the app can join with only the storage URL and the study's name: the planned
settings, the rows before the test split (the only rows a trial may read), the search space,
the deadline as a UTC timestamp and the trial limit. Everything stored is JSON text.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import optuna
import pandas as pd
from optuna.distributions import BaseDistribution
from optuna.trial import TrialState

from core.errors import ConfigError, DataError, ForecasterError
from core.i18n import _
from core.search import job_record, pruning
from core.search.records import (
    DIVERGED,
    OUT_OF_BUDGET,
    OUT_OF_TIME,
    PRUNED,
    REFUSED,
    STOPPED,
    TRIAL_LIMIT,
    trial_reason,
)
from core.search.space import contains, space_from_json, space_to_json, suggest
from core.search.storage import SearchError, open_storage, shown_url
from core.settings.config import ForecastConfig

FORMAT = 1  # of the job in the user attributes; a newer one is refused
KEY = "lstmf"  # the study's user attribute holding the job (JSON text)
STOP_KEY = "lstmf_stop"  # set to true to stop every worker at its next epoch
STOP_POLL_S = 1.0  # how often a worker asks the storage whether to stop
# REASON holds a code of core.search.records (worded when read); REASON_DETAIL its epoch or refusal text
REASON, REASON_DETAIL, WORKER, SKIPPED = "reason", "reason_detail", "worker", "skipped"
# the trial holding the user's own settings (enqueued first: trial 0), and those of its searched
# settings a trial can't be given through Optuna (outside the space): it keeps them as they are
BASELINE, KEPT = "baseline", "kept"


@dataclass
class Job:
    settings: ForecastConfig  # planned: window, horizon and season set; no date column
    train_end: int  # rows [0, train_end) train, [train_end, len(rows)) validate
    rows: pd.DataFrame  # the rows before the test split, input columns only
    space: dict[str, BaseDistribution]
    deadline_utc: float  # time.time() after which no epoch starts
    trials: int | None
    seed: int
    # the user's own value of every searched setting ("auto" resolved as the run would); not
    # stored in the study: it becomes the enqueued first trial
    baseline: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "settings": self.settings.to_dict(), "train_end": self.train_end,
            "columns": {name: self.rows[name].astype(float).tolist() for name in self.rows.columns},
            "space": space_to_json(self.space), "deadline_utc": self.deadline_utc, "trials": self.trials,
            "seed": self.seed})

    @classmethod
    def from_json(cls, text: str) -> Job:
        """The job, after checking every field (core.search.job_record): SearchError, never a crash."""
        data = job_record.parse(text)
        if data.get("format", FORMAT) > FORMAT:
            raise SearchError(_("This study was made by a newer version of the app; update it to join."))
        settings = job_record.checked(lambda: ForecastConfig.from_dict(data["settings"]), "settings")
        columns = job_record.columns(data, tuple(settings.input_columns))
        space = job_record.space(job_record.checked(lambda: space_from_json(data["space"]), "space"))
        rows = pd.DataFrame(columns, dtype=float)
        return cls(settings, data["train_end"], rows, space, float(data["deadline_utc"]), data["trials"],
                   data["seed"])

    def monotonic_deadline(self) -> float:
        """The deadline on this machine's monotonic clock (trials compare against it every epoch)."""
        return time.monotonic() + (self.deadline_utc - time.time())


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def publish(storage_url: str, study_name: str, job: Job):
    """Creates the study holding `job`; SearchError when a study of that name exists already."""
    storage = open_storage(storage_url)
    try:
        study = optuna.create_study(storage=storage, study_name=study_name, direction="minimize")
    except optuna.exceptions.DuplicatedStudyError:
        raise SearchError(_("A study named {study!r} already exists in {url}; choose another name, or join it "
                            "with search-worker.").format(study=study_name, url=shown_url(storage_url))) from None
    study.set_user_attr(KEY, job.to_json())
    study.set_user_attr(STOP_KEY, False)
    return study


def load(storage_url: str, study_name: str, sampler=None) -> tuple[optuna.Study, Job]:
    storage = open_storage(storage_url)
    try:
        study = optuna.load_study(study_name=study_name, storage=storage, sampler=sampler,
                                  pruner=pruning.make_pruner())
    except KeyError:
        raise SearchError(_("There is no study named {study!r} in {url}.").format(
            study=study_name, url=shown_url(storage_url))) from None
    text = study.user_attrs.get(KEY)
    if not isinstance(text, str):
        raise SearchError(_("The study {study!r} was not made by this app's search.").format(study=study_name))
    return study, Job.from_json(text)


def enqueue_baseline(study: optuna.Study, job: Job) -> None:
    """Puts the user's own settings first in the queue: whichever worker asks first runs them as
    trial 0, on the same validation rows as every other trial. Values outside the space are kept
    as the settings have them (the trial does not draw them)."""
    if not job.baseline:
        return
    params = {name: value for name, value in job.baseline.items() if contains(job.space[name], value)}
    kept = {name: value for name, value in job.baseline.items() if name not in params}
    study.enqueue_trial(params, user_attrs={BASELINE: True, KEPT: kept})


def request_stop(study: optuna.Study) -> None:
    study.set_user_attr(STOP_KEY, True)


def _units(config: ForecastConfig) -> str:
    return f"{config.scaler}/{config.loss}/{config.transform}/{config.target_mode}"


class _StopWatch:
    """Asks the storage at most every STOP_POLL_S whether the study was told to stop."""

    def __init__(self, study: optuna.Study, cancel: threading.Event) -> None:
        self.study, self.cancel, self.checked = study, cancel, 0.0

    def poll(self) -> bool:
        now = time.monotonic()
        if not self.cancel.is_set() and now - self.checked >= STOP_POLL_S:
            self.checked = now
            if self.study.user_attrs.get(STOP_KEY):
                self.cancel.set()
        return self.cancel.is_set()


def _skip(trial: optuna.Trial, why: str) -> None:
    """Ends a trial that never trained (over the limit, past the deadline, stopped): not a result."""
    trial.set_user_attr(SKIPPED, True)
    trial.set_user_attr(REASON, why)
    trial.study.stop()
    raise optuna.TrialPruned(why)


def _refused(trial: optuna.Trial, exc: ForecasterError) -> None:
    """Settings a trial could not run: the refusal is a whole sentence, kept as the worker worded it."""
    trial.set_user_attr(REASON, REFUSED)
    trial.set_user_attr(REASON_DETAIL, str(exc))


def objective(trial: optuna.Trial, job: Job, cancel: threading.Event, watch: _StopWatch, threads: int | None,
              on_epoch: Callable[[], None] | None = None) -> float:
    """Trains one trial's settings on the training rows and returns its validation RMSE."""
    from core.model import training
    from core.pipeline import validation_score

    trial.set_user_attr(WORKER, worker_name())
    if job.trials is not None and trial.number >= job.trials:
        _skip(trial, TRIAL_LIMIT)
    deadline = job.monotonic_deadline()
    if time.monotonic() >= deadline:
        _skip(trial, OUT_OF_BUDGET)
    if watch.poll():
        _skip(trial, STOPPED)
    baseline = bool(trial.user_attrs.get(BASELINE))
    kept = dict(trial.user_attrs.get(KEPT) or {}) if baseline else {}
    values = suggest(trial, {name: d for name, d in job.space.items() if name not in kept}) | kept
    try:
        config = job.settings.replace(**values, **({"threads": threads} if threads else {}))
    except ConfigError as exc:
        _refused(trial, exc)
        raise
    trial.set_user_attr(UNITS_KEY, _units(config))

    def report(p) -> None:
        if on_epoch is not None:
            on_epoch()
        watch.poll()  # a stop sets `cancel`; training then stops at its next batch
        if p.val_loss is not None and math.isfinite(p.val_loss):
            trial.report(p.val_loss, p.step)
            if not baseline and trial.should_prune():  # the user's own settings are always scored
                trial.set_user_attr(REASON, PRUNED)
                trial.set_user_attr(REASON_DETAIL, p.step)
                raise optuna.TrialPruned()

    try:
        score = validation_score(job.rows, config, job.train_end, report, cancel, deadline)
    except (ConfigError, DataError) as exc:
        _refused(trial, exc)
        raise
    statuses = {h.status for h in score.histories}
    if training.OUT_OF_TIME in statuses:
        trial.set_user_attr(REASON, OUT_OF_TIME)
        raise optuna.TrialPruned()
    if training.CANCELLED in statuses:
        trial.set_user_attr(REASON, STOPPED)
        trial.study.stop()
        raise optuna.TrialPruned()
    if not math.isfinite(score.rmse):
        trial.set_user_attr(REASON, DIVERGED)
        raise ConfigError(trial_reason(DIVERGED) or "")
    return score.rmse


UNITS_KEY = pruning.UNITS_KEY


def join_study(storage: str, study: str, progress: Callable[[], None] | None = None,
               cancel: threading.Event | None = None, *, threads: int | None = 1,
               sampler_seed: int | None = None) -> int:
    """Runs trials of a published study until its deadline, trial limit or stop; returns how many it ran.

    What `search-worker` runs on any machine. `threads`: torch threads per trial (1 where several
    workers share a machine; None keeps the planned count). `progress` is called after every epoch
    and trial (for a caller that shows the study). `sampler_seed` None: a random one (workers on
    other machines must not draw the same settings).
    """
    # torch and scikit-learn load before the first trial's clock starts
    for module in ("core.evaluation.baselines", "core.model.training"):
        importlib.import_module(module)

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    the_study, job = load(storage, study, optuna.samplers.TPESampler(seed=sampler_seed))
    cancel = cancel or threading.Event()
    watch = _StopWatch(the_study, cancel)
    remaining = job.deadline_utc - time.time()
    if remaining <= 0 or watch.poll():
        return 0
    ran = 0

    def after_trial(s: optuna.Study, t) -> None:
        nonlocal ran
        if not t.user_attrs.get(SKIPPED):
            ran += 1
        if progress is not None:
            progress()
        if watch.poll() or time.time() >= job.deadline_utc:
            s.stop()

    the_study.optimize(lambda t: objective(t, job, cancel, watch, threads, progress), timeout=remaining,
                       callbacks=[after_trial], catch=(ForecasterError,), gc_after_trial=False)
    return ran


def finished(state: TrialState) -> bool:
    return state in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
