"""The sentences about a training run that the Run and Training panels both show: the progress line
after each epoch and how the run ended. Here, not in one of the two panels: panels may not import
each other (pyproject.toml)."""

from __future__ import annotations

from core.i18n import _, ngettext
from core.vocabulary import STATUS_WORDS, Status
from gui.format import duration


def finished_text(history, seconds: float) -> str:
    """How a run ended, for the progress line and the Training tab (history: TrainingHistory)."""
    if history.epochs_run == 0 and history.status == Status.COMPLETED:  # the smoothing stood alone
        return _("No network was trained: the forecast is the exponential smoothing alone ({duration}).").format(
            duration=duration(seconds))
    status = _(STATUS_WORDS[history.status]) if history.status in STATUS_WORDS else history.status
    return ngettext("{status} after {epochs} epoch in {duration}; best epoch {best}.",
                    "{status} after {epochs} epochs in {duration}; best epoch {best}.", history.epochs_run).format(
        status=status, epochs=history.epochs_run, duration=duration(seconds), best=history.best_epoch)


def epoch_text(p, left: str) -> str:
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
