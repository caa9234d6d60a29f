"""The statistical anchor on its own: candidate forecasts and their combinations on every dev series.

    python bench/anchor_accuracy.py compute hw,sf_ets,sf_theta --jobs 2   # forecasts, cached per method
    python bench/anchor_accuracy.py table hw sf_ets+sf_theta hw+sf_theta     # sMAPE / MASE by group, even keys
    python bench/anchor_accuracy.py table --confirm hw   # and the odd keys: once, for the final candidate

On the short competition series the app forecasts with the anchor alone (the network needs
validation windows they don't have), so the anchor's accuracy is the app's there. The dev set
(M1 monthly, M1 quarterly, Tourism quarterly: 1,247 series) is split once by series key parity:
choose on the EVEN keys ("choose"), confirm on the ODD keys ("confirm"), on which nothing is chosen.
Needs the `bench` extra. Forecasts are cached under --cache (one .npz per method) so combinations
("a+b+c": the mean of the members' forecasts; "log:a+b" the mean of their logs, as the app's anchor
averages; "med:a+b+c" their median; repeat a member to weight it) cost nothing.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecast_accuracy import SeriesTask, load_tasks, mase, mase_scale, smape, snaive_forecast


def _log_or_raw(x: np.ndarray) -> tuple[np.ndarray, bool]:
    return (np.log(x), True) if (x > 0).all() else (x, False)


def app_anchor(x: np.ndarray, h: int, period: int) -> np.ndarray:
    """The app's smoothing anchor fit on every row, on the log when the values allow (transform auto)."""
    from core.prep.smoothing import fit_holt_winters

    values, logged = _log_or_raw(x)
    forecast = fit_holt_winters(values, period if period > 1 else None).anchors(values, h)[-1]
    return np.exp(forecast) if logged else forecast


def _sf(name: str, x: np.ndarray, h: int, period: int) -> np.ndarray:
    from statsforecast import models

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(getattr(models, name)(season_length=period).forecast(y=x, h=h)["mean"], dtype=np.float64)


def sm_theta(x: np.ndarray, h: int, period: int) -> np.ndarray:
    from statsmodels.tsa.forecasting.theta import ThetaModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ThetaModel(x, period=period if period > 1 else None,
                         deseasonalize=period > 1 and len(x) >= 2 * period).fit()
        return np.asarray(fit.forecast(h), dtype=np.float64)


def own_theta(x: np.ndarray, h: int, period: int) -> np.ndarray:
    from core.prep.theta import fit_theta

    model = fit_theta(x, period if period > 1 else None)
    return model.anchors(x, h)[-1]


def own_theta_log(x: np.ndarray, h: int, period: int) -> np.ndarray:
    from core.prep.theta import fit_theta

    values, logged = _log_or_raw(x)
    forecast = fit_theta(values, period if period > 1 else None).anchors(values, h)[-1]
    return np.exp(forecast) if logged else forecast


