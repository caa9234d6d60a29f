"""One forecasting run from a cleaned table, read top-down in `recipe.run_experiment`.

  plan.py        what the settings produce on this data (cheap, no torch): RunPlan, plan_run, the
                 rules for "auto" and the refusals the backtest and the search share
  fit.py         scalers, the ensemble of networks and the baselines, fit on the training rows
  recipe.py      run_experiment and its stages: fit, predict, calibrate, score, refit, forecast, assemble
  result.py      ExperimentResult and the words saying which model made which numbers
  credit.py      Credit: what made the forecast (the anchor alone, the networks' start, a network)
  validation.py  validation_score: what a hyperparameter search compares

Importing this package loads no torch: the window plans on every edit.
"""

from core.model.parameters import recurrent_parameter_count
from core.pipeline.credit import NETWORK, SMOOTHING_ALONE, STARTING_POINT, Credit
from core.pipeline.fit import Baselines, fit_baselines, fit_ensemble, fit_scaling, linear_helps, torch_from
from core.pipeline.plan import (
    DEFAULT_WINDOW,
    MIN_AUTO_WINDOW,
    MIN_FORECAST_ONLY_ROWS,
    MIN_VALIDATION_WINDOWS,
    SMOOTHING_MAX_ROWS,
    VALIDATION_HORIZONS,
    WINDOW_SEASONS,
    RunPlan,
    check_columns,
    check_training_windows,
    check_validation_windows,
    forecast_only_plan,
    log_fits,
    plan_run,
    resolve_modes,
    resolve_transform,
    seasonal_fits,
    smoothing_stands_alone,
    validation_windows_needed,
)
from core.pipeline.recipe import (
    Scores,
    ScoringModel,
    Windows,
    assemble,
    calibrate_intervals,
    credit_of,
    fit_scoring_model,
    forecast_past_end,
    predict_anchor_windows,
    predict_windows,
    refit_on_all_rows,
    run_experiment,
    score_splits,
)
from core.pipeline.result import ExperimentResult
from core.pipeline.validation import ValidationScore, validation_score
from core.prep.timeindex import time_labels
from core.runtime import available_cores, default_threads

__all__ = [
    "DEFAULT_WINDOW",
    "MIN_AUTO_WINDOW",
    "MIN_FORECAST_ONLY_ROWS",
    "MIN_VALIDATION_WINDOWS",
    "NETWORK",
    "SMOOTHING_ALONE",
    "SMOOTHING_MAX_ROWS",
    "STARTING_POINT",
    "VALIDATION_HORIZONS",
    "WINDOW_SEASONS",
    "Baselines",
    "Credit",
    "ExperimentResult",
    "RunPlan",
    "Scores",
    "ScoringModel",
    "ValidationScore",
    "Windows",
    "assemble",
    "available_cores",
    "calibrate_intervals",
    "check_columns",
    "check_training_windows",
    "check_validation_windows",
    "credit_of",
    "default_threads",
    "fit_baselines",
    "fit_ensemble",
    "fit_scaling",
    "fit_scoring_model",
    "forecast_only_plan",
    "forecast_past_end",
    "linear_helps",
    "log_fits",
    "plan_run",
    "predict_anchor_windows",
    "predict_windows",
    "recurrent_parameter_count",
    "refit_on_all_rows",
    "resolve_modes",
    "resolve_transform",
    "run_experiment",
    "score_splits",
    "seasonal_fits",
    "smoothing_stands_alone",
    "time_labels",
    "torch_from",
    "validation_score",
    "validation_windows_needed",
]
