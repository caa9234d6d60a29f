"""One frozen configuration for a forecasting run, declared as the table of settings.

Each field is declared once with `setting(...)` (core/settings/table.py): default, range or
choices, what "auto" (None) means, group, label, help, CLI flag, whether a search may tune it.
Validation, the CLI's `train` flags, the settings form and the persisted last-used settings
are all derived from these declarations (`SETTINGS`), so a new setting is one declaration here
plus its use in the engine.

`None` in `window`, `horizon`, `season`, `threads`, `ensemble`, `batch_size`, `lr` and `patience` (and "auto" in
`target_mode` and `transform`) means "choose from the data / machine";
`core.pipeline.plan_run` fills them in and returns a `ResolvedConfig`, whose values are what
`metrics.json` and saved models record.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Self

from core.errors import ConfigError
from core.i18n import N_, _
from core.settings.table import Setting, required_setting, setting, settings_of, validate_declared

SCHEMA_VERSION = 1
# what `from_dict` fills in for a setting a file lacks, where that differs from today's default
LEGACY_VALUES: dict[str, Any] = {"ensemble": 1, "highway": False, "transform": "none", "refit": False,
                                 "target_mode": "delta", "horizon": 1, "patience": 25, "batch_size": 32, "lr": 0.001}
MAX_SEED = 2**32 - 1  # numpy and torch both take it
# what "auto" ensemble, batch size, learning rate and patience are on short series (core.pipeline.plan
# changes them on long ones); a configuration built or trained without a plan uses them as they are
BASE_ENSEMBLE, BASE_BATCH, BASE_LR, BASE_PATIENCE = 5, 32, 0.001, 25
# steps past the end, wherever they are asked for (settings, `forecast --steps`,
# `predict --forecast-steps`, the window): recursive forecasting runs the network once per step
MAX_FORECAST_STEPS = 100_000
# the form's bounds: a network's outputs (horizon) and the rows one window reads; a 2e9 horizon from
# the command line used to reach the forecast as an "unexpected MemoryError"
MAX_HORIZON, MAX_WINDOW = 10_000, 100_000
BOTH_SIZES = N_("Test size and train size can't both be set: clear one of them, and the fractions split the other "
                "rows.")


@dataclass(frozen=True)
class ForecastConfig:
    # ---------------------------------------------------------------- data (chosen beside the form)
    target: str = required_setting(
        "data", "Target", "the column to forecast", cli="--target", in_form=False,
        message="Choose a target column.")
    features: tuple[str, ...] = setting(
        (), "data", "Features", "extra input columns, comma-separated", cli="--features",
        in_form=False, message="Feature columns must be column names (got {value!r}).")
    date_column: str | None = setting(
        None, "data", "Date column", "the date/time column", auto="rows are numbered", in_form=False,
        message="The date column must be a column name (got {value!r}).")
    # ---------------------------------------------------------------- windows
    window: int | None = setting(
        None, "windows", "Window (T)", "How many past rows the model reads to make one forecast "
        "(T in the input shape).",
        title="Window", low=1, high=MAX_WINDOW, auto="two seasons, or 12 rows", cli="--window", searchable=True,
        search_range=(2, 256), search_log=True,
        widget_range=(1, MAX_WINDOW))
    horizon: int | None = setting(
        None, "windows", "Horizon (H)", "How many steps ahead each window forecasts (H): the model "
        "outputs H values at once (direct multi-step).", title="Horizon", low=1, high=MAX_HORIZON,
        auto="the forecast steps asked for, else 1", auto_text="= steps ahead", cli="--horizon",
        widget_range=(1, MAX_HORIZON))
    season: int | None = setting(
        None, "windows", "Season", "Seasonal period in rows for the seasonal naive baseline and the "
        "automatic window.", low=1, high=100_000, auto="detected from the training rows",
        cli="--season", widget_range=(1, 100_000))
    # ---------------------------------------------------------------- split
    test_fraction: float = setting(
        0.15, "split", "Test fraction", "Share of the last rows kept for the final, honest test.",
        low=0.0, high=1.0, low_open=True, high_open=True, cli="--test-fraction",
        widget_range=(0.01, 0.8), step=0.05)
    test_size: int | None = setting(
        None, "split", "Test rows", "Number of last rows kept for the final test.", title="Test size",
        low=1, auto="the test fraction decides", cli="--test-size", widget_range=(1, 10_000_000),
        # rows override the fraction; rows and a training size can't both decide the split
        exclusive_with=("test_fraction", "train_size"), exclusive_message=BOTH_SIZES)
    train_size: int | None = setting(
        None, "split", "Training rows", "Train on the first N rows; the rows after them are split between "
        "validation and test in the ratio of their fractions (validation first).", title="Train size",
        low=2, auto="the fractions decide", auto_text="by fractions", cli="--train-size",
        widget_range=(2, 10_000_000))
    val_fraction: float = setting(
        0.15, "split", "Validation fraction", "Share of rows before the test split used to pick the "
        "best epoch (early stopping). 0 = no validation split.", low=0.0, high=1.0, high_open=True,
        cli="--val-fraction", widget_range=(0.0, 0.8), step=0.05)
    # ---------------------------------------------------------------- scaling and what is predicted
    scaler: str = setting(
        "standard", "scaling", "Scaling", "How values are scaled before training; statistics come "
        "from the training rows only.", title="Scaler",
        choices=(("standard", "standardize (mean 0, std 1)"), ("minmax", "min-max (0 to 1)")),
        cli="--scaler", searchable=True)
    # tutorials often scale the inputs and the target differently (StandardScaler for X, MinMaxScaler for y)
    feature_scaler: str = setting(
        "same", "scaling", "Feature scaling", "How the feature columns are scaled, if not as the target; "
        "statistics come from the training rows only.", title="Feature scaler",
        choices=(("same", "as the target"), ("standard", "standardize (mean 0, std 1)"),
                 ("minmax", "min-max (0 to 1)")),
        cli="--feature-scaler")
    # "delta": the network predicts the change from the last observed target value, so a trend
    # can continue past the training range; "seasonal": the change from the seasonal profile of the
    # window, so the season carries over with nothing learned; "smoothing": the change from a
    # Holt-Winters forecast fitted on the training rows (ES-RNN's hybrid); "level": the scaled value
    # itself (as tutorials do); "auto": smoothing up to 5,000 rows, else seasonal or delta.
    target_mode: str = setting(
        "auto", "scaling", "Predict", "'Change from last value' lets a trend continue past the "
        "training range; 'change from a season ago' also carries the seasonal pattern over; 'change "
        "from exponential smoothing' corrects a level, trend and season smoothed from the data; 'level' "
        "predicts the scaled value directly, as many tutorials do.", title="Target mode",
        choices=(("auto", "automatic"), ("delta", "change from last value"),
                 ("seasonal", "change from a season ago"),
                 ("smoothing", "change from exponential smoothing"), ("level", "level")),
        cli="--target-mode", searchable=True)
    transform: str = setting(
        "auto", "scaling", "Transform", "'log' models the logarithm of the target, so growth and "
        "seasons in proportion to the level become constant; automatic uses it when every value is "
        "above zero.", choices=(("auto", "automatic"), ("log", "log"), ("none", "none")),
        cli="--transform", searchable=True)
    # ---------------------------------------------------------------- model
    cell: str = setting(
        "lstm", "model", "Cell", "The recurrent cell: LSTM (long short-term memory), GRU (lighter, "
        "often as good), or a plain RNN (simplest, forgets quickly).",
        choices=(("lstm", "LSTM"), ("gru", "GRU"), ("rnn", "RNN (plain)")), cli="--cell", searchable=True)
    hidden: int = setting(
        32, "model", "Hidden size", "Size of the memory (hidden state) of each layer. Larger learns "
        "more but needs more data.", low=1, high=4096, cli="--hidden", searchable=True,
        search_range=(4, 256), search_log=True)
    layers: int = setting(
        1, "model", "Layers", "Recurrent layers stacked on top of each other.", low=1, high=16,
        cli="--layers", searchable=True, search_range=(1, 3))
    dropout: float = setting(
        0.0, "model", "Dropout", "Share of values randomly zeroed between layers while training, "
        "to reduce overfitting. 0 = off.", low=0.0, high=1.0, high_open=True, cli="--dropout",
        searchable=True, search_range=(0.0, 0.5), widget_range=(0.0, 0.95), step=0.05)
    bidirectional: bool = setting(
        False, "model", "Bidirectional", "Also read each window backwards. Doubles the recurrent "
        "parameters.", cli="--bidirectional", searchable=True)
    # LSTNet's highway: the network only has to learn what a linear autoregression misses
    highway: bool = setting(
        True, "model", "Linear highway", "Add a linear autoregression on the window to the network's "
        "output, so the model starts from the linear fit and is rarely worse than it.",
        cli="--highway", searchable=True)
    head_width: int = setting(
        0, "model", "Head width", "Width of a hidden Dense layer (with ReLU) between the recurrent "
        "layers and the output. 0 = a single Linear layer.", low=0, high=4096,
        special="one Linear layer", cli="--head-width", searchable=True,
        search_range=(0, 128))
    # ---------------------------------------------------------------- training
    epochs: int = setting(
        200, "training", "Epochs", "Maximum passes over the training windows.", low=1,
        cli="--epochs", widget_range=(1, 100_000))
    batch_size: int | None = setting(
        None, "training", "Batch size", "Windows per weight update. 0 = all training windows at once "
        "(full batch).", low=0, special="full batch", auto="32, larger from 1,000 training windows on",
        cli="--batch-size", searchable=True,
        search_range=(8, 256), search_log=True,
        widget_range=(0, 1_000_000))
    lr: float | None = setting(
        None, "training", "Learning rate", "Learning rate: step size of the optimizer (Adam). "
        "Lower it if the loss jumps around or diverges.", low=0.0, high=10.0, low_open=True,
        auto="0.001 at batch 32, times the square root of a larger batch over 32",
        high_open=True, cli="--lr", searchable=True, search_range=(0.0001, 0.1), search_log=True,
        widget_range=(0.00001, 1.0), decimals=5, step=0.001)
    optimizer: str = setting(
        "adam", "training", "Optimizer", "The optimizer: Adam, or AdamW (decoupled weight decay).",
        choices=(("adam", "Adam"), ("adamw", "AdamW")), cli="--optimizer", searchable=True,
        in_form=False)
    weight_decay: float = setting(
        0.0, "training", "Weight decay", "L2 penalty on the weights.", low=0.0, searchable=True,
        search_range=(0.0, 0.01),
        in_form=False)
    loss: str = setting(
        "mse", "training", "Loss", "What training minimizes. MAE and Huber care less about outliers.",
        choices=(("mse", "MSE (squared error)"), ("mae", "MAE (absolute error)"), ("huber", "Huber (robust)")),
        cli="--loss", searchable=True)
    patience: int | None = setting(
        None, "training", "Patience", "Stop after this many epochs without a better validation loss and "
        "keep the best weights. 0 = never stop early.", low=0, special="no early stopping",
        auto="25, 15 from 1,000 training windows on",
        cli="--patience", widget_range=(0, 100_000))
    grad_clip: float = setting(
        1.0, "training", "Gradient clipping", "Largest gradient norm per update. 0 = no clipping.",
        low=0.0, in_form=False)
    seed: int = setting(
        0, "training", "Seed", "Random seed: the same seed, settings and data give the same results.",
        low=0, high=MAX_SEED, cli="--seed", widget_range=(0, 2_147_483_647))  # QSpinBox holds int32
    ensemble: int | None = setting(
        None, "training", "Ensemble of seeds", "Train N networks with different seeds and forecast with "
        "their median: steadier than any one of them on small series.", low=1, high=10,
        auto="5 networks, fewer from 1,000 training windows on",
        cli="--ensemble", searchable=True, search_range=(1, 5))
    threads: int | None = setting(
        None, "training", "Threads", "torch threads", low=1, high=1024,
        auto="1 for small networks, else cores - 1 (at most 4, or 16 for large ones)", cli="--threads",
        in_form=False)
    device: str = setting(
        "auto", "training", "Device", "Where the networks train. Automatic uses an NVIDIA GPU (CUDA) only for "
        "networks large enough to gain from it: small ones train faster on the CPU. Apple's MPS is used only "
        "when chosen (its recurrent layers have given wrong results).",
        choices=(("auto", "automatic"), ("cpu", "CPU"), ("cuda", "CUDA (NVIDIA GPU)"), ("mps", "MPS (Apple GPU)")),
        cli="--device")
    ridge_alpha: float = setting(
        1.0, "training", "Ridge alpha", "Strength of the ridge baseline's penalty.", low=0.0,
        in_form=False)
    # ---------------------------------------------------------------- forecasting past the end
    interval_level: float = setting(
        0.9, "forecast", "Interval", "How sure the prediction intervals should be: 90 % means about "
        "9 in 10 actual values should fall inside. Calibrated on the validation split.",
        title="Interval level", low=0.5, high=1.0, high_open=True, cli="--interval-level",
        percent=True, widget_range=(0.5, 0.99), object_name="intervalSpin")
    forecast_steps: int | None = setting(
        None, "forecast", "Steps ahead", "How many steps past the last row to forecast. Up to the "
        "horizon the network answers directly; further steps feed its forecasts back (recursive) "
        "and grow less certain.", title="Forecast steps", low=1, high=MAX_FORECAST_STEPS,
        auto="the horizon (no recursion)", auto_text="= horizon", cli="--forecast-steps")
    refit: bool = setting(
        True, "forecast", "Refit on all rows", "Retrain on every row (for the epochs early stopping "
        "chose) before forecasting past the end. Scores always come from the model that never saw the "
        "test rows.", cli="--refit")

    def __post_init__(self) -> None:
        if isinstance(self.features, (str, bytes)) or not isinstance(self.features, (list, tuple)):
            raise ConfigError(_("Feature columns must be a list of column names (got {value!r}).").format(
                value=self.features))
        object.__setattr__(self, "features", tuple(self.features))
        validate(self)

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)

    def resolved(self, **changes: Any) -> ResolvedConfig:
        """This configuration with `changes` applied, as a ResolvedConfig (`changes` fill its autos)."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return ResolvedConfig(**(values | changes))

    @property
    def feature_scaler_kind(self) -> str:
        """The scaler kind the feature columns are fit with ("same" means the target's)."""
        return self.scaler if self.feature_scaler == "same" else self.feature_scaler

    @property
    def input_columns(self) -> list[str]:
        """The columns fed to the network: the target's own past first, then features."""
        return [self.target] + [f for f in self.features if f != self.target]

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["features"] = list(self.features)
        data["schema_version"] = SCHEMA_VERSION
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Unknown keys are ignored and missing ones take their defaults, so files written before
        a setting existed still load."""
        if not isinstance(data, dict):
            raise ConfigError(_("The settings are not a set of named values (got {kind}).").format(
                kind=type(data).__name__))
        version = data.get("schema_version", SCHEMA_VERSION)
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise ConfigError(_(
                "These settings were written by a newer version (schema {version}); this version reads schema "
                "{supported} or older. Please update the app.").format(version=version, supported=SCHEMA_VERSION))
        known = {s.name for s in SETTINGS}
        # settings missing from a file take the value that matches how runs worked before the
        # setting existed (a model saved then has one network, no highway, no log transform)
        kwargs = {k: v for k, v in LEGACY_VALUES.items() if k not in data}
        kwargs |= {k: v for k, v in data.items() if k in known}
        if isinstance(kwargs.get("features"), list):
            kwargs["features"] = tuple(kwargs["features"])
        if "target" not in kwargs:
            raise ConfigError(_("The settings name no target column."))
        return cls(**kwargs)


@dataclass(frozen=True)
class ResolvedConfig(ForecastConfig):
    """The configuration a run uses: window and threads are numbers, season is detected.

    `season` stays `int | None` here: None in a resolved config means "no season was detected"
    (the seasonal naive baseline then equals the naive one), not "auto".
    """

    # Narrowed types for type checkers; the placeholder 0 fails validation, so a value is required.
    window: int = 0
    horizon: int = 0
    threads: int = 0
    ensemble: int = 0
    batch_size: int = -1
    lr: float = 0.0
    patience: int = -1

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("window", "horizon", "threads", "ensemble", "batch_size", "lr", "patience"):
            if getattr(self, name) is None:
                raise ConfigError(_("A resolved configuration needs a {name} (got None).").format(name=name))


SETTINGS: tuple[Setting, ...] = settings_of(ForecastConfig)
SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def validate(config: ForecastConfig) -> None:
    """Checks each setting against its declaration, then the rules that join settings.

    Checks against the data live in `core.pipeline`. Any value of any type gets a ConfigError,
    never a TypeError: settings also come from saved models and settings files someone may edit.
    """
    validate_declared(config, SETTINGS)
    twice = sorted({f for f in config.features if config.features.count(f) > 1})
    if twice:
        raise ConfigError(_("Feature {feature!r} is listed more than once.").format(feature=twice[0]))
    if config.test_size is None and config.train_size is None and config.val_fraction + config.test_fraction >= 0.9:
        raise ConfigError(_("Validation and test fractions together must leave at least 10% of rows for training "
                            "(got {val} + {test}).").format(val=config.val_fraction, test=config.test_fraction))


def check_forecast_steps(steps: Any) -> None:
    """None (as trained) or a whole number of steps from 1 to MAX_FORECAST_STEPS."""
    problem = SETTINGS_BY_NAME["forecast_steps"].problem(steps)
    if problem is not None:
        raise ConfigError(problem)
