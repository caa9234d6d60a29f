"""What training reports, without torch: one epoch's progress and the history of a network's
training. The faces, the backtest and the search read these without loading the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.vocabulary import Status

# the most validation values a preview carries: enough for a chart's width, small to send per epoch
PREVIEW_POINTS = 1000


@dataclass(frozen=True)
class ValidationPreview:
    """The validation windows' 1-step-ahead forecasts of the best weights so far (what Cancel
    keeps), evenly thinned to at most PREVIEW_POINTS. Training fills in scaled levels; the pipeline
    turns them into the target's units (`actual` then too)."""
    rows: np.ndarray  # (n,) 0-based row each value forecasts: a validation window's origin + 1
    predicted: np.ndarray  # (n,)
    epoch: int  # the epoch of those weights (0: the starting point)
    actual: np.ndarray | None = None  # (n,) the rows' values, in the target's units


def preview_picks(count: int) -> np.ndarray:
    """Which of `count` validation windows a preview shows: all, or PREVIEW_POINTS evenly spread."""
    if count <= PREVIEW_POINTS:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, PREVIEW_POINTS).round().astype(np.int64))


@dataclass(frozen=True)
class EpochProgress:
    epoch: int  # 1-based, within this network's training
    epochs: int
    train_loss: float
    val_loss: float | None
    seconds: float
    best_epoch: int
    # where this epoch sits in a whole run (core.pipeline fills these in): which network of the
    # ensemble, whether it is the refit on every row, and one count over all of it
    network: int = 1
    networks: int = 1
    refit: bool = False
    step: int = 0  # 1-based over every network and the refit; 0 when not part of a run
    steps: int = 0  # an upper bound: early stopping usually ends networks sooner
    preview: ValidationPreview | None = None  # None without validation windows


@dataclass
class TrainingHistory:
    status: str = Status.COMPLETED
    epochs_run: int = 0
    best_epoch: int = 0
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)
    threads: int = 1
    device: str = "cpu"
    message: str | None = None
    # core.model.training.TrainingState: what training more continues from (not in to_dict)
    state: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "epochs_run": self.epochs_run,
            "best_epoch": self.best_epoch,
            "epoch_seconds": self.epoch_seconds,
            "train_loss": self.train_loss,
            "val_loss": self.val_loss,
            "threads": self.threads,
            "device": self.device,
            "message": self.message,
        }
