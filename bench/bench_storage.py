"""Search storage on one machine: trials per minute and failed trials when 2 and 4 worker processes
share one study in a SQLite file (what searches used before) or in Optuna's journal file (what they
use now), with tiny trials so the storage is what is measured.

    python bench/bench_storage.py [--workers 2 4] [--seconds 20] [--trial-ms 20]

Each worker opens the storage as the app does (core.search.storage.open_storage: SQLite with its
lock timeout and heartbeats, the journal with its lock file) and runs trials of a few suggested
parameters and a short sleep until the time is up. Prints a Markdown table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import optuna

from core.search.storage import journal_url, open_storage


def worker(url: str, study: str, seconds: float, trial_s: float, seed: int) -> None:
    def objective(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", -10, 10)
        y = trial.suggest_int("y", 1, 64, log=True)
        trial.suggest_categorical("cell", ["lstm", "gru", "rnn"])
        trial.set_user_attr("worker", os.getpid())
        time.sleep(trial_s)
        return (x - 2) ** 2 + y / 64

    try:
        loaded = optuna.load_study(study_name=study, storage=open_storage(url),
                                   sampler=optuna.samplers.TPESampler(seed=seed))
        loaded.optimize(objective, timeout=seconds, catch=(Exception,))
    except Exception:  # the storage itself failed (e.g. "database is locked"): the worker is lost
        traceback.print_exc(limit=1)
        sys.exit(1)


def measure(kind: str, workers: int, seconds: float, trial_s: float) -> tuple[float, int, int, int]:
    """(trials per minute, completed, failed trials, workers that died) for one storage."""
    folder = Path(tempfile.mkdtemp(prefix="lstmf-bench-storage-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}" if kind == "sqlite" else journal_url(folder / "bench.journal")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    optuna.create_study(storage=open_storage(url), study_name="bench")
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=worker, args=(url, "bench", seconds, trial_s, index))
                 for index in range(workers)]
    started = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    trials = optuna.load_study(study_name="bench", storage=open_storage(url)).get_trials(deepcopy=False)
    done = sum(t.state.name == "COMPLETE" for t in trials)
    failed = sum(t.state.name in ("FAIL", "RUNNING") for t in trials)  # RUNNING: its worker died
    return 60 * done / elapsed, done, failed, sum(p.exitcode != 0 for p in processes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the workers run trials")
    parser.add_argument("--trial-ms", type=float, default=20.0, help="each trial's own work (a sleep)")
    args = parser.parse_args()
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, optuna {optuna.__version__}, "
          f"load average {os.getloadavg()[0]:.2f}; {args.seconds:g} s per run, trials of {args.trial_ms:g} ms")
    print("| workers | storage | trials/min | completed | failed trials | workers lost |")
    print("|---|---|---|---|---|---|")
    for workers in args.workers:
        for kind in ("sqlite", "journal"):
            rate, done, failed, lost = measure(kind, workers, args.seconds, args.trial_ms / 1000)
            print(f"| {workers} | {kind} | {rate:.0f} | {done} | {failed} | {lost} |", flush=True)


if __name__ == "__main__":
    main()
