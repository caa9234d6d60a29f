"""Does a network help on short series? The smoothing alone against a network forced on, and
against a small network on the anchor's residuals (bench/residual_network.py).

    python bench/short_series_network.py --per 15 --half even --out /tmp/short.jsonl   # 2 processes
    python bench/short_series_network.py --table /tmp/short.jsonl

The app trains no network when there are too few validation windows to show it improves on the
smoothing (core/pipeline/plan.py `smoothing_stands_alone`). Here that rule is switched off (every
validation window is enough), on `--per` development series per group and half (key parity, as in
bench/anchor_accuracy.py), each at least three horizons long, for: the app as it is ("alone"), the
defaults with the network on ("net"), and a smaller regularised network ("net_wd"). Or (the
default `--variants`) the app as it is and a network correcting its forecast, trained on the
anchor's errors from every origin of the training rows: gated and its epochs chosen by rolling
folds ("cv"), on moving-block bootstrapped copies of the series ("boot"), or both ("boot_cv").
Prints sMAPE / MASE and seconds per series (a residual variant's: the app's alone plus its own),
by half and group.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures as cf
import json
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import forecast_accuracy as fa
import residual_network as rn

# the app's own runs (config options); "net" and "net_wd" with the few-windows rule switched off
VARIANTS: dict[str, dict] = {"alone": {}, "net": {}, "net_wd": {"weight_decay": 1e-3, "hidden": 16, "dropout": 0.2}}
# a network on the anchor's residuals, added to the app's "alone" forecast
RESIDUAL: dict[str, rn.ResidualSettings] = {
    "cv": rn.ResidualSettings(),
    "boot": rn.ResidualSettings(folds=0, copies=20, weight_decay=0.1, max_epochs=100),
    "boot_cv": rn.ResidualSettings(copies=20, weight_decay=0.1),
    # tried on the even half only, around boot_cv: a stricter gate, more folds, weaker decay, more copies
    "boot_cv_m5": rn.ResidualSettings(copies=20, weight_decay=0.1, margin=0.05),
    "boot_cv_f6": rn.ResidualSettings(copies=20, weight_decay=0.1, folds=6, step=-3),
    "boot_cv_wd01": rn.ResidualSettings(copies=20, weight_decay=0.01),
    "boot_cv_c50": rn.ResidualSettings(copies=50, weight_decay=0.1),
}
DEFAULT_VARIANTS = ("alone", "cv", "boot", "boot_cv")
GROUPS = ("M1 monthly", "M1 quarterly", "Tourism quarterly")
_ORIGINAL_RULE = None


def row(task: fa.SeriesTask, variant: str, forecast: np.ndarray, seconds: float, made_by: str, **extra) -> dict:
    return {"group": task.group, "key": task.key, "variant": variant, "smape": fa.smape(task.actual, forecast),
            "mase": fa.mase(task.actual, forecast, fa.mase_scale(task.x, task.period)),
            "made_by": made_by, "seconds": seconds, **extra}


def series_rows(job: tuple[fa.SeriesTask, tuple[str, ...]]) -> list[dict]:
    """The app's runs of one series, then the residual variants on its "alone" forecast."""
    task, variants = job
    out: list[dict] = []
    alone = None
    for variant in [v for v in variants if v in VARIANTS]:
        result = one((task, variant))
        if result is not None:
            out.append(result)
            if variant == "alone":
                alone = result
    for variant in [v for v in variants if v in RESIDUAL]:
        if alone is None:
            break
        start = time.perf_counter()
        try:
            forecast, info = rn.corrected(alone["values"], task.x, task.h, task.period, RESIDUAL[variant])
        except Exception as exc:
            print(f"{task.group} {task.key} {variant}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        out.append(row(task, variant, forecast, alone["seconds"] + time.perf_counter() - start,
                       "network" if info.get("used") else "smoothing", info=info))
    for result in out:
        result.pop("values", None)
    return out


