"""One frozen configuration for a forecasting run, with validation a user can read.

`None` in `window`, `season` and `threads` means "choose from the data / machine";
`resolve_config` (in `core.pipeline`) fills them in and the effective values are
what `metrics.json` and saved models record.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from core.errors import ConfigError

SCHEMA_VERSION = 1

CELLS = ("lstm", "gru", "rnn")
LOSSES = ("mse", "mae", "huber")
OPTIMIZERS = ("adam", "adamw")
SCALERS = ("standard", "minmax")
# "delta": the network predicts the change from the last observed target value, so a
# trend can continue past the training range; "level": it predicts the scaled value itself
# (what the tutorials do).
TARGET_MODES = ("delta", "level")
MAX_SEED = 2**32 - 1  # numpy and torch both take it
# steps past the end, wherever they are asked for (settings, `forecast --steps`,
# `predict --forecast-steps`, the window): recursive forecasting runs the network once per step
MAX_FORECAST_STEPS = 100_000


@dataclass(frozen=True)
class ForecastConfig:
    # data
    target: str
    features: tuple[str, ...] = ()
    date_column: str | None = None
    # windows
    window: int | None = None
    horizon: int = 1
    # split
    val_fraction: float = 0.15
    test_fraction: float = 0.15
    test_size: int | None = None
    # scaling and what is predicted
    scaler: str = "standard"
    target_mode: str = "delta"
    season: int | None = None
    # model
    cell: str = "lstm"
    hidden: int = 32
    layers: int = 1
    dropout: float = 0.0
    bidirectional: bool = False
    head_width: int = 0
    # training
    epochs: int = 200
    batch_size: int = 32
    lr: float = 0.005
    optimizer: str = "adam"
    weight_decay: float = 0.0
    loss: str = "mse"
    patience: int = 25
    grad_clip: float = 1.0
    seed: int = 0
    threads: int | None = None
    ridge_alpha: float = 1.0
    # forecasting past the end
    interval_level: float = 0.9
    forecast_steps: int | None = None  # None: the horizon; more: forecasts fed back (recursive)
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if isinstance(self.features, (str, bytes)) or not isinstance(self.features, (list, tuple)):
            raise ConfigError(f"Feature columns must be a list of column names (got {self.features!r}).")
        object.__setattr__(self, "features", tuple(self.features))
        validate(self)

    def replace(self, **changes: Any) -> ForecastConfig:
        return dataclasses.replace(self, **changes)

    @property
    def input_columns(self) -> list[str]:
        """The columns fed to the network: the target's own past first, then features."""
        return [self.target] + [f for f in self.features if f != self.target]

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("extra")
        data["features"] = list(self.features)
        data["schema_version"] = SCHEMA_VERSION
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ForecastConfig:
        if not isinstance(data, dict):
            raise ConfigError(f"The settings are not a set of named values (got {type(data).__name__}).")
        version = data.get("schema_version", SCHEMA_VERSION)
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise ConfigError(
                f"These settings were written by a newer version (schema {version}); "
                f"this version reads schema {SCHEMA_VERSION} or older. Please update the app."
            )
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        kwargs = {k: v for k, v in data.items() if k in known}
        if isinstance(kwargs.get("features"), list):
            kwargs["features"] = tuple(kwargs["features"])
        if "target" not in kwargs:
            raise ConfigError("The settings name no target column.")
        return cls(**kwargs)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(message)


def _int(value: Any, low: int, high: int | None = None) -> bool:
    """A whole number (not a bool) within [low, high]."""
    return (isinstance(value, int) and not isinstance(value, bool) and value >= low
            and (high is None or value <= high))


