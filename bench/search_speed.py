"""Search speed: seconds per trial against one plain training of the same settings, and trials
finished in a fixed budget with one worker process against two.

    python bench/search_speed.py [CSV TARGET] [--budget SECONDS]

Prints a table. A trial = validation_score on the rows before the test split, plus Optuna's
bookkeeping (a SQLite study: suggest, one report per epoch, a stop check per second). Worker
processes each use one torch thread; a machine's other load changes the speed-up a lot.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.data.csv_reader import read_csv
from core.pipeline import plan_run, validation_score
from core.search import SearchRequest, run_search
from core.settings.config import ForecastConfig

FIXED = ("ensemble", "target_mode")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("csv", nargs="?", default=str(Path(__file__).resolve().parents[1] / "tests/data/woolyrnq.csv"))
    parser.add_argument("target", nargs="?", default="tonnes")
    parser.add_argument("--budget", type=float, default=40.0)
    parser.add_argument("--trials", type=int, default=8)
    args = parser.parse_args()
    frame = read_csv(args.csv).frame
    config = ForecastConfig(target=args.target, epochs=30, patience=10, ensemble=1, refit=False, target_mode="delta")

    # 1. seconds per trial vs the same settings trained plainly (validation_score, threads 1)
    search = run_search(frame, config, SearchRequest(budget_s=600, trials=args.trials, jobs=0, fixed=FIXED))
    plan = plan_run(frame, config)
    dev = frame.iloc[:plan.bounds.val_end][plan.config.input_columns].reset_index(drop=True)
    trial_s, plain_s = [], []
    for t in search.trials:
        if t.state != "COMPLETE":
            continue
        settings = config.replace(window=plan.config.window, horizon=plan.config.horizon, season=plan.config.season,
                                  threads=plan.config.threads, date_column=None).replace(**t.settings)
        started = time.perf_counter()
        validation_score(dev, settings, plan.bounds.train_end)
        plain_s.append(time.perf_counter() - started)
        trial_s.append(t.seconds)
    print(f"data: {Path(args.csv).name}, {len(frame)} rows; epochs <= 30, patience 10, ensemble 1; "
          f"{os.cpu_count()} cores")
    print(f"{'measure':<52}{'value':>12}")
    print(f"{'trials compared (complete, jobs=0)':<52}{len(trial_s):>12}")
    print(f"{'median seconds per trial':<52}{statistics.median(trial_s):>12.3f}")
    print(f"{'median seconds, same settings trained plainly':<52}{statistics.median(plain_s):>12.3f}")
    print(f"{'trial / plain (overhead of the search per trial)':<52}"
          f"{statistics.median(trial_s) / statistics.median(plain_s):>12.2f}")

    # 2. trials finished in a fixed budget: one worker process vs two
    finished = {}
    for jobs in (1, 2):
        result = run_search(frame, config, SearchRequest(budget_s=args.budget, jobs=jobs, seed=1, fixed=FIXED))
        finished[jobs] = sum(t.state in ("COMPLETE", "PRUNED", "FAIL") for t in result.trials)
        print(f"{f'trials finished in {args.budget:g} s, jobs={jobs}':<52}{finished[jobs]:>12}")
    print(f"{'speed-up of 2 workers over 1':<52}{finished[2] / max(finished[1], 1):>12.2f}")


if __name__ == "__main__":
    main()