def sm_ets_additive(x: np.ndarray, h: int, period: int, log: bool = True) -> np.ndarray:
    """statsmodels ETSModel, additive error/trend/season, on the log when positive; the best AICc."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    values, logged = _log_or_raw(x) if log else (x, False)
    m = period if period > 1 and len(values) >= 2 * period + 2 else None
    best = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seasonal in ((None, "add") if m else (None,)):
            for trend, damped in ((None, False), ("add", False), ("add", True)):
                try:
                    fit = ETSModel(values, error="add", trend=trend, damped_trend=damped, seasonal=seasonal,
                                   seasonal_periods=m if seasonal else None).fit(disp=False)
                except Exception:
                    continue
                if np.isfinite(fit.aicc) and (best is None or fit.aicc < best.aicc):
                    best = fit
    forecast = np.asarray(best.forecast(h), dtype=np.float64)
    return np.exp(forecast) if logged else forecast


def sm_theta_additive_log(x: np.ndarray, h: int, period: int) -> np.ndarray:
    from statsmodels.tsa.forecasting.theta import ThetaModel

    values, logged = _log_or_raw(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ThetaModel(values, period=period if period > 1 else None, method="additive",
                         deseasonalize=period > 1 and len(x) >= 2 * period).fit()
        forecast = np.asarray(fit.forecast(h), dtype=np.float64)
    return np.exp(forecast) if logged else forecast


def _refined(model, values: np.ndarray):
    """A grid Holt-Winters model with its free weights refined by L-BFGS-B on the one-step SSE."""
    from scipy.optimize import minimize

    from core.prep.smoothing import HoltWinters

    free = ["alpha"] + (["beta", "phi"] if model.phi > 0 else []) + (["gamma"] if model.season > 1 else [])
    bounds = {"alpha": (0.01, 1.0), "beta": (0.0, 1.0), "phi": (0.8, 0.98), "gamma": (0.0, 1.0)}
    start = model.to_dict()

    def build(x):
        return HoltWinters(**(start | dict(zip(free, map(float, x)))))

    found = minimize(lambda x: build(x).states(values)[3], [start[k] for k in free], method="L-BFGS-B",
                     bounds=[bounds[k] for k in free])
    return build(found.x) if found.fun <= model.states(values)[3] else model


def hw_refined(x: np.ndarray, h: int, period: int, which: str = "both") -> np.ndarray:
    from core.prep.smoothing import fit_by_aicc, fit_least_squares

    values, logged = _log_or_raw(x)
    season = period if period > 1 else None
    least, aicc = fit_least_squares(values, season), fit_by_aicc(values, season)
    if which in ("both", "least"):
        least = _refined(least, values)
    if which in ("both", "aicc"):
        aicc = _refined(aicc, values)
    forecast = (least.anchors(values, h)[-1] + aicc.anchors(values, h)[-1]) / 2
    return np.exp(forecast) if logged else forecast


def own_ces(x: np.ndarray, h: int, period: int, space: str = "raw", offset: float = 0.0) -> np.ndarray:
    """Our CES (core.prep.ces) on the raw values, on the log, or on the log standardized on the
    training rows as the app's anchor sees it (space "z"), plus `offset` in those units."""
    from core.prep.ces import fit_ces

    values, logged = _log_or_raw(x) if space != "raw" else (x, False)
    mean, std = (values.mean(), values.std() or 1.0) if space == "z" else (0.0, 1.0)
    scaled = (values - mean) / std
    model = fit_ces(scaled, period if period > 1 else None, offset)
    forecast = model.anchors(scaled, h)[-1] * std + mean
    return np.exp(forecast) if logged else forecast


METHODS = {
    "ces": own_ces,
    "ces_log": lambda x, h, p: own_ces(x, h, p, "log"),
    "ces_z": lambda x, h, p: own_ces(x, h, p, "z"),
    "ces_z10": lambda x, h, p: own_ces(x, h, p, "z", 10.0),
    "hw_refined": hw_refined,
    "hw_refined_least": lambda x, h, p: hw_refined(x, h, p, "least"),
    "sm_ets_log": sm_ets_additive,
    "sm_ets_raw": lambda x, h, p: sm_ets_additive(x, h, p, log=False),
    "sm_theta_log": sm_theta_additive_log,
    "hw": app_anchor,
    "app": app_anchor,
    "snaive": snaive_forecast,
    "sf_ets": lambda x, h, p: _sf("AutoETS", x, h, p),
    "sf_theta": lambda x, h, p: _sf("AutoTheta", x, h, p),
    "sf_ces": lambda x, h, p: _sf("AutoCES", x, h, p),
    "sf_dot": lambda x, h, p: _sf("DynamicOptimizedTheta", x, h, p),
    "sf_arima": lambda x, h, p: _sf("AutoARIMA", x, h, p),
    "sm_theta": sm_theta,
    "theta": own_theta,
    "theta_log": own_theta_log,
}


def _one(method: str, task: SeriesTask) -> tuple[int, np.ndarray, float]:
    start = time.perf_counter()
    try:
        forecast = METHODS[method](task.x, task.h, task.period)
        if forecast.shape != (task.h,) or not np.isfinite(forecast).all():
            raise ValueError("bad forecast")
    except Exception:
        forecast = np.full(task.h, np.nan)
    return task.key * 10 + _GROUP_CODE[task.group], forecast, time.perf_counter() - start


_GROUP_CODE = {"M1 monthly": 1, "M1 quarterly": 2, "Tourism quarterly": 3}


