"""Memory and prediction throughput on a big table: peak RSS of a whole training run and of
predicting every window, each in a fresh subprocess, against 2 x (the float32 data + the model).

    python bench/bench_memory.py [--rows 1000000] [--features 10] [--window 256] [--hidden 16]
                                 [--batch-sizes 32,256] [--batches 20] [--quick]

The run is `core.pipeline.run_experiment` end to end (scalers, windows, training, prediction
of every window, conformal intervals, the three baselines, the forecast; the predictions table
is built after it, when asked, as the faces do)
on a synthetic table of `rows` x `features` float64 columns, as the CSV reader returns it.
Training is cut after `--batches` batches (an epoch of ~700k windows of 256 steps takes many
minutes on 2 cores; memory per batch is the same in every batch). Peak RSS is VmHWM from
/proc, reset with /proc/self/clear_refs before each phase, so each phase's peak is its own.
Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024


def _status(field: str) -> int:
    """VmRSS / VmHWM of this process in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)


class StopAfter(threading.Event):
    """A cancel event that trips after `checks` checks: the engine checks once per batch."""

    def __init__(self, checks: int) -> None:
        super().__init__()
        self.checks = checks

    def is_set(self) -> bool:
        self.checks -= 1
        return self.checks < 0


class PhaseSampler:
    """Samples RSS every 2 ms on a thread; `phase(name)` marks where each phase starts.

    VmHWM gives the exact peak of the whole run; the sampler says which phase it came from.
    """

    def __init__(self) -> None:
        self.samples: list[tuple[float, int]] = []
        self.marks: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.perf_counter(), _status("VmRSS")))
            time.sleep(0.002)

    def phase(self, name: str) -> None:
        self.marks.append((time.perf_counter(), name))

    def __enter__(self) -> PhaseSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.marks.append((time.perf_counter(), "end"))

    def peaks(self, baseline: int) -> dict[str, int]:
        out: dict[str, int] = {}
        for (begin, name), (finish, _) in zip(self.marks, self.marks[1:]):
            inside = [rss for t, rss in self.samples if begin <= t < finish]
            out[name] = max(out.get(name, 0), max(inside, default=baseline) - baseline)
        return out


