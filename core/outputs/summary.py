"""The report sentences both faces say: what a run made and how it scored, where its forecast
starts and what it assumes, the progress after an epoch and the time left, how a run ended, and
the search's best settings. Phrased once here; the CLI prints them as plain text, the window
escapes them where it shows rich text.

Torch-free and Qt-free (plain values and duck-typed results), so the window can word a run
without loading the engine and the engine's layers below can be read without this one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from core.i18n import N_, _, ngettext
from core.numbers import column_texts, figures
from core.numbers import number_text as shown_number
from core.vocabulary import STATUS_SHORT_WORDS, STATUS_WORDS, Status, TrialState

FIRST_VALUES = 5  # forecast values the terminal lists after the sentence
# the anchor a network's output is added to, by target mode (core.pipeline.credit.Credit.anchor)
ANCHOR_WORDS = {"smoothing": N_("exponential smoothing"), "seasonal": N_("the seasonal profile"),
                "delta": N_("the last value")}
# core.pipeline.credit's codes, repeated here so the words need not load the engine
SMOOTHING_ALONE, STARTING_POINT, NETWORK = "smoothing alone", "starting point", "network"
LINEAR_START, ANCHOR_START = "linear start", "anchor"
SCORE_LABELS = {"r2": "R²"}  # as the window's tables head it; the other scores upper-cased
IMPROVED_PCT = 0.05  # a smaller change in validation RMSE rounds to 0.0%: no improvement to report


# --------------------------------------------------------------------------- values


def duration(seconds: float) -> str:
    """'42 s', '3 min 05 s', '2 h 07 min'."""
    if seconds < 60:
        return _("{seconds:.0f} s").format(seconds=seconds)
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return _("{minutes} min {seconds:02d} s").format(minutes=minutes, seconds=secs)
    hours, minutes = divmod(minutes, 60)
    return _("{hours} h {minutes:02d} min").format(hours=hours, minutes=minutes)


def rough_duration(seconds: float, upper: bool = False) -> str:
    """A time said before it happens: 5-second steps under a minute, whole minutes under an hour;
    `upper` rounds up (a bound), else to the nearest."""
    step = 5 if seconds < 59.5 else 60
    steps = math.ceil(seconds / step) if upper else round(seconds / step)
    amount = max(1, steps) * step
    if amount < 60:
        return _("{seconds:.0f} s").format(seconds=amount)
    if amount < 3600:
        return _("{minutes} min").format(minutes=amount // 60)
    hours, minutes = divmod(amount // 60, 60)
    return _("{hours} h {minutes:02d} min").format(hours=hours, minutes=minutes)


def time_estimate_sentence(estimate) -> str:
    """The expected training time before a run starts (estimate: core.model.timing.TimeEstimate)."""
    return _("Expected training time: about {about}, at most {at_most}.").format(
        about=rough_duration(estimate.about), at_most=rough_duration(estimate.at_most, upper=True))


def number_text(value: float) -> str:
    """A real-valued setting, short: four significant digits at most (0.001, 0.2), as typed."""
    return f"{value:.4g}"


def score_text(score: float | None) -> str:
    """A score as tables and sentences show it ('' for none): 4 significant digits in grouped fixed
    notation, trailing zeros kept ('18.00', not '18', beside '18.47')."""
    return shown_number(score)


# --------------------------------------------------------------------------- progress


def total_epochs(epochs: int, ensemble: int, refit: bool) -> int:
    """Every network of the ensemble, then its refit on every row: an upper bound, as early
    stopping ends most networks sooner."""
    return epochs * ensemble * (2 if refit else 1)


def progress_step(p) -> tuple[int, int]:
    """Where a run stands (p: EpochProgress): the step among all steps when the engine counts them,
    else the epoch of the network in training."""
    return (p.step, p.steps) if p.steps else (p.epoch, p.epochs)


def time_left(elapsed: float, step: int, steps: int) -> float:
    """Seconds left at the pace so far: an upper bound, as early stopping only shortens a run."""
    return elapsed / step * (steps - step) if step > 0 else 0.0


def epoch_line(p, left: str) -> str:
    """The progress line after an epoch (p: EpochProgress): which network, the losses, the time left.

    One whole sentence per case (single network, network n of an ensemble, refit on every row;
    with or without a validation loss) so a translation never glues fragments together."""
    if p.refit:
        text = (_("Refit on every row, network {network} of {networks}: epoch {epoch}/{epochs}: train loss "
                  "{train:.4g}, validation {val:.4g}; best epoch {best}; at most {left} left")
                if p.val_loss is not None else
                _("Refit on every row, network {network} of {networks}: epoch {epoch}/{epochs}: train loss "
                  "{train:.4g}; best epoch {best}; at most {left} left"))
    elif p.networks > 1:
        text = (_("Network {network} of {networks}: epoch {epoch}/{epochs}: train loss {train:.4g}, validation "
                  "{val:.4g}; best epoch {best}; at most {left} left")
                if p.val_loss is not None else
                _("Network {network} of {networks}: epoch {epoch}/{epochs}: train loss {train:.4g}; best epoch "
                  "{best}; at most {left} left"))
    else:
        text = (_("Epoch {epoch}/{epochs}: train loss {train:.4g}, validation {val:.4g}; best epoch {best}; at "
                  "most {left} left")
                if p.val_loss is not None else
                _("Epoch {epoch}/{epochs}: train loss {train:.4g}; best epoch {best}; at most {left} left"))
    return text.format(network=p.network, networks=p.networks, epoch=p.epoch, epochs=p.epochs,
                       train=p.train_loss, val=p.val_loss, best=p.best_epoch, left=left)


def finished_line(history, seconds: float) -> str:
    """How a run ended, with how long it took (history: TrainingHistory)."""
    if history.epochs_run == 0 and history.status == Status.COMPLETED:  # the smoothing stood alone
        return _("No network was trained: the forecast is the exponential smoothing alone ({duration}).").format(
            duration=duration(seconds))
    status = _(STATUS_WORDS[history.status]) if history.status in STATUS_WORDS else history.status
    return ngettext("{status} after {epochs} epoch in {duration}; best epoch {best}.",
                    "{status} after {epochs} epochs in {duration}; best epoch {best}.", history.epochs_run).format(
        status=status, epochs=history.epochs_run, duration=duration(seconds), best=history.best_epoch)


def run_finished_line(result, seconds: float, asked: int) -> str:
    """How a run ended (result: ExperimentResult; `asked`: the networks asked for). A cancel says
    so and what was kept, even where the first network's own history stopped early before it."""
    if not getattr(result, "cancelled", False):
        return finished_line(result.history, seconds)
    if asked > 1:
        return ngettext("Cancelled: kept the best model so far ({kept} of {asked} network) after {duration}.",
                        "Cancelled: kept the best model so far ({kept} of {asked} networks) after {duration}.",
                        asked).format(kept=result.config.ensemble, asked=asked, duration=duration(seconds))
    return _("Cancelled: kept the best model so far (best epoch {best}) after {duration}.").format(
        best=result.history.best_epoch, duration=duration(seconds))


