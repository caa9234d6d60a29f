"""A settings search's conclusion, decided on the test split: the best trial's settings against the user's
own (trial 0) and the best baseline there. Trials are chosen on the validation split; on a small
one the winner can be luck, and the test split, which no trial saw, is the check.

Plain numbers in, a verdict out: no engine, no words (core.outputs.summary words it for both faces).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

OWN_BEST = "own_best"  # no trial beat trial 0 on validation: the best settings are the user's own
OVERFIT = "overfit"  # the best trial scores worse than trial 0 on the test split: keep your settings
BASELINE_BETTER = "baseline_better"  # the best trial beats trial 0 on test, but a baseline beats it
CONFIRMED = "confirmed"  # the best trial beats trial 0 and the best baseline on the test split
UNSCORED = "unscored"  # no test scores to decide on (cancelled, or no final run)


@dataclass(frozen=True)
class SearchVerdict:
    code: str  # one of the codes above
    best_rmse: float | None = None  # test RMSE of the best trial's settings
    own_rmse: float | None = None  # test RMSE of the user's own settings (trial 0)
    baseline: str | None = None  # the best baseline on the test split (core.evaluation.metrics.BASELINE_NAMES)
    baseline_rmse: float | None = None
    own_number: int | None = None  # trial 0's number
    best_number: int | None = None

    @property
    def keep_own(self) -> bool:
        """The user's own settings stand: "Use these settings" has nothing better to offer."""
        return self.code in (OWN_BEST, OVERFIT)

    @property
    def baseline_beats_best(self) -> bool:
        return self.best_rmse is not None and self.baseline_rmse is not None and self.baseline_rmse < self.best_rmse

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "best_rmse": self.best_rmse, "own_rmse": self.own_rmse,
                "baseline": self.baseline, "baseline_rmse": self.baseline_rmse}


def _rmse(metrics: dict[str, Any] | None) -> float | None:
    value = (metrics or {}).get("rmse")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def best_baseline(baselines: dict[str, Any] | None, seasonal: bool = True) -> tuple[str | None, float | None]:
    """The baseline with the lowest test RMSE (seasonal naive only with a season: without one it is
    the naive forecast), as core.evaluation.metrics.verdict picks it; (None, None) when none scored."""
    scored = [(name, rmse) for name, metrics in (baselines or {}).items()
              if (seasonal or name != "seasonal_naive") and (rmse := _rmse(metrics)) is not None]
    if not scored:
        return None, None
    return min(scored, key=lambda item: item[1])


def decide(best_test: dict[str, Any] | None, own_test: dict[str, Any] | None, own_is_best: bool,
           seasonal: bool = True, own_number: int | None = None, best_number: int | None = None) -> SearchVerdict:
    """The verdict from the test scores: `best_test` the best settings' test metrics (with their
    "baselines"), `own_test` the user's own settings' test metrics (None or {}: not scored),
    `own_is_best` whether trial 0 won on validation. A tie on test is not a loss."""
    best = _rmse(best_test)
    own = best if own_is_best else _rmse(own_test)
    name, baseline = best_baseline((best_test or {}).get("baselines"), seasonal)
    common = dict(best_rmse=best, own_rmse=own, baseline=name, baseline_rmse=baseline, own_number=own_number,
                  best_number=best_number)
    if own_is_best:
        return SearchVerdict(OWN_BEST, **common)
    if best is None:
        return SearchVerdict(UNSCORED, **common)
    if own is not None and best > own:
        return SearchVerdict(OVERFIT, **common)
    if baseline is not None and best > baseline:
        return SearchVerdict(BASELINE_BETTER, **common)
    return SearchVerdict(CONFIRMED, **common)
