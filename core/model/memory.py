"""Will a training run fit in memory? An estimate made before anything is allocated.

`--batch-size 0` (one batch of every window) on two million rows, or a 16-layer network of 4096,
used to be accepted and end, minutes later, in "unexpected RuntimeError" or the OOM killer.
`plan_run` calls `check_training_memory`, which refuses such settings with one line saying what
to change, and warns when a run would take most of the free memory.

The estimate is deliberately simple and on the generous side: the weights with their gradients,
Adam's two moments and the best-so-far copy; the scaled series; and what autograd keeps for one
batch through the recurrent layers (each gate, the cell and hidden state, for every step of the
window, kept for the backward pass, plus as much again of temporaries).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from core.errors import ConfigError
from core.i18n import _

FLOAT = 4  # bytes per float32
GATES = {"lstm": 4, "gru": 3, "rnn": 1}
REFUSE_SHARE = 0.8  # of the memory available now
WARN_SHARE = 0.5


def training_memory_bytes(config, rows: int, train_windows: int, parameters: int) -> int:
    """Bytes a run with these (effective) settings needs beyond the table already in memory."""
    features = len(config.input_columns)
    batch = config.batch_size or train_windows  # 0: one batch of every training window
    batch = max(1, min(batch, train_windows))
    directions = 2 if config.bidirectional else 1
    weights = parameters * FLOAT * 5  # weights, gradients, two Adam moments, the best copy
    series = rows * (features + 1) * FLOAT * 2  # scaled inputs and target, and their windows' index
    per_step = config.layers * directions * config.hidden * (GATES[config.cell] + 3)
    activations = batch * (config.window or 1) * (per_step + features) * FLOAT * 2
    head = batch * (config.head_width + config.horizon) * FLOAT * 4
    return weights + series + activations + head


def available_memory_bytes() -> int | None:
    """Memory this process can still take: the system's available memory, or the container's
    (cgroup) limit less its usage when that is lower. None where neither can be read."""
    candidates = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                candidates.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit != "max":
            used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
            candidates.append(max(0, int(limit) - used))
    except (OSError, ValueError):
        pass
    if not candidates and hasattr(os, "sysconf"):
        try:
            candidates.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError):
            pass
    return min(candidates) if candidates else None


def size_text(n: float) -> str:
    """Bytes as '1.5 GiB' or '300 MiB'."""
    return _gib(n)


def _gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 / 10 else f"{n / 2**20:.0f} MiB"


def check_training_memory(config, rows: int, train_windows: int, parameters: int,
                          available: int | None = None) -> list[str]:
    """Raises ConfigError when the run can't fit; returns notes (a warning when it is tight)."""
    need = training_memory_bytes(config, rows, train_windows, parameters)
    free = available_memory_bytes() if available is None else available
    if free is None:
        return []
    if need > REFUSE_SHARE * free:
        if config.batch_size == 0:
            problem = _("Training with these settings needs about {need} of memory; {free} is available. Use a "
                        "batch size other than 0 (full batch).")
        else:
            problem = _("Training with these settings needs about {need} of memory; {free} is available. Use a "
                        "smaller batch size, window, hidden size or fewer layers.")
        raise ConfigError(problem.format(need=_gib(need), free=_gib(free)))
    if need > WARN_SHARE * free:
        return [_("Training will need about {need} of the {free} of memory available.").format(
            need=_gib(need), free=_gib(free))]
    return []


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # musl and other C libraries: no malloc_trim
        return None


def release_freed_memory() -> None:
    """Hands the free pages of the C heap back to the system between a run's stages (glibc's
    malloc_trim). A big buffer a stage freed (Ridge's design matrix, a batch's activations) stays
    in the process when glibc put it on the heap rather than in a mapping of its own, and the next
    stage's peak then stacks on top of it. Nothing where the C library has no malloc_trim."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
