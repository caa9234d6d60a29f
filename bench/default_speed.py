"""How long a default run takes on long series, and what the training levers cost in accuracy.

    python bench/default_speed.py                       # the defaults before and now, side by side
    python bench/default_speed.py --only u_shape --variants default,ens3,p15
    python bench/default_speed.py --only u_shape --variants default --rows 5000   # the issue's 60 s case

Each row is one `run_experiment` on a series of bench/long_series.py (u_shape: 3,000 hourly
rows with a temperature feature; threshold_ar: 2,000 rows) with threads=1 and the settings of
one variant; "default" is the app's defaults, "fixed" what they were before the automatic
ensemble, batch size, learning rate and patience (5 networks, batch 32, 0.001, patience 25).
Seconds are wall time, s/epoch and refit s those of the scoring networks and the refit; the
load average is printed before each run, since the machine is shared: compare rows made in
one run of this script, as ratios to its first variant, in CPU seconds (one torch thread, so a
busy second core slows the wall clock far more than the CPU time).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.long_series import SERIES

# the settings each variant changes from the defaults (threads=1 and the forecast steps always)
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "fixed": {"ensemble": 5, "batch_size": 32, "lr": 0.001, "patience": 25},
    "ens3": {"ensemble": 3},
    "p15": {"patience": 15},
    "ens2": {"ensemble": 2, "batch_size": 32},
    "ens2_b64": {"ensemble": 2, "batch_size": 64},
    "ens2_b128": {"ensemble": 2, "batch_size": 128, "lr": 0.002},
    "ens3_b64": {"ensemble": 3, "batch_size": 64},
    "ens3_b64_p15": {"ensemble": 3, "batch_size": 64, "patience": 15},
    "ens5_b128": {"ensemble": 5, "batch_size": 128, "lr": 0.002},
    "ens2_b128_lr1": {"ensemble": 2, "batch_size": 128, "lr": 0.001},
    "ens3_b128_lr1": {"ensemble": 3, "batch_size": 128, "lr": 0.001},
    "ens2_b64_lr14": {"ensemble": 2, "batch_size": 64, "lr": 0.0014},
}


def run(name: str, changes: dict[str, Any], rows: int | None = None) -> dict[str, Any]:
    from core.pipeline import run_experiment
    from core.settings.config import ForecastConfig

    series = next(s for s in SERIES if s.name == name)
    frame = series.build(rows) if rows else series.build()  # type: ignore[call-arg]
    config = ForecastConfig(target="value", features=series.features, date_column="time",
                            forecast_steps=series.horizon, threads=1, **changes)
    networks: dict[tuple[bool, int], dict[str, float]] = {}

    def progress(p) -> None:
        entry = networks.setdefault((p.refit, p.network), {"epochs": 0, "best": 0, "seconds": 0.0})
        entry["epochs"], entry["best"] = p.epoch, p.best_epoch
        entry["seconds"] += p.seconds

    load = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    result = run_experiment(frame, config, progress=progress)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    scoring = [v for (refit, _n), v in sorted(networks.items()) if not refit]
    refit = [v for (is_refit, _n), v in networks.items() if is_refit]
    epochs = sum(v["epochs"] for v in scoring)
    c = result.config
    return {"series": name, "rows": len(frame), "ensemble": c.ensemble, "batch": c.batch_size, "lr": c.lr,
            "patience": c.patience, "windows": len(result.plan.origins["train"]),
            "model": result.test_metrics["model"]["rmse"], "linear": result.test_metrics["linear"]["rmse"],
            "epochs": "/".join(str(v["epochs"]) for v in scoring),
            "best": "/".join(str(v["best"]) for v in scoring),
            "s_per_epoch": sum(v["seconds"] for v in scoring) / max(epochs, 1),
            "refit_s": sum(v["seconds"] for v in refit), "seconds": seconds, "cpu": cpu, "load": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="u_shape,threshold_ar", help="comma-separated series names")
    parser.add_argument("--variants", default="fixed,default", help=", ".join(VARIANTS))
    parser.add_argument("--rows", type=int, help="rows of the synthetic series (u_shape: 3,000, threshold_ar: 2,000)")
    args = parser.parse_args()
    print(f"# {os.cpu_count()} cores, threads=1; load = 1-minute load average before the run")
    print("| series | variant | ens | batch | lr | patience | train windows | epochs run | best epochs "
          "| s/epoch | refit s | seconds | CPU s | x first (CPU) | model RMSE | / linear | / first variant | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in args.only.split(","):
        first: dict[str, Any] | None = None
        for variant in args.variants.split(","):
            row = run(name, VARIANTS[variant], args.rows)
            first = first or row
            print(f"| {name} | {variant} | {row['ensemble']} | {row['batch']} | {row['lr']:g} | {row['patience']} "
                  f"| {row['windows']:,} | {row['epochs']} | {row['best']} | {row['s_per_epoch']:.3f} "
                  f"| {row['refit_s']:.0f} | {row['seconds']:.0f} | {row['cpu']:.0f} | {first['cpu'] / row['cpu']:.2f} "
                  f"| {row['model']:.4g} | {row['model'] / row['linear']:.3f} | {row['model'] / first['model']:.3f} "
                  f"| {row['load']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
