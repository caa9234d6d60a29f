"""`--self-test`: proves an installed or frozen build works, without a window or user files.

Reads a bundled sample CSV and workbook, trains a tiny model, forecasts, saves and reloads the model, and builds
the main window offscreen (so Qt's plugins and matplotlib's Qt backend are shown to load). All
files go to a temporary folder that is removed afterwards. Exit code 0 means it all worked.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def run(lang: str | None = None) -> int:
    """`lang`: the language to check the UI in (None: the system's)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lstm-forecaster-selftest-") as folder:
        # settings and logs of this run stay in the temp folder, away from the user's
        os.environ["LSTM_FORECASTER_DATA_DIR"] = folder
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        # `import torch` makes an empty compile-cache folder in the system temp; keep it in ours
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(Path(folder) / "torchinductor")
        # matplotlib's and fontconfig's caches too, so the user's home is left as it was
        os.environ["MPLCONFIGDIR"] = str(Path(folder) / "matplotlib")
        os.environ["XDG_CACHE_HOME"] = str(Path(folder) / "cache")
        os.environ["XDG_CONFIG_HOME"] = str(Path(folder) / "config")
        try:
            _check(Path(folder), lang)
        except Exception as exc:
            import traceback

            traceback.print_exc()
            print(f"self-test FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    print(f"self-test passed in {time.perf_counter() - started:.1f} s")
    return 0


def _check(folder: Path, lang: str | None = None) -> None:
    from core import __version__
    from core.apply import forecast_table
    from core.data.csv_reader import read_csv
    from core.data.reader import read_table
    from core.model.bundle import load_bundle, save_bundle
    from core.pipeline import run_experiment
    from core.prep.timeindex import format_time
    from core.settings.config import ForecastConfig
    from gui.resources import sample_path

    print(f"LSTM Forecaster {__version__} self-test")
    loaded = read_csv(sample_path("store_sales_zh_gbk.csv"))
    assert loaded.report.encoding == "gb18030", loaded.report.encoding
    print(f"  read the GBK sample: {loaded.report.rows} rows, date column {loaded.report.date_column}")
    book = read_table(sample_path("store_sales_zh.xlsx"))   # calamine is in the build
    assert (book.report.sheet, book.report.rows, book.report.header_row) == ("数据", 40, 3), book.report.notes
    print(f"  read the workbook sample: sheet {book.report.sheet}, {book.report.rows} rows")
    config = ForecastConfig(target="销量", features=("气温",), date_column=loaded.report.date_column,
                            window=14, horizon=2, hidden=8, epochs=2, forecast_steps=4, threads=1)
    result = run_experiment(loaded.frame, config)
    assert result.history.epochs_run == 2 and result.forecast is not None and len(result.forecast) == 4
    print(f"  trained: test RMSE {result.test_metrics['model']['rmse']:.3g}, "
          f"naive {result.test_metrics['naive']['rmse']:.3g}")
    path = save_bundle(result, folder / "selftest.lstmf")
    bundle = load_bundle(path)
    again = forecast_table(bundle)
    assert (again["predicted"].to_numpy() == result.forecast["predicted"].to_numpy()).all()
    print(f"  saved, reloaded and forecast {len(again)} steps from {format_time(again['time'].iloc[0])}")
    _check_reports(folder, result, loaded, bundle, path)

    import warnings

    from PySide6.QtWidgets import QApplication

    from core.i18n import _, system_language
    from core.outputs.plotting import configure_fonts
    from gui.language import install_language
    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    shown = install_language(lang or system_language(), app)  # the catalogs and Qt's translations are in the build
    has_cjk_font = configure_fonts(["销量"])
    window = MainWindow()
    with warnings.catch_warnings(record=True) as caught:  # the chart of Chinese columns: no boxes
        warnings.simplefilter("always")
        window.results_panel.canvas.show_result(result)
        window.results_panel.canvas.draw()
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    if has_cjk_font:
        assert not missing, missing[0]
    else:  # the machine has no font with Chinese glyphs at all: not the build's fault, but say so
        print("  warning: no CJK font is installed; Chinese text in charts shows as boxes "
              "(install e.g. fonts-noto-cjk)")
    assert window.results_panel.canvas.line("forecast") is not None
    if shown != "en":
        assert _("Train") != "Train", f"no {shown} catalog in the build"
        assert window.run_panel.train_button.text() == _("Train")
    window.close()
    app.processEvents()
    print(f"  built the main window ({shown}) and drew the result chart of Chinese columns offscreen"
          + (", no missing glyphs" if has_cjk_font else ""))


def _check_reports(folder: Path, result, loaded, bundle, model_path: Path) -> None:
    """A run's HTML report (charts embedded as PNG) and a saved model's PDF: the report's modules,
    matplotlib's PDF backend and the fonts are in the build."""
    import base64
    import re

    from core.report import from_bundle, from_result
    from core.report.output import write_report

    html = write_report(from_result(result, import_report=loaded.report), folder / "report.html")
    pngs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html.read_text(encoding="utf-8"))
    assert pngs and all(base64.b64decode(png)[:4] == b"\x89PNG" for png in pngs), "no charts in the HTML report"
    pdf = write_report(from_bundle(bundle, model_path), folder / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-", "the PDF report is not a PDF"
    print(f"  wrote an HTML report with {len(pngs)} charts and a PDF report of the saved model")
