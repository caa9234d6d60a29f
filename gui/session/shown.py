"""What the Results panel shows, built from a trained run, a saved model or a model applied to a
CSV: pure functions of their inputs (no Qt), so each can be checked without a window."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from core.data.csv_reader import LoadedTable
from core.evaluation.metrics import (
    coverage_warnings,
    model_beats_naive,
    per_step_scores,
    settings_advice,
    verdict,
    verdict_sentence,
)
from core.i18n import _, ngettext
from core.model.bundle import LoadedBundle, search_note
from core.outputs.summary import anchor_line, credit_lines
from core.pipeline import Credit, ExperimentResult
from core.prep.future import FutureFeatures


@dataclass(frozen=True)
class ShownOutput:
    """What the Results panel shows, kept so it can be exported as it is."""

    target: str
    description: str  # plain text after the target's name: where these numbers come from
    predictions: pd.DataFrame
    forecast: pd.DataFrame | None
    level: float
    dates: bool
    metrics: dict[str, dict[str, float | None]]  # forecaster -> score -> value (None: not scored)
    coverage: float | None
    assumption: str
    beats_naive: bool | None  # None: no naive score to compare with
    source: str | None
    verdict: str = ""  # one sentence: the model against the best baseline (core's verdict_sentence)
    beats_best_baseline: bool | None = None
    models: str = ""  # which model made the scores and which the forecast
    notes: tuple[str, ...] = ()  # the engine's notes on this output, plain sentences
    advice: str = ""  # what to change, fitting the settings of the run ("" when nothing)
    horizon: int = 1  # steps each window predicts: the step selector's range
    seasonal: bool = True  # a season exists, so seasonal naive differs from naive
    step_scores: pd.DataFrame | None = None  # per_step_scores on the test split (None: not scored)
    credit: tuple[str, ...] = ()  # what made the forecast and what the network added to its anchor
    anchor: list[float] | None = None  # the anchor's own forecast at the forecast's steps (None: unknown)
    anchor_label: str = ""  # its legend entry
    actual: pd.DataFrame | None = None  # every value of the target (time, actual), for the real line
    bridge: pd.DataFrame | None = None  # predictions of windows no split holds: the step's line has no gap
    coverage_warnings: tuple[str, ...] = ()  # the intervals held far less often than their level (core decides)


@dataclass(frozen=True)
class OpenedModel:
    """A saved model read from disk with its forecast from its own last rows."""

    path: str
    bundle: LoadedBundle
    forecast: pd.DataFrame
    members: dict[str, bytes] | None = None  # the file's members as read: Save model writes them


@dataclass(frozen=True)
class AppliedModel:
    """A model applied to a CSV: its predictions for every window, then the forecast."""

    path: str
    bundle: LoadedBundle
    loaded: LoadedTable
    table: pd.DataFrame


def shown_from_experiment(result: ExperimentResult, description: str, source: str | None,
                          search: dict | None = None) -> ShownOutput:
    """A trained run's output (`search`: the record of the settings search its settings came from)."""
    assumption = result.assumption()  # shown on its own line: not repeated among the notes
    notes = tuple(n for n in result.plan.notes if n not in assumption) + tuple(
        n for n in (search_note({"search": search}),) if n)
    c = result.config
    verdict = result.verdict()
    return ShownOutput(
        target=c.target, description=description, predictions=result.predictions,
        forecast=result.forecast, level=c.interval_level, dates=bool(c.date_column),
        metrics=result.test_metrics, coverage=result.coverage["overall"],
        assumption=assumption, beats_naive=result.beats_naive(),
        source=source, verdict=verdict["sentence"], beats_best_baseline=verdict["beats_best_baseline"],
        models=result.models_sentence(), notes=notes, horizon=c.horizon, seasonal=bool(c.season),
        advice=settings_advice(result.test_metrics, c.target_mode, verdict["beats_best_baseline"],
                               result.history.epochs_run, c.epochs),
        step_scores=per_step_scores(result.predictions, "test"),
        coverage_warnings=tuple(coverage_warnings(result.predictions, c.interval_level)), actual=result.actual,
        bridge=result.bridge,
        # the verdict already names what made the forecast
        **_credit_fields(result.credit, result.forecast, made_by=False))


