"""Drives the app through its main states and saves a screenshot of each into docs/.

Run under a real X server, e.g. `xvfb-run -s "-screen 0 1400x900x24" python docs/take_screenshots.py`;
see --help for another sample or settings (the README's images are made with the defaults, and
`--sample store_sales_zh_gbk.csv --target 销量 --features 气温,促销 --prefix zh_ --only-results`,
`--sample monthly_visitors.csv --target visitors --features "" --window 24 --horizon 12
--forecast-steps 24 --epochs 300 --prefix forecast_ --only-results`; the Search tab's image with
`--search tests/data/ausbeer.csv`; the 1024x700 images of docs/screenshots/ with --tabs, see its help).
Uses a throwaway settings folder so your own settings are untouched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LSTM_FORECASTER_DATA_DIR", tempfile.mkdtemp(prefix="lstmf-shots-"))

from PySide6.QtWidgets import QApplication  # noqa: E402

from gui.language import install_language  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from gui.resources import sample_path  # noqa: E402
from tools.qtwait import pause, wait_for  # noqa: E402

OUT = ROOT / "docs"


def shot(window: MainWindow, name: str) -> None:
    pause(400)
    window.grab().save(str(OUT / f"{name}.png"))
    print("saved", OUT / f"{name}.png")


def hover_last_value(window: MainWindow) -> None:
    """Moves the mouse over the newest actual value, so the shot shows the chart's readout."""
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    canvas = window.results_panel.canvas
    pause(400)
    real = canvas.line("real")
    if real is None:
        return
    axes = real.axes
    x = axes.convert_xunits(real.get_xdata(orig=True)[-1:])[0]
    px, py = axes.transData.transform((x, real.get_ydata(orig=True)[-1]))
    ratio = canvas.devicePixelRatioF()
    QTest.mouseMove(canvas, QPoint(int(px / ratio), int(canvas.height() - py / ratio)))


def search_shot(window: MainWindow, csv: Path, args) -> None:
    """A short settings search on `csv` (its first numeric column), shot when it has finished."""
    session = window.session
    session.data.open_csv(csv)
    wait_for(session.data.finished)
    form = window.settings_panel.form
    form.epochs.setValue(args.epochs)
    form.ensemble.setValue(1)
    panel = window.search_panel
    panel.budget_unit.setCurrentIndex(panel.budget_unit.findData(1))
    panel.budget_spin.setValue(args.search_budget)
    panel.trials_spin.setValue(args.search_trials)
    panel.jobs_spin.setValue(args.search_jobs)
    session.settings.replan()
    panel.reveal()
    panel.run()
    wait_for(session.search.finished, timeout_ms=(args.search_budget + 120) * 1000)
    shot(window, args.prefix + "search")


TAB_SIZE = (1024, 700)  # the smallest window the app promises to fit (README: screenshots/)


def tab_shots(window: MainWindow, args) -> None:
    """The Results, Backtest and Search tabs after a short run of each, shot at exactly 1024x700 as
    results_<lang>.png, backtest_<lang>.png and search_<lang>.png (issue 23's small-window check)."""
    lang = args.lang.split("_")[0]
    session, form = window.session, window.settings_panel.form
    session.data.open_csv(sample_path(args.sample))
    wait_for(session.data.finished)
    window.columns_panel.target_combo.setCurrentText(args.target)
    window.columns_panel.set_features([f for f in args.features.split(",") if f])
    form.window.setValue(args.window)
    form.horizon.setValue(args.horizon)
    form.forecast_steps.setValue(args.forecast_steps)
    form.epochs.setValue(args.epochs)
    form.ensemble.setValue(1)
    session.settings.replan()
    session.training.start()
    wait_for(session.training.finished, 600_000)
    window.results_panel.reveal()
    if args.step > 1:
        window.results_panel.step_selector.setValue(args.step)
    tab_shot(window, f"results_{lang}")
    panel = window.backtest_panel
    panel.reveal()
    panel.folds_spin.setValue(args.backtest or 3)
    panel.run_button.click()
    wait_for(session.backtest.finished, 600_000)
    tab_shot(window, f"backtest_{lang}")
    search = window.search_panel
    search.budget_unit.setCurrentIndex(search.budget_unit.findData(1))  # seconds
    search.budget_spin.setValue(args.search_budget)
    search.trials_spin.setValue(args.search_trials)
    search.jobs_spin.setValue(args.search_jobs)
    search.reveal()
    search.run()
    wait_for(session.search.finished, (args.search_budget + 120) * 1000)
    tab_shot(window, f"search_{lang}")


def inside_shots(window: MainWindow, args) -> None:
    """The Windows tab (a validation sample) and the Training tab while it trains (the loss curve and
    the validation preview beside it), at 1024x700: inspector_<lang>.png and preview_<lang>.png."""
    lang = args.lang.split("_")[0]
    session, form = window.session, window.settings_panel.form
    session.data.open_csv(sample_path(args.sample))
    wait_for(session.data.finished)
    window.columns_panel.target_combo.setCurrentText(args.target)
    window.columns_panel.set_features([f for f in args.features.split(",") if f])
    form.window.setValue(args.window)
    form.horizon.setValue(args.horizon)
    form.epochs.setValue(args.epochs)
    form.patience.setValue(0)
    form.ensemble.setValue(1)
    session.settings.replan()
    window.resize(*TAB_SIZE)
    inspector = window.inspector_panel
    inspector.reveal()
    while not inspector.slider.isEnabled():  # the engine loads in the background first
        pause(200)
    inspector.slider.setValue(len(session.settings.plan.origins["train"]) + 5)
    tab_shot(window, f"inspector_{lang}")
    session.training.start()
    losses = window.training_panel.loss_canvas.train_loss
    while session.training.running and len(losses) < args.epochs // 3:
        pause(50)
    tab_shot(window, f"preview_{lang}")
    session.training.cancel()
    wait_for(session.training.finished, 600_000)