def _number(value: Any) -> bool:
    """A finite int or float (not a bool): comparisons on anything else raise or mislead."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _name(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def validate(config: ForecastConfig) -> None:
    """Checks each setting on its own; checks against the data live in `check_against_data`.

    Any value of any type gets a ConfigError, never a TypeError: settings also come from
    saved models and settings files that someone may have edited.
    """
    c = config
    _check(_name(c.target), "Choose a target column.")
    _check(all(_name(f) for f in c.features),
           f"Feature columns must be column names (got {list(c.features)!r}).")
    twice = sorted({f for f in c.features if c.features.count(f) > 1})
    _check(not twice, f"Feature {twice[0]!r} is listed more than once." if twice else "")
    _check(c.date_column is None or _name(c.date_column),
           f"The date column must be a column name (got {c.date_column!r}).")
    _check(c.window is None or _int(c.window, 1),
           f"Window must be a whole number of rows, at least 1 (got {c.window}).")
    _check(_int(c.horizon, 1), f"Horizon must be at least 1 step (got {c.horizon}).")
    _check(_number(c.val_fraction) and 0.0 <= c.val_fraction < 1.0,
           f"Validation fraction must be between 0 and 1 (got {c.val_fraction}).")
    _check(c.test_size is None or _int(c.test_size, 1),
           f"Test size must be at least 1 row (got {c.test_size}).")
    _check((_number(c.test_fraction) and 0.0 < c.test_fraction < 1.0) or c.test_size is not None,
           f"Test fraction must be between 0 and 1 (got {c.test_fraction}).")
    if c.test_size is None:
        _check(c.val_fraction + c.test_fraction < 0.9,
               "Validation and test fractions together must leave at least 10% of rows "
               f"for training (got {c.val_fraction} + {c.test_fraction}).")
    _check(c.scaler in SCALERS, f"Scaler must be one of {', '.join(SCALERS)} (got {c.scaler!r}).")
    _check(c.target_mode in TARGET_MODES,
           f"Target mode must be one of {', '.join(TARGET_MODES)} (got {c.target_mode!r}).")
    _check(c.season is None or _int(c.season, 1),
           f"Season must be at least 1 row (got {c.season}).")
    _check(c.cell in CELLS, f"Cell must be one of {', '.join(CELLS)} (got {c.cell!r}).")
    _check(_int(c.hidden, 1, 4096), f"Hidden size must be between 1 and 4096 (got {c.hidden}).")
    _check(_int(c.layers, 1, 16), f"Layers must be between 1 and 16 (got {c.layers}).")
    _check(_number(c.dropout) and 0.0 <= c.dropout < 1.0,
           f"Dropout must be at least 0 and below 1 (got {c.dropout}).")
    _check(isinstance(c.bidirectional, bool),
           f"Bidirectional must be true or false (got {c.bidirectional!r}).")
    _check(_int(c.head_width, 0, 4096),
           f"Head width must be 0 (one Linear layer) up to 4096 (got {c.head_width}).")
    _check(_int(c.epochs, 1), f"Epochs must be at least 1 (got {c.epochs}).")
    _check(_int(c.batch_size, 0), f"Batch size must be 0 (full batch) or more (got {c.batch_size}).")
    _check(_number(c.lr) and 0 < c.lr < 10,
           f"Learning rate must be above 0 and below 10 (got {c.lr}).")
    _check(c.optimizer in OPTIMIZERS,
           f"Optimizer must be one of {', '.join(OPTIMIZERS)} (got {c.optimizer!r}).")
    _check(_number(c.weight_decay) and c.weight_decay >= 0,
           f"Weight decay can't be negative (got {c.weight_decay}).")
    _check(c.loss in LOSSES, f"Loss must be one of {', '.join(LOSSES)} (got {c.loss!r}).")
    _check(_int(c.patience, 0), f"Patience must be 0 (no early stopping) or more (got {c.patience}).")
    _check(_number(c.grad_clip) and c.grad_clip >= 0,
           f"Gradient clipping can't be negative (got {c.grad_clip}).")
    _check(_int(c.seed, 0, MAX_SEED), f"Seed must be a whole number from 0 to {MAX_SEED} (got {c.seed}).")
    _check(c.threads is None or _int(c.threads, 1, 1024),
           f"Threads must be between 1 and 1024 (got {c.threads}).")
    _check(_number(c.interval_level) and 0.5 <= c.interval_level < 1.0,
           f"Interval level must be at least 0.5 and below 1, e.g. 0.9 for 90% (got {c.interval_level}).")
    check_forecast_steps(c.forecast_steps)
    _check(_number(c.ridge_alpha) and c.ridge_alpha >= 0,
           f"Ridge alpha can't be negative (got {c.ridge_alpha}).")


def check_forecast_steps(steps: Any) -> None:
    """None (as trained) or a whole number of steps from 1 to MAX_FORECAST_STEPS."""
    _check(steps is None or _int(steps, 1, MAX_FORECAST_STEPS),
           f"Forecast steps must be between 1 and {MAX_FORECAST_STEPS} (got {steps}).")
