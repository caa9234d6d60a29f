"""What a search is asked for, what it reports while running, and what it returns."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.evaluation.search_verdict import SearchVerdict, decide
from core.files import atomic_write_bytes, write_json
from core.i18n import N_, _
from core.outputs.summary import baseline_sentence  # noqa: F401 (said by both faces; kept here for importers)
from core.settings.config import ForecastConfig
from core.settings.requests import SearchRequest as SearchRequest  # declared with the settings; named here too
from core.vocabulary import TrialState

STATES = tuple(TrialState)
TRIAL_COLUMNS = ["number", "state", "score", "seconds", "worker", "reason"]  # search.csv, then each setting

# Why a trial ended without a score, as the study stores it: a code in no language (workers on
# other machines may speak another), plus a detail (an epoch, or a refusal already in words).
# Worded by `trial_reason` when the trials are read for a table, a tooltip, search.csv or the CLI.
TRIAL_LIMIT, OUT_OF_BUDGET, STOPPED, PRUNED, OUT_OF_TIME, DIVERGED, REFUSED, WORKER_DIED = (
    "trial_limit", "out_of_budget", "stopped", "pruned", "out_of_time", "diverged", "refused", "worker_died")
_REASON_WORDS = {
    TRIAL_LIMIT: N_("the trial limit was reached"),
    OUT_OF_BUDGET: N_("the time budget was used up"),
    STOPPED: N_("the search was stopped"),
    PRUNED: N_("pruned: worse than the median of comparable trials at epoch {epoch}"),
    OUT_OF_TIME: N_("out of time: the budget ended during training"),
    DIVERGED: N_("the validation score is not a number (the network diverged)"),
    WORKER_DIED: N_("the worker process running it died"),
}


def trial_reason(code: str | None, detail: Any = None) -> str | None:
    """A trial's reason in the current language. A refusal's detail is its message as the worker
    worded it; anything that is no code (a study of an older version stored text) is shown as it is."""
    if code == REFUSED:
        return str(detail) if detail is not None else None
    if code not in _REASON_WORDS:
        return code
    return _(_REASON_WORDS[code]).format(epoch=detail)


@dataclass
class TrialRecord:
    number: int
    settings: dict[str, Any]  # the searched settings this trial tried
    score: float | None  # validation RMSE in the target's units; None unless COMPLETE
    state: str  # one of STATES
    seconds: float
    reason: str | None = None  # why a trial was pruned or failed, in words (trial_reason)
    worker: str | None = None  # host:pid of the process that ran it
    baseline: bool = False  # this trial ran the user's own settings (the form's, or the command line's)
    reason_code: str | None = None  # the reason as the study stores it: a code (or an old study's text)

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "settings": self.settings, "score": self.score, "state": self.state,
                "seconds": round(self.seconds, 3), "reason": self.reason, "reason_code": self.reason_code,
                "worker": self.worker, "baseline": self.baseline}


@dataclass(frozen=True)
class SearchProgress:
    trials: tuple[TrialRecord, ...]
    elapsed_s: float
    budget_s: float
    best: TrialRecord | None
    # what happened to the search itself, in words, oldest first (a worker process that died)
    events: tuple[str, ...] = ()

    @property
    def remaining_s(self) -> float:
        return max(0.0, self.budget_s - self.elapsed_s)


@dataclass
class SearchResult:
    best_settings: dict[str, Any]  # the searched settings of the best trial (the user's own as asked, when theirs)
    best_config: ForecastConfig  # the configuration with them applied ("Use these settings")
    validation_score: float  # the best trial's validation RMSE
    test: dict[str, Any]  # the best settings' final run on the test split: model metrics (+ "baselines")
    trials: list[TrialRecord]
    budget_s: float
    elapsed_s: float
    study: str
    storage: str  # the URL with any password hidden
    seed: int = 0
    experiment: Any = None  # core.pipeline.ExperimentResult of the final run; None when cancelled
    cancelled: bool = False
    space: dict[str, Any] = field(default_factory=dict)  # setting -> its searched range, as JSON
    best_number: int | None = None  # the best trial's number
    baseline: TrialRecord | None = None  # the trial that ran the user's own settings (None: not run)
    # the user's own settings run once as the best were and scored on the same test split: model
    # metrics ({} when not scored: cancelled, or refused); the best run's own when they were the best
    own_test: dict[str, Any] = field(default_factory=dict)

    @property
    def baseline_is_best(self) -> bool:
        """No trial beat the user's own settings on validation: the best settings are theirs."""
        return self.baseline is not None and self.best_number is not None and self.best_number == self.baseline.number

    @property
    def baseline_score(self) -> float | None:
        return self.baseline.score if self.baseline is not None else None

    @property
    def verdict(self) -> SearchVerdict:
        """The search's conclusion on the test split: the best settings against the user's own and
        the best baseline there (core.evaluation.search_verdict)."""
        config = self.experiment.config if self.experiment is not None else self.best_config
        own_test = self.test if self.baseline_is_best else self.own_test
        return decide(self.test, own_test, self.baseline_is_best, seasonal=bool(config.season),
                      own_number=self.baseline.number if self.baseline is not None else None,
                      best_number=self.best_number)

    def to_dict(self) -> dict[str, Any]:
        """What `search.json` holds."""
        baseline = None if self.baseline is None else {
            "number": self.baseline.number, "settings": self.baseline.settings, "score": self.baseline.score,
            "test": self.test if self.baseline_is_best else self.own_test}
        return {
            "best": {"settings": self.best_settings, "validation_score": self.validation_score,
                     "test": self.test, "config": self.best_config.to_dict(), "trial": self.best_number,
                     "baseline": self.baseline_is_best},
            "baseline": baseline,
            "verdict": self.verdict.to_dict(),
            "trials": [t.to_dict() for t in self.trials],
            "budget_s": self.budget_s,
            "elapsed_s": round(self.elapsed_s, 3),
            "study": self.study,
            "storage": self.storage,
            "seed": self.seed,
            "cancelled": self.cancelled,
            "space": self.space,
        }

    def csv_bytes(self) -> bytes:
        """What `search.csv` holds: one row per trial (TRIAL_COLUMNS, then each searched setting)."""
        import pandas as pd

        names = [name for name in self.space if any(name in t.settings for t in self.trials)]
        rows = [{**{c: t.to_dict()[c] for c in TRIAL_COLUMNS}, **{n: t.settings.get(n) for n in names}}
                for t in self.trials]
        return pd.DataFrame(rows, columns=TRIAL_COLUMNS + names).to_csv(index=False).encode("utf-8")

    def provenance(self) -> dict[str, Any]:
        """What a model trained with these settings records of the search (bundle meta "search")."""
        from core.search.storage import without_password

        return {"study": self.study, "storage": without_password(self.storage), "budget_s": self.budget_s,
                "elapsed_s": round(self.elapsed_s, 3), "trials": len(self.trials), "best_trial": self.best_number,
                "validation_score": _number(self.validation_score), "baseline_score": _number(self.baseline_score),
                "baseline_best": self.baseline_is_best}


def _number(value: float | None) -> float | None:
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None


def write_search(result: SearchResult, json_path: str | Path | None, csv_path: str | Path | None,
                 extra: dict[str, Any] | None = None) -> None:
    """search.json and/or search.csv, each written atomically (both faces use this). With both,
    search.json records search.csv's SHA-256 and `extra` (the run id, which the model.lstmf saved
    beside them records too; the import notes): files of different searches side by side can be
    told apart."""
    data = result.to_dict()
    if csv_path is not None:
        table = result.csv_bytes()
        atomic_write_bytes(csv_path, table)
        data["csv_sha256"] = hashlib.sha256(table).hexdigest()
    data.update(extra or {})
    if json_path is not None:
        write_json(json_path, data)
