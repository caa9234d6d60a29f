"""Training more: a finished run's scoring networks continued for N more epochs, then every stage
after the fit again (scores, intervals, the refit on every row, the forecast).

Each network continues from its best weights with the optimizer state saved beside them and its
random streams where its last epoch left them (core.model.training.TrainingState), on the same
split with the same scalers, so its history goes on: epochs are numbered on and the best epoch is
the best of all of them. A run whose best epoch was its last continues exactly as one run of the
summed epochs would have gone on.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.i18n import _
from core.model.progress import TrainingHistory
from core.pipeline.plan import RunPlan, plan_run
from core.pipeline.recipe import ScoringModel, finish_experiment
from core.pipeline.result import ExperimentResult
from core.prep.future import FutureFeatures
from core.settings.config import MAX_SEED


@dataclass
class SavedNetworks:
    """A saved model's scoring networks with their training state, ready to continue on a table
    (what `continue_experiment` reads of a result)."""
    plan: RunPlan
    scoring_predictor: Any  # core.model.predictor.Predictor: scalers refit on the same training rows
    scoring_histories: list
    future: FutureFeatures | None = None

    @property
    def config(self):
        return self.plan.config


def saved_networks(frame: pd.DataFrame, path: str | Path) -> SavedNetworks:
    """The scoring networks saved in the bundle at `path`, to continue on `frame` (the table they
    were trained on: the same columns, split and scalers). BundleError or DataError saying why not."""
    from core.model.bundle import load_bundle
    from core.model.bundle.training import load_training
    from core.model.network import EnsembleForecaster
    from core.pipeline.fit import fit_scaling

    path = Path(path)
    plan = plan_run(frame, load_bundle(path).config)
    networks, histories, linear_start = load_training(path, plan.config)
    predictor = fit_scaling(frame, plan.config, plan.bounds.train_end)  # the scalers are fit again: the same
    predictor.model = EnsembleForecaster(networks)
    predictor.model.eval()
    predictor.linear_start = linear_start
    return SavedNetworks(plan, predictor, histories)


def resume_refusal(meta: dict[str, Any], columns: Iterable[str] | None, has_state: bool = True) -> str | None:
    """Why a saved model (its model.json `meta`; `has_state`: its file holds training.safetensors)
    can't continue training on a table with these `columns` (None: no table is open), or None
    when `saved_networks` may try."""
    if not has_state or not isinstance(meta.get("training_state"), dict):
        return _("This model file holds no training state to continue from: train the model again and save it "
                 "with this version.")
    saved = meta.get("columns") or {}
    needed = [saved.get("target"), *(saved.get("features") or ()), saved.get("date_column")]
    needed = [str(name) for name in needed if name]
    if columns is None:
        return _("Open the table this model was trained on first (columns {columns}).").format(
            columns=", ".join(needed))
    missing = [name for name in needed if name not in set(map(str, columns))]
    if missing:
        return _("The open table is not the one this model was trained on: it has no {columns}.").format(
            columns=", ".join(missing))
    return None


def saved_history(meta: dict[str, Any]) -> TrainingHistory | None:
    """The training history saved in model.json (its loss curves), or None when it has none."""
    saved = meta.get("training")
    if not isinstance(saved, dict):
        return None
    known = {f.name for f in dataclasses.fields(TrainingHistory)} - {"state"}
    return TrainingHistory(**{k: v for k, v in saved.items() if k in known})


def can_train_more(result: ExperimentResult | SavedNetworks) -> bool:
    """Whether the result's scoring networks can be trained more: they trained and kept their state."""
    histories = result.scoring_histories
    return (result.scoring_predictor is not None and not result.plan.smoothing_alone and bool(histories)
            and all(h.state is not None for h in histories))


def continue_experiment(frame: pd.DataFrame, result: ExperimentResult | SavedNetworks, more: int,
                        progress: Callable | None = None, cancel: threading.Event | None = None,
                        source_info: dict[str, Any] | None = None,
                        future: FutureFeatures | None = None) -> ExperimentResult:
    """`result` (a run on `frame`) with each scoring network trained `more` epochs further; the
    settings then say the summed epochs. Raises ValueError when there is nothing to continue."""
    if more < 1:
        raise ValueError(_("Train at least one more epoch."))
    if not can_train_more(result):
        raise ValueError(_("This model can't be trained more: no network was trained, or its training state "
                           "was not kept."))
    c = result.config
    plan = plan_run(frame, c.replace(epochs=c.epochs + more))
    scoring = continue_scoring_model(frame, plan, result, more, progress, cancel)
    return finish_experiment(frame, plan, scoring, progress, cancel, source_info,
                             future if future is not None else result.future)


def continue_scoring_model(frame: pd.DataFrame, plan: RunPlan, result: ExperimentResult | SavedNetworks, more: int,
                           progress: Callable | None = None,
                           cancel: threading.Event | None = None) -> ScoringModel:
    """The scoring model's networks, copied and trained `more` epochs each; one cancelled keeps its
    best weights and the networks after it stay as they were."""
    import torch

    from core.model.network import EnsembleForecaster
    from core.model.training import CANCELLED, DIVERGED, OUT_OF_TIME, train

    c = plan.config
    previous = result.scoring_predictor
    predictor = copy.copy(previous)  # the same scalers and anchor, fit on the same training rows
    originals = list(previous.model.members)
    series = predictor.series(frame)
    train_origins, val_origins = (torch.from_numpy(np.ascontiguousarray(plan.origins[s])) for s in ("train", "val"))
    steps = len(originals) * more + sum(h.epochs_run + more for h in result.scoring_histories)
    members, histories, done = [], [], 0
    stopped = False
    for index, (member, history) in enumerate(zip(originals, result.scoring_histories, strict=True)):
        if stopped:  # after a cancel: the rest stay as they were
            members.append(member)
            histories.append(history)
            continue
        member = copy.deepcopy(member)
        member_config = c.replace(seed=(c.seed + index) % (MAX_SEED + 1), epochs=more)
        first = history.epochs_run

        def report(p, base: int = done, network: int = index + 1, first: int = first) -> None:
            if progress is not None:  # one count over every network and the refit, as a first run
                progress(dataclasses.replace(p, network=network, networks=len(originals), refit=False,
                                             step=base + p.epoch - first, steps=steps))

        trained = train(member, series, train_origins, val_origins, member_config, report, cancel,
                        resume=history.state)
        done += trained.epochs_run - first
        members.append(member)
        histories.append(trained)
        stopped = trained.status in (CANCELLED, DIVERGED, OUT_OF_TIME)
    model = EnsembleForecaster(members)
    model.eval()
    predictor.model = model
    predictor.config = c.replace(ensemble=len(members))
    return ScoringModel(predictor, histories, done, series)
