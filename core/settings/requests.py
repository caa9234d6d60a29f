"""What a backtest and a search are asked for, declared as the settings are (core/settings/table.py).

The CLI's flags (cli/declared_args.py), the Backtest and Search tabs' fields (ranges, defaults,
tooltips) and validation (`validate_declared`) all come from these declarations, so each default
and range is written once. Kept apart from the engines that use them (core.backtest, core.search,
which re-export them) so the command line and the window read them without loading pandas or Optuna.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.runtime import available_cores, default_workers
from core.settings.config import MAX_SEED
from core.settings.table import required_setting, setting, validate_declared


@dataclass(frozen=True)
class BacktestRequest:
    """What a backtest is asked for, declared as settings are: the CLI's flags and the Backtest tab's
    fields (ranges, defaults, tooltips) come from these declarations."""

    folds: int = setting(
        5, "backtest", "Folds", "How many cutoffs near the end of the data are each trained and scored.",
        low=1, cli="--folds", widget_range=(1, 1000), object_name="backtestFolds",
        message="The number of folds must be a whole number of at least 1 (got {value!r}).")
    fold_step: int | None = setting(
        None, "backtest", "Fold step (rows)", "Rows between one cutoff and the next.", low=1,
        auto="the horizon, so the folds' forecasts follow each other", auto_text="= horizon", cli="--fold-step",
        widget_range=(1, 1_000_000), object_name="backtestStep",
        message="The fold step must be a whole number of rows, at least 1 (got {value!r}).")
    retrain_every: int = setting(
        1, "backtest", "Retrain every (folds)", "Train a new model every this many folds (0: once, on the first "
        "fold); the folds between reuse the last model from their own cutoff. Faster, a little less fair.",
        low=0, special="once (first fold)", cli="--retrain-every", widget_range=(0, 1000),
        object_name="backtestRetrain",
        message="'Retrain every' must be a whole number of folds, 0 or more (got {value!r}).")
    expanding: bool = setting(
        True, "backtest", "Training window", "Expanding trains each fold on all rows before its cutoff; sliding "
        "trains every fold on the same number of rows.",
        choices=((True, "expanding (all rows before the cutoff)"),
                 (False, "sliding (the same number of rows in every fold)")),
        cli="--sliding", cli_negates=True, object_name="backtestWindow")

    def check(self) -> None:
        """ConfigError with a readable sentence for the first value out of its declared range."""
        validate_declared(self)

    def retrains(self, fold: int) -> bool:
        """Whether fold `fold` (0-based) trains a new model."""
        return fold == 0 or (self.retrain_every > 0 and fold % self.retrain_every == 0)


@dataclass(frozen=True)
class SearchRequest:
    """What a search is asked for, declared as settings are: the CLI's flags and the Search tab's
    fields (ranges, defaults, tooltips) come from these declarations."""

    # honoured hard: no epoch of any trial starts after the deadline
    budget_s: float = required_setting(
        "search", "Time budget", "seconds the search may take; no epoch starts after them", low=0.0,
        low_open=True, cli="--budget", message="The time budget must be a number of seconds above 0 (got {value}).")
    trials: int | None = setting(
        None, "search", "Max trials", "Stop after this many trials even if time is left.", low=1,
        auto="until the time budget is used up", auto_text="no limit", cli="--trials",
        widget_range=(1, 1_000_000), object_name="searchTrialsSpin",
        message="The number of trials must be at least 1 (got {value}).")
    # worker processes on this machine; 0 = trials run in the calling thread
    jobs: int = setting(
        default_workers, "search", "Worker processes", "Trials run in this many worker processes at once, each "
        "with one thread; 0 runs them one by one in this process.", factory=True, low=0,
        special="0 (in this window)", auto="the cores this process may use but one", cli="--jobs",
        widget_range=(0, max(64, available_cores())), object_name="searchJobsSpin",
        message="The number of worker processes must be 0 or more (got {value}).")
    storage: str | None = setting(
        None, "search", "Storage URL", "An Optuna storage URL, e.g. postgresql://user@host/db: workers on other "
        "machines join the study with `main.py search-worker --storage URL --study NAME`. On one machine a "
        "journal file (journal:///path/search.journal) is what worker processes share best.",
        auto="a journal file in a temporary folder")  # None = a journal file in a temporary folder
    study: str | None = setting(
        None, "search", "Study name", "The study's name in the storage; an existing study is continued.",
        auto="a new name", cli="--study")
    # the sampler's seed (trials are bit-reproducible with jobs 0 or 1 only)
    seed: int = setting(
        0, "search", "Seed", "The same seed with the same data and budget proposes the same trials.", low=0,
        high=MAX_SEED, cli="--search-seed", widget_range=(0, 2_147_483_647), object_name="searchSeedSpin")
    fixed: tuple[str, ...] = ()  # searchable settings kept as the configuration has them
