"""The Session without a window: read a file, choose columns and settings, plan, train, save,
open and apply a model, and the rules of which jobs refuse each other. No widget is created."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtWidgets import QApplication

from core.data.csv_reader import LoadedTable
from gui.jobs import Job
from gui.resources import sample_path
from gui.session import ReadOptions, Session, ShownOutput
from gui.session.shown import shown_from_experiment

SALES = sample_path("daily_sales.csv")
TRAIN_TIMEOUT = 120_000


@pytest.fixture
def session(qtbot):
    before = set(QApplication.topLevelWidgets())  # other tests' windows may still await deletion
    s = Session()
    yield s
    s.shutdown()
    assert set(QApplication.topLevelWidgets()) <= before  # nothing here made a widget


def load(qtbot, session: Session, path=SALES, options: ReadOptions | None = None) -> LoadedTable:
    with qtbot.waitSignal(session.data.finished, timeout=30_000) as loaded:
        assert session.data.open_csv(path, options)
    return loaded.args[0]


def sales_plan(qtbot, session: Session, **settings) -> None:
    load(qtbot, session)
    session.data.set_columns("sales", ["temperature", "sales"])
    session.settings.update(window=14, **settings)
    assert session.settings.replan()


def test_columns_set_from_outside_keep_only_possible_features_and_are_announced(qtbot, session):
    """The window restores a file's remembered columns through the Session: a remembered feature the
    file no longer offers (or the date column, or the target) is dropped, and the panels hear of it."""
    load(qtbot, session)
    heard = []
    session.data.columnsChanged.connect(lambda: heard.append((session.data.target, session.data.features)))
    session.data.set_columns("price", ["temperature", "price", "gone since", "date", "promotion"])
    assert heard == [("price", ("temperature", "promotion"))]
    assert session.settings.replan() and session.settings.plan.config.features == ("temperature", "promotion")


def train(qtbot, session: Session):
    with qtbot.waitSignal(session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        assert session.training.start()
    return finished.args[0]


def test_loading_keeps_the_table_how_it_was_read_and_a_first_target(qtbot, session):
    plans = []
    session.settings.planChanged.connect(plans.append)
    table = load(qtbot, session)
    assert len(table.frame) == 730 and session.data.loaded is table
    assert session.data.source_path == str(SALES) and session.data.read_options == ReadOptions()
    assert session.data.target == "sales" and session.data.features == ()  # the first numeric column
    assert len(plans) == 1 and plans[0] is session.settings.plan is not None  # planned once the data is there
    # reading again with the date column switched off keeps the other options as detected
    with qtbot.waitSignal(session.data.finished, timeout=30_000) as reread:
        assert session.data.reread(date_column=None)
    assert reread.args[0].report.date_column is None and session.data.read_options.date_column is None
    assert session.data.read_options.delimiter == ","


def test_settings_make_a_plan_or_say_what_is_wrong(qtbot, session):
    sales_plan(qtbot, session)
    assert session.data.features == ("temperature",)  # the target is never its own feature
    assert session.settings.asked_config().window == 14 and session.settings.plan.shapes["X_train"] == [496, 14, 2]
    # changes are planned once they settle, without being asked
    with qtbot.waitSignal(session.settings.planChanged, timeout=5_000) as changed:
        session.settings.update(window=5000)
    assert changed.args[0] is None and session.settings.plan is None and "too long" in session.settings.problem_text
    assert not session.training.can_start() and not session.training.start()
    session.settings.update(window=None)  # auto
    assert session.settings.replan() and session.settings.asked_config().window is None
    assert session.settings.plan.config.window > 0


def test_train_two_epochs_and_show_the_result(qtbot, session):
    sales_plan(qtbot, session, epochs=2, forecast_steps=3)
    started, epochs, shown = [], [], []
    session.training.started.connect(started.append)
    session.training.progress.connect(epochs.append)
    session.resultShown.connect(shown.append)
    result = train(qtbot, session)
    # one count over the 5 networks of the ensemble (2 epochs each), then their refit on every
    # row for the epochs early stopping chose (0 to 2 each)
    seen = [p.step for p in epochs]
    assert started[0].epochs == 2 and seen == list(range(1, len(seen) + 1)) and 10 <= len(seen) <= 20
    assert result.history.epochs_run == 2 and session.models.result is result
    assert result.data_info["source"] == str(SALES.resolve()) and result.data_info["delimiter"] == ","
    out = shown[0]
    assert isinstance(out, ShownOutput) and session.shown is out
    assert out.target == "sales" and out.description == "LSTM trained on daily_sales.csv"
    assert out.metrics is result.test_metrics and out.beats_naive == result.beats_naive()
    assert len(out.forecast) == 3 and out.coverage == result.coverage["overall"]
    assert session.training.seconds > 0 and not session.training.running and session.training.can_start()
    # what is shown is a pure function of the run: a search record adds one sentence to the engine's notes
    # (the note of what the forecast assumed of the features is shown once: on the assumption's line)
    features_note = ("No future values of the feature columns (temperature) are needed: every step reads only "
                     "observed rows.")
    assert features_note in result.plan.notes and features_note in out.assumption
    assert out.notes == tuple(n for n in result.plan.notes if n != features_note) and out.source == str(SALES)
    record = {"study": "s1", "storage": "memory", "budget_s": 60, "elapsed_s": 1.0, "trials": 7, "best_trial": 3,
              "validation_score": 1.5, "baseline_score": 2.0, "baseline_best": False}
    again = shown_from_experiment(result, "from a search", None, record)
    assert again.description == "from a search" and again.source is None and again.notes[:-1] == out.notes
    assert again.notes[-1] == ("Its settings came from a settings search: trial 3 of 7 in study s1 "
                               "(validation RMSE 1.5).")


def test_jobs_refuse_each_other_with_a_reason(qtbot, session, tmp_path):
    sales_plan(qtbot, session, epochs=5000, patience=0)
    refusals = []
    session.refused.connect(refusals.append)
    with qtbot.waitSignal(session.training.progress, timeout=TRAIN_TIMEOUT):
        assert session.training.start()
    assert not session.training.start()  # no two trainings
    assert not session.data.open_csv(SALES)  # no reading a file while a model trains
    assert not session.models.open(tmp_path / "any.lstmf")
    assert not session.may(Job.LOAD) and not session.training.can_start()
    assert refusals == ["A model is already training.",
                        "A model is training: cancel it (Esc) before opening another file.",
                        "A model is training: cancel it (Esc) before opening or applying a model."]
    with qtbot.waitSignal(session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        session.training.cancel()
    assert finished.args[0].history.status == "cancelled"
    load(qtbot, session)  # allowed again


def test_a_file_that_cannot_be_read_takes_the_one_failure_path(qtbot, session, tmp_path):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 20)
    problems = []
    session.problem.connect(lambda title, exc, details: problems.append((title, str(exc))))
    with qtbot.waitSignal(session.data.failed, timeout=30_000) as failed:
        assert session.data.open_csv(junk)
    assert "junk.csv" in failed.args[0]
    assert problems == [("Can't open the file", failed.args[0])]
    assert session.data.loaded is None and session.may(Job.LOAD)


def test_save_open_and_apply_a_model_through_the_session(qtbot, session, tmp_path):
    sales_plan(qtbot, session, epochs=2, ensemble=1)
    result = train(qtbot, session)
    with qtbot.waitSignal(session.models.saved, timeout=10_000) as saved:
        assert session.models.save(tmp_path / "sales")
    assert saved.args[0] == str(tmp_path / "sales.lstmf")
    assert (tmp_path / "sales.lstmf").read_bytes()[:2] == b"PK"

    other = Session()
    try:
        assert not other.models.can_apply()
        with qtbot.waitSignal(other.models.opened, timeout=60_000):
            assert other.models.open(tmp_path / "sales.lstmf")
        shown = other.shown
        assert "sales.lstmf" in shown.description and shown.target == "sales"
        assert shown.metrics["model"]["rmse"] == pytest.approx(result.test_metrics["model"]["rmse"])
        assert np.allclose(shown.forecast["predicted"], result.forecast["predicted"])
        assert shown.predictions["actual"].notna().all() and shown.predictions["predicted"].isna().all()
        assert other.models.can_apply()
        with qtbot.waitSignal(other.models.applied, timeout=60_000) as applied:
            assert other.models.apply(SALES)
        known = applied.args[0][applied.args[0]["actual"].notna()]
        sales = pd.read_csv(SALES)["sales"].to_numpy()
        naive_rmse = np.sqrt(np.mean((sales[14:] - sales[13:-1]) ** 2))  # windows of 14, horizon 1
        assert other.shown.metrics["naive"]["rmse"] == pytest.approx(naive_rmse)
        assert "linear" not in other.shown.metrics and len(other.shown.predictions) == len(known)
        assert "daily_sales.csv" in other.shown.description
    finally:
        other.shutdown()
    # the trained model (not saved) can be applied too
    with qtbot.waitSignal(session.models.applied, timeout=60_000):
        assert session.models.apply(SALES)


def test_exports_write_the_shown_output(qtbot, session, tmp_path):
    assert not session.export_predictions(tmp_path / "none.csv")  # nothing shown yet
    sales_plan(qtbot, session, epochs=2, ensemble=1)
    result = train(qtbot, session)
    assert session.export_metrics(tmp_path / "m.csv")
    metrics = pd.read_csv(tmp_path / "m.csv", encoding="utf-8-sig").set_index("forecaster")
    assert metrics.loc["model", "rmse"] == pytest.approx(result.test_metrics["model"]["rmse"])
    problems = []
    session.problem.connect(lambda title, exc, details: problems.append(title))
    assert not session.export_predictions(tmp_path / "missing-folder" / "p.csv")
    assert problems == ["Can't export"]
