"""Loads the engine's heavy libraries ahead of the first run, so pressing Train starts at once.

The first run of a session otherwise pays on its worker thread for importing torch (seconds),
torch._dynamo (imported by the first optimizer: ~800 modules), scikit-learn and the kernels
torch loads on first use, while the window shows "Starting…". The GUI calls `warm_up` on a
background thread a moment after its window is shown.
"""

from __future__ import annotations

import ctypes
import gc
import importlib.util
import os
import sys
from pathlib import Path

# torch's native libraries without Python in them, biggest last. Loading libtorch_cpu (hundreds
# of MB of code and relocations) takes 0.2-0.3 s, and `import torch` does it holding the GIL:
# the window could not paint meanwhile (bench/bench_ui.py)
NATIVE_LIBRARIES = ("libc10.so", "libtorch_cpu.so")


def preload_native_libraries() -> int:
    """Loads torch's native libraries with the GIL released; returns how many were loaded.

    A foreign call through ctypes releases the GIL, so calling libc's dlopen directly lets the
    UI thread run while the loader works; `import torch` then finds them loaded. Linux only,
    best effort: anything unexpected leaves the work to `import torch` as before.
    """
    if not sys.platform.startswith("linux"):
        return 0
    try:
        spec = importlib.util.find_spec("torch")
        folders = list(spec.submodule_search_locations or []) if spec else []
        dlopen = ctypes.CDLL(None).dlopen
        dlopen.restype, dlopen.argtypes = ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_int]
    except (ImportError, OSError, AttributeError, ValueError):
        return 0
    loaded = 0
    for folder in folders:
        for name in NATIVE_LIBRARIES:
            path = Path(folder) / "lib" / name
            # the handle is kept on purpose: torch holds these libraries for the process's life
            if path.is_file() and dlopen(os.fsencode(path), os.RTLD_NOW | os.RTLD_LOCAL):
                loaded += 1
    return loaded


def warm_up(threads: int) -> None:
    """Imports what `run_experiment` needs and runs one tiny training step and Ridge fit."""
    preload_native_libraries()
    # importing torch creates millions of objects, and each full collection the imports trigger
    # walks them all holding the GIL: 80-200 ms stalls of the UI thread, longer each time. No
    # collections meanwhile, then freeze what is loaded: later collections skip it for good
    collecting = gc.isenabled()
    gc.disable()
    try:
        _load_and_exercise(threads)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def _load_and_exercise(threads: int) -> None:
    import numpy as np
    import torch
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import MinMaxScaler

    import core.evaluation.baselines
    import core.evaluation.metrics
    import core.model.training
    import core.prep.scaling  # noqa: F401
    from core.model.device import torch_devices
    from core.model.network import build_model
    from core.settings.config import ForecastConfig

    torch.set_num_threads(threads)
    net = build_model(ForecastConfig(target="y", window=4, hidden=4, ensemble=1), 2)
    optimizer = torch.optim.Adam(net.parameters())  # imports torch._dynamo
    net(torch.zeros(2, 4, 2)).sum().backward()
    optimizer.step()
    Ridge().fit(np.zeros((4, 2)), np.zeros(4))
    torch_devices()  # asks torch (CUDA's driver can take a while) here, not on the UI thread
    MinMaxScaler().fit(np.zeros((2, 1)))
