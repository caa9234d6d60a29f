"""How long training will take, said before it starts: a calibrated cost per window and step.

Torch-free and cheap (the plan is made on every edit). The constants were fitted to runs of
bench/default_speed.py at one torch thread on the 2-core development machine (README "Speed":
u_shape and threshold_ar, 5 networks of batch 32 and the automatic settings, within 10 %):
an epoch costs a fixed amount per weight update and time step plus an amount per window, time
step and parameter of one network; validation windows cost a third of a training window (no
backward pass). Other machines differ, so the faces say "about" and give the upper bound beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

SECONDS_PER_UPDATE = 0.0014  # optimizer step, clipping, batch gathering, the highway: per weight update
# a recurrent network steps through the window one row at a time, and on a CPU each step of a
# small network costs mostly a fixed overhead (forward and backward) whatever the batch: so an
# epoch costs per update and time step, plus per window, time step and parameter
SECONDS_PER_UPDATE_STEP = 4.0e-5
SECONDS_PER_STEP_PARAMETER = 1.0e-10
VALIDATION_SHARE = 0.35  # a no-grad validation window against a training one
# the rest of a run grows with its rows (the smoothing anchor's fit is a Python loop, the
# baselines, predicting every window): about 9 s of a 3,000-row run
SECONDS_PER_ROW = 0.003
# epochs a network typically trains before its best one, when early stopping is on (measured:
# best epochs 10-60 on the long benchmark series; short series stop sooner)
TYPICAL_BEST_EPOCH = 40


@dataclass(frozen=True)
class TimeEstimate:
    about: float  # seconds, with early stopping at a typical epoch
    at_most: float  # seconds, every network running every epoch


def epoch_seconds(windows: int, val_windows: int, window: int, member_parameters: int, batch_size: int) -> float:
    """Seconds one epoch of one network takes: its updates, then its validation pass."""
    batch = batch_size or max(windows, 1)
    updates = -(-windows // batch)
    per_window = window * max(member_parameters, 1) * SECONDS_PER_STEP_PARAMETER
    return (updates * (SECONDS_PER_UPDATE + window * SECONDS_PER_UPDATE_STEP)
            + (windows + VALIDATION_SHARE * val_windows) * per_window)


def estimate_training(windows: int, val_windows: int, refit_windows: int, window: int, member_parameters: int,
                      batch_size: int, ensemble: int, epochs: int, patience: int, rows: int = 0) -> TimeEstimate:
    """Seconds to train `ensemble` networks, then (refit_windows > 0) to refit them on every row
    for the epochs early stopping chose, plus the rest of a run of `rows` rows. "About" assumes
    the best epoch comes at TYPICAL_BEST_EPOCH and the network stops `patience` epochs later;
    "at most" runs every epoch."""
    scoring = epoch_seconds(windows, val_windows, window, member_parameters, batch_size)
    refit = epoch_seconds(refit_windows, 0, window, member_parameters, batch_size) if refit_windows else 0.0
    best = min(epochs, TYPICAL_BEST_EPOCH) if patience else epochs
    run = min(epochs, best + patience) if patience else epochs
    rest = rows * SECONDS_PER_ROW
    return TimeEstimate(about=rest + ensemble * (run * scoring + best * refit),
                        at_most=rest + ensemble * epochs * (scoring + refit))
