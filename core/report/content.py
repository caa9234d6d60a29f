"""What a report holds, gathered once from a run just trained or from a saved model (with or
without data to score it on), so the HTML and the PDF say the same things.

Plain values and frames only: the words are chosen later (core.report.document), in the
language active when the report is written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from core.data.report import ImportReport
from core.evaluation.metrics import model_beats_naive, per_step_scores, verdict, verdict_sentence
from core.i18n import _
from core.model.bundle import LoadedBundle, library_versions, search_note
from core.outputs.summary import anchor_line, credit_lines, made_by_sentence
from core.pipeline import Credit


@dataclass
class ReportContent:
    target: str
    origin: str  # where the numbers come from, one sentence
    config: dict[str, Any]  # every effective setting (ForecastConfig.to_dict)
    predictions: pd.DataFrame  # time, step, actual, predicted (lower, upper, split): the results chart
    forecast: pd.DataFrame | None  # time, step, predicted, lower, upper
    test_metrics: dict[str, dict[str, float | None]]
    verdict: str = ""
    beats_best_baseline: bool | None = None
    credit: list[str] = field(default_factory=list)  # what made the forecast (core.pipeline.credit)
    models: str = ""  # which model made the scores and which the forecast
    notes: list[str] = field(default_factory=list)
    assumption: str = ""
    level: float = 0.9
    coverage: float | None = None
    step_scores: pd.DataFrame | None = None
    anchor: list[float] | None = None  # the anchor's own forecast, drawn beside the forecast
    anchor_label: str = ""
    training: dict[str, Any] = field(default_factory=dict)  # TrainingHistory.to_dict
    data: dict[str, Any] = field(default_factory=dict)  # rows, split rows, shapes, how the file was read
    import_report: ImportReport | None = None
    parameters: int | None = None
    source: str | None = None  # the data file's path
    checksum: str | None = None  # SHA-256 of the data file
    checksum_note: str = ""  # a saved model scored on a file: whether it is the file it was trained on
    seed: int | None = None
    versions: dict[str, str] = field(default_factory=dict)
    run_id: str | None = None
    model_file: str | None = None
    created: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    backtest: Any = None  # core.backtest.BacktestResult, when one ran
    search: Any = None  # core.search.SearchResult when one ran; a model's search record (dict) otherwise

    @property
    def seasonal(self) -> bool:
        return bool(self.config.get("season"))


def from_result(result, *, source: str | None = None, import_report: ImportReport | None = None,
                checksum: str | None = None, run_id: str | None = None, backtest: Any = None,
                search: Any = None) -> ReportContent:
    """A run just trained (core.pipeline.ExperimentResult)."""
    c = result.config
    judged = result.verdict()
    credit = result.credit
    notes = list(result.plan.notes)
    if isinstance(search, dict):
        notes += [n for n in (search_note({"search": search}),) if n]
    from core.evaluation.metrics import settings_advice

    advice = settings_advice(result.test_metrics, c.target_mode, judged["beats_best_baseline"],
                             result.history.epochs_run, c.epochs)
    return ReportContent(
        target=c.target,
        origin=_("A model trained on {file}.").format(file=Path(source).name) if source else _("A model trained "
                                                                                               "on the data."),
        config=c.to_dict(), predictions=result.predictions, forecast=result.forecast,
        test_metrics=result.test_metrics, verdict=judged["sentence"],
        beats_best_baseline=judged["beats_best_baseline"],
        credit=credit_lines(credit, made_by=False) if credit is not None else [],
        models=result.models_sentence(), notes=notes + [advice] * bool(advice),
        assumption=result.predictor.assumption(), level=c.interval_level,
        coverage=result.coverage.get("overall"), step_scores=per_step_scores(result.predictions, "test"),
        **_anchor(credit, result.forecast), training=result.history.to_dict(), data=dict(result.data_info),
        import_report=import_report, parameters=result.plan.parameters, source=source, checksum=checksum,
        seed=c.seed, versions=library_versions(), run_id=run_id, backtest=backtest, search=search)


def from_bundle(bundle: LoadedBundle, path: str | Path, loaded=None, data_path: str | Path | None = None,
                checksum: str | None = None) -> ReportContent:
    """A saved model: with `loaded` (core.data.csv_reader.LoadedTable of `data_path`), scored on
    that table and forecast after its last row; without, what the model file holds."""
    from core.apply import (
        applied_coverage,
        applied_metrics,
        forecast_table,
        predict_table,
        recent_rows,
        training_overlap,
    )

    meta, c, name = bundle.meta, bundle.config, Path(path).name
    credit = Credit.from_dict(meta.get("anchor"))
    notes = [n for n in (search_note(meta),) if n]
    common = dict(target=c.target, config=c.to_dict(), assumption=bundle.predictor.assumption(),
                  level=c.interval_level, training=dict(meta.get("training") or {}),
                  parameters=parameter_count(meta.get("tensors")), seed=meta.get("seed", c.seed),
                  versions=dict(meta.get("versions") or {}), run_id=meta.get("run_id"), model_file=str(path),
                  search=meta.get("search"))
    if loaded is None:
        forecast = forecast_table(bundle)
        metrics = meta.get("test_metrics") or {}
        judged = verdict(metrics, seasonal=bool(c.season))
        lead = made_by_sentence(credit) if credit is not None else ""
        sentence = verdict_sentence(judged) if metrics else ""
        return ReportContent(
            origin=_("The saved model {file}: the last rows of the file it was trained on, then its forecast. The "
                     "scores are from that file's test split.").format(file=name),
            predictions=recent_rows(bundle), forecast=forecast, test_metrics=metrics,
            verdict=_("{made_by} {verdict}").format(made_by=lead, verdict=sentence) if lead and sentence
            else sentence or lead, beats_best_baseline=judged["beats_best_baseline"],
            credit=credit_lines(credit, made_by=False) if credit is not None else [], notes=notes,
            coverage=(meta.get("coverage") or {}).get("overall"), **_anchor(credit, forecast),
            checksum=meta.get("data_sha256"), **common)
    report = loaded.report
    data_name = Path(data_path).name if data_path else _("the data")
    table = predict_table(bundle, loaded.frame, report.date_column, report.date_is_year, source=data_name)
    known = table[table["actual"].notna()]
    metrics = applied_metrics(known, loaded.frame[c.target])
    beats = model_beats_naive(metrics)
    notes.insert(0, _("On new data only the model and the naive forecast are scored: the linear and seasonal "
                      "baselines are not saved with a model."))
    overlap = training_overlap(bundle, loaded.frame, report.date_column, report.date_is_year)
    if overlap is not None:
        notes.insert(0, _("⚠ {file} has rows up to {overlap} or earlier, which the model was trained on: its scores "
                          "on those rows are not a fair test.").format(file=data_name, overlap=overlap))
    trained_on = meta.get("data_sha256")
    same = _("This is the file the model was trained on (same SHA-256).") if checksum and checksum == trained_on \
        else _("This is not the file the model was trained on (its SHA-256 was {checksum}).").format(
            checksum=trained_on) if checksum and trained_on else ""
    judged = verdict(metrics, seasonal=False)
    forecast = table[table["actual"].isna()].drop(columns=["actual"]).reset_index(drop=True)
    return ReportContent(
        origin=_("The saved model {model} applied to {file}: its predictions where the value is known, then the "
                 "forecast after the last row.").format(model=name, file=data_name),
        predictions=known, forecast=forecast, test_metrics=metrics,
        verdict=verdict_sentence(judged) if metrics else "", beats_best_baseline=beats, notes=notes,
        coverage=applied_coverage(known), step_scores=per_step_scores(known, ""),
        data={"rows": len(loaded.frame), "windows": {"": len(known["origin"].unique()) if len(known) else 0},
              **loaded.source_info(data_path)},
        import_report=report, source=str(data_path) if data_path else None, checksum=checksum,
        checksum_note=same, **common)


def parameter_count(tensors: Any) -> int | None:
    """The weights a saved model holds, from model.json's tensor shapes."""
    if not isinstance(tensors, dict):
        return None
    try:
        return sum(math.prod(int(n) for n in shape) for shape in tensors.values())
    except (TypeError, ValueError):
        return None


def _anchor(credit: Credit | None, forecast: pd.DataFrame | None) -> dict[str, Any]:
    if credit is None or forecast is None or len(forecast) != len(credit.forecast or ()):
        return {}
    return anchor_line(credit)
