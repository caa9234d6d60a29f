"""The window inspector's part of the Session: the current plan's samples as the network sees them
(core.pipeline.inspect_window), built when asked and kept until the plan changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from core.errors import ForecasterError
from core.pipeline.inspect_window import WindowInspection

if TYPE_CHECKING:
    from gui.session import Session


class InspectorState(QObject):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.session = session
        self.problem_text = ""  # why there is no inspection, when the engine said
        self._built: tuple[object, WindowInspection | None] | None = None  # (the plan, its inspection)

    def inspection(self) -> WindowInspection | None:
        """The current plan's inspection: fits the scalers (and the smoothing) on its training rows
        the first time it is asked for a plan (under a second at 5,000 rows), then cached. None
        without a plan, or when the engine refuses the data."""
        plan, loaded = self.session.settings.plan, self.session.data.loaded
        if plan is None or loaded is None:
            return None
        if self._built is not None and self._built[0] is plan:
            return self._built[1]
        self.problem_text = ""
        try:
            inspection = WindowInspection(loaded.frame, plan)
        except ForecasterError as exc:
            inspection, self.problem_text = None, str(exc)
        self._built = (plan, inspection)
        return inspection
