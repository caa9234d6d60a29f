"""Does a network help on short series? The smoothing alone against a network forced on.

    python bench/short_series_network.py --per 15 --out /tmp/short.jsonl   # ~20 min, 2 processes
    python bench/short_series_network.py --table /tmp/short.jsonl

The app trains no network when there are too few validation windows to show it improves on the
smoothing (core/pipeline/plan.py `smoothing_stands_alone`). Here that rule is switched off (every
validation window is enough), on `--per` development series per group and half (key parity, as in
bench/anchor_accuracy.py), each at least three horizons long, for: the app as it is ("alone"), the
defaults with the network on ("net"), and a smaller regularised network ("net_wd"). Prints sMAPE /
MASE and seconds per series, by half and group.
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

VARIANTS: dict[str, dict] = {"alone": {}, "net": {}, "net_wd": {"weight_decay": 1e-3, "hidden": 16, "dropout": 0.2}}
GROUPS = ("M1 monthly", "M1 quarterly", "Tourism quarterly")
_ORIGINAL_RULE = None


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
    forecast = result.forecast["predicted"].to_numpy()[:task.h]
    return {"group": task.group, "key": task.key, "variant": variant, "smape": fa.smape(task.actual, forecast),
            "mase": fa.mase(task.actual, forecast, fa.mase_scale(task.x, task.period)),
            "made_by": str(result.credit.made_by if result.credit else ""), "seconds": time.perf_counter() - start}


def run(per: int, out: Path, jobs: int) -> None:
    tasks = fa.load_tasks("dev", 0, 0, "competition")
    picked = []
    for group in GROUPS:
        for parity in (0, 1):
            pool = [t for t in tasks if t.group == group and t.key % 2 == parity and len(t.x) >= 3 * t.h]
            rng = np.random.default_rng(zlib.crc32(group.encode()) + parity)
            picked += [pool[i] for i in sorted(rng.choice(len(pool), size=min(per, len(pool)), replace=False))]
    with cf.ProcessPoolExecutor(jobs) as pool, out.open("w") as sink:
        for row in pool.map(one, [(t, v) for t in picked for v in VARIANTS], chunksize=1):
            if row:
                sink.write(json.dumps(row) + "\n")
                sink.flush()


def table(path: Path) -> None:
    by_series: dict[tuple[str, int], dict] = collections.defaultdict(dict)
    for line in path.read_text().splitlines():
        row = json.loads(line)
        by_series[row["group"], row["key"]][row["variant"]] = row
    complete = {k: v for k, v in by_series.items() if len(v) == len(VARIANTS)}
    print(f"{len(complete)} series; sMAPE / MASE, seconds per series\n")
    print("| half | group | n | " + " | ".join(VARIANTS) + " |")
    print("|---" * (len(VARIANTS) + 3) + "|")
    for half, parity in (("chosen on", 0), ("checked", 1)):
        for group in (*GROUPS, None):
            keys = [k for k in complete if k[1] % 2 == parity and group in (None, k[0])]
            cells = [f"{np.mean([complete[k][v]['smape'] for k in keys]):.2f} / "
                     f"{np.mean([complete[k][v]['mase'] for k in keys]):.3f}, "
                     f"{np.mean([complete[k][v]['seconds'] for k in keys]):.1f} s" for v in VARIANTS]
            print(f"| {half} | {group or 'pooled'} | {len(keys)} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per", type=int, default=15, help="series per group and half (default 15)")
    parser.add_argument("--out", type=Path, help="write one JSON line per run here")
    parser.add_argument("--table", type=Path, help="print the table of a finished --out file")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if args.table:
        table(args.table)
    elif args.out:
        run(args.per, args.out, args.jobs)
    else:
        parser.error("give --out FILE to run, or --table FILE to print")


if __name__ == "__main__":
    main()
