"""Engine overhead: seconds per training epoch of `core.model.training.train` next to a minimal
hand-written PyTorch loop on the same windows, model and batch size, interleaved in one run.

    python bench/bench_engine.py [--rows 10000] [--window 32] [--repeats 12] [--threads 1 2]
                                 [--busy 0 1] [--quick]

Prints a table; nothing is asserted. The hand-written loop is what the tutorials do:
materialize X (N, T, F) once, shuffle, slice batches, step Adam. Each thread count is measured
on the machine as it is and with `--busy` extra processes spinning a core each (as the GUI
thread, or another program, would): that is what decides the default thread policy.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch
from torch import nn

from core.model.network import build_model
from core.model.training import train
from core.prep.windows import WindowedSeries
from core.settings.config import ForecastConfig


def make_series(rows: int, features: int, window: int, seed: int = 0) -> WindowedSeries:
    rng = np.random.default_rng(seed)
    t = np.arange(rows)
    data = np.column_stack([np.sin(t / 10) + rng.normal(0, 0.1, rows)]
                           + [rng.normal(size=rows) for _ in range(features - 1)]).astype(np.float32)
    tensor = torch.from_numpy(data)
    return WindowedSeries(tensor, tensor[:, 0].clone(), window, 1, mode="delta")


def hand_written_pass(model, x, y, order, batch_size: int, optimizer, loss_fn) -> None:
    """One epoch of the loop the tutorials write: batches of `order`, Adam, clipping, nothing read."""
    model.train()
    for start in range(0, len(x), batch_size):
        idx = order[start:start + batch_size]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()


def hand_written_epochs(model, x, y, batch_size, lr, epochs, seed) -> list[float]:
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    generator = torch.Generator().manual_seed(seed)
    times = []
    for _ in range(epochs):
        started = time.perf_counter()
        hand_written_pass(model, x, y, torch.randperm(len(x), generator=generator), batch_size, optimizer, loss_fn)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--features", type=int, default=3)
    parser.add_argument("--window", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=1, help="epochs per block")
    parser.add_argument("--repeats", type=int, default=12,
                        help="interleaved blocks of each, the order alternating (keep it even)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--busy", type=int, nargs="+", default=[0, 1],
                        help="extra processes spinning a core while measuring")
    parser.add_argument("--quick", action="store_true", help="5,000 rows, 2 repeats of 1 epoch")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.repeats, args.epochs = 5000, 2, 1

    series = make_series(args.rows, args.features, args.window)
    origins = torch.arange(args.window - 1, args.rows - 1)
    x = series.x(origins)  # materialized once, as a hand-written script would
    y = series.y(origins)
    config = ForecastConfig(target="y", window=args.window, hidden=args.hidden,
                            batch_size=args.batch_size, epochs=args.epochs, patience=0, lr=0.001)
    print(f"# engine vs hand-written loop: {len(origins):,} windows of {args.window} x {args.features}, "
          f"LSTM hidden {args.hidden}, batch {args.batch_size}")
    from core.pipeline import default_threads

    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
          f"load average before {os.getloadavg()[0]:.2f}; default policy: {default_threads()} thread(s)")
    print("| busy processes | threads | engine s/epoch | hand-written s/epoch | engine µs/window | ratio |")
    print("|---|---|---|---|---|---|")
    for busy in args.busy:
        spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)]
        try:
            for threads in args.threads:
                e, h = measure(args, series, origins, x, y, config, threads)
                print(f"| {busy} | {threads} | {e:.3f} | {h:.3f} | {1e6 * e / len(origins):.1f} | {e / h:.2f} |",
                      flush=True)
        finally:
            for spinner in spinners:
                spinner.kill()
                spinner.wait()


def measure(args, series, origins, x, y, config, threads) -> tuple[float, float]:
    """Median seconds per epoch of the engine and of the hand-written loop, interleaved.

    Which one goes first alternates between repeats (ABBA...), one epoch per block: on this
    machine epoch times wander by 10-30% within a minute even when it is idle, and a fixed order
    with longer blocks turned that into ratios anywhere from 0.93 to 1.22 for the same code.
    """
    engine, hand = [], []

    def run_engine(repeat: int) -> None:
        torch.manual_seed(repeat)
        model = build_model(config.replace(threads=threads, seed=repeat), args.features)
        history = train(model, series, origins, torch.empty(0, dtype=torch.long),
                        config.replace(threads=threads, seed=repeat))
        engine.extend(history.epoch_seconds)

    def run_hand_written(repeat: int) -> None:
        torch.manual_seed(repeat)
        torch.set_num_threads(threads)
        model = build_model(config, args.features)
        hand.extend(hand_written_epochs(model, x, y, args.batch_size, 0.001, args.epochs, repeat))

    for repeat in range(args.repeats):
        pair = (run_engine, run_hand_written) if repeat % 2 == 0 else (run_hand_written, run_engine)
        for run in pair:
            run(repeat)
    return statistics.median(engine), statistics.median(hand)


if __name__ == "__main__":
    main()
