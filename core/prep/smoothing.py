"""Additive Holt-Winters exponential smoothing with a damped trend: the anchor the network corrects.

ES-RNN (Smyl, winner of M4) let exponential smoothing carry each series' level, trend and season
and had the network learn what is left. Here the smoothing runs on the target as the network sees
it (log-transformed when the settings say so, then scaled), its four parameters are chosen on the
training rows only, and `anchors` gives, for every row t, the smoothing's forecast of rows
t+1..t+H made with the data up to t alone.

The anchor is a forecast combination (as in the M competitions' "Comb" benchmark), a quarter each:
the Theta method (core.prep.theta), Complex Exponential Smoothing (core.prep.ces) and two
Holt-Winters fits, the damped-trend model with the least one-step error and the model with the best
AICc among models with and without trend and season (which drops a trend or season the data doesn't
support), each found on a small grid and refined by L-BFGS-B. Chosen on the even-keyed half of the
dev set (623 M1 monthly/quarterly and Tourism quarterly series) and checked on the odd-keyed half
(bench/anchor_accuracy.py; sMAPE):

                                         chosen on   checked
    the grid Holt-Winters pair (before)      15.13     14.68
    and Theta, half and half                 14.79     14.40
    and the pair refined off the grid        14.68     14.36
    and CES, a quarter each                  14.55     14.16   (kept)
    statsforecast AutoETS                    15.55     14.69
    mean of AutoETS and AutoTheta            15.98     15.06
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from core.errors import DamagedValue
from core.i18n import _
from core.settings.config import SETTINGS

# the largest season the settings accept (a saved model's smoothing is held to it too)
MAX_SEASON = int(next(s.high for s in SETTINGS if s.name == "season"))

ALPHAS = (0.1, 0.3, 0.6, 1.0)  # level; 1.0 is the naive forecast (a random walk's best)
BETAS = (0.0, 0.05, 0.2)  # trend
GAMMAS = (0.0, 0.1, 0.3)  # season
PHIS = (0.8, 0.95)  # trend damping
# the recursion is a Python loop: above this many rows the grid search would take seconds, and
# long series have windows enough for the other anchors (core.pipeline chooses by row count)
MAX_FIT_ROWS = 5000
# least-squares Holt-Winters, AICc Holt-Winters, Theta: the mean of our Holt-Winters pair and Theta
ANCHOR_WEIGHTS = (0.25, 0.25, 0.5)
# with Complex Exponential Smoothing (core.prep.ces) as a fourth member: a quarter each (chosen on
# the dev set's even keys over thirds for pair/Theta/CES and heavier CES or Theta; bench/anchor_accuracy.py)
ANCHOR_WEIGHTS_CES = (0.25, 0.25, 0.25, 0.25)
# CES's fit is a Python recursion run some 450 times (about 0.1 s for 100 rows): above this many
# training rows the anchor keeps its three other members
CES_MAX_ROWS = 600


@dataclass(frozen=True)
class HoltWinters:
    alpha: float
    beta: float
    gamma: float
    phi: float
    season: int  # 1: no seasonal component

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HoltWinters:
        values = {key: data[key] for key in ("alpha", "beta", "gamma", "phi", "season")}
        for key in ("alpha", "beta", "gamma", "phi"):
            if not isinstance(values[key], (int, float)) or not 0.0 <= values[key] <= 1.0:
                raise DamagedValue(_("smoothing {key!r} must be between 0 and 1 (got {value!r})").format(
                    key=key, value=values[key]))
        if not isinstance(values["season"], int) or isinstance(values["season"], bool) or values["season"] < 1:
            raise DamagedValue(_("smoothing season must be a whole number of rows (got {value!r})").format(
                value=values["season"]))
        if values["season"] > MAX_SEASON:  # a file's season must not size anything unchecked
            raise DamagedValue(_("smoothing season must be at most {most} rows (got {value})").format(
                most=MAX_SEASON, value=values["season"]))
        return cls(**values)

    def states(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """Level and trend after each row, the seasonal component written at each row, and the
        sum of squared one-step errors."""
        levels, trends, written = [], [], []
        sse = self._run(values, (levels.append, trends.append, written.append))
        return np.asarray(levels), np.asarray(trends), np.asarray(written), sse

    def sse(self, values: np.ndarray) -> float:
        """The sum of squared one-step errors alone (what the fits minimise: no arrays kept)."""
        return self._run(values, None)

    def _run(self, values: np.ndarray, keep: tuple | None) -> float:
        # plain Python floats: numpy scalars in this loop made it several times slower
        y = np.asarray(values, dtype=np.float64)
        n = len(y)
        # under two seasons of rows there is no season to start from: run without one (the fits
        # never choose a season then), so nothing is sized by a season the rows can't hold
        m = self.season if n >= 2 * self.season else 1
        if m > 1:
            level = float(y[:m].mean())
            trend = (float(y[m:2 * m].mean()) - level) / m
            season = (y[:m] - level).tolist()
        else:
            level, trend, season = (float(y[0]) if n else 0.0), 0.0, [0.0]
        a, b, g, phi = self.alpha, self.beta, self.gamma, self.phi
        sse = 0.0
        for t, value in enumerate(y.tolist()):
            phase = t % m
            s = season[phase]
            error = value - (level + phi * trend + s)
            sse += error * error
            new_level = a * (value - s) + (1 - a) * (level + phi * trend)
            trend = b * (new_level - level) + (1 - b) * phi * trend
            if m > 1:
                season[phase] = g * (value - new_level) + (1 - g) * s
            level = new_level
            if keep is not None:
                keep[0](level)
                keep[1](trend)
                keep[2](season[phase])
        return sse

    def anchors(self, values: np.ndarray, horizon: int) -> np.ndarray:
        """(rows, horizon): row t holds the forecasts of rows t+1..t+horizon from rows 0..t."""
        levels, trends, written, _sse = self.states(values)
        steps = np.arange(1, horizon + 1)
        damped = np.cumsum(self.phi ** steps)
        out = levels[:, None] + trends[:, None] * damped[None, :]
        if self.season > 1 and len(values) >= 2 * self.season:  # else _run wrote no season
            m = self.season
            # step k repeats the component of its phase, last written at t + k - m*ceil(k/m) <= t
            back = steps - m * np.ceil(steps / m).astype(np.int64)
            rows = np.arange(len(values))[:, None] + back[None, :]
            out += np.where(rows >= 0, written[np.clip(rows, 0, None)], 0.0)
        return out


@dataclass(frozen=True)
class SmoothingAverage:
    """The weighted mean of several models' forecasts (what the network corrects); equal weights when
    `weights` is empty (files of 1.x)."""

    members: tuple[Any, ...]  # HoltWinters, core.prep.theta.Theta or core.prep.ces.CES
    weights: tuple[float, ...] = ()

    def anchors(self, values: np.ndarray, horizon: int) -> np.ndarray:
        weights = self.weights or (1.0 / len(self.members),) * len(self.members)
        return sum(w * member.anchors(values, horizon) for w, member in zip(weights, self.members))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"members": [member.to_dict() for member in self.members]}
        if self.weights:
            out["weights"] = list(self.weights)
        return out


def _member_from_dict(data: Any) -> Any:
    if not isinstance(data, dict):
        raise DamagedValue(_("smoothing members must be a list of 1 to 8 models"))
    if data.get("kind") == "theta":
        from core.prep.theta import Theta

        return Theta.from_dict(data)
    if data.get("kind") == "ces":
        from core.prep.ces import CES

        return CES.from_dict(data)
    return HoltWinters.from_dict(data)


def smoothing_from_dict(data: dict[str, Any]) -> HoltWinters | SmoothingAverage:
    """A saved smoothing: a weighted average of members, or (files of 0.x) one Holt-Winters model."""
    if "members" not in data:
        return HoltWinters.from_dict(data)
    members = data["members"]
    if not isinstance(members, list) or not 1 <= len(members) <= 8:
        raise DamagedValue(_("smoothing members must be a list of 1 to 8 models"))
    weights = data.get("weights", [])
    if (not isinstance(weights, list) or (weights and len(weights) != len(members))
            or not all(isinstance(w, (int, float)) and not isinstance(w, bool) and 0.0 <= w <= 1.0 for w in weights)
            or (weights and abs(sum(weights) - 1.0) > 1e-6)):
        raise DamagedValue(_("smoothing weights must be one number from 0 to 1 per member, adding up to 1"))
    return SmoothingAverage(tuple(_member_from_dict(member) for member in members),
                            tuple(float(w) for w in weights))


def aligned_start(rows: int, keep: int, season: int | None) -> int:
    """The first of (at least) the last `keep` of `rows` rows, a whole number of seasons after row 0:
    Theta's seasonal indices belong to the phase of the rows they were fit on."""
    start = max(0, rows - keep)
    return start - start % season if season and season > 1 else start


