"""What a search is asked for, what it reports while running, and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.settings.config import ForecastConfig

STATES = ("COMPLETE", "PRUNED", "FAIL", "RUNNING")


@dataclass(frozen=True)
class SearchRequest:
    budget_s: float  # honoured hard: no epoch of any trial starts after the deadline
    trials: int | None = None  # at most this many trials (None: until the budget runs out)
    jobs: int = 1  # worker processes on this machine; 0 = trials run in the calling thread
    storage: str | None = None  # an Optuna RDB URL; None = a SQLite file in a temporary folder
    study: str | None = None  # the study's name; None = generated
    seed: int = 0  # the sampler's seed (trials are bit-reproducible with jobs 0 or 1 only)
    fixed: tuple[str, ...] = ()  # searchable settings kept as the configuration has them


@dataclass
class TrialRecord:
    number: int
    settings: dict[str, Any]  # the searched settings this trial tried
    score: float | None  # validation RMSE in the target's units; None unless COMPLETE
    state: str  # one of STATES
    seconds: float
    reason: str | None = None  # why a trial was pruned or failed, in words
    worker: str | None = None  # host:pid of the process that ran it

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "settings": self.settings, "score": self.score, "state": self.state,
                "seconds": round(self.seconds, 3), "reason": self.reason, "worker": self.worker}


@dataclass(frozen=True)
class SearchProgress:
    trials: tuple[TrialRecord, ...]
    elapsed_s: float
    budget_s: float
    best: TrialRecord | None

    @property
    def remaining_s(self) -> float:
        return max(0.0, self.budget_s - self.elapsed_s)


@dataclass
class SearchResult:
    best_settings: dict[str, Any]  # the searched settings of the best trial
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

    def to_dict(self) -> dict[str, Any]:
        """What `search.json` holds."""
        return {
            "best": {"settings": self.best_settings, "validation_score": self.validation_score,
                     "test": self.test, "config": self.best_config.to_dict()},
            "trials": [t.to_dict() for t in self.trials],
            "budget_s": self.budget_s,
            "elapsed_s": round(self.elapsed_s, 3),
            "study": self.study,
            "storage": self.storage,
            "seed": self.seed,
            "cancelled": self.cancelled,
            "space": self.space,
        }
