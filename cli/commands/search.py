"""The `search` and `search-worker` subcommands: a hyperparameter search with a time budget.

`search CSV --target COL [settings as train] --budget SECONDS --out DIR` writes DIR/search.json,
DIR/search.csv (one row per trial) and DIR/model.lstmf (the best settings' final run), together
and under the folder's lock as `train` writes its outputs (core.outputs.run_folder). Settings
given on the command line stay fixed; the other searchable settings are tuned. The study lives in
DIR/search.journal (Optuna's journal file: worker processes on this machine share it; a study in an
older DIR/search.sqlite3 is continued there) unless --storage names another (PostgreSQL for several machines);
`search-worker --storage URL --study NAME` joins a study from any machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.declared_args import add_declared_arguments, from_args
from cli.exits import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from cli.parser import add_reading_options, print_reading_changes, read_table, whole_number
from cli.settings_args import add_setting_arguments, choose_target, config_from_args
from cli.terminal import interruptible
from core.i18n import _
from core.outputs.summary import number_text, score_text, search_lines
from core.settings.config import SETTINGS
from core.settings.requests import SearchRequest
from core.vocabulary import TRIAL_STATE_WORDS, TrialState

# in the order they are moved into place: search.json, which describes the others, last
SEARCH_OUTPUTS = ("model.lstmf", "search.csv", "search.json")
HANDLERS = {"search": "command_search", "search-worker": "command_search_worker"}  # subcommand -> function
REQUEST = "search_"  # before the request's destinations: its seed is not the run's --seed


class _NotGiven:
    """The default of a searchable setting's flag: tells "searched" from "given on the command line"."""

    def __repr__(self) -> str:
        return "searched"


NOT_GIVEN: Any = _NotGiven()


def default_storage(out: Path) -> str:
    """The study's journal file in the output folder, or the SQLite file an older version made there
    (its studies are continued where they are)."""
    from core.search.storage import journal_url

    older = out / "search.sqlite3"
    if older.is_file():
        return f"sqlite:///{older.resolve()}"
    return journal_url(out / "search.journal")


def add_parsers(commands) -> None:
    search = commands.add_parser("search", help=_("tune the settings within a time budget (hyperparameter search)"))
    add_reading_options(search)
    add_setting_arguments(search)
    # a searchable setting given on the command line is kept; the others are searched
    search.set_defaults(**{s.name: NOT_GIVEN for s in SETTINGS if s.searchable and s.cli})
    # --budget, --trials, --jobs, --study, --search-seed: declared with the request (core.search.records)
    add_declared_arguments(search, SearchRequest, prefix=REQUEST)
    search.add_argument("--storage", help=_("the study's storage URL, e.g. postgresql://user@host/db for several "
                                            "machines (default: journal:///OUT/search.journal)"))
    search.add_argument("--out", required=True, help=_("output folder (created if missing)"))

    worker = commands.add_parser("search-worker", help=_("join a search's study and run its trials"))
    worker.add_argument("--storage", required=True, help=_("the study's storage URL"))
    worker.add_argument("--study", required=True, help=_("the study's name"))
    worker.add_argument("--threads", type=whole_number, default=1, help=_("torch threads per trial (default: 1)"))


