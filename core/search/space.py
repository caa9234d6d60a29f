"""The search space, read off the settings table: every setting declared `searchable`."""

from __future__ import annotations

import json
import math
from typing import Any

from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
    json_to_distribution,
)

from core.settings.config import SETTINGS, ForecastConfig
from core.settings.table import Setting

# "auto" is a rule for choosing, not a value: a search tries the values it would choose between
_NOT_SEARCHED_CHOICES = ("auto",)


def _distribution(s: Setting) -> BaseDistribution:
    if s.kind is bool:
        return CategoricalDistribution((False, True))
    if s.choices:
        return CategoricalDistribution(tuple(v for v in s.values if v not in _NOT_SEARCHED_CHOICES))
    low, high = s.search_range if s.search_range is not None else (s.low, s.high)
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"searchable setting {s.name!r} needs a search_range (its valid range is open)")
    if s.kind is int:
        return IntDistribution(int(low), int(high), log=s.search_log)
    return FloatDistribution(float(low), float(high), log=s.search_log)


def search_space(config: ForecastConfig, fixed: tuple[str, ...] = (), max_window: int | None = None
                 ) -> dict[str, BaseDistribution]:
    """Setting name -> the Optuna distribution a search draws it from, in the table's order.

    `fixed` names settings kept as `config` has them. `max_window` caps the window where the data
    is short (at least 2 training windows); a range that collapses to one value is left out.
    Features, target and columns are never searched.
    """
    space: dict[str, BaseDistribution] = {}
    for s in SETTINGS:
        if not s.searchable or s.name in fixed:
            continue
        distribution = _distribution(s)
        if s.name == "window" and max_window is not None and isinstance(distribution, IntDistribution):
            high = min(distribution.high, max_window)
            if high <= distribution.low:
                continue
            distribution = IntDistribution(distribution.low, high, log=distribution.log)
        if s.name == "dropout" and config.layers == 1 and "layers" in fixed:
            continue  # torch applies dropout between recurrent layers only
        space[s.name] = distribution
    return space


def space_to_json(space: dict[str, BaseDistribution]) -> str:
    return json.dumps({name: distribution_to_json(d) for name, d in space.items()})


def space_from_json(text: str) -> dict[str, BaseDistribution]:
    return {name: json_to_distribution(d) for name, d in json.loads(text).items()}


def describe_space(space: dict[str, BaseDistribution]) -> dict[str, Any]:
    """For search.json: each searched setting's choices or [low, high] (and log scale)."""
    out: dict[str, Any] = {}
    for name, d in space.items():
        if isinstance(d, CategoricalDistribution):
            out[name] = {"choices": list(d.choices)}
        else:
            out[name] = {"low": d.low, "high": d.high, "log": d.log}
    return out


def contains(distribution: BaseDistribution, value: Any) -> bool:
    """Whether `value` is one the distribution can draw (so a trial can be given it: enqueued)."""
    if isinstance(distribution, CategoricalDistribution):
        return any(type(value) is type(choice) and value == choice for choice in distribution.choices)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    if isinstance(distribution, IntDistribution) and not isinstance(value, int):
        return False
    return distribution.low <= value <= distribution.high


def suggest(trial, space: dict[str, BaseDistribution]) -> dict[str, Any]:
    """The trial's values for every setting in the space (Optuna's sampler chooses)."""
    values: dict[str, Any] = {}
    for name, d in space.items():
        if isinstance(d, CategoricalDistribution):
            values[name] = trial.suggest_categorical(name, list(d.choices))
        elif isinstance(d, IntDistribution):
            values[name] = trial.suggest_int(name, d.low, d.high, log=d.log)
        else:
            values[name] = trial.suggest_float(name, d.low, d.high, log=d.log)
    return values
