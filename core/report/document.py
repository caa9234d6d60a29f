"""A report as a list of blocks (headings, paragraphs, tables, charts) in the language active
now: the HTML and the PDF render the same list, so both say the same things.

Every string here is plain text, user data (column names, file names) included: the renderers
escape it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import __version__
from core.i18n import N_, _
from core.outputs.summary import coverage_sentence, duration, score_text, search_lines
from core.prep.timeindex import format_time
from core.report.charts import Chart, charts
from core.report.content import ReportContent
from core.settings.config import ForecastConfig
from core.settings.table import settings_of
from core.vocabulary import STATUS_WORDS, TRIAL_STATE_WORDS

ROW_NAMES = {"model": N_("model"), "naive": N_("naive"), "seasonal_naive": N_("seasonal naive"),
             "linear": N_("linear")}
SCORES = (("rmse", "RMSE"), ("mae", "MAE"), ("mape", "MAPE %"), ("r2", "R²"), ("mase", "MASE"))
KINDS = {"numeric": N_("numbers"), "datetime": N_("dates"), "text": N_("text")}
DELIMITERS = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": N_("vertical bar"), " ": N_("space")}


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    warning: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()  # right-aligned columns
    key: str = ""  # a stable name (tests)


@dataclass(frozen=True)
class Figure:
    chart: Chart


Block = Heading | Paragraph | Table | Figure


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def paragraphs(self, texts, warning: bool = False) -> None:
        self.blocks.extend(Paragraph(t, warning) for t in texts if t)


def number(value: Any) -> str:
    """A count with thousands separators, a score short, '' for none."""
    if value is None or isinstance(value, bool):
        return "" if value is None else _yes_no(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return score_text(float(value))


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def build(content: ReportContent) -> Document:
    """The whole report, section by section."""
    c = content
    doc = Document(_("Forecast report: {target}").format(target=c.target))
    doc.add(Heading(doc.title, 1))
    doc.paragraphs([c.origin, _("Made {created} with LSTM Forecaster {version}.").format(
        created=c.created, version=__version__)])
    _verdict(doc, c)
    _scores(doc, c)
    if charts_ := charts(c):
        doc.add(Heading(_("Charts")))
        doc.add(*(Figure(chart) for chart in charts_))
    _step_scores(doc, c)
    _forecast(doc, c)
    _data(doc, c)
    _model(doc, c)
    if c.backtest is not None:
        _backtest(doc, c)
    if c.search is not None:
        _search(doc, c)
    _reproduce(doc, c)
    return doc


def _verdict(doc: Document, c: ReportContent) -> None:
    doc.add(Heading(_("Verdict")))
    if c.verdict:
        doc.add(Paragraph(c.verdict, warning=c.beats_best_baseline is False))
    doc.paragraphs([*c.credit, c.models])
    if c.notes:
        doc.add(Heading(_("Notes"), 3))
        doc.paragraphs(c.notes)


def _scores(doc: Document, c: ReportContent) -> None:
    if not c.test_metrics:
        return
    doc.add(Heading(_("Scores against the baselines")))
    rows = tuple((_(ROW_NAMES[name]) if name in ROW_NAMES else name,
                  *(number(scores.get(key)) for key, _label in SCORES)) for name, scores in c.test_metrics.items())
    doc.add(Table((_("forecaster"), *(label for _key, label in SCORES)), rows, (False,) + (True,) * len(SCORES),
                  key="scores"))
    if c.coverage is not None:
        doc.add(Paragraph(coverage_sentence(c.level, c.coverage)))


def _step_scores(doc: Document, c: ReportContent) -> None:
    steps = c.step_scores
    if steps is not None and len(steps):
        doc.add(Heading(_("Scores per step")))
        doc.add(Table((_("step"), _("windows"), "RMSE", "MAE", "MAPE %", _("coverage")),
                      tuple((str(r.step), number(int(r.windows)), number(r.rmse), number(r.mae), number(r.mape),
                             "" if r.coverage is None or r.coverage != r.coverage else f"{r.coverage:.0%}")
                            for r in steps.itertuples()), (True,) * 6, key="steps"))


def _forecast(doc: Document, c: ReportContent) -> None:
    f = c.forecast
    if f is None or not len(f):
        return
    doc.add(Heading(_("Forecast")))
    doc.paragraphs([c.assumption])
    header = [_("time"), _("step"), _("predicted"), _("lower"), _("upper")]
    anchor = c.anchor if c.anchor is not None and len(c.anchor) == len(f) else None
    if anchor is not None:
        header.append(c.anchor_label or _("anchor"))
    rows = []
    for i, r in enumerate(f.itertuples()):
        row = [format_time(r.time), str(r.step), number(r.predicted), number(r.lower), number(r.upper)]
        rows.append(tuple(row + ([number(anchor[i])] if anchor is not None else [])))
    doc.add(Table(tuple(header), tuple(rows), (False,) + (True,) * (len(header) - 1), key="forecast"))


def _data(doc: Document, c: ReportContent) -> None:
    d, r = c.data, c.import_report
    if not (c.source or d or r):  # a saved model alone: it holds nothing of its file but the checksum
        return
    doc.add(Heading(_("Data")))
    pairs = []
    if c.source:
        pairs.append((_("file"), Path(c.source).name))
    if d.get("rows") is not None:
        pairs.append((_("rows"), number(int(d["rows"]))))
    if r is not None:
        pairs += [(_("encoding"), r.encoding),
                  (_("delimiter"), _(DELIMITERS[r.delimiter]) if r.delimiter in DELIMITERS else r.delimiter),
                  (_("decimal mark"), r.decimal), (_("date column"), r.date_column or _("none"))]
    splits = d.get("split_rows")
    if isinstance(splits, dict):
        pairs.append((_("rows per split"), _("train {train}, validation {val}, test {test}").format(
            train=number(splits.get("train")), val=number(splits.get("val")), test=number(splits.get("test")))))
    if pairs:
        doc.add(Table((_("what"), _("value")), tuple(pairs), key="data"))
    if r is not None:
        if r.notes:
            doc.add(Heading(_("How the file was read"), 3))
            doc.paragraphs(r.notes)
        doc.add(Heading(_("Columns"), 3))
        doc.add(Table((_("column"), _("kind"), _("missing"), _("min"), _("max"), _("mean")),
                      tuple((col.name, _(KINDS.get(col.kind, col.kind)), number(col.missing), number(col.min),
                             number(col.max), number(col.mean)) for col in r.columns),
                      (False, False, True, True, True, True), key="columns"))
    elif d.get("import_notes"):
        doc.paragraphs(d["import_notes"])


def _model(doc: Document, c: ReportContent) -> None:
    doc.add(Heading(_("Model and settings")))
    pairs = []
    shapes = c.data.get("shapes")
    if isinstance(shapes, dict):
        for split, name in (("train", N_("train")), ("val", N_("validation")), ("test", N_("test"))):
            x, y = shapes.get(f"X_{split}"), shapes.get(f"y_{split}")
            if x and y:
                pairs.append((_("shapes ({split})").format(split=_(name)), f"X {list(x)} → y {list(y)}"))
    else:
        window, inputs = c.config.get("window"), c.config.get("features") or []
        pairs.append((_("shapes"), f"X [N, {window}, {len(inputs) + 1}] → y [N, {c.config.get('horizon')}]"))
    if c.parameters is not None:
        pairs.append((_("parameters"), number(int(c.parameters))))
    t = c.training
    if t:
        status = t.get("status")
        pairs += [(_("training"), _(STATUS_WORDS[status]) if status in STATUS_WORDS else str(status or "")),
                  (_("epochs run"), number(t.get("epochs_run"))), (_("best epoch"), number(t.get("best_epoch")))]
        seconds = [s for s in t.get("epoch_seconds") or () if isinstance(s, (int, float))]
        if seconds:
            pairs.append((_("seconds per epoch"), number(sum(seconds) / len(seconds))))
    doc.add(Table((_("what"), _("value")), tuple(pairs), key="model"))
    rows = []
    for s in settings_of(ForecastConfig):
        if s.name in c.config:
            rows.append((_(s.label), _value(s, c.config[s.name]), s.cli or ""))
    doc.add(Heading(_("Settings"), 3))
    doc.add(Table((_("setting"), _("value"), _("command line")), tuple(rows), key="settings"))


def _value(s, value: Any) -> str:
    if value is None:
        return _(s.auto_text)
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or _("none")
    for choice, text in s.choices:
        if choice == value:
            return _(text)
    return number(value) if isinstance(value, (int, float)) else str(value)


def _backtest(doc: Document, c: ReportContent) -> None:
    b = c.backtest
    doc.add(Heading(_("Backtest")))
    request = dataclasses.asdict(b.request)
    doc.paragraphs([_("{folds} folds, {trainings} trainings; {window}.").format(
        folds=len(b.folds), trainings=b.trainings,
        window=_("expanding training window") if request.get("expanding", True) else _("sliding training window"))])
    doc.paragraphs(b.notes)
    names = [n for n in b.pooled if n != "seasonal_naive" or b.seasonal]
    doc.add(Table((_("forecaster"), *(label for _key, label in SCORES)),
                  tuple((_(ROW_NAMES.get(n, n)), *(number(b.pooled[n].get(k)) for k, _label in SCORES))
                        for n in names), (False,) + (True,) * len(SCORES), key="backtest"))
    doc.add(Table((_("fold"), _("cutoff"), _("training rows"), *(_(ROW_NAMES.get(n, n)) for n in names)),
                  tuple((str(f.fold), format_time(f.cutoff), number(f.train_rows),
                         *(number(f.scores.get(n, {}).get("rmse")) for n in names)) for f in b.folds),
                  (True, False) + (True,) * (1 + len(names)), key="folds"))


def _search(doc: Document, c: ReportContent) -> None:
    s = c.search
    doc.add(Heading(_("Search")))
    if isinstance(s, dict):  # a saved model's record of the search its settings came from
        pairs = [(_("study"), str(s.get("study", ""))), (_("trials"), number(s.get("trials"))),
                 (_("best trial"), number(s.get("best_trial"))),
                 (_("validation RMSE"), number(s.get("validation_score"))),
                 (_("your settings' validation RMSE"), number(s.get("baseline_score"))),
                 (_("budget"), duration(float(s["budget_s"])) if isinstance(s.get("budget_s"), (int, float)) else "")]
        doc.add(Table((_("what"), _("value")), tuple(p for p in pairs if p[1]), key="search"))
        return
    doc.paragraphs([_("{trials} trials in {elapsed} of a {budget} budget.").format(
        trials=len(s.trials), elapsed=duration(s.elapsed_s), budget=duration(s.budget_s))])
    doc.paragraphs(search_lines(s, lambda values: ", ".join(f"{k}={v}" for k, v in values.items())))
    doc.add(Table((_("trial"), _("state"), _("validation RMSE"), _("seconds")),
                  tuple((str(t.number), _(TRIAL_STATE_WORDS[t.state]) if t.state in TRIAL_STATE_WORDS else str(t.state),
                         number(t.score), f"{t.seconds:.1f}") for t in s.trials),
                  (True, False, True, True), key="trials"))


def _reproduce(doc: Document, c: ReportContent) -> None:
    doc.add(Heading(_("To check and reproduce")))
    pairs = [(_("data SHA-256"), c.checksum or _("unknown")), (_("seed"), "" if c.seed is None else str(c.seed))]
    if c.run_id:
        pairs.append((_("run id"), c.run_id))
    if c.model_file:
        pairs.append((_("model file"), Path(c.model_file).name))
    pairs += [(name, version) for name, version in c.versions.items()]
    doc.add(Table((_("what"), _("value")), tuple(pairs), key="reproduce"))
    doc.paragraphs([c.checksum_note])