def _grid(m: int, trend: bool, seasonal: bool) -> list[HoltWinters]:
    """The grid's models; without trend beta = phi = 0 (the trend term vanishes), without season m = 1."""
    trends = itertools.product(BETAS, PHIS) if trend else [(0.0, 0.0)]
    gammas = GAMMAS if seasonal else (0.0,)
    return [HoltWinters(a, b, g, phi, m if seasonal else 1)
            for a, g, (b, phi) in itertools.product(ALPHAS, gammas, trends)]


def _aicc(sse: float, rows: int, parameters: int) -> float:
    if rows - parameters - 1 <= 0:
        return math.inf
    return (rows * math.log(max(sse, 1e-300) / rows) + 2 * parameters
            + 2 * parameters * (parameters + 1) / (rows - parameters - 1))


# bounds of the weights refine() may move: a level weight of 0 would freeze the level for good,
# and a damping of 1 lets the trend run on for ever (ETS implementations cap it near 0.98 too)
BOUNDS = {"alpha": (0.01, 1.0), "beta": (0.0, 1.0), "gamma": (0.0, 1.0), "phi": (0.8, 0.98)}


def refine(model: HoltWinters, values: np.ndarray) -> HoltWinters:
    """The grid model with its free weights moved by L-BFGS-B to a least one-step squared error.

    The model's form stays (without a trend, beta = phi = 0; without a season, gamma = 0). On the
    dev set's half the choices were made on (623 series) the refined pair with Theta scored sMAPE
    14.68 against 14.79 for the grid pair; on the other half 14.36 against 14.40."""
    from scipy.optimize import minimize

    free = ["alpha"] + (["beta", "phi"] if model.phi > 0 else []) + (["gamma"] if model.season > 1 else [])
    start = model.to_dict()

    def build(x: np.ndarray) -> HoltWinters:
        return HoltWinters(**(start | {key: float(v) for key, v in zip(free, x)}))

    found = minimize(lambda x: build(x).sse(values), [start[key] for key in free], method="L-BFGS-B",
                     bounds=[BOUNDS[key] for key in free])
    refined = build(np.clip(found.x, [BOUNDS[k][0] for k in free], [BOUNDS[k][1] for k in free]))
    return refined if np.isfinite(found.fun) and found.fun <= model.sse(values) else model


