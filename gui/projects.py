"""File > Save project and Open project: the window's analysis in one `.lstmproj` file (core.project).

Saving gathers what the window holds: the data file and how it was read, the columns, the settings,
the Backtest and Search tabs' requests and, when the Results tab shows a trained model (or one a
project brought back), that model with what the tab shows. Opening reads the file as the user
opened it, then puts the rest back in that order; when the data file changed since (its checksum)
it says so and opens anyway; when it is gone it asks where it is now, and Cancel leaves the window
as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from core.errors import ForecasterError
from core.files import file_sha256, refuse_overwriting_input
from core.i18n import _
from core.project import (
    PROJECT_SUFFIX,
    Project,
    ProjectModel,
    find_source,
    load_project_model,
    read_project,
    save_project,
    source_of,
)
from gui.app_settings import AppSettings
from gui.dialogs import APP_NAME, csv_filter
from gui.panels.search import DECLARED
from gui.session import Session
from gui.session.models import ForecastFrom
from gui.session.settings import ASKED
from gui.session.shown import ShownOutput
from gui.settings_form import show_declared_value


def project_filter() -> str:
    return _("LSTM Forecaster project (*{suffix})").format(suffix=PROJECT_SUFFIX)


@dataclass
class _Opening:
    """A project being opened: the file, what it says, and what to tell once it is back."""

    path: str
    project: Project
    note: str  # the data file changed or was found elsewhere ("" when neither)


class ProjectFiles(QObject):
    restored = Signal(str)  # a project's path: its table, columns, settings and results are back
    recentChanged = Signal(list)  # the recent projects, newest first

    def __init__(self, window: QWidget, session: Session, settings: AppSettings) -> None:
        super().__init__(window)
        self._window, self._session, self._settings = window, session, settings
        self._opening: _Opening | None = None
        # what the Results tab showed when a project brought its model back, and that model's file: saved
        # again with the next project while the tab still shows it
        self._restored_model: tuple[ShownOutput, bytes] | None = None
        self.note_box: QMessageBox | None = None  # the last note about the data file, for tests to read

    # ---------------------------------------------------------------- saving
    def choose_save(self) -> bool:
        """File > Save project…: asks where, then saves."""
        data = self._session.data
        if data.source_path is None:
            return False
        suggested = Path(self._settings.last_directory()) / f"{Path(data.source_path).stem}{PROJECT_SUFFIX}"
        path, _filter = QFileDialog.getSaveFileName(self._window, _("Save project"), str(suggested), project_filter())
        if path:
            self._settings.set_last_directory(str(Path(path).parent))
        return bool(path) and self.save(path)

    def save(self, path: str | Path) -> bool:
        """Writes the project (the suffix is added if missing); problems go to the one error path."""
        s, path = self._session, str(path)
        if s.data.loaded is None or s.data.source_path is None:
            return False
        if not path.lower().endswith(PROJECT_SUFFIX):
            path += PROJECT_SUFFIX
        try:
            refuse_overwriting_input([path], s.input_files())
            source = source_of(s.data.source_path)
            model = self._model(source.sha256)
            note = save_project(Project(source, s.data.read_as() or s.data.read_options, s.data.target,
                                        s.data.features, dict(s.settings.values), self._window.backtest_panel.request(),
                                        self._window.search_panel.request(), model), path)
        except (ForecasterError, OSError) as exc:
            s.problem.emit(_("Can't save the project"), exc, "")
            return False
        if model is not None and note is None and s.models.result is not None:
            s.models.result_saved = True  # it is in the project: closing need not ask to save it
        self._remember(path)
        s.status.emit(note or _("Saved the project to {path}.").format(path=path), 8000 if note else 5000)
        return True

    def _model(self, data_sha256: str | None) -> ProjectModel | None:
        """The model the Results tab shows, with what it shows: a trained one, or one a project brought back."""
        s = self._session
        shown, result = s.shown, s.models.result
        if shown is None:
            return None
        if result is not None and shown is s.models.result_shown:
            from core.model.bundle import bundle_archive, bundle_members

            members = bundle_members(result, data_sha256, search=s.models.result_search)
            return ProjectModel(bundle_archive(members), shown)
        if self._restored_model is not None and shown is self._restored_model[0]:
            return ProjectModel(self._restored_model[1], shown)
        return None

    # ---------------------------------------------------------------- opening
    def choose_open(self) -> bool:
        """File > Open project…"""
        path, _filter = QFileDialog.getOpenFileName(self._window, _("Open project"), self._settings.last_directory(),
                                                    _("{projects};;All files (*)").format(projects=project_filter()))
        return bool(path) and self.open(path)

    def open(self, path: str | Path) -> bool:
        """Reads the project and its data file; the rest follows once the table is shown (`restored`).
        False when it can't start: the file is refused (with the reason shown), the data file is gone
        and the user cancelled finding it, or another job refuses reading now."""
        s, path = self._session, str(path)
        if self._opening is not None:
            s.refused.emit(_("Still opening {file}…").format(file=Path(self._opening.path).name))
            return False
        try:
            project = read_project(path, results_as=ShownOutput)
        except ForecasterError as exc:
            s.problem.emit(_("Can't open the project"), exc, "")
            return False
        source = find_source(project, path)
        note = ""
        if source is None:
            source = self._locate(project.source.path)
            if source is None:
                return False  # cancelled: the window stays as it was
            note = _("{file} was not at {path}; the project now reads it from {new}.").format(
                file=Path(project.source.path).name, path=project.source.path, new=source)
        elif str(source) != project.source.path:
            note = _("{file} was found beside the project: {new}.").format(file=source.name, new=source)
        if project.source.sha256 is not None and file_sha256(source) != project.source.sha256:
            changed = _("{file} has changed since the project was saved (its checksum differs): the table, and any "
                        "model trained again, are from the file as it is now.").format(file=source.name)
            note = f"{note}\n{changed}" if note else changed
        if not s.data.open_csv(source, project.read_options):
            return False
        self._opening = _Opening(path, project, note)
        s.data.finished.connect(self._on_loaded)
        s.data.failed.connect(self._on_load_failed)
        return True

    def _locate(self, old_path: str) -> Path | None:
        """Asks where the data file is now; None when the user cancels."""
        name = Path(old_path).name
        path, _filter = QFileDialog.getOpenFileName(
            self._window, _("Where is {file} now? It is no longer at {path}.").format(file=name, path=old_path),
            self._settings.last_directory(), csv_filter())
        return Path(path) if path else None

    def _disconnect(self) -> None:
        self._session.data.finished.disconnect(self._on_loaded)
        self._session.data.failed.disconnect(self._on_load_failed)

    def _on_load_failed(self, _message: str) -> None:
        self._disconnect()
        self._opening = None  # the read failed and said why; nothing else is put back

    def _on_loaded(self, _loaded) -> None:
        """The table is shown: the columns, the settings and the requests go back, then the model."""
        self._disconnect()
        opening, s = self._opening, self._session
        if opening is None:
            return
        project = opening.project
        try:
            self._put_back(project)
        except Exception:
            self._opening = None  # a bug, logged by the one error path: the next project may still open
            raise
        if project.model is None:
            self._finish()
            return
        model = project.model

        def work(report, cancel):
            return load_project_model(model, opening.path)

        s.models.failed.connect(self._on_model_failed)
        if not s.models.run(work, _("Opening the model in {file}…").format(file=Path(opening.path).name),
                            self._on_model_loaded):
            self._on_model_failed("")

    def _put_back(self, project: Project) -> None:
        s = self._session
        if project.target:
            s.data.set_columns(project.target, project.features)
        s.settings.adopt({name: value for name, value in project.settings.items() if name in _ASKED_NAMES})
        if project.backtest is not None:
            self._window.backtest_panel.set_request(project.backtest)
        if project.search is not None:
            self._restore_search(project)

    def _on_model_failed(self, _message: str) -> None:
        """The embedded model was refused (the error path said why): the rest of the project stays."""
        self._session.models.failed.disconnect(self._on_model_failed)
        self._finish()

    def _on_model_loaded(self, bundle) -> None:
        opening, s = self._opening, self._session
        s.models.failed.disconnect(self._on_model_failed)
        if opening is None or opening.project.model is None:
            return
        shown = replace(opening.project.model.results, source=s.data.source_path)
        s.models.bundle = bundle  # File > Apply model works with it, as with an opened model
        s.models.forecast_from = ForecastFrom(bundle, shown)  # and Future feature values… forecasts from it
        self._restored_model = (shown, opening.project.model.bundle)
        s.show(shown)
        self._finish()

    def _finish(self) -> None:
        opening, self._opening = self._opening, None
        if opening is None:
            return
        self._remember(opening.path)
        self._window.setWindowTitle(f"{Path(opening.path).name} — {APP_NAME}")
        if opening.note:
            self._tell(opening.note)
        else:
            self._session.status.emit(_("Opened the project {file}.").format(file=Path(opening.path).name), 5000)
        self.restored.emit(opening.path)

    def _tell(self, note: str) -> None:
        """What changed about the data file, in a box that waits for nobody, and in the status bar."""
        box = QMessageBox(QMessageBox.Icon.Warning, _("The data file"), note, QMessageBox.StandardButton.Ok,
                          self._window)
        box.setObjectName("projectSourceNote")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()
        self.note_box = box
        self._session.status.emit(note.replace("\n", " "), 15000)

    def _restore_search(self, project: Project) -> None:
        panel, search = self._window.search_panel, project.search
        values = panel.values()
        minutes = search.budget_s % 60 == 0
        values.update(budget=int(search.budget_s // 60 if minutes else round(search.budget_s)),
                      budget_unit=60 if minutes else 1, jobs=search.jobs, seed=search.seed, fixed=list(search.fixed))
        panel.restore(values)
        show_declared_value(DECLARED["trials"], panel.trials_spin, search.trials)

    # ---------------------------------------------------------------- recent projects
    def _remember(self, path: str) -> None:
        self.recentChanged.emit(self._settings.add_recent_project(str(Path(path).resolve())))

    def recent(self) -> list[str]:
        return self._settings.recent_projects()

    def clear_recent(self) -> None:
        self._settings.clear_recent_projects()
        self.recentChanged.emit([])


_ASKED_NAMES = frozenset(s.name for s in ASKED)