class TrialLines:
    """One line per finished trial: its state and score, the best so far and the time left. Whole
    lines on stdout, terminal or not (a log of the search), so not a rewriting ProgressLine."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout
        self.shown: set[int] = set()
        self.events = 0  # of p.events, how many were printed

    def __call__(self, p) -> None:
        for event in p.events[self.events:]:  # a worker that died: said when it is noticed
            print(event, file=self.stream, flush=True)
        self.events = max(self.events, len(p.events))
        for t in p.trials:
            if t.state == "RUNNING" or t.number in self.shown:
                continue
            self.shown.add(t.number)
            state = _(TRIAL_STATE_WORDS.get(t.state, t.state))
            score = score_text(t.score) if t.score is not None else "-"
            best = f"{score_text(p.best.score)} (#{p.best.number})" if p.best is not None else "-"
            print(_("trial {number}: {state}, score {score}; best {best}; {left:.0f} s left").format(
                number=t.number, state=state, score=score, best=best, left=p.remaining_s), file=self.stream,
                flush=True)


def command_search(args: argparse.Namespace) -> int:
    from core.files import file_sha256, refuse_overwriting_input
    from core.model.bundle import save_bundle
    from core.outputs.run_folder import RunFolder
    from core.search import run_search, write_search

    given = {s.name: getattr(args, s.name) for s in SETTINGS if s.cli}
    fixed = tuple(name for name, value in given.items() if value is not NOT_GIVEN
                  and next(s for s in SETTINGS if s.name == name).searchable)
    for s in SETTINGS:
        if getattr(args, s.name, None) is NOT_GIVEN:
            setattr(args, s.name, s.default)
    out = Path(args.out)
    refuse_overwriting_input([out / name for name in SEARCH_OUTPUTS], [args.csv])
    loaded = read_table(args)
    if not choose_target(args, loaded):
        return EXIT_USAGE
    config = config_from_args(args, date_column=loaded.report.date_column)
    print_reading_changes(loaded)
    # as `train`: the folder is locked for the whole search (a second run into it is refused), and
    # the outputs are staged and moved into place together, so they always describe one search.
    # The study's own storage (search.journal) is not an output: it lives beside them.
    with RunFolder(out, SEARCH_OUTPUTS, inputs=[args.csv]) as run:
        storage = args.storage or default_storage(out)
        request = from_args(SearchRequest, args, prefix=REQUEST, storage=storage, fixed=fixed)
        with interruptible() as cancel:  # first Ctrl+C: stop the trials, keep (and write) the ones so far
            result = run_search(loaded.frame, config, request, TrialLines(), cancel)
        if result.experiment is not None:
            save_bundle(result.experiment, run.stage("model.lstmf"),
                        data_sha256=loaded.sha256 or file_sha256(args.csv), search=result.provenance(),
                        run_id=run.run_id)
        write_search(result, run.stage("search.json"), run.stage("search.csv"),
                     {"run_id": run.run_id, "import_notes": loaded.report.notes})
        run.commit()
    print_search(result, out)
    if result.cancelled:
        print(_("The search was cancelled; the trials so far were written."), file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def shown_settings(settings: dict[str, Any]) -> str:
    """name=value, ...: the names and values the command line takes (floats short, as the window
    writes them), an automatic setting as the word for it."""
    return ", ".join(f"{k}={number_text(v)}" if isinstance(v, float) else f"{k}={_('auto') if v is None else v}"
                     for k, v in settings.items())


def print_search(result, out: Path) -> None:
    """The trial counts, the best settings and how they compare with the user's own, what was written."""
    counts = {state: sum(t.state == state for t in result.trials) for state in TrialState}
    print(_("Study {study}: {complete} complete, {pruned} pruned, {failed} failed trials in {seconds:.0f} s.").format(
        study=result.study, complete=counts[TrialState.COMPLETE], pruned=counts[TrialState.PRUNED],
        failed=counts[TrialState.FAIL],
        seconds=result.elapsed_s))
    for line in search_lines(result, shown_settings):  # the same paragraph as the Search tab
        print(line)
    written = ["search.json", "search.csv"] + ["model.lstmf"] * (result.experiment is not None)
    print(_("Wrote {folder}/{files}").format(folder=out, files=", ".join(written)))


def command_search_worker(args: argparse.Namespace) -> int:
    from core.search import join_study

    with interruptible() as cancel:
        ran = join_study(args.storage, args.study, cancel=cancel, threads=args.threads)
    print(_("Ran {count} trials of study {study}.").format(count=ran, study=args.study))
    return EXIT_INTERRUPTED if cancel.is_set() else EXIT_OK
