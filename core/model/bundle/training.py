"""The optional training member: what `train --resume` continues.

The scoring networks (trained on the training rows only) with each one's optimizer state at its
best epoch and its random streams, as raw tensors in `training.safetensors`; the numbers beside
them (the optimizer's settings, the loss to beat, the history) as JSON in model.json's
"training_state". Nothing is unpickled: a file someone sends can't run code when resumed.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import fields
from typing import Any

from core.errors import BundleError
from core.i18n import _
from core.model.bundle.archive import TRAINING_FILE, Members
from core.model.progress import TrainingHistory
from core.settings.config import MAX_SEED, ForecastConfig

_HISTORY_FIELDS = {f.name for f in fields(TrainingHistory)} - {"state"}


def training_member(result) -> tuple[bytes, dict[str, Any]] | None:
    """The member's bytes and model.json's "training_state" for a run whose scoring networks kept
    their state; None otherwise (the smoothing alone, an opened model)."""
    histories = getattr(result, "scoring_histories", None) or []
    scoring = getattr(result, "scoring_predictor", None)
    if scoring is None or not histories or any(h.state is None for h in histories):
        return None
    from safetensors.torch import save

    tensors, networks = {}, []
    for index, (member, history) in enumerate(zip(scoring.model.members, histories, strict=True)):
        for name, value in member.state_dict().items():
            tensors[f"network.{index}.{name}"] = value.detach().contiguous().cpu()
        state = history.state
        for pid, entries in state.optimizer["state"].items():
            for key, value in entries.items():
                tensors[f"optimizer.{index}.{pid}.{key}"] = value.detach().contiguous().cpu().reshape(-1)
        tensors[f"shuffle.{index}"] = state.shuffle.contiguous()
        tensors[f"rng.{index}"] = state.rng.contiguous()
        networks.append({"param_groups": state.optimizer["param_groups"],
                         "best_loss": state.best_loss if math.isfinite(state.best_loss) else None,
                         "history": state.history.to_dict()})
    return save(tensors), {"linear_start": bool(scoring.linear_start), "networks": networks}


def load_training(path, config: ForecastConfig) -> tuple[list, list[TrainingHistory], bool]:
    """The scoring networks of the bundle at `path` (saved with `config`), each with its history
    whose `state` continues it, and whether they started at the Ridge solution. BundleError when
    the bundle has no training member or it doesn't match its settings."""
    import torch
    from safetensors.torch import load

    from core.model.bundle.meta import read_meta
    from core.model.network import build_member
    from core.model.training import TrainingState

    where = getattr(path, "name", str(path))
    members = Members(path)
    try:
        meta = read_meta(members, path)
        saved = meta.get("training_state")
        if not isinstance(saved, dict) or not members.has(TRAINING_FILE):
            raise BundleError(_("{file} holds no training state to resume: save it again with this version, "
                                "from a run that trained a network.").format(file=where))
        data = members.read(TRAINING_FILE, 2 << 30)
    finally:
        members.close()
    if saved.get("sha256") != hashlib.sha256(data).hexdigest():
        raise BundleError(_("{file}: its training state is not the one its {member} was saved with; save the model "
                            "again.").format(file=where, member="model.json"))
    try:
        tensors = load(data)
        check_tensors(tensors)
        networks, histories = [], []
        for index, entry in enumerate(saved["networks"]):
            member = build_member(config.replace(seed=(config.seed + index) % (MAX_SEED + 1)),
                                  len(config.input_columns))
            prefix = f"network.{index}."
            member.load_state_dict({k.removeprefix(prefix): v for k, v in tensors.items() if k.startswith(prefix)})
            member.eval()
            shapes = {str(i): p.shape for i, p in enumerate(member.parameters())}
            state: dict[int, dict[str, torch.Tensor]] = {}
            prefix = f"optimizer.{index}."
            for key, value in tensors.items():
                if key.startswith(prefix):
                    pid, name = key.removeprefix(prefix).split(".", 1)
                    state.setdefault(int(pid), {})[name] = value.reshape(() if name == "step" else shapes[pid])
            history = TrainingHistory(**{k: v for k, v in entry["history"].items() if k in _HISTORY_FIELDS})
            best = entry["best_loss"]
            history.state = TrainingState({"state": state, "param_groups": entry["param_groups"]},
                                          tensors[f"shuffle.{index}"], tensors[f"rng.{index}"],
                                          math.inf if best is None else float(best), history)
            networks.append(member)
            histories.append(history)
    except (KeyError, ValueError, TypeError, RuntimeError) as exc:
        raise BundleError(_("{file}: its training state does not match its settings ({problem}); the file is "
                            "damaged or was edited.").format(file=where, problem=type(exc).__name__)) from None
    if len(networks) != config.ensemble:
        raise BundleError(_("{file}: its training state does not match its settings ({problem}); the file is "
                            "damaged or was edited.").format(file=where, problem=config.ensemble))
    return networks, histories, bool(saved.get("linear_start"))


def check_tensors(tensors: dict[str, Any]) -> None:
    """Finite float32 numbers, and random streams torch can set: ValueError naming the first
    tensor that is neither (before anything trains from them)."""
    import torch

    streams = {"shuffle": torch.Generator().get_state(), "rng": torch.get_rng_state()}
    for name, value in tensors.items():
        kind = name.split(".", 1)[0]
        if kind in streams:
            if value.dtype != torch.uint8 or value.shape != streams[kind].shape:
                raise ValueError(name)
            if kind == "shuffle":
                torch.Generator().set_state(value)  # refuses a state it can't use
        elif value.dtype != torch.float32 or not bool(torch.isfinite(value).all()):
            raise ValueError(name)