# --------------------------------------------------------------------------- a run's outcome


def run_heading(result) -> str:
    """What was trained and how it ended, after the target's name (result: ExperimentResult)."""
    c, h = result.config, result.history
    season = c.season or _("none")
    if result.plan.forecast_only:
        return _("{target}: forecast only (too few rows to train and score); horizon {horizon}, season {season}"
                 ).format(target=c.target, horizon=c.horizon, season=season)
    if h.epochs_run == 0 and h.status == Status.COMPLETED:
        return _("{target}: no network trained (exponential smoothing alone); window {window}, horizon {horizon}, "
                 "season {season}").format(target=c.target, window=c.window, horizon=c.horizon, season=season)
    credit = getattr(result, "credit", None)
    if credit is not None and credit.made_by == STARTING_POINT:
        return ngettext("{target}: {maker}: every network kept its starting point (best epoch 0 after {epochs} "
                        "epoch); window {window}, horizon {horizon}, season {season}",
                        "{target}: {maker}: every network kept its starting point (best epoch 0 after {epochs} "
                        "epochs); window {window}, horizon {horizon}, season {season}", h.epochs_run).format(
            target=c.target, maker=maker_words(credit), epochs=h.epochs_run, window=c.window, horizon=c.horizon,
            season=season)
    status = STATUS_SHORT_WORDS.get(Status.CANCELLED if getattr(result, "cancelled", False) else h.status)
    return ngettext("{target}: {status} after {epochs} epoch, best epoch {best}; window {window}, "
                    "horizon {horizon}, season {season}",
                    "{target}: {status} after {epochs} epochs, best epoch {best}; window {window}, "
                    "horizon {horizon}, season {season}", h.epochs_run).format(
        target=c.target, status=_(status) if status else h.status, epochs=h.epochs_run, best=h.best_epoch,
        window=c.window, horizon=c.horizon, season=season)


