"""The Network tab's screenshot (issue 26 item 2), at 1024x700 like docs/screenshots/'s others:

    xvfb-run -a python docs/shot_network.py --lang en
    xvfb-run -a python docs/shot_network.py --lang zh_CN --sample store_sales_zh_gbk.csv --target 销量 \\
        --features 气温,促销
"""

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

SIZE = (1024, 700)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", default="daily_sales.csv")
    parser.add_argument("--target", default="sales")
    parser.add_argument("--features", default="temperature,promotion")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    install_language(args.lang, app)
    window = MainWindow(warm_up_engine=False)
    window.resize(*SIZE)
    window.show()
    session = window.session
    session.data.open_csv(sample_path(args.sample))
    wait_for(session.data.finished)
    window.columns_panel.target_combo.setCurrentText(args.target)
    window.columns_panel.set_features([f for f in args.features.split(",") if f])
    form = window.settings_panel.form
    form.window.setValue(28)
    form.horizon.setValue(7)
    form.layers.setValue(2)
    form.bidirectional.setChecked(True)
    session.settings.replan()
    window.network_panel.reveal()
    window.resize(*SIZE)
    pause(600)
    if (window.width(), window.height()) != SIZE:
        raise SystemExit(f"the window is {window.width()}x{window.height()}, not {SIZE[0]}x{SIZE[1]}")
    name = args.out / f"network_{'zh' if args.lang.startswith('zh') else 'en'}.png"
    window.grab().save(str(name))
    print("saved", name)
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