def one(job: tuple[fa.SeriesTask, str]) -> dict | None:
    task, variant = job
    import torch

    import core.pipeline.plan as plan_module
    from core.pipeline.recipe import run_experiment

    global _ORIGINAL_RULE
    torch.set_num_threads(1)
    if _ORIGINAL_RULE is None:
        _ORIGINAL_RULE = plan_module.validation_windows_needed
    # set for every job: a pool's worker runs jobs of every variant one after another
    plan_module.validation_windows_needed = _ORIGINAL_RULE if variant == "alone" else (lambda horizon: 1)
    start = time.perf_counter()
    try:
        result = run_experiment(pd.DataFrame({"value": task.x.astype(float)}),
                                fa.app_config(task.h, task.period, 0, VARIANTS[variant]))
    except Exception as exc:
        print(f"{task.group} {task.key} {variant}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None
    forecast = result.forecast["predicted"].to_numpy(dtype=np.float64)[:task.h]
    return row(task, variant, forecast, time.perf_counter() - start,
               str(result.credit.made_by if result.credit else ""), values=forecast)


def run(per: int, out: Path, jobs: int, halves: tuple[int, ...], variants: tuple[str, ...]) -> None:
    tasks = fa.load_tasks("dev", 0, 0, "competition")
    picked = []
    for group in GROUPS:
        for parity in (0, 1):
            pool = [t for t in tasks if t.group == group and t.key % 2 == parity and len(t.x) >= 3 * t.h]
            rng = np.random.default_rng(zlib.crc32(group.encode()) + parity)
            chosen = [pool[i] for i in sorted(rng.choice(len(pool), size=min(per, len(pool)), replace=False))]
            if parity in halves:  # drawn for both halves either way, so a half is the same series alone
                picked += chosen
    with cf.ProcessPoolExecutor(jobs) as pool, out.open("w") as sink:
        for rows in pool.map(series_rows, [(t, variants) for t in picked], chunksize=1):
            for result in rows:
                sink.write(json.dumps(result) + "\n")
                sink.flush()


def table(path: Path) -> None:
    by_series: dict[tuple[str, int], dict] = collections.defaultdict(dict)
    for line in path.read_text().splitlines():
        row = json.loads(line)
        by_series[row["group"], row["key"]][row["variant"]] = row
    names = list(dict.fromkeys(v for runs in by_series.values() for v in runs))
    complete = {k: v for k, v in by_series.items() if len(v) == len(names)}
    print(f"{len(complete)} series; sMAPE / MASE, seconds per series\n")
    print("| half | group | n | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 3) + "|")
    for half, parity in (("chosen on", 0), ("checked", 1)):
        for group in (*GROUPS, None):
            keys = [k for k in complete if k[1] % 2 == parity and group in (None, k[0])]
            if not keys:
                continue
            cells = [f"{np.mean([complete[k][v]['smape'] for k in keys]):.2f} / "
                     f"{np.mean([complete[k][v]['mase'] for k in keys]):.3f}, "
                     f"{np.mean([complete[k][v]['seconds'] for k in keys]):.1f} s" for v in names]
            print(f"| {half} | {group or 'pooled'} | {len(keys)} | " + " | ".join(cells) + " |")
    for v in names:
        if v in RESIDUAL:
            used = [complete[k][v]["made_by"] == "network" for k in complete]
            print(f"{v}: the network used on {sum(used)} of {len(used)} series")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per", type=int, default=15, help="series per group and half (default 15)")
    parser.add_argument("--out", type=Path, help="write one JSON line per run here")
    parser.add_argument("--table", type=Path, help="print the table of a finished --out file")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--half", choices=("even", "odd", "both"), default="both",
                        help="the even-keyed half (tune here), the odd-keyed half (check once), or both")
    parser.add_argument("--variants", default=",".join(DEFAULT_VARIANTS),
                        help=f"comma-separated, of {', '.join([*VARIANTS, *RESIDUAL])} (default %(default)s)")
    args = parser.parse_args()
    variants = tuple(v.strip() for v in args.variants.split(","))
    unknown = [v for v in variants if v not in VARIANTS and v not in RESIDUAL]
    if unknown or (any(v in RESIDUAL for v in variants) and "alone" not in variants):
        parser.error(f"unknown variants {unknown}" if unknown else "the residual variants need 'alone'")
    if args.table:
        table(args.table)
    elif args.out:
        run(args.per, args.out, args.jobs, {"even": (0,), "odd": (1,), "both": (0, 1)}[args.half], variants)
    else:
        parser.error("give --out FILE to run, or --table FILE to print")


if __name__ == "__main__":
    main()
