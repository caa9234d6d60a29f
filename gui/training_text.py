"""The sentences about a training run that the Run and Training panels both show. They are the
terminal's too, so they live in core.outputs.summary; these names stay for the panels' imports."""

from __future__ import annotations

from core.outputs.summary import epoch_line as epoch_text
from core.outputs.summary import finished_line as finished_text

__all__ = ["epoch_text", "finished_text"]