def run_description(result, file: str) -> str:
    """What made the shown run's numbers, after the target's name in the window's title."""
    credit = getattr(result, "credit", None)
    if credit is not None and credit.made_by == STARTING_POINT:
        return _("{maker} on {file} (every network kept its starting point)").format(maker=maker_words(credit),
                                                                                       file=file)
    if result.history.epochs_run > 0:
        return _("{cell} trained on {file}").format(cell=result.config.cell.upper(), file=file)
    return _("Exponential smoothing on {file}").format(file=file)


# --------------------------------------------------------------------------- what made the forecast


def anchor_words(mode: str | None) -> str | None:
    """The anchor of a target mode in words ("exponential smoothing"); None for "level"."""
    return _(ANCHOR_WORDS[mode]) if mode in ANCHOR_WORDS else None


def maker_words(credit) -> str:
    """What made the forecast, as a noun phrase (credit: core.pipeline.credit.Credit)."""
    anchor = anchor_words(credit.anchor)
    if credit.made_by == NETWORK:
        return _("the network correcting {anchor}").format(anchor=anchor) if anchor else _("the network")
    if credit.start == ANCHOR_START:
        return _("{anchor} alone").format(anchor=anchor) if anchor else _("the untrained network")
    if credit.start == LINEAR_START:
        return (_("{anchor} corrected by the linear start").format(anchor=anchor) if anchor
                else _("the linear start"))
    return _("{anchor} corrected by an untrained network").format(anchor=anchor) if anchor else \
        _("the untrained network")


def made_by_sentence(credit) -> str:
    """Why the network gets no credit for the forecast ("" when a trained network made it)."""
    if credit.made_by == SMOOTHING_ALONE:
        return _("No network was trained: the forecast is {maker}.").format(maker=maker_words(credit))
    if credit.made_by == STARTING_POINT:
        return _("Every network kept its starting point (best epoch 0): the forecast is {maker}.").format(
            maker=maker_words(credit))
    return ""


def _changed_by_something(credit) -> bool:
    """Whether anything was added to the anchor: a trained network or a start other than the anchor."""
    return credit.made_by == NETWORK or credit.start != ANCHOR_START


def contribution_sentence(credit) -> str:
    """What the network (or the linear start) did to the anchor's validation RMSE ("" when
    nothing was added to it, or either score is unknown)."""
    anchor, change = anchor_words(credit.anchor), credit.network_change_pct
    if anchor is None or change is None or not _changed_by_something(credit):
        return ""
    linear = credit.made_by != NETWORK and credit.start == LINEAR_START
    values = {"anchor": anchor, "percent": change,
              **figures(model=credit.model_val_rmse, anchor_rmse=credit.val_rmse)}
    if change >= IMPROVED_PCT:
        return (_("The linear start improved the validation RMSE of {anchor} by {percent:.1f}% ({model:.4g} "
                  "against {anchor_rmse:.4g}).") if linear else
                _("The network improved the validation RMSE of {anchor} by {percent:.1f}% ({model:.4g} against "
                  "{anchor_rmse:.4g}).")).format(**values)
    return (_("The linear start did not improve on {anchor}: validation RMSE {model:.4g} against {anchor_rmse:.4g} "
              "for {anchor} alone.") if linear else
            _("The network did not improve on {anchor}: validation RMSE {model:.4g} against {anchor_rmse:.4g} for "
              "{anchor} alone.")).format(**values)


def forecast_change_sentence(credit) -> str:
    """Whether the forecast past the end differs from the anchor's own ("" when nothing was added
    to the anchor, or either forecast is unknown)."""
    anchor, same = anchor_words(credit.anchor), credit.forecast_is_anchor
    if anchor is None or same is None or not _changed_by_something(credit):
        return ""
    if same:
        return _("The forecast is the same as that of {anchor} alone.").format(anchor=anchor)
    return _("The forecast differs from that of {anchor} alone by up to {change:.4g}.").format(
        anchor=anchor, **figures(change=credit.forecast_change))


def features_sentence(credit) -> str:
    """Whether the feature columns could have changed the forecast ("" without feature columns)."""
    if not credit.features:
        return ""
    columns = ", ".join(credit.features)
    if credit.features_used:
        return ngettext("The feature column {columns} was used.", "The feature columns {columns} were used.",
                        len(credit.features)).format(columns=columns)
    return ngettext("The feature column {columns} was not used.", "The feature columns {columns} were not used.",
                    len(credit.features)).format(columns=columns)


