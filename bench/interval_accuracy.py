"""How good the forecast's intervals are when the smoothing stands alone: coverage and interval score.

    python bench/interval_accuracy.py compute --jobs 2     # one app run per dev series (~10-20 min)
    python bench/interval_accuracy.py table                # the variants below, both halves

On the development set (M1 monthly, M1 quarterly, Tourism quarterly: 1,247 series, split by key
parity as in bench/anchor_accuracy.py: choose on the even keys, confirm on the odd ones) almost every
series is too short for a network, so the forecast is the smoothing alone. `compute` runs the app's
own stages on each series (plan, scoring model, every window's forecast) and keeps, per series, every
window's errors by split, the forecast past the end and the future actual values, in an .npz (no
pickle). `table` then rebuilds each way of making the 90% intervals from those errors and prints the
coverage (the share of future values inside) and the mean scaled interval score (MSIS, M4's: width
plus 2/alpha times each miss, over the seasonal naive in-sample error; lower is better).

Variants:
- before: the app until December: the normal approximation from the held-out (validation and test)
  windows of the scoring model, in the target's units (median 2 windows a series);
- every xK: every window's errors (training windows too), on the log of the target, widened K times.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecast_accuracy import SeriesTask, app_config, load_tasks

GROUPS = ("M1 monthly", "M1 quarterly", "Tourism quarterly")
SPLIT_NAMES = ("train", "val", "test")
DEFAULT_CACHE = Path(__file__).resolve().parent / ".interval_cache.npz"
LEVEL = 0.9


def one(task: SeriesTask) -> dict[str, np.ndarray] | None:
    """The app's windows and its forecast for one series, with the smoothing's own intervals off."""
    import torch

    from core.pipeline import recipe
    from core.prep.timeindex import TimeIndex

    torch.set_num_threads(1)
    frame = pd.DataFrame({"value": task.x.astype(float)})
    try:
        plan = recipe.plan_run(frame, app_config(task.h, task.period, 0, {}))
        scoring = recipe.fit_scoring_model(frame, plan)
        windows = recipe.predict_windows(frame, plan, scoring)
        recipe.calibrate_intervals(scoring.predictor, windows, plan)
        forecaster = recipe.refit_on_all_rows(frame, plan, scoring, windows) or scoring.predictor
        forecast = recipe.forecast_past_end(frame, forecaster, plan, TimeIndex.of(frame, None, False))
    except Exception as exc:  # a failed series is counted, not fatal
        print(f"{task.group} {task.key}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None
    out = {"predicted": forecast["predicted"].to_numpy()[:task.h], "actual": task.actual, "x": task.x,
           "alone": np.array(plan.smoothing_alone)}
    for split in SPLIT_NAMES:
        mask = windows.mask(split)
        out[f"{split}_actual"], out[f"{split}_predicted"] = windows.actual(mask), windows.predicted[mask]
    return out


def compute(cache: Path, jobs: int) -> None:
    tasks = load_tasks("dev", 0, 0, "competition")
    with cf.ProcessPoolExecutor(jobs) as pool:
        results = list(pool.map(one, tasks, chunksize=4))
    arrays = {}
    for task, result in zip(tasks, results):
        for name, values in (result or {}).items():
            arrays[f"{task.group}|{task.key}|{task.period}|{name}"] = values
    np.savez_compressed(cache, **arrays)
    print(f"{sum(r is not None for r in results)} of {len(tasks)} series kept in {cache}", file=sys.stderr)


def load(cache: Path) -> list[dict]:
    data = np.load(cache, allow_pickle=False)
    series: dict[tuple[str, int, int], dict] = {}
    for key in data.files:
        group, number, period, name = key.split("|")
        series.setdefault((group, int(number), int(period)), {})[name] = data[key]
    return [{"group": g, "key": k, "period": p, **v} for (g, k, p), v in series.items()]


def before(s: dict) -> tuple[np.ndarray, np.ndarray]:
    from core.evaluation.intervals import interval_widths

    held = [s[f"{split}_actual"] - s[f"{split}_predicted"] for split in ("val", "test")]
    errors = np.concatenate(held) if sum(len(h) for h in held) else s["train_actual"] - s["train_predicted"]
    widths = interval_widths(errors, LEVEL)[0]
    return s["predicted"] - widths, s["predicted"] + widths


def every(s: dict, widening: float) -> tuple[np.ndarray, np.ndarray]:
    from core.evaluation import intervals

    actual = np.concatenate([s[f"{split}_actual"] for split in SPLIT_NAMES])
    predicted = np.concatenate([s[f"{split}_predicted"] for split in SPLIT_NAMES])
    kept = intervals.IN_SAMPLE_WIDENING
    try:
        intervals.IN_SAMPLE_WIDENING = widening
        found = intervals.log_interval_widths(actual, predicted, LEVEL)
    finally:
        intervals.IN_SAMPLE_WIDENING = kept
    if found is None or (s["predicted"] <= 0).any():
        return before(s)
    return s["predicted"] * np.exp(-found[0]), s["predicted"] * np.exp(found[0])


def msis(s: dict, lower: np.ndarray, upper: np.ndarray) -> float:
    x, y, alpha = s["x"], s["actual"], 1 - LEVEL
    m = s["period"] if s["period"] < len(x) else 1
    scale = max(float(np.mean(np.abs(x[m:] - x[:-m]))), 1e-9)
    score = (upper - lower) + 2 / alpha * ((lower - y) * (y < lower) + (y - upper) * (y > upper))
    return float(np.mean(score)) / scale


def table(cache: Path) -> None:
    series = [s for s in load(cache) if bool(s["alone"])]
    variants = {"before": before, **{f"every x{k}": (lambda s, k=k: every(s, k)) for k in (1.0, 1.1, 1.15, 1.2)}}
    print(f"{len(series)} series where the smoothing stands alone; 90% intervals: coverage % / MSIS\n")
    for half, parity in (("choose (even keys)", 0), ("confirm (odd keys)", 1)):
        print(f"### {half}\n")
        print("| intervals | " + " | ".join(GROUPS) + " | pooled |")
        print("|---" * (len(GROUPS) + 2) + "|")
        for name, make in variants.items():
            cells = []
            for group in (*GROUPS, None):
                scores = []
                for s in series:
                    if s["key"] % 2 != parity or (group and s["group"] != group):
                        continue
                    lower, upper = make(s)
                    scores.append((np.mean((s["actual"] >= lower) & (s["actual"] <= upper)), msis(s, lower, upper)))
                cells.append(f"{100 * np.mean([c for c, _m in scores]):.1f} / {np.mean([m for _c, m in scores]):.2f}")
            print(f"| {name} | " + " | ".join(cells) + " |")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("compute", "table"))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    compute(args.cache, args.jobs) if args.command == "compute" else table(args.cache)


if __name__ == "__main__":
    main()
