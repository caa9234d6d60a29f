"""Loads the engine's heavy libraries ahead of the first run, so pressing Train starts at once.

The first run of a session otherwise pays on its worker thread for importing torch (seconds),
torch._dynamo (imported by the first optimizer: ~800 modules), scikit-learn and the kernels
torch loads on first use, while the window shows "Starting…". The GUI calls `warm_up` on a
background thread a moment after its window is shown.
"""

from __future__ import annotations


def warm_up(threads: int | None = None) -> None:
    """Imports what `run_experiment` needs and runs one tiny training step and Ridge fit."""
    import numpy as np
    import torch

    import core.baselines  # noqa: F401 - scikit-learn's Ridge
    import core.metrics  # noqa: F401
    import core.scaling  # noqa: F401
    import core.training  # noqa: F401
    from core.config import ForecastConfig
    from core.experiment import default_threads
    from core.model import build_model
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import MinMaxScaler

    torch.set_num_threads(threads or default_threads())
    net = build_model(ForecastConfig(target="y", window=4, hidden=4), 2)
    optimizer = torch.optim.Adam(net.parameters())
    net(torch.zeros(2, 4, 2)).sum().backward()
    optimizer.step()
    Ridge().fit(np.zeros((4, 2)), np.zeros(4))
    MinMaxScaler().fit(np.zeros((2, 1)))
