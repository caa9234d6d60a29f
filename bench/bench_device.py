"""Device and threads: µs per training window of the engine's loop and of a minimal hand-written
loop, for the four workloads of issue 25, on every device and thread count this machine has, and
what `auto` chooses for each workload (core.model.device.choose_device, core.runtime.choose_threads).

    python bench/bench_device.py [--windows 2048] [--repeats 2] [--threads 1 4 15] [--quick]

Prints a Markdown table (cells: engine / hand-written, µs per window); nothing is asserted. Each
measurement trains one epoch over at most `--windows` windows of the workload (a million-row
epoch takes hours on one CPU thread; the cost per window does not depend on how many there are),
after one untimed warm-up epoch (CUDA's start, cuDNN's plans). The engine's epoch is timed by the
loop itself (its loss is read once per epoch, which waits for the GPU); the hand-written loop
materializes its windows once, on the device, and synchronises at its end.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch
from torch import nn

from bench.bench_engine import hand_written_pass, make_series
from core.model.device import available_devices, choose_device
from core.model.network import build_model
from core.model.training import train
from core.pipeline.plan import auto_batch_size
from core.runtime import available_cores, choose_threads
from core.settings.config import ForecastConfig


@dataclass(frozen=True)
class Workload:
    name: str
    rows: int
    features: int
    window: int
    hidden: int
    layers: int = 1
    batch: int | None = None  # None: what "auto" takes; 0: full batch

    def batch_for(self, windows: int) -> int:
        return auto_batch_size(windows) if self.batch is None else (self.batch or windows)


WORKLOADS = (
    Workload("tutorial size: 2k rows, window 24, hidden 32", 2_000, 1, 24, 32),
    Workload("2xLSTM(256), full batch, 700 rows", 700, 1, 24, 256, layers=2, batch=0),
    Workload("50k rows x 5, window 64, 2x64", 50_000, 5, 64, 64, layers=2),
    Workload("1M rows x 10, window 256, hidden 64, batch 256", 1_000_000, 10, 256, 64, batch=256),
)


def hand_written_epoch(model, x, y, batch_size: int, device: torch.device, seed: int) -> float:
    """Seconds of one epoch of the loop the tutorials write: data already on the device, no reads."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed)).to(device)
    if device.type == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    hand_written_pass(model, x, y, order, batch_size, optimizer, nn.MSELoss())
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - started


def measure(w: Workload, device: str, threads: int, windows: int, repeats: int) -> tuple[float, float]:
    """Median µs per window of the engine and of the hand-written loop, interleaved (ABBA)."""
    torch.set_num_threads(threads)
    series = make_series(w.rows, w.features, w.window)
    count = min(windows, w.rows - w.window)
    origins = torch.arange(w.window - 1, w.window - 1 + count)
    batch = w.batch_for(count if w.batch == 0 else w.rows - w.window)
    config = ForecastConfig(target="y", window=w.window, hidden=w.hidden, layers=w.layers, batch_size=batch,
                            epochs=1, patience=0, lr=0.001, threads=threads, device=device, ensemble=1)
    where = torch.device(device)
    x, y = series.x(origins).to(where), series.y(origins).to(where)
    engine, hand = [], []

    def run_engine(seed: int) -> float:
        torch.manual_seed(seed)
        model = build_model(config, w.features)
        history = train(model, series, origins, torch.empty(0, dtype=torch.long), config.replace(seed=seed))
        return history.epoch_seconds[-1]

    def run_hand(seed: int) -> float:
        torch.manual_seed(seed)
        model = build_model(config, w.features).to(where)
        return hand_written_epoch(model, x, y, batch, where, seed)

    run_engine(0), run_hand(0)  # warm-up: CUDA's context, cuDNN's plans, the allocator
    for repeat in range(repeats):
        order = ((run_engine, engine), (run_hand, hand))
        for run, into in (order if repeat % 2 == 0 else order[::-1]):
            into.append(run(repeat + 1))
    return 1e6 * statistics.median(engine) / count, 1e6 * statistics.median(hand) / count


def auto_choice(w: Workload, available: frozenset[str], cores: int) -> str:
    windows = w.rows - w.window
    batch = w.batch_for(windows)
    device, reason = choose_device("auto", windows, w.window, w.hidden, available, w.features, w.layers)
    threads = choose_threads(batch, w.hidden, w.features, w.layers, cores)
    return f"{device}, {threads} thread{'s' if threads > 1 else ''} ({reason})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=2048, help="training windows per measured epoch, at most")
    parser.add_argument("--repeats", type=int, default=2, help="measured epochs of each loop (after a warm-up)")
    parser.add_argument("--threads", type=int, nargs="+", default=None,
                        help="CPU thread counts (default: 1, 4 and every core but one that this machine has)")
    parser.add_argument("--workloads", type=int, nargs="+", default=None, help="which (1-4; default all)")
    parser.add_argument("--no-cpu", action="store_true", help="CUDA only (where a GPU's time is short)")
    parser.add_argument("--quick", action="store_true", help="256 windows, 1 repeat")
    args = parser.parse_args()
    if args.quick:
        args.windows, args.repeats = 256, 1
    cores = available_cores()
    threads = args.threads or sorted({1, min(4, max(1, cores - 1)), max(1, cores - 1)})
    available = available_devices()
    columns = [] if args.no_cpu else [("cpu", t) for t in threads]
    columns += [(d, 1) for d in ("cuda",) if d in available]
    gpu = f", {torch.cuda.get_device_name(0)}" if "cuda" in available else ""
    print(f"# {platform.processor() or platform.machine()}, {cores} cores{gpu}, torch {torch.__version__}, "
          f"load average {os.getloadavg()[0]:.2f}; at most {args.windows:,} windows per epoch, "
          f"median of {args.repeats}; cells: engine / hand-written µs per window")
    heads = [f"CPU {t} thread{'s' if t > 1 else ''}" if d == "cpu" else d.upper() for d, t in columns]
    print("| workload | " + " | ".join(heads) + " | auto here |")
    print("|---" * (len(columns) + 2) + "|")
    for number, w in enumerate(WORKLOADS, 1):
        if args.workloads and number not in args.workloads:
            continue
        cells = []
        for device, count in columns:
            engine, hand = measure(w, device, count, args.windows, args.repeats)
            cells.append(f"{engine:.1f} / {hand:.1f}" if engine < 100 else f"{engine:.0f} / {hand:.0f}")
        print(f"| {w.name} | " + " | ".join(cells) + f" | {auto_choice(w, available, cores)} |", flush=True)


if __name__ == "__main__":
    main()
