"""Drives the app through its main states and saves a screenshot of each into docs/.

Run under a real X server, e.g. `xvfb-run -s "-screen 0 1400x900x24" python docs/take_screenshots.py`;
`... take_screenshots.py SAMPLE TARGET FEATURES PREFIX` shoots another sample, names prefixed.
Uses a throwaway settings folder so your own settings are untouched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LSTM_FORECASTER_DATA_DIR", tempfile.mkdtemp(prefix="lstmf-shots-"))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gui.main_window import MainWindow  # noqa: E402
from gui.resources import sample_path  # noqa: E402

OUT = ROOT / "docs"


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(signal, timeout_ms: int = 120_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def shot(window: MainWindow, name: str) -> None:
    wait(400)
    window.grab().save(str(OUT / f"{name}.png"))
    print("saved", OUT / f"{name}.png")


def main() -> None:
    app = QApplication(sys.argv)
    window = MainWindow()
    window.resize(1360, 860)
    window.show()
    prefix = sys.argv[4] if len(sys.argv) > 4 else ""
    if not prefix:
        shot(window, "start_page")
    sample, target, features, prefix = (sys.argv[1:5] if len(sys.argv) > 4 else
                                         ("daily_sales.csv", "sales", "temperature,promotion", ""))
    window.open_csv(sample_path(sample))
    wait_for(window.dataLoaded)
    window.target_combo.setCurrentText(target)
    window.set_features(features.split(","))
    window.settings_form.window.setValue(28)
    window.settings_form.epochs.setValue(60)
    window.settings_form.patience.setValue(0)
    window.validate_settings()
    shot(window, prefix + "data_loaded")
    window.start_training()
    # a screenshot part-way through training
    while window.progress_bar.value() < 20 and window.train_task.is_running():
        wait(100)
    shot(window, prefix + "training")
    wait_for(window.trainingFinished)
    shot(window, prefix + "results")
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
