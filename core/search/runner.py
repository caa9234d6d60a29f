"""`run_search`: plan once, publish the study, run its trials (here or in worker processes), then
score the best settings, and the user's own, once on the test split."""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import socket
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from optuna.distributions import CategoricalDistribution
from optuna.trial import TrialState

from core.errors import ForecasterError
from core.i18n import _, language, ngettext, set_language
from core.search.records import (
    STOPPED,
    WORKER_DIED,
    SearchProgress,
    SearchRequest,
    SearchResult,
    TrialRecord,
    trial_reason,
)
from core.search.space import contains, describe_space, search_space
from core.search.storage import SearchError, journal_url, shown_url
from core.search.study import (
    BASELINE,
    KEPT,
    REASON,
    REASON_DETAIL,
    SKIPPED,
    WORKER,
    Job,
    enqueue_baseline,
    join_study,
    publish,
    request_stop,
)
from core.settings.config import ForecastConfig
from core.settings.table import validate_declared

POLL_S = 0.5  # how often the parent reads the study to report progress
# a worker process: the interpreter, torch and one small trial's training (300-500 MB measured)
WORKER_BYTES = 400 << 20
STOP_WAIT_S = 15.0  # after a cancel, how long workers get to stop at their next epoch before termination


def trial_records(study, stopped_workers: frozenset[str] = frozenset()) -> list[TrialRecord]:
    """The study's trials as records, in order; skipped ones (never trained) left out. A trial
    still RUNNING on a worker that was stopped is reported as FAIL."""
    now = dt.datetime.now()
    out = []
    for t in study.get_trials(deepcopy=False):
        if t.user_attrs.get(SKIPPED) or t.state == TrialState.WAITING:
            continue
        state, code, detail = t.state.name, t.user_attrs.get(REASON), t.user_attrs.get(REASON_DETAIL)
        worker = t.user_attrs.get(WORKER)
        if t.state == TrialState.RUNNING and worker in stopped_workers:
            state, code = "FAIL", STOPPED
        end = t.datetime_complete or now
        seconds = (end - t.datetime_start).total_seconds() if t.datetime_start else 0.0
        score = t.value if t.state == TrialState.COMPLETE else None
        baseline = bool(t.user_attrs.get(BASELINE))
        settings = dict(t.params) | (dict(t.user_attrs.get(KEPT) or {}) if baseline else {})
        out.append(TrialRecord(t.number, settings, score, state, max(0.0, seconds), trial_reason(code, detail), worker,
                               baseline, reason_code=code))
    return out


def own_trial(records: list[TrialRecord]) -> TrialRecord | None:
    """The trial of the user's own settings: the scored one where a worker died running the first
    and they were queued again (worker_died), else the first."""
    own = [r for r in records if r.baseline]
    return next((r for r in own if r.state == "COMPLETE"), own[0] if own else None)


def best_of(records: list[TrialRecord]) -> TrialRecord | None:
    complete = [r for r in records if r.state == "COMPLETE" and r.score is not None and math.isfinite(r.score)]
    return min(complete, key=lambda r: (r.score, r.number)) if complete else None


def _check(request: SearchRequest) -> None:
    """The request's declared ranges (core/settings/requests.py), refused as a SearchError."""
    validate_declared(request, error=SearchError)
    check_workers(request.jobs)


