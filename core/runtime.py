"""What this machine lets the engine use: cores, torch threads and search workers.

One module so the window and the command line choose the same defaults.
"""

from __future__ import annotations

import os


def available_cores() -> int:
    """Cores this process may run on (a container or `taskset` may allow fewer than exist)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def default_threads(cores: int | None = None) -> int:
    """Torch threads for training: every core but one, at least 1, at most 4.

    One core is left for the UI thread and whatever else runs: torch's OpenMP threads spin
    waiting for each other, so when one of them shares its core with a busy process every
    step waits for it. bench/bench_engine.py measured a small LSTM on 2 cores at 7.6x slower
    with 2 threads than with 1 on a shared machine, and at most 1.6x faster on an idle one.
    Small recurrent nets gain nothing past 4.
    """
    cores = available_cores() if cores is None else cores
    return max(1, min(4, cores - 1))


# multiply-adds of one recurrent step of one batch (batch x hidden x (hidden + inputs), over layers)
# below which one thread is fastest, and above which every core but one pays (issue 25, 16 cores,
# µs per window at 1/4/15 threads: batch 32 x hidden 32, ~34k, 70/96/86; a full batch of 650 through
# 2x256, ~3e8, 368/136/84; batch 256 x hidden 64 x (64 + 10), ~1.2M, 6043/1731/1236)
ONE_THREAD_BELOW = 100_000
ALL_CORES_FROM = 1_000_000


def choose_threads(batch: int, hidden: int, inputs: int = 1, layers: int = 1, cores: int | None = None) -> int:
    """Torch threads for one training run, from the size of one step's matrix products.

    Small steps: 1 thread (threads only add synchronisation to them). Medium: `default_threads`
    (every core but one, at most 4). Large: every core but one, at most 16. On 2 cores every
    size gets 1 thread, as `default_threads` gives there.
    """
    cores = available_cores() if cores is None else cores
    step = max(1, batch) * (hidden * (hidden + inputs) + max(0, layers - 1) * 2 * hidden * hidden)
    if step < ONE_THREAD_BELOW:
        return 1
    if step < ALL_CORES_FROM:
        return default_threads(cores)
    return max(1, min(16, cores - 1))


def default_workers(cores: int | None = None) -> int:
    """Search worker processes: one per core this process may use but one (kept for the window
    or the terminal), at least one. The window and the CLI both start from this."""
    cores = available_cores() if cores is None else cores
    return max(1, cores - 1)
