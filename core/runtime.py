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


def default_workers(cores: int | None = None) -> int:
    """Search worker processes: one per core this process may use but one (kept for the window
    or the terminal), at least one. The window and the CLI both start from this."""
    cores = available_cores() if cores is None else cores
    return max(1, cores - 1)