def anchor_line(credit) -> dict[str, Any]:
    """core.outputs.plotting.draw_results' `anchor` (values) and `anchor_label` for a run's credit
    (nothing when there is none, or no anchor forecast)."""
    if credit is None or credit.forecast is None or credit.anchor is None:
        return {}
    return {"anchor": [float(v) for v in credit.forecast],
            "anchor_label": _("{anchor} alone").format(anchor=anchor_words(credit.anchor))}


def credit_lines(credit, made_by: bool = True) -> list[str]:
    """What made the forecast and what the network added to its anchor, each fact one sentence;
    `made_by`: with the sentence naming what made it (the verdict already says it)."""
    lines = [made_by_sentence(credit) if made_by else "", contribution_sentence(credit),
             forecast_change_sentence(credit), features_sentence(credit)]
    return [line for line in lines if line]


def coverage_sentence(level: float, coverage: float) -> str:
    """How often the prediction intervals held the actual values."""
    return _("{level:.0%} prediction intervals covered {coverage:.0%} of the actual values.").format(
        level=level, coverage=coverage)


def forecast_sentence(forecast) -> str:
    """Where the forecast starts and how far it goes (forecast: its table, with a 'time' column)."""
    from core.prep.timeindex import format_time

    return ngettext("Forecast: {count} step from {start}.", "Forecast: {count} steps from {start}.",
                    len(forecast)).format(count=len(forecast), start=format_time(forecast["time"].iloc[0]))


def with_first_values(forecast) -> str:
    """forecast_sentence followed by the forecast's first values, for a face without a table of them
    (one msgid, so a language can join the two without a space)."""
    shown = column_texts(forecast["predicted"])  # the decimals of the whole forecast, as its table has them
    values = "; ".join(shown[:FIRST_VALUES])  # not ", ": grouped numbers (5,942) hold commas
    return _("{forecast} First values: {values}").format(
        forecast=forecast_sentence(forecast), values=values + (" ..." if len(forecast) > FIRST_VALUES else ""))


def outcome_lines(models: str, level: float, coverage: float | None, forecast, assumption: str,
                  first_values: bool = False) -> list[str]:
    """Which model made the scores and the forecast, the intervals' coverage, where the forecast
    starts (with its first values when asked) and what it assumes: each fact one sentence."""
    lines = [models] if models else []
    if coverage is not None:
        lines.append(coverage_sentence(level, coverage))
    if forecast is not None and len(forecast):
        lines.append(with_first_values(forecast) if first_values else forecast_sentence(forecast))
        if assumption:
            lines.append(assumption)
    return lines


def run_lines(result, first_values: bool = True) -> list[str]:
    """outcome_lines for a trained run (result: ExperimentResult)."""
    return outcome_lines(result.models_sentence(), result.config.interval_level, result.coverage["overall"],
                         result.forecast, result.assumption(), first_values)


# --------------------------------------------------------------------------- a backtest


def reused_fold_sentence() -> str:
    """Why a fold's row is marked: it was scored with a model trained on an earlier fold."""
    return _("This fold reused the model trained on an earlier fold.")


# --------------------------------------------------------------------------- a search


def best_trial(trials: Sequence):
    """The complete trial with the lowest score (the earliest of equals), as the engine picks it."""
    complete = [t for t in trials if t.state == TrialState.COMPLETE and t.score is not None and math.isfinite(t.score)]
    return min(complete, key=lambda t: (t.score, t.number)) if complete else None


def baseline_sentence(result) -> str:
    """One sentence: how the best settings compare with the user's own on validation ("" when there
    is nothing to compare: no best settings, or the user's own were not run; result: SearchResult)."""
    own = result.baseline
    if not result.best_settings or own is None:
        return ""
    if own.score is None or not math.isfinite(own.score):
        return _("Your own settings (trial {number}) got no validation score, so the search has nothing to compare "
                 "with.").format(number=own.number)
    if result.baseline_is_best:
        return _("No setting tried beat your own settings (trial {number}) on validation (RMSE {score:.4g}); keep "
                 "them.").format(number=own.number, **figures(score=own.score))
    better = 100.0 * (own.score - result.validation_score) / own.score if own.score > 0 else 0.0
    return _("The best settings beat your own on validation by {percent:.1f}% (RMSE {best:.4g} against "
             "{own:.4g}).").format(percent=better, **figures(best=result.validation_score, own=own.score))


def _baseline_name(name: str) -> str:
    from core.evaluation.metrics import BASELINE_NAMES  # loaded with the engine that scored them

    return _(BASELINE_NAMES[name]) if name in BASELINE_NAMES else name


