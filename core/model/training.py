"""The training loop: mini- or full-batch, early stopping, cancel, divergence.

Progress goes out through a plain callback once per epoch and cancel comes in through a
`threading.Event` checked between batches, so any face (CLI, Qt worker) can drive it.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import torch
from torch import nn

from core.i18n import _
from core.model.device import torch_device
from core.model.progress import EpochProgress, TrainingHistory, ValidationPreview, preview_picks
from core.prep.windows import WindowedSeries, inference_batch
from core.settings.config import BASE_BATCH, BASE_LR, BASE_PATIENCE, ForecastConfig
from core.vocabulary import Status

COMPLETED, EARLY_STOPPED, CANCELLED, DIVERGED, OUT_OF_TIME = (
    Status.COMPLETED, Status.EARLY_STOPPED, Status.CANCELLED, Status.DIVERGED, Status.OUT_OF_TIME)

_LOSSES = {"mse": nn.MSELoss, "mae": nn.L1Loss, "huber": nn.HuberLoss}
_OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}
# validation and prediction batches: large enough to be fast, small enough to bound memory
EVAL_BATCH = 4096  # at most; fewer for long windows and wide networks (see eval_batch)


def eval_batch(model: nn.Module, series: WindowedSeries) -> int:
    """Windows per no-grad batch for this model: inputs and recurrent outputs stay bounded."""
    recurrent = getattr(model, "recurrent", None)
    width = 0
    if recurrent is not None:
        width = recurrent.hidden_size * recurrent.num_layers * (2 if recurrent.bidirectional else 1)
    return min(EVAL_BATCH, inference_batch(series.window, series.n_features + width))


def sum_dtype(device: torch.device) -> torch.dtype:
    """What losses are summed in: float64 (a Python float's sum on the CPU), float32 where the
    device has no float64 (Apple's MPS)."""
    return torch.float32 if device.type == "mps" else torch.float64


def mean_loss(model: nn.Module, series: WindowedSeries, origins: torch.Tensor,
              loss_fn: nn.Module, first_step: torch.Tensor | None = None) -> float:
    """Average loss over windows, in eval mode, batched so memory stays bounded.

    The sum stays on the model's device (see sum_dtype) and is read once: no host
    synchronisation per batch on a GPU. `first_step` ((len(origins),) on that device), if given,
    receives each window's 1-step-ahead forecast as a scaled level: the same forward pass."""
    model.eval()
    device = series.inputs.device
    total = torch.zeros((), dtype=sum_dtype(device), device=device)
    size = eval_batch(model, series)
    with torch.no_grad():
        for start in range(0, len(origins), size):
            batch = origins[start:start + size]
            outputs = model(series.x(batch))
            total += loss_fn(outputs, series.y(batch)).to(total.dtype) * len(batch)
            if first_step is not None:
                first_step[start:start + len(batch)] = series.to_levels(batch, outputs)[:, 0]
    return float(total) / max(len(origins), 1)


@dataclass
class TrainingState:
    """What training more needs beside the best weights: the optimizer's state saved with them,
    the batch order's and dropout's random streams where the last epoch left them, the loss to
    beat, and the history so far. Plain tensors and numbers: it goes into a bundle unpickled."""
    optimizer: dict[str, Any]  # optimizer.state_dict() at the best epoch
    shuffle: torch.Tensor  # torch.Generator state (uint8) after the last epoch
    rng: torch.Tensor  # torch's global generator (dropout) after the last epoch
    best_loss: float
    history: TrainingHistory


def continued_history(previous: TrainingHistory) -> TrainingHistory:
    """The history a continuation appends to: the same epochs, a fresh status."""
    return replace(previous, status=COMPLETED, message=None, train_loss=list(previous.train_loss),
                   val_loss=list(previous.val_loss), epoch_seconds=list(previous.epoch_seconds))


def preview_of(first_step: torch.Tensor | None, picks: torch.Tensor, origins: torch.Tensor,
               epoch: int) -> ValidationPreview | None:
    """The preview of the weights that just made `first_step` (None when nothing was asked)."""
    if first_step is None:
        return None
    return ValidationPreview((origins[picks] + 1).cpu().numpy(), first_step[picks].cpu().numpy(), epoch)


def train(
    model: nn.Module,
    series: WindowedSeries,
    train_origins: torch.Tensor,
    val_origins: torch.Tensor,
    config: ForecastConfig,
    progress: Callable[[EpochProgress], None] | None = None,
    cancel: threading.Event | None = None,
    deadline: float | None = None,
    resume: TrainingState | None = None,
) -> TrainingHistory:
    """Trains `model` in place and leaves it holding the best weights seen.

    `resume`: `model` holds the best weights of an earlier training and this continues it for
    `config.epochs` more epochs, numbered on from its history, as if it had never stopped (when
    its best epoch was its last, the result equals one run of the summed epochs). The returned
    history's `state` is what a later continuation needs.

    `deadline` (a `time.monotonic()` value): no epoch starts after it; the loop stops with status
    OUT_OF_TIME instead, keeping the best weights so far. A running epoch is not interrupted.

    "Best" is the lowest validation loss, or the lowest training loss when there is no
    validation split. The seed fixes both the initial weights (set by the caller before
    building the model) and the order of the batches.
    """
    threads = config.threads or 1
    torch.set_num_threads(threads)
    device = torch_device("cpu" if config.device == "auto" else config.device)  # (a bare config: the CPU)
    history = TrainingHistory(threads=threads, device=device.type) if resume is None else \
        continued_history(resume.history)
    on_cpu = device.type == "cpu"
    if not on_cpu:  # the data and the model move once; batches are gathered there
        model.to(device)
        series = series.to(device)
        train_origins, val_origins = train_origins.to(device), val_origins.to(device)
    loss_fn = _LOSSES[config.loss]()
    lr = BASE_LR if config.lr is None else config.lr  # (a plan resolves "auto"; a bare config starts here)
    optimizer = _OPTIMIZERS[config.optimizer](model.parameters(), lr=lr, weight_decay=config.weight_decay)
    shuffle = torch.Generator().manual_seed(config.seed)
    if resume is not None:
        optimizer.load_state_dict(resume.optimizer)
        shuffle.set_state(resume.shuffle)
        torch.set_rng_state(resume.rng)
    n_train = len(train_origins)
    asked = BASE_BATCH if config.batch_size is None else config.batch_size
    patience = BASE_PATIENCE if config.patience is None else config.patience
    batch_size = n_train if asked == 0 else min(asked, n_train)
    best_loss = math.inf
    best_state = copy.deepcopy(model.state_dict())
    best_optimizer = copy.deepcopy(optimizer.state_dict())
    since_best = 0
    # the validation preview (only for someone listening): the best weights' 1-step forecasts
    first_step = (torch.empty(len(val_origins), device=device) if progress is not None and len(val_origins)
                  else None)
    picks = torch.from_numpy(preview_picks(len(val_origins))).to(device)
    preview = None
    first = history.epochs_run + 1
    if resume is not None:
        best_loss = resume.best_loss
    elif len(val_origins) and getattr(model, "highway", None) is not None:
        # epoch 0: a network started at the linear baseline (its highway) competes too, so
        # training that only overfits leaves the linear start in place
        initial = mean_loss(model, series, val_origins, loss_fn, first_step)
        if math.isfinite(initial):
            best_loss = initial
            preview = preview_of(first_step, picks, val_origins, 0)

    last = history.epochs_run + config.epochs
    for epoch in range(first, last + 1):
        if deadline is not None and time.monotonic() >= deadline:
            history.status = OUT_OF_TIME
            break
        started = time.perf_counter()
        model.train()
        # the permutation is drawn on the CPU, so every device sees the same batches for a seed
        order = train_origins[torch.randperm(n_train, generator=shuffle).to(device)]
        total = torch.zeros((), dtype=sum_dtype(device), device=device)  # read once per epoch
        seen = 0
        for start in range(0, n_train, batch_size):
            if cancel is not None and cancel.is_set():
                history.status = CANCELLED
                break
            batch = order[start:start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(series.x(batch)), series.y(batch))
            if on_cpu and not torch.isfinite(loss):  # (on a GPU: checked once per epoch, below)
                history.status = DIVERGED
                break
            loss.backward()
            if config.grad_clip > 0:
                nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            optimizer.step()
            total += loss.detach().to(total.dtype) * len(batch)
            seen += len(batch)
        if not on_cpu and history.status != CANCELLED and not math.isfinite(float(total)):
            history.status = DIVERGED  # the best weights were copied before the loss went bad
        if history.status == DIVERGED:
            history.message = _(
                "Training diverged at epoch {epoch}: the loss became NaN or infinite. Try a lower learning rate "
                "(e.g. {lr:g}), gradient clipping (e.g. 1.0), the standard scaler, or a smaller model. The best "
                "weights before that point were kept.").format(epoch=epoch, lr=lr / 10)
            break
        if history.status == CANCELLED and seen == 0:
            break  # nothing of this epoch ran: don't record it
        train_loss = float(total) / seen
        val_loss = mean_loss(model, series, val_origins, loss_fn, first_step) if len(val_origins) else None
        if val_loss is not None and not math.isfinite(val_loss):
            history.status = DIVERGED
            history.message = _(
                "Training diverged at epoch {epoch}: the validation loss became NaN or infinite. Try a lower "
                "learning rate (e.g. {lr:g}) or a smaller model.").format(epoch=epoch, lr=lr / 10)
            break
        monitored = val_loss if val_loss is not None else train_loss
        history.epochs_run = epoch
        history.train_loss.append(train_loss)
        if val_loss is not None:
            history.val_loss.append(val_loss)
        history.epoch_seconds.append(time.perf_counter() - started)
        if monitored < best_loss:
            best_loss, since_best = monitored, 0
            history.best_epoch = epoch
            best_state = copy.deepcopy(model.state_dict())
            best_optimizer = copy.deepcopy(optimizer.state_dict())
            if val_loss is not None:
                preview = preview_of(first_step, picks, val_origins, epoch)
        else:
            since_best += 1
        if progress is not None:
            progress(EpochProgress(epoch, last, train_loss, val_loss,
                                   history.epoch_seconds[-1], history.best_epoch, preview=preview))
        if history.status == CANCELLED:
            break
        if patience and since_best >= patience:
            history.status = EARLY_STOPPED
            break

    model.load_state_dict(best_state)
    history.state = TrainingState(cpu_state(best_optimizer), shuffle.get_state(), torch.get_rng_state(),
                                  best_loss, continued_history(history))
    model.to("cpu")  # evaluation, prediction and the bundle work on the CPU wherever it trained
    model.eval()
    return history


def cpu_state(state: Any) -> Any:
    """An optimizer state_dict copied onto the CPU (tensors; the rest as it is)."""
    if isinstance(state, torch.Tensor):
        return state.detach().to("cpu", copy=True)
    if isinstance(state, dict):
        return {key: cpu_state(value) for key, value in state.items()}
    if isinstance(state, list):
        return [cpu_state(value) for value in state]
    return state