def check_workers(jobs: int, cores: int | None = None, available: int | None = None) -> None:
    """Refuses more worker processes than the cores can run or the memory can hold, before any
    starts: each process's own memory check can't see the others, and on 2 cores 16 workers
    spent a 30 s budget starting up without one trial (issue 27 N9)."""
    from core.model.memory import REFUSE_SHARE, available_memory_bytes, size_text
    from core.runtime import available_cores

    if jobs <= 1:
        return
    cores = cores or available_cores()
    if jobs > cores:
        raise SearchError(ngettext(
            "{jobs} worker processes on {cores} core would only wait for each other (each trains on one core); "
            "use at most {cores}.",
            "{jobs} worker processes on {cores} cores would only wait for each other (each trains on one core); "
            "use at most {cores}.", cores).format(jobs=jobs, cores=cores))
    free = available_memory_bytes() if available is None else available
    if free is not None and jobs * WORKER_BYTES > REFUSE_SHARE * free:
        most = int(REFUSE_SHARE * free // WORKER_BYTES)
        raise SearchError(_("{jobs} worker processes need about {need} of memory and {free} is available; use at "
                            "most {most} (0 runs the trials in this process).").format(
            jobs=jobs, need=size_text(jobs * WORKER_BYTES), free=size_text(free), most=most))


def prepare(frame: pd.DataFrame, config: ForecastConfig, request: SearchRequest) -> Job:
    """Plans the user's split once and packs what trials need: only rows before the test split."""
    from core.pipeline import log_fits, plan_run, seasonal_fits

    _check(request)
    plan = plan_run(frame, config)
    bounds, planned = plan.bounds, plan.config
    if bounds.val_end == bounds.train_end:
        raise SearchError(_("A search scores settings on the validation split, and these settings leave no "
                            "validation rows: set a validation fraction above 0."))
    settings = config.replace(window=planned.window, horizon=planned.horizon, season=planned.season,
                              threads=planned.threads, ensemble=planned.ensemble, batch_size=planned.batch_size,
                              date_column=None)
    rows = frame.iloc[:bounds.val_end][planned.input_columns].reset_index(drop=True)
    space = search_space(config, request.fixed, max_window=bounds.train_end - planned.horizon - 1)
    # values these data rule out are not searched: each would only fail
    if "transform" in space and not log_fits(rows[planned.target].to_numpy(dtype=float)):
        del space["transform"]
        settings = settings.replace(transform="none")
    mode = space.get("target_mode")  # (the window is searched too: whether the season fits in it varies)
    if isinstance(mode, CategoricalDistribution) and not seasonal_fits(planned.season):
        space["target_mode"] = CategoricalDistribution(tuple(v for v in mode.choices if v != "seasonal"))
    job = Job(settings, bounds.train_end, rows, space, time.time() + request.budget_s, request.trials, request.seed)
    job.baseline = own_values(planned, settings, space)
    return job


def own_values(planned: ForecastConfig, settings: ForecastConfig, space: dict) -> dict:
    """The user's own value of every searched setting: as the planned run has it ("auto" window,
    target mode and transform resolved as plan_run resolves them), else as the settings have it."""
    values = {}
    for name in space:
        value = getattr(planned, name)
        values[name] = value if contains(space[name], value) else getattr(settings, name)
    return values


def _import_training() -> None:
    import core.evaluation.baselines
    import core.model.network
    import core.model.training  # noqa: F401


def follow_parent(parent: int, poll_s: float = 1.0) -> None:
    """Ends this process once `parent` (a pid taken before it started: it may die while this one
    starts up) is no longer its parent. `daemon=True` stops workers only
    when the search exits normally: a killed search left them training (and writing trials nobody
    reads) until the budget ended, hours for a long one (issue 27 N10)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os._exit(1)  # its RUNNING trial is marked failed by the study's heartbeat

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def _worker_main(storage: str, study: str, seed: int, lang: str, parent: int) -> None:
    """A worker process on this machine: one torch thread, its own sampler seed."""
    import signal

    import torch

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the parent stops us
    follow_parent(parent)
    torch.set_num_threads(1)
    set_language(lang)
    try:
        join_study(storage, study, threads=1, sampler_seed=seed)
    except ForecasterError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        sys.exit(2)
    except Exception:  # a bug: the traceback goes to the log, not the terminal
        from core.files import log_dir, private

        try:
            with open(log_dir() / "search-worker.log", "a", encoding="utf-8", opener=private) as handle:
                handle.write(f"--- {dt.datetime.now().isoformat()} pid {multiprocessing.current_process().pid}\n")
                handle.write(traceback.format_exc())
        except OSError:
            pass
        sys.exit(1)


def run_search(frame: pd.DataFrame, config: ForecastConfig, request: SearchRequest,
               progress: Callable[[SearchProgress], None] | None = None,
               cancel: threading.Event | None = None) -> SearchResult:
    """Tunes the searchable settings of `config` on the validation split within `request.budget_s`.

    Trials train on the training rows and are scored (RMSE, target units) on the validation rows;
    they never see a test row. The best settings are then run once with `run_experiment` on the
    whole table and their test metrics reported, and so are the user's own settings (trial 0)
    unless they were the best: the verdict (SearchResult.verdict) is decided on the test split.
    `progress` gets the trials table about twice a second; `cancel` stops every worker at its next
    epoch (and the final runs are skipped).
    """
    from core.pipeline import run_experiment

    _import_training()  # seconds on a busy machine: not the budget's to pay
    started = time.monotonic()
    cancel = cancel or threading.Event()
    job = prepare(frame, config, request)
    # one machine: worker processes share a journal file (Optuna's advice; SQLite locks up with several)
    storage = request.storage or journal_url(Path(tempfile.mkdtemp(prefix="lstmf-search-")) / "search.journal")
    name = request.study or f"search-{dt.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    study = publish(storage, name, job)
    enqueue_baseline(study, job)  # trial 0: the user's own settings, scored like every other trial
    last_emit = [0.0]
    events: list[str] = []  # said with the next progress report (a worker that died)

    def emit(force: bool = False, stopped: frozenset[str] = frozenset()) -> list[TrialRecord]:
        now = time.monotonic()
        if progress is None or (not force and now - last_emit[0] < POLL_S):
            return []
        last_emit[0] = now
        records = trial_records(study, stopped)
        progress(SearchProgress(tuple(records), now - started, request.budget_s, best_of(records), tuple(events)))
        return records

    stopped: frozenset[str] = frozenset()
    if request.jobs == 0:
        join_study(storage, name, progress=emit, cancel=cancel, threads=None, sampler_seed=request.seed)
        if cancel.is_set():
            request_stop(study)  # workers elsewhere stop too
    else:
        stopped = _run_workers(storage, name, request, study, cancel, emit, job, events)
    search_s = time.monotonic() - started
    records = trial_records(study, stopped)
    emit(force=True, stopped=stopped)
    best = best_of(records)
    common = dict(trials=records, budget_s=request.budget_s, elapsed_s=search_s, study=name,
                  storage=shown_url(storage), seed=request.seed, space=describe_space(job.space),
                  baseline=own_trial(records))
    if best is None:
        if cancel.is_set():
            return SearchResult({}, config, math.nan, {}, cancelled=True, **common)
        raise SearchError(_no_result_message(records, request.budget_s))
    common["best_number"] = best.number
    best_settings, best_config = best.settings, config.replace(**best.settings)
    if best.baseline:  # none beat the user's own settings: the best are theirs as asked, "auto" and all
        best_settings, best_config = {name: getattr(config, name) for name in best.settings}, config
    if cancel.is_set():
        return SearchResult(best_settings, best_config, best.score, {}, cancelled=True, **common)
    experiment = run_experiment(frame, best_config, cancel=cancel)
    metrics = experiment.test_metrics
    test = dict(metrics.get("model", {})) | {"baselines": {k: v for k, v in metrics.items() if k != "model"}}
    own_test = {} if best.baseline else own_test_scores(frame, config, cancel)
    return SearchResult(best_settings, best_config, best.score, test, experiment=experiment,
                        cancelled=cancel.is_set(), own_test=own_test, **common)


def own_test_scores(frame: pd.DataFrame, config: ForecastConfig, cancel: threading.Event) -> dict:
    """The user's own settings trained as the best were and scored on the same test split: the
    search's conclusion is decided there ({} when cancelled or refused). No refit: the scores
    come from the model that never saw the test rows either way."""
    from core.pipeline import run_experiment

    if cancel.is_set():
        return {}
    try:
        own = run_experiment(frame, config.replace(refit=False), cancel=cancel)
    except ForecasterError:  # settings trial 0 could not run either (its reason is in the trials)
        return {}
    return {} if cancel.is_set() else dict(own.test_metrics.get("model", {}))


def _no_result_message(records: list[TrialRecord], budget_s: float) -> str:
    reasons = [r.reason for r in records if r.reason]
    if not records:
        return _("No trial could start within the time budget of {budget:g} s; give the search more time.").format(
            budget=budget_s)
    return _("None of the {count} trials finished within the time budget of {budget:g} s; give the search more "
             "time or fewer epochs. First problem: {reason}").format(
        count=len(records), budget=budget_s, reason=reasons[0] if reasons else _("none recorded"))


def worker_died(study, job: Job, worker: str, exitcode: int, *, others: bool) -> str:
    """Marks the trials `worker` left RUNNING as failed with the reason (the heartbeat would mark
    them FAIL later, without one), queues the user's own settings again when their trial was lost
    and another worker can run it, and returns the sentence that says so."""
    lost_baseline = False
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        if t.user_attrs.get(WORKER) != worker:
            continue
        try:
            study._storage.set_trial_user_attr(t._trial_id, REASON, WORKER_DIED)
            study._storage.set_trial_state_values(t._trial_id, TrialState.FAIL)
        except (RuntimeError, ValueError):  # the heartbeat got there first: it is finished already
            continue
        lost_baseline = lost_baseline or bool(t.user_attrs.get(BASELINE))
    if lost_baseline and others:
        enqueue_baseline(study, job)
    killed = exitcode < 0
    return (_("Search worker {worker} was killed (signal {signal}); its trial is marked failed.").format(
        worker=worker, signal=-exitcode) if killed else
        _("Search worker {worker} stopped with exit code {code}; its trial is marked failed.").format(
            worker=worker, code=exitcode))


def _run_workers(storage: str, name: str, request: SearchRequest, study, cancel: threading.Event,
                 emit: Callable[..., list], job: Job, events: list[str]) -> frozenset[str]:
    """Starts request.jobs worker processes on the shared study and waits for them; returns the
    names of workers that had to be terminated. A worker that dies is said in `events`."""
    context = multiprocessing.get_context("spawn")  # no fork: torch's threads and locks don't survive it
    workers = [context.Process(target=_worker_main, args=(storage, name, request.seed + index, language(), os.getpid()),
                               name=f"search-worker-{index}", daemon=True) for index in range(request.jobs)]
    for worker in workers:
        worker.start()
    host = socket.gethostname()
    stop_by: float | None = None
    terminated: set[str] = set()
    mourned: set[str] = set()

    def mourn() -> None:
        for worker in workers:
            who = f"{host}:{worker.pid}"
            if who not in mourned | terminated and worker.exitcode not in (0, None):
                mourned.add(who)
                events.append(worker_died(study, job, who, worker.exitcode,
                                          others=any(w.is_alive() for w in workers)))

    while any(w.is_alive() for w in workers):
        mourn()
        if cancel.is_set() and stop_by is None:
            request_stop(study)  # every worker, here or elsewhere, stops at its next epoch
            stop_by = time.monotonic() + STOP_WAIT_S
        if stop_by is not None and time.monotonic() > stop_by:
            for worker in workers:
                if worker.is_alive():  # the last resort: a worker stuck in one long epoch
                    worker.terminate()
                    terminated.add(f"{host}:{worker.pid}")
            break
        emit()
        cancel.wait(POLL_S) if stop_by is None else time.sleep(POLL_S)
    for worker in workers:
        worker.join(timeout=10)
    mourn()
    failed = [w for w in workers if w.exitcode not in (0, None) and f"{host}:{w.pid}" not in terminated]
    if failed and len(failed) == len(workers) and best_of(trial_records(study)) is None:
        from core.files import log_dir

        raise SearchError(_("Every search worker failed (exit codes {codes}); see {log}.").format(
            codes=", ".join(str(w.exitcode) for w in failed), log=log_dir() / "search-worker.log"))
    return frozenset(terminated)