def verdict_lines(verdict) -> list[str]:
    """The search's conclusion on the test split (verdict: core.evaluation.search_verdict.SearchVerdict): keep
    your settings when the best trial's lose to them there, and say so when a simple baseline beats
    the settings the search ends with. Nothing when there are no test scores to decide on."""
    from core.evaluation.search_verdict import CONFIRMED, OVERFIT, OWN_BEST

    v, lines = verdict, []
    if v.code == OVERFIT:
        lines.append(_("The search overfit the validation split: keep your settings. Its best settings (trial "
                       "{number}) score worse on the test split than your own (RMSE {best:.4g} against {own:.4g})."
                       ).format(number=v.best_number, **figures(best=v.best_rmse, own=v.own_rmse)))
    elif v.code == CONFIRMED and v.own_rmse is not None and v.baseline_rmse is not None:
        lines.append(_("The test split confirms the search: the best settings score better there than your own and "
                       "than the best baseline."))
    elif v.code == CONFIRMED and v.own_rmse is not None:
        lines.append(_("The test split confirms the search: the best settings score better there than your own."))
    elif v.code == CONFIRMED and v.baseline_rmse is not None:
        lines.append(_("The best settings score better on the test split than the best baseline; your own settings "
                       "could not be scored there."))
    own_kept = v.code in (OWN_BEST, OVERFIT)  # the settings the search ends with: the user's own, or its best
    kept = v.own_rmse if own_kept else v.best_rmse
    if v.code != CONFIRMED and v.baseline_rmse is not None and kept is not None and v.baseline_rmse < kept:
        text = (_("A simple baseline scores better on the test split than your own settings: {baseline_name} (RMSE "
                  "{baseline:.4g} against {model:.4g}).") if own_kept else
                _("A simple baseline scores better on the test split than the search's best settings: {baseline_name} "
                  "(RMSE {baseline:.4g} against {model:.4g})."))
        lines.append(text.format(baseline_name=_baseline_name(v.baseline), **figures(baseline=v.baseline_rmse,
                                                                                      model=kept)))
    return lines


def rmse_comparison(verdict) -> str:
    """The test RMSE of the best settings, the user's own (trial 0) and the best baseline side by
    side: the numbers the verdict was decided on ("" with fewer than two of them)."""
    from core.evaluation.search_verdict import OWN_BEST

    v, scores = verdict, []
    if v.code != OWN_BEST and v.best_rmse is not None:
        scores.append(_("best settings (trial {number}) {rmse:.4g}").format(number=v.best_number,
                                                                                           **figures(rmse=v.best_rmse)))
    if v.own_rmse is not None:
        scores.append(_("your own settings (trial {number}) {rmse:.4g}").format(number=v.own_number,
                                                                                              **figures(rmse=v.own_rmse)))
    if v.baseline_rmse is not None:
        scores.append(_("best baseline, {baseline_name}, {rmse:.4g}").format(
            baseline_name=_baseline_name(v.baseline), **figures(rmse=v.baseline_rmse)))
    return _("Test RMSE: {scores}.").format(scores=_("; ").join(scores)) if len(scores) > 1 else ""


def search_lines(result, settings_text: Callable[[dict[str, Any]], str]) -> list[str]:
    """The best-settings paragraph (result: SearchResult): the comparison with the user's own
    settings on validation first, then the verdict of the test split (keep your settings when the
    best lose to them there), then the best settings unless they are the user's own, their scores
    on the test split, and the test RMSEs the verdict compared. `settings_text` words the settings
    for the face: the terminal's name=value, the window's labels."""
    if not result.best_settings:
        return [_("No trial finished, so there are no best settings.")]
    verdict = result.verdict
    lines = [text for text in (baseline_sentence(result),) if text] + verdict_lines(verdict)
    if not result.baseline_is_best:  # else the comparison says it all: the best settings are the user's
        number = result.best_number
        if number is None:  # an older record: the engine's pick, found again
            best = best_trial(result.trials)
            number = best.number if best is not None else "?"
        lines.append(_("Best settings (trial {number}, validation score {score}): {settings}.").format(
            number=number, score=score_text(result.validation_score),
            settings=settings_text(result.best_settings)))
    test = result.test or {}
    scores = ", ".join(f"{SCORE_LABELS.get(name, name.upper())} {score_text(value)}" for name, value in test.items()
                       if isinstance(value, (int, float)) and not isinstance(value, bool))
    if scores:
        lines.append(_("Scored once on the test split: {scores}.").format(scores=scores))
    return lines + [text for text in (rmse_comparison(verdict),) if text]