def task_id(task: SeriesTask) -> int:
    return task.key * 10 + _GROUP_CODE[task.group]


def compute(methods: list[str], cache: Path, jobs: int) -> None:
    tasks = load_tasks("dev", 0, 0, "competition")
    for method in methods:
        start = time.perf_counter()
        with cf.ProcessPoolExecutor(jobs) as pool:
            results = list(pool.map(_one, [method] * len(tasks), tasks, chunksize=8))
        ids = np.array([r[0] for r in results])
        np.savez(cache / f"{method}.npz", ids=ids, seconds=np.array([r[2] for r in results]),
                 **{str(i): f for i, f, _s in results})
        failed = sum(not np.isfinite(r[1]).all() for r in results)
        print(f"{method}: {len(tasks)} series in {time.perf_counter() - start:.0f} s, "
              f"{np.mean([r[2] for r in results]) * 1000:.1f} ms per series, {failed} failed", file=sys.stderr)


def load(method: str, cache: Path) -> dict[int, np.ndarray]:
    data = np.load(cache / f"{method}.npz")
    return {int(i): data[str(int(i))] for i in data["ids"]}


def table(specs: list[str], cache: Path, halves: tuple[str, ...] = ("choose",)) -> None:
    """sMAPE / MASE by group and half. Only the choosing half unless asked: the other is read once,
    for the final candidate."""
    tasks = load_tasks("dev", 0, 0, "competition")
    loaded: dict[str, dict[int, np.ndarray]] = {}
    rows = []
    for spec in specs:
        geometric = spec.startswith("log:")  # the mean of the logs (what the app's anchor averages)
        median = spec.startswith("med:")  # the members' median, step by step
        members = spec.removeprefix("log:").removeprefix("med:").split("+")
        for m in members:
            loaded.setdefault(m, load(m, cache))
        scores: dict[tuple[str, str], list[tuple[float, float, bool]]] = {}
        fails = 0
        for task in tasks:
            tid = task_id(task)
            forecasts = [loaded[m][tid] for m in members]
            fallback = snaive_forecast(task.x, task.h, task.period)
            forecasts = [f if np.isfinite(f).all() else fallback for f in forecasts]
            fails += sum(not np.isfinite(loaded[m][tid]).all() for m in members)
            if geometric and (task.x > 0).all() and all((f > 0).all() for f in forecasts):
                f = np.exp(np.mean(np.log(forecasts), axis=0))
            elif median:
                f = np.median(forecasts, axis=0)
            else:
                f = np.mean(forecasts, axis=0)
            scale = mase_scale(task.x, task.period)
            s, q = smape(task.actual, f), mase(task.actual, f, scale)
            beats = s < smape(task.actual, fallback)
            half = "choose" if task.key % 2 == 0 else "confirm"
            for key in ((half, task.group), (half, "pooled"), ("all", "pooled")):
                scores.setdefault(key, []).append((s, q, beats))
        rows.append((spec, scores, fails))
    groups = ["M1 monthly", "M1 quarterly", "Tourism quarterly", "pooled"]
    for half in halves:
        print(f"\n### {half}\n")
        print("| method | " + " | ".join(groups) + " | beats snaive | failures |")
        print("|---" * (len(groups) + 3) + "|")
        for spec, scores, fails in rows:
            cells = []
            for g in groups:
                v = scores.get((half, g))
                cells.append(f"{np.mean([r[0] for r in v]):.2f} / {np.mean([r[1] for r in v]):.3f}" if v else "")
            pooled = scores[(half, "pooled")]
            print(f"| {spec} | " + " | ".join(cells) + " | "
                  f"{100 * np.mean([r[2] for r in pooled]):.0f}% | {fails} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("compute", "table"))
    parser.add_argument("methods", nargs="+")
    parser.add_argument("--cache", type=Path, default=Path("bench/.anchor_cache"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--confirm", action="store_true", help="also print the checking half (odd keys) and all")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.command == "compute":
        compute([m for spec in args.methods for m in spec.split(",")], args.cache, args.jobs)
    else:
        table(args.methods, args.cache, ("choose", "confirm", "all") if args.confirm else ("choose",))


if __name__ == "__main__":
    main()
