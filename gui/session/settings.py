"""The settings part of the Session: every ForecastConfig keyword besides the columns as the user
asked it, the plan made from them (debounced), and the search they came from, if any.

Values set outside the form (a search's best, or restored from the last session) are kept exactly
even where the form can only round them (a dropout of 0.237 shows as 24 %) or has no field (weight
decay): such a value stays until the user changes that field (glue's declared state, held here
rather than in the form widget)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from core.errors import ForecasterError
from core.i18n import _
from core.pipeline import RunPlan, plan_run
from core.runtime import default_threads
from core.settings.config import SETTINGS, ForecastConfig

if TYPE_CHECKING:
    from gui.session import Session

PLAN_DELAY_MS = 150  # settings change in bursts (a spin box held down): plan once they settle
# the settings asked here: the columns come from the data part, the threads from the thread policy
ASKED = tuple(s for s in SETTINGS if s.name not in ("target", "features", "date_column", "threads"))
_UNSEEN = object()  # an exact value the form has not shown yet
_NOT_SHOWN = object()  # the form has no field for it


class SettingsState(QObject):
    planChanged = Signal(object)  # RunPlan, or None when there is none (`problem_text` says why, if it can)
    valuesSet = Signal(dict)  # set outside the form (a search's best, restored), by name: the form shows them

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.session = session
        self.values: dict[str, Any] = {}  # ForecastConfig keywords besides the columns
        self.plan: RunPlan | None = None
        self.problem_text = ""  # why there is no plan
        # name -> (what the form showed for it, the exact value): see the module docstring
        self._exact: dict[str, tuple[Any, Any]] = {}
        # "Use these settings" was pressed: (the columns and settings right after, the search's record
        # for a model's bundle). A model trained while they are unchanged records that search.
        self._adopted_search: tuple[tuple, dict] | None = None
        self._plan_timer = QTimer(self, singleShot=True, interval=PLAN_DELAY_MS)
        self._plan_timer.timeout.connect(self.replan)
        session.data.finished.connect(self._forget_search)  # its settings were found for the previous file

    # ---------------------------------------------------------------- the values
    def set_values(self, values: dict[str, Any]) -> None:
        """All the asked values at once, exactly as given (the settings form's after a reset)."""
        self._exact = {}
        self.values = dict(values)
        self.schedule_replan()

    def update(self, **values: Any) -> None:
        """Some values changed, the others stay."""
        self.values = {**self.values, **values}
        self.schedule_replan()

    def take_form(self, shown: dict[str, Any]) -> None:
        """The settings form's values; a value set outside the form stays exact until its field changes."""
        values = dict(shown)
        for name, (seen, exact) in self._exact.items():
            now = shown.get(name, _NOT_SHOWN)
            if seen is _UNSEEN:  # the first look at the form since it was set: what it shows for it
                self._exact[name] = (now, exact)
            elif now != seen:
                continue
            values[name] = exact
        self.values = values
        self.schedule_replan()

    def adopt(self, values: dict[str, Any], search: dict | None = None) -> None:
        """Settings chosen outside the form (a search's best, with `search`, its record): they replace
        those keys, the plan follows, and `valuesSet` tells the form to show them."""
        self._exact = {name: (_UNSEEN, value) for name, value in values.items()}
        self.values = {**self.values, **values}
        self.schedule_replan()
        self.valuesSet.emit(dict(values))
        self._adopted_search = (self._state(), search) if search is not None else None

    def restore(self, stored: dict[str, Any]) -> None:
        """The values of the last session; unknown names and invalid values are left out."""
        self.adopt({s.name: stored[s.name] for s in ASKED if s.name in stored and _valid(s, stored[s.name])})

    def _forget_search(self, _loaded: object = None) -> None:
        self._adopted_search = None

    def _state(self) -> tuple:
        data = self.session.data
        return (data.target, data.features, tuple(sorted(self.values.items(), key=lambda kv: kv[0])))

    def search_record(self) -> dict | None:
        """The search the current settings came from: "Use these settings" was pressed and neither
        the columns nor any setting changed since (any edit ends it: the search scored those exactly)."""
        if self._adopted_search is None or self._adopted_search[0] != self._state():
            return None
        return self._adopted_search[1]

    # ---------------------------------------------------------------- the plan
    def asked_config(self) -> ForecastConfig:
        """The settings as asked (window None = auto); raises ForecasterError with a readable message."""
        data = self.session.data
        if data.loaded is None or not data.target:
            raise ForecasterError(_("Open a CSV file with at least one numeric column."))
        # torch threads: every core but one, so the UI thread keeps a core (bench/bench_engine.py)
        return ForecastConfig(target=data.target, features=data.features,
                              date_column=data.loaded.report.date_column, threads=default_threads(),
                              **self.values)

    def schedule_replan(self) -> None:
        self._plan_timer.start()

    @Slot()
    def replan(self) -> bool:
        """Checks the settings against the data now; `planChanged` says what came of it."""
        self._plan_timer.stop()
        self.plan, self.problem_text = None, ""
        if self.session.data.loaded is not None:
            try:
                self.plan = plan_run(self.session.data.loaded.frame, self.asked_config())
            except ForecasterError as exc:
                self.problem_text = str(exc)
        self.planChanged.emit(self.plan)
        return self.plan is not None


def _valid(setting: Any, value: Any) -> bool:
    try:
        return setting.problem(value) is None
    except (TypeError, ValueError):
        return False
