"""Median pruning among trials whose per-epoch losses are in the same units.

A trial reports its validation loss after each epoch. That loss is measured in the units the
network sees: another scaler, loss function, transform or target mode gives numbers of another
size (min-max scaled errors are far smaller than standardized ones), so a plain median pruner
would prune a whole family of settings for its units, not its quality. Trials are compared only
with trials of the same family (the trial's user attribute UNITS_KEY).
"""

from __future__ import annotations

import statistics

import optuna
from optuna.pruners import BasePruner
from optuna.trial import FrozenTrial, TrialState

UNITS_KEY = "loss_units"


class SameUnitsMedianPruner(BasePruner):
    """Prunes a trial whose best loss so far is worse than the median of comparable trials at that epoch."""

    def __init__(self, startup_trials: int = 3, warmup_steps: int = 2) -> None:
        self.startup_trials = startup_trials
        self.warmup_steps = warmup_steps

    def prune(self, study: optuna.Study, trial: FrozenTrial) -> bool:
        step = trial.last_step
        if step is None or step < self.warmup_steps:
            return False
        units = trial.user_attrs.get(UNITS_KEY)
        others = [t.intermediate_values[step] for t in study.get_trials(
            deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
            if t.user_attrs.get(UNITS_KEY) == units and step in t.intermediate_values]
        if len(others) < self.startup_trials:
            return False
        best = min(v for s, v in trial.intermediate_values.items() if s <= step)
        return best > statistics.median(others)


def make_pruner() -> BasePruner:
    return SameUnitsMedianPruner()