def tab_shot(window: MainWindow, name: str) -> None:
    window.resize(*TAB_SIZE)
    pause(600)
    if (window.width(), window.height()) != TAB_SIZE:  # the layout asked for more: the shot would lie
        raise SystemExit(f"{name}: the window is {window.width()}x{window.height()}, not "
                         f"{TAB_SIZE[0]}x{TAB_SIZE[1]}")
    shot(window, name)


def main() -> None:
    global OUT
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", default="daily_sales.csv")
    parser.add_argument("--target", default="sales")
    parser.add_argument("--features", default="temperature,promotion")
    parser.add_argument("--window", type=int, default=28)
    parser.add_argument("--horizon", type=int, default=1)
    parser.add_argument("--forecast-steps", type=int, default=14)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--step", type=int, default=1, help="the step ahead the results chart shows")
    parser.add_argument("--prefix", default="", help="name prefix; the start page is shot only without one")
    parser.add_argument("--only-results", action="store_true")
    parser.add_argument("--backtest", type=int, default=0, metavar="FOLDS",
                        help="also run a backtest of this many folds and shoot the Backtest tab (README: "
                        "--sample monthly_visitors.csv --target visitors --features '' --window 24 --horizon 6 "
                        "--forecast-steps 6 --epochs 100 --prefix bt_ --only-results --backtest 5)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the images (default: docs/)")
    parser.add_argument("--lang", default="en", help="en or zh_CN (README.zh-CN.md's images: --lang zh_CN "
                        "--sample store_sales_zh_gbk.csv --target 销量 --features 气温,促销 --out docs/zh-CN)")
    parser.add_argument("--search", type=Path, help="only the Search tab's image: a short search on this CSV")
    parser.add_argument("--search-budget", type=int, default=90, help="seconds")
    parser.add_argument("--search-trials", type=int, default=12)
    parser.add_argument("--search-jobs", type=int, default=1)
    parser.add_argument("--tabs", action="store_true",
                        help="only the Results, Backtest and Search tabs at 1024x700 (results_en.png…); "
                        "docs/screenshots/ was made with --tabs --sample daily_sales.csv --target sales "
                        "--features temperature,promotion --window 28 --horizon 7 --forecast-steps 14 --epochs 20 "
                        "--search-budget 90 --search-trials 3 --out docs/screenshots, and with --lang zh_CN "
                        "--sample store_sales_zh_gbk.csv --target 销量 --features 气温,促销 --search-budget 150 "
                        "(a busy machine ran out of 90 s) and the rest the same")
    parser.add_argument("--inside", action="store_true",
                        help="only the Windows tab and the Training tab's validation preview at 1024x700 "
                        "(inspector_en.png, preview_en.png); docs/screenshots/ was made with --inside --sample "
                        "daily_sales.csv --target sales --features temperature,promotion --window 28 --horizon 7 "
                        "--epochs 200 --out docs/screenshots, and with --lang zh_CN --sample "
                        "store_sales_zh_gbk.csv --target 销量 --features 气温,促销 and the rest the same")
    args = parser.parse_args()
    OUT = args.out
    app = QApplication(sys.argv[:1])
    install_language(args.lang, app)
    window = MainWindow()
    window.resize(1360, 860)
    window.show()
    if args.tabs or args.inside:
        args.out.mkdir(parents=True, exist_ok=True)
        (inside_shots if args.inside else tab_shots)(window, args)
        session = window.session
        session.models.result_saved = True  # nothing to keep: close without asking to save the model
        window.close()
        app.quit()
        return
    if args.search is not None:
        if args.epochs == parser.get_default("epochs"):
            args.epochs = 30
        search_shot(window, args.search, args)
        window.close()
        app.quit()
        return
    if not args.prefix:
        shot(window, "start_page")
    session = window.session
    session.data.open_csv(sample_path(args.sample))
    wait_for(session.data.finished)
    window.columns_panel.target_combo.setCurrentText(args.target)
    window.columns_panel.set_features([f for f in args.features.split(",") if f])
    form = window.settings_panel.form
    form.window.setValue(args.window)
    form.horizon.setValue(args.horizon)
    form.forecast_steps.setValue(args.forecast_steps)
    form.epochs.setValue(args.epochs)
    form.patience.setValue(0)
    session.settings.replan()
    if not args.only_results:
        shot(window, args.prefix + "data_loaded")
    session.training.start()
    if not args.only_results:
        while window.run_panel.progress_bar.value() < min(20, args.epochs // 2) and session.training.running:
            pause(100)
        shot(window, args.prefix + "training")
    wait_for(session.training.finished)
    if args.step > 1:
        window.results_panel.step_selector.setValue(args.step)
    hover_last_value(window)
    shot(window, args.prefix + "results")
    if args.backtest:
        panel = window.backtest_panel
        window.tabs.setCurrentWidget(panel)
        panel.folds_spin.setValue(args.backtest)
        panel.run_button.click()
        wait_for(session.backtest.finished, 600_000)
        shot(window, "backtest")
    session.models.result_saved = True  # nothing to keep: close without asking to save the model
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
