"""A backtest's conclusion in one sentence for both faces: the model's RMSE pooled over every fold
against the best baseline's (the lowest pooled RMSE), and in how many folds the model was lower.

The pooled scores decide; the fold count says whether that held fold by fold or came from one
lucky fold.
"""

from __future__ import annotations

from typing import Any

from core.evaluation.metrics import BASELINE_NAMES, verdict
from core.i18n import _, ngettext

TIE = 0.02  # within 2% of the baseline's RMSE: "about the same"


def backtest_verdict(pooled: dict[str, dict[str, float | None]], fold_scores: list[dict[str, dict]],
                     seasonal: bool) -> dict[str, Any]:
    """`pooled`: FORECASTERS -> metrics over every fold; `fold_scores`: each fold's scores alike.
    Returns the sentence, `beats_best_baseline` (None when nothing could be compared, also within
    2%), `best_baseline` and `wins` (folds where the model's RMSE was below that baseline's)."""
    found = verdict(pooled, seasonal) if fold_scores else {"best_baseline": None}
    name = found.get("best_baseline")
    if name is None:
        return {"sentence": _("No baseline could be scored on these folds."), "beats_best_baseline": None,
                "best_baseline": None, "wins": None}
    model, baseline = found["model_rmse"], found["baseline_rmse"]
    compared = [(f["model"]["rmse"], f[name]["rmse"]) for f in fold_scores
                if f["model"]["rmse"] is not None and f[name]["rmse"] is not None]
    wins, folds = sum(m < b for m, b in compared), len(compared)
    words = {"baseline_name": _(BASELINE_NAMES[name]), "wins": wins, "folds": folds}
    change = model / baseline - 1 if baseline > 0 else 0.0
    if abs(change) <= TIE:
        sentence = ngettext(
            "Over {folds} fold the model's RMSE was about the same as that of {baseline_name}, the best baseline; "
            "it was lower in {wins} of {folds} fold.",
            "Over {folds} folds the model's RMSE was about the same as that of {baseline_name}, the best "
            "baseline; it was lower in {wins} of {folds} folds.", folds).format(**words)
        beats = None
    elif change < 0:
        sentence = ngettext(
            "Over {folds} fold the model's RMSE was {percent:.0%} lower than that of {baseline_name}, the best "
            "baseline, and lower in {wins} of {folds} fold.",
            "Over {folds} folds the model's RMSE was {percent:.0%} lower than that of {baseline_name}, the best "
            "baseline, and lower in {wins} of {folds} folds.", folds).format(percent=-change, **words)
        beats = True
    else:
        sentence = ngettext(
            "Over {folds} fold the model's RMSE was {percent:.0%} higher than that of {baseline_name}, the best "
            "baseline; it was lower in {wins} of {folds} fold.",
            "Over {folds} folds the model's RMSE was {percent:.0%} higher than that of {baseline_name}, the best "
            "baseline; it was lower in {wins} of {folds} folds.", folds).format(percent=change, **words)
        beats = False
    return {"sentence": sentence, "beats_best_baseline": beats, "best_baseline": name, "wins": wins}
