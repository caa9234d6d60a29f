"""Backtest speed: seconds per fold when every fold retrains, when every k-th does (k=2) and when
only the first does (k=0), next to one ordinary training run (`run_experiment`, the `train`
command's work) on the same series and settings, measured side by side in one process.

    python bench/backtest_speed.py [--folds 6] [--epochs 200] [--ensemble 5] [--horizon 4] [CSV:TARGET ...]

Prints a Markdown table; nothing is asserted. Defaults: tests/data/ausbeer.csv and the
woolyrnq.csv and heartrate.csv series of ../shared/datasets (when present).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.backtest import BacktestRequest, run_backtest  # noqa: E402
from core.data.csv_reader import read_csv  # noqa: E402
from core.pipeline import run_experiment  # noqa: E402
from core.settings.config import ForecastConfig  # noqa: E402

SHARED = ROOT.parent / "shared" / "datasets"
DEFAULT_SERIES = [f"{ROOT / 'tests/data/ausbeer.csv'}:megalitres", f"{SHARED / 'woolyrnq.csv'}:tonnes",
                  f"{SHARED / 'heartrate.csv'}:bpm"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("series", nargs="*", default=DEFAULT_SERIES, help="CSV:TARGET")
    parser.add_argument("--folds", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--ensemble", type=int, default=5)
    parser.add_argument("--horizon", type=int, default=4)
    args = parser.parse_args()
    print(f"{args.folds} folds, horizon {args.horizon}, up to {args.epochs} epochs, ensemble {args.ensemble}, "
          "threads 1, expanding window\n")
    print("| series | rows | train once (s) | every fold: s/fold | k=2: s/fold | k=0: s/fold "
          "| every fold / once | k=2 speed-up | k=0 speed-up | pooled RMSE every / k=2 / k=0 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for spec in args.series:
        path, target = spec.rsplit(":", 1)
        if not Path(path).exists():
            print(f"| {Path(path).name} | missing | | | | | | | | |")
            continue
        loaded = read_csv(path)
        if target not in loaded.frame.columns:
            target = loaded.report.numeric_columns()[0]
        config = ForecastConfig(target=target, date_column=loaded.report.date_column, epochs=args.epochs,
                                ensemble=args.ensemble, horizon=args.horizon, threads=1, refit=False)
        run_experiment(loaded.frame, config.replace(epochs=1))  # torch and scikit-learn loaded before timing
        started = time.perf_counter()
        run_experiment(loaded.frame, config)
        once = time.perf_counter() - started
        per_fold, rmse = {}, {}
        for every in (1, 2, 0):
            started = time.perf_counter()
            result = run_backtest(loaded.frame, config, BacktestRequest(folds=args.folds, retrain_every=every))
            per_fold[every] = (time.perf_counter() - started) / len(result.folds)
            rmse[every] = result.pooled["model"]["rmse"]
        print(f"| {Path(path).name} ({target}) | {len(loaded.frame)} | {once:.2f} | {per_fold[1]:.2f} "
              f"| {per_fold[2]:.2f} | {per_fold[0]:.2f} | {per_fold[1] / once:.2f} | {per_fold[1] / per_fold[2]:.1f}x "
              f"| {per_fold[1] / per_fold[0]:.1f}x | {rmse[1]:.4g} / {rmse[2]:.4g} / {rmse[0]:.4g} |")


if __name__ == "__main__":
    main()
