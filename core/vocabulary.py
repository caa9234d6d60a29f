"""One vocabulary for both faces: how a training run ended and the states of a search trial, as
language-neutral codes (stored in files and studies) with the words each face shows for them.

Torch-free and Optuna-free, so the window can word a status without loading either.
"""

from __future__ import annotations

from enum import StrEnum

from core.i18n import N_


class Status(StrEnum):
    """How a training run ended (TrainingHistory.status; saved in metrics.json as the value)."""

    COMPLETED = "completed"
    EARLY_STOPPED = "early_stopped"
    CANCELLED = "cancelled"
    DIVERGED = "diverged"
    OUT_OF_TIME = "out_of_time"  # a deadline passed before the next epoch could start


# the window's sentence-start words (a status line) and the terminal's lower-case ones (mid-sentence)
STATUS_WORDS = {Status.COMPLETED: N_("Finished"),
                Status.EARLY_STOPPED: N_("Stopped early (no better validation loss)"),
                Status.CANCELLED: N_("Cancelled: the best model so far is shown"),
                Status.DIVERGED: N_("Diverged")}
STATUS_SHORT_WORDS = {Status.COMPLETED: N_("completed"), Status.EARLY_STOPPED: N_("early stopped"),
                      Status.CANCELLED: N_("cancelled"), Status.DIVERGED: N_("diverged")}


class TrialState(StrEnum):
    """A search trial's state, as Optuna names it (stored in search.json and search.csv)."""

    COMPLETE = "COMPLETE"
    PRUNED = "PRUNED"
    FAIL = "FAIL"
    RUNNING = "RUNNING"


TRIAL_STATE_WORDS = {TrialState.COMPLETE: N_("complete"), TrialState.PRUNED: N_("pruned"),
                     TrialState.FAIL: N_("failed"), TrialState.RUNNING: N_("running")}