def instrument_phases(sampler: PhaseSampler) -> None:
    """Marks the engine's phases by wrapping the functions run_experiment calls (first call)."""
    import core.evaluation.baselines
    import core.model.training
    import core.pipeline.recipe

    def wrap(owner, name: str, before: str, after: str | None) -> None:
        original = getattr(owner, name)
        calls = {"n": 0}

        def wrapped(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 1:
                sampler.phase(before)
            result = original(*args, **kwargs)
            if calls["n"] == 1 and after:
                sampler.phase(after)
            return result

        setattr(owner, name, wrapped)

    wrap(core.evaluation.baselines, "fit_ridge", "Ridge for the highway's start", None)
    wrap(core.model.training, "train", "training (and validation each epoch)", "predicting every window")
    wrap(core.pipeline.recipe, "score_splits", "scores and baselines", "the forecast")
    wrap(core.pipeline.recipe, "assemble", "the result (every row's time and value, the windows)", "the rest")


def child(args) -> dict:
    import numpy as np
    import pandas as pd
    import torch

    import core.evaluation.baselines
    import core.evaluation.metrics
    import core.model.training  # noqa: F401
    from core.pipeline import recurrent_parameter_count, run_experiment
    from core.prep.split import SPLITS
    from core.settings.config import ForecastConfig

    torch.set_num_threads(args.threads)
    # warm the libraries up on a toy problem: torch and MKL load kernels on first use, and the
    # first optimizer imports torch._dynamo (~800 modules, ~70 MB). That memory is the
    # libraries', the same for any data, not the data's.
    from sklearn.linear_model import Ridge

    from core.model.network import build_model

    toy = ForecastConfig(target="y", window=8, hidden=args.hidden)
    net = build_model(toy, args.features)
    optimizer = torch.optim.Adam(net.parameters())
    net(torch.zeros(4, 8, args.features)).sum().backward()
    optimizer.step()
    Ridge().fit(np.zeros((8, 3)), np.zeros(8))
    del net, optimizer
    out: dict = {"after_imports": _status("VmRSS")}
    rng = np.random.default_rng(0)
    t = np.arange(args.rows)
    columns = {"y": np.sin(t / 50) + rng.normal(0, 0.1, args.rows)}
    for i in range(1, args.features):
        columns[f"x{i}"] = rng.normal(size=args.rows)
    frame = pd.DataFrame(columns)
    del columns, t
    out["after_frame"] = _status("VmRSS")
    out["frame_bytes"] = int(frame.memory_usage(deep=True).sum())
    config = ForecastConfig(target="y", features=tuple(frame.columns[1:]), window=args.window,
                            hidden=args.hidden, horizon=1, ensemble=1, epochs=1, batch_size=args.batch_size, season=24,
                            threads=args.threads)
    out["parameters"] = recurrent_parameter_count(config, args.features)

    sampler = PhaseSampler()
    instrument_phases(sampler)
    _reset_peak()
    started = time.perf_counter()
    with sampler:
        sampler.phase("checks, scalers, windows")
        result = run_experiment(frame, config, cancel=StopAfter(args.batches))
    out["run_seconds"] = time.perf_counter() - started
    out["run_peak"] = _status("VmHWM")
    out["phase_peaks"] = sampler.peaks(out["after_frame"])
    out["after_run"] = _status("VmRSS")
    scored = result.scored
    out["scored_bytes"] = int(scored.origins.nbytes + scored.split_codes.nbytes + scored.predicted.nbytes)
    out["actual_bytes"] = int(result.actual.memory_usage(deep=True).sum())
    out["predictions_bytes"] = int(result.predictions.memory_usage(deep=True).sum())  # built here, when asked
    out["windows"] = int(sum(len(result.plan.origins[s]) for s in SPLITS))

    # prediction alone: every window of the table, batched, with the trained model
    origins = np.concatenate([result.plan.origins[s] for s in SPLITS])
    predictor = result.predictor
    series = predictor.series(frame)
    del result
    import gc

    gc.collect()
    before = _status("VmRSS")
    _reset_peak()
    started = time.perf_counter()
    predicted = predictor.predict(series, origins)
    out["predict_seconds"] = time.perf_counter() - started
    out["predict_growth"] = _status("VmHWM") - before
    out["predict_windows"] = len(predicted)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=10)
    parser.add_argument("--window", type=int, default=256)
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--batch-sizes", default="32,256",
                        help="training batch sizes, one run each (32 is the app's default)")
    parser.add_argument("--batch-size", type=int, default=32, help=argparse.SUPPRESS)
    parser.add_argument("--batches", type=int, default=20, help="training batches before stopping")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the default policy on 2 cores)")
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.rows = 100_000
    if args.child:
        print(json.dumps(child(args)))
        return

    sizes = [int(b) for b in args.batch_sizes.split(",")]
    runs = {}
    for size in sizes:
        command = [sys.executable, __file__, "--child", "--rows", str(args.rows), "--features",
                   str(args.features), "--window", str(args.window), "--hidden", str(args.hidden),
                   "--batch-size", str(size), "--batches", str(args.batches),
                   "--threads", str(args.threads)]
        runs[size] = json.loads(subprocess.run(command, check=True, capture_output=True,
                                               text=True).stdout)
    m = runs[sizes[0]]
    data = args.rows * args.features * 4  # float32: what the network reads
    model = m["parameters"] * 4
    unit = data + model
    import torch

    print(f"# memory: {args.rows:,} rows x {args.features} features, window {args.window}, "
          f"LSTM hidden {args.hidden} ({m['parameters']:,} parameters), {args.batches} training "
          "batches, then every window predicted; one fresh process per batch size")
    print(f"# {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
          f"{args.threads} torch threads; MB = 2^20 bytes; x = multiples of (float32 data + model) "
          f"= {unit / MB:,.1f} MB, target <= 2x")
    print(f"# an N x T x F float32 copy of the windows would be "
          f"{m['windows'] * args.window * args.features * 4 / MB:,.0f} MB")
    header = " | ".join(f"batch {size}: MB | x" for size in sizes)
    print(f"| measure | {header} |")
    print("|---|" + "---|---|" * len(sizes))

    def row(name: str, key) -> None:
        cells = []
        for size in sizes:
            value = key(runs[size])
            cells.append(f"{value / MB:,.1f} | {value / unit:.2f}")
        print(f"| {name} | {' | '.join(cells)} |")

    row("RSS after imports and a warm-up step (numpy, pandas, torch, sklearn)",
        lambda r: r["after_imports"])
    row("the loaded table (pandas, float64, as read)", lambda r: r["frame_bytes"])
    row("**peak RSS of the run - RSS with the table loaded (the engine's own)**",
        lambda r: r["run_peak"] - r["after_frame"])
    for phase in m["phase_peaks"]:
        row(f"&nbsp;&nbsp;peak above the table while: {phase} (sampled)",
            lambda r, phase=phase: r["phase_peaks"].get(phase, 0))
    row("peak RSS of the run - RSS after imports (whole process, table included)",
        lambda r: r["run_peak"] - r["after_imports"])
    row("the scored windows the result keeps (origin, split, predicted)", lambda r: r["scored_bytes"])
    row("every row's time and target value the result keeps (the chart's real line)", lambda r: r["actual_bytes"])
    row("the predictions table, built after the run when a face asks (N x H rows, 9 columns)",
        lambda r: r["predictions_bytes"])
    row("peak growth while predicting every window again, alone", lambda r: r["predict_growth"])
    print()
    print("| prediction (first run) | value |")
    print("|---|---|")
    print(f"| windows | {m['predict_windows']:,} |")
    print(f"| seconds | {m['predict_seconds']:.1f} |")
    print(f"| windows per second | {m['predict_windows'] / m['predict_seconds']:,.0f} |")
    for size in sizes:
        print(f"| whole run at batch {size} (training cut after {args.batches} batches), s | "
              f"{runs[size]['run_seconds']:.1f} |")


if __name__ == "__main__":
    main()