def fit_least_squares(values: np.ndarray, season: int | None) -> HoltWinters:
    """The damped-trend grid model with the least squared one-step error on `values`."""
    m = season if season and season > 1 and len(values) >= 2 * season else 1
    values = np.asarray(values, dtype=np.float64)[-MAX_FIT_ROWS:]
    return min(_grid(m, True, m > 1), key=lambda model: model.sse(values))


def fit_by_aicc(values: np.ndarray, season: int | None) -> HoltWinters:
    """The grid model, with or without trend and season, with the best AICc on `values`.

    Parameters counted: the smoothing weights (alpha; beta and phi with a trend; gamma with a
    season) and the initial states (level; trend; m - 1 seasonal values)."""
    m = season if season and season > 1 and len(values) >= 2 * season else 1
    values = np.asarray(values, dtype=np.float64)[-MAX_FIT_ROWS:]
    best, best_score = None, math.inf
    for seasonal in ((True, False) if m > 1 else (False,)):
        for trend in (True, False):
            parameters = 2 + (3 if trend else 0) + (m if seasonal else 0)
            for model in _grid(m, trend, seasonal):
                score = _aicc(model.sse(values), len(values), parameters)
                if best is None or score < best_score:
                    best, best_score = model, score
    return best


def fit_holt_winters(values: np.ndarray, season: int | None, offset: float = 0.0) -> SmoothingAverage:
    """The anchor fit on `values` (training rows): the least-squares and the AICc Holt-Winters models
    (each refined off the grid), the Theta method and Complex Exponential Smoothing, a quarter each
    (ANCHOR_WEIGHTS_CES); without CES (too few or too many rows) half the pair, half Theta.

    `offset`: where the target's own zero lies, in the units of `values` (the scaler moves it, and
    CES, unlike the others, depends on it: values + offset is what it smooths)."""
    from core.prep.ces import fit_ces
    from core.prep.theta import fit_theta

    values = np.asarray(values, dtype=np.float64)
    recent = values[-MAX_FIT_ROWS:]
    members = (refine(fit_least_squares(values, season), recent), refine(fit_by_aicc(values, season), recent),
               fit_theta(values[aligned_start(len(values), MAX_FIT_ROWS, season):], season))
    ces = fit_ces(values, season, offset) if len(values) <= CES_MAX_ROWS else None
    if ces is None:
        return SmoothingAverage(members, ANCHOR_WEIGHTS)
    return SmoothingAverage((*members, ces), ANCHOR_WEIGHTS_CES)
