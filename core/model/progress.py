"""What training reports, without torch: one epoch's progress and the history of a network's
training. The faces, the backtest and the search read these without loading the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.vocabulary import Status


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