def _credit_fields(credit: Credit | None, forecast: pd.DataFrame | None, made_by: bool) -> dict:
    """ShownOutput's credit sentences and anchor line (nothing for a model saved before they were recorded)."""
    if credit is None:
        return {}
    line = anchor_line(credit) if forecast is not None and len(forecast) == len(credit.forecast or ()) else {}
    return {"credit": tuple(credit_lines(credit, made_by)), **line}


def shown_from_bundle(opened: OpenedModel) -> ShownOutput:
    """A saved model: the last rows of the file it was trained on, then its forecast."""
    from core.apply import recent_rows

    bundle, c, name = opened.bundle, opened.bundle.config, Path(opened.path).name
    metrics = bundle.meta.get("test_metrics") or {}
    judged = verdict(metrics, seasonal=bool(c.season))  # the test scores it was saved with, when it has them
    return ShownOutput(
        verdict=verdict_sentence(judged) if judged["best_baseline"] else "",
        beats_best_baseline=judged["beats_best_baseline"],
        target=c.target, description=ngettext(
            "saved model {file} (window {window}, horizon {horizon}): the last {rows} row of the file it was "
            "trained on, then its forecast. The scores are from that file's test split.",
            "saved model {file} (window {window}, horizon {horizon}): the last {rows} rows of the file it was "
            "trained on, then its forecast. The scores are from that file's test split.", len(bundle.tail)).format(
            file=name, window=c.window, horizon=c.horizon, rows=len(bundle.tail)),
        predictions=recent_rows(bundle), forecast=opened.forecast, level=c.interval_level,
        dates=bool(c.date_column), metrics=metrics, coverage=(bundle.meta.get("coverage") or {}).get("overall"),
        assumption=bundle.predictor.assumption(), beats_naive=model_beats_naive(metrics), source=opened.path,
        horizon=c.horizon, seasonal=bool(c.season), notes=tuple(n for n in (search_note(bundle.meta),) if n),
        **_credit_fields(Credit.from_dict(bundle.meta.get("anchor")), opened.forecast, made_by=True))


def shown_from_applied(applied: AppliedModel) -> ShownOutput:
    """A model applied to a CSV: its predictions where the value is known, then the forecast."""
    from core.apply import applied_coverage, applied_metrics, training_overlap

    c, name, table = applied.bundle.config, Path(applied.path).name, applied.table
    known = table[table["actual"].notna()]
    metrics = applied_metrics(known, applied.loaded.frame[c.target])
    report = applied.loaded.report
    notes = [_("On new data only the model and the naive forecast are scored: the linear and seasonal "
               "baselines are not saved with a model.")]
    overlap = training_overlap(applied.bundle, applied.loaded.frame, report.date_column, report.date_is_year)
    if overlap is not None:
        notes.insert(0, _("⚠ {file} has rows up to {overlap} or earlier, which the model was trained on: "
                          "its scores on those rows are not a fair test.").format(file=name, overlap=overlap))
    return ShownOutput(
        target=c.target, description=ngettext(
            "the model applied to {file} ({count:,} prediction with a known value, then the forecast)",
            "the model applied to {file} ({count:,} predictions with known values, then the forecast)",
            len(known)).format(file=name, count=len(known)), predictions=known,
        forecast=table[table["actual"].isna()].drop(columns=["actual"]), level=c.interval_level,
        dates=bool(report.date_column), metrics=metrics, coverage=applied_coverage(known),
        assumption=applied.bundle.predictor.assumption(), beats_naive=model_beats_naive(metrics),
        source=applied.path, notes=tuple(notes), horizon=c.horizon, seasonal=False,
        step_scores=per_step_scores(known, ""))


def shown_with_future(base: ShownOutput, forecast: pd.DataFrame, future: FutureFeatures,
                      bundle: LoadedBundle) -> ShownOutput:
    """`base` (as first shown, feature values held) with the forecast made again from the future
    feature values given: its assumption, the file's notes and what the network added to its anchor."""
    credit = Credit.from_dict(bundle.meta.get("anchor"))
    if credit is not None and credit.forecast is not None and len(credit.forecast) == len(forecast):
        change = float(np.max(np.abs(forecast["predicted"].to_numpy() - np.asarray(credit.forecast)), initial=0.0))
        credit = replace(credit, forecast_change=change)
    # a trained run's verdict already names the maker; an applied model's output shows no credit
    fields = _credit_fields(credit, forecast, made_by=not base.verdict) if base.credit else {}
    return replace(base, forecast=forecast, assumption=bundle.predictor.assumption(len(forecast), future),
                   notes=base.notes + future.notes, **fields)
