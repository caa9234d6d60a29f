"""Complex Exponential Smoothing (Svetunkov & Kourentzes), as statsforecast's AutoCES fits it.

The level is a complex number l + ic: the imaginary part c lets one model follow a level, a trend
or anything between without choosing. With one-step error e = y - forecast:

    l' = l - (1 - a1) c + (a0 - a1) e          c' = l + (1 - a0) c + (a0 + a1) e

Four forms: "N" (no season), "S" (a complex level per season phase, lag m), "P" (partial: an
additive seasonal index per phase, s' = s + b0 e), "F" (full: a complex seasonal pair per phase,
updated like the level with b0, b1). Fit as statsforecast does (its ces.py and src/ces.cpp): the
initial states from the first rows, a backward pass and a forward pass to refine them ("backfit"),
n*log(SSE) minimised by Nelder-Mead within its bounds, the form with the best AICc. statsforecast
keeps the states in float32; these are float64, so the two agree closely, not to the last digit
(tests/core/test_ces.py). The model is not shift-invariant (c follows the level's size), so it runs on
the values plus `offset`, chosen at fit time (see fit_ces).

The initial states are fit parameters tied to the phase of the fit's first row: `anchors` reads
`values[0]` as that phase, so callers pass rows that start a whole number of seasons after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import DamagedValue
from core.i18n import _

KINDS = ("N", "S", "P", "F")
WIDTH = {"N": 2, "S": 2, "P": 3, "F": 4}  # state components: level pair, seasonal index / pair
# statsforecast's starting values and bounds, by position among the optimised weights
START = {"N": (1.3, 1.0), "S": (1.3, 1.0), "P": (1.3, 1.0, 0.1), "F": (1.3, 1.0, 1.3, 1.0)}
LOWER, UPPER = (0.01, 0.01, 0.01, 0.01), (1.8, 1.9, 1.5, 1.5)


def _step(rows: list, y: float, kind: str, m: int, a0: float, a1: float, b0: float, b1: float) -> float:
    """Append the state after observing y (rows[-1] is the previous row, rows[-m] the row a season
    back); returns the one-step error."""
    back = rows[-m]
    level = back if kind == "S" else rows[-1]
    lv, c = level[0], level[1]
    e = y - lv - (back[2] if kind in ("P", "F") else 0.0)
    new = [lv - (1.0 - a1) * c + (a0 - a1) * e, lv + (1.0 - a0) * c + (a0 + a1) * e]
    if kind == "P":
        new.append(back[2] + b0 * e)
    elif kind == "F":
        s, d = back[2], back[3]
        new += [s - (1.0 - b1) * d + (b0 - b1) * e, s + (1.0 - b0) * d + (b0 + b1) * e]
    rows.append(new)
    return e


def _pass(y: list, start: list, kind: str, m: int, weights: tuple) -> tuple[float, list]:
    """One pass over y from the m starting rows: the SSE and every row, with m rows continued
    past the end without errors (statsforecast's bottom rows, where a backward pass starts).
    The forms' loops are written out: this runs a few hundred times per fit."""
    a0, a1, b0, b1 = weights
    ka, kc, pa, pc = 1.0 - a1, 1.0 - a0, a0 - a1, a0 + a1
    rows = [list(r) for r in start]
    sse = 0.0
    if kind == "N":
        lv, c = rows[-1]
        for value in y:
            e = value - lv
            sse += e * e
            lv, c = lv - ka * c + pa * e, lv + kc * c + pc * e
            rows.append([lv, c])
        for _i in range(m):
            lv, c = lv - ka * c, lv + kc * c
            rows.append([lv, c])
        return sse, rows
    if kind == "P":
        lv, c = rows[-1][0], rows[-1][1]
        for i, value in enumerate(y):
            s = rows[i][2]
            e = value - lv - s
            sse += e * e
            lv, c = lv - ka * c + pa * e, lv + kc * c + pc * e
            rows.append([lv, c, s + b0 * e])
        for i in range(len(y), len(y) + m):
            lv, c = lv - ka * c, lv + kc * c
            rows.append([lv, c, rows[i][2]])
        return sse, rows
    if kind == "S":
        for i, value in enumerate(y):
            lv, c = rows[i]
            e = value - lv
            sse += e * e
            rows.append([lv - ka * c + pa * e, lv + kc * c + pc * e])
        for i in range(len(y), len(y) + m):
            lv, c = rows[i]
            rows.append([lv - ka * c, lv + kc * c])
        return sse, rows
    kb, kd, pb, pd = 1.0 - b1, 1.0 - b0, b0 - b1, b0 + b1
    lv, c = rows[-1][0], rows[-1][1]
    for i, value in enumerate(y):
        _l, _c, s, d = rows[i]
        e = value - lv - s
        sse += e * e
        lv, c = lv - ka * c + pa * e, lv + kc * c + pc * e
        rows.append([lv, c, s - kb * d + pb * e, s + kd * d + pd * e])
    for i in range(len(y), len(y) + m):
        _l, _c, s, d = rows[i]
        lv, c = lv - ka * c, lv + kc * c
        rows.append([lv, c, s - kb * d, s + kd * d])
    return sse, rows


def _backfit(y: list, start: list, kind: str, m: int, weights: tuple) -> tuple[float, list]:
    """statsforecast's fit: forward, backward from the forward pass's continuation, then forward from
    the backward pass's continuation. Returns the last pass's SSE and its starting rows."""
    _sse, rows = _pass(y, start, kind, m, weights)
    _sse, rows = _pass(y[::-1], rows[::-1][:m], kind, m, weights)
    begin = rows[::-1][:m]
    sse, _rows = _pass(y, begin, kind, m, weights)
    return sse, begin


def initial_states(y: np.ndarray, kind: str, m: int) -> list:
    """statsforecast's starting rows: the mean level (c = l / 1.1) and, with a partial or full
    season, the additive classical decomposition's indices."""
    from core.prep.theta import seasonal_indices

    if kind == "N":
        level = float(np.mean(y[:min(10, len(y))]))
        return [[level, level / 1.1]]
    if kind == "S":
        return [[float(v), float(v) / 1.1] for v in y[:m]]
    level = float(np.mean(y[:m]))
    pattern = seasonal_indices(y, m)
    if kind == "P":
        return [[level, level / 1.1, float(s)] for s in pattern]
    return [[level, level / 1.1, float(s), float(s) / 1.1] for s in pattern]


@dataclass(frozen=True)
class CES:
    kind: str  # "N", "S", "P" or "F"
    season: int  # m: 1 for "N"
    weights: tuple[float, ...]  # a0, a1, b0, b1 (b's 0 where the form has none)
    start: tuple[tuple[float, ...], ...]  # the m starting rows after backfitting
    offset: float  # added to the values before the recursion, taken off the forecasts

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "ces", "form": self.kind, "season": self.season, "weights": list(self.weights),
                "start": [list(r) for r in self.start], "offset": self.offset}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CES:
        form, season, weights = data.get("form"), data.get("season"), data.get("weights")
        start, offset = data.get("start"), data.get("offset")
        from core.prep.smoothing import MAX_SEASON

        if form not in KINDS:
            raise DamagedValue(_("complex smoothing form must be one of N, S, P, F (got {value!r})").format(value=form))
        if (not isinstance(season, int) or isinstance(season, bool) or not 1 <= season <= MAX_SEASON
                or (form == "N") != (season == 1)):
            raise DamagedValue(_("complex smoothing season must be a whole number from 1 to {most} "
                                 "(got {value!r})").format(most=MAX_SEASON, value=season))
        if (not isinstance(weights, list) or len(weights) != 4
                or not all(_number(w) and 0.0 <= w <= 2.0 for w in weights)):
            raise DamagedValue(_("complex smoothing weights must be four numbers from 0 to 2"))
        if (not isinstance(start, list) or len(start) != season
                or not all(isinstance(r, list) and len(r) == WIDTH[form] and all(map(_number, r)) for r in start)):
            raise DamagedValue(_("complex smoothing states must be one row of {width} finite numbers per "
                                 "season phase").format(width=WIDTH[form]))
        if not _number(offset):
            raise DamagedValue(_("complex smoothing offset must be a finite number (got {value!r})").format(
                value=offset))
        return cls(form, season, tuple(float(w) for w in weights),
                   tuple(tuple(float(v) for v in r) for r in start), float(offset))

    def anchors(self, values: np.ndarray, horizon: int) -> np.ndarray:
        """(rows, horizon): row t holds the forecasts of rows t+1..t+horizon from rows 0..t."""
        y = np.asarray(values, dtype=np.float64) + self.offset
        n, m, kind = len(y), self.season, self.kind
        rows = [list(r) for r in self.start]
        for value in y.tolist():
            _step(rows, value, kind, m, *self.weights)
        states = np.asarray(rows)  # (m + n, width): after row t, the last m are states[t+1 : t+1+m]
        a0, a1, b0, b1 = self.weights
        k = np.arange(horizon)  # step k+1
        # without errors the pairs evolve linearly: (l, c) by A, (s, d) by B, once per lag
        lag_steps = k // m if kind == "S" else k
        level_row = (k % m) if kind == "S" else np.full(horizon, m - 1)
        a_rows = _first_rows(np.array([[1.0, a1 - 1.0], [1.0, 1.0 - a0]]), int(lag_steps.max(initial=0)) + 1)
        origin = np.arange(n)[:, None] + 1
        pairs = states[origin + level_row[None, :], :2]  # (n, horizon, 2)
        out = np.einsum("nhk,hk->nh", pairs, a_rows[lag_steps])
        if kind in ("P", "F"):
            season_rows = states[origin + (k % m)[None, :]]
            if kind == "P":
                out += season_rows[..., 2]
            else:
                b_rows = _first_rows(np.array([[1.0, b1 - 1.0], [1.0, 1.0 - b0]]), int((k // m).max(initial=0)) + 1)
                out += np.einsum("nhk,hk->nh", season_rows[..., 2:4], b_rows[k // m])
        return out - self.offset


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _first_rows(matrix: np.ndarray, count: int) -> np.ndarray:
    """The first rows of matrix**0 .. matrix**(count-1): (count, 2)."""
    out, power = [], np.eye(2)
    for _i in range(count):
        out.append(power[0].copy())
        power = power @ matrix
    return np.asarray(out)


def _fit_kind(y: np.ndarray, kind: str, m: int) -> tuple[float, CES] | None:
    from scipy.optimize import minimize

    start = initial_states(y, kind, m)
    series = y.tolist()
    free = len(START[kind])

    def weights_of(x: np.ndarray) -> tuple:
        return tuple(float(v) for v in x) + (0.0,) * (4 - free)

    def objective(x: np.ndarray) -> float:
        sse, _begin = _backfit(series, start, kind, m, weights_of(x))
        return len(series) * math.log(sse) if math.isfinite(sse) and sse > 0 else math.inf

    with np.errstate(all="ignore"):
        found = minimize(objective, START[kind], method="Nelder-Mead", bounds=list(zip(LOWER[:free], UPPER[:free])),
                         options={"xatol": 1e-4, "fatol": 1e-4, "maxiter": 1000,
                                  "initial_simplex": _simplex(START[kind])})
    weights = weights_of(found.x)
    sse, begin = _backfit(series, start, kind, m, weights)
    if not (math.isfinite(sse) and sse > 0):
        return None
    n, parameters = len(series), WIDTH[kind] + 1  # statsforecast's count
    if n - parameters - 1 <= 0:
        return None
    aicc = n * math.log(sse) + 2 * parameters + 2 * parameters * (parameters + 1) / (n - parameters - 1)
    return aicc, CES(kind, m, weights, tuple(tuple(r) for r in begin), 0.0)


def _simplex(x0: tuple) -> np.ndarray:
    points = [np.array(x0)]
    for i in range(len(x0)):
        point = np.array(x0)
        point[i] += 0.05 * max(abs(x0[i]), 1.0)
        points.append(point)
    return np.asarray(points)


def fit_ces(values: np.ndarray, season: int | None, offset: float = 0.0) -> CES | None:
    """The CES form with the best AICc on `values` + offset; None when the rows are too few."""
    y = np.asarray(values, dtype=np.float64) + offset
    m = season if season and season > 1 and len(y) >= 2 * season else 1
    best = None
    for kind in (KINDS if m > 1 else ("N",)):
        found = _fit_kind(y, kind, m if kind != "N" else 1)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    if best is None:
        return None
    model = best[1]
    return CES(model.kind, model.season, model.weights, model.start, float(offset))
