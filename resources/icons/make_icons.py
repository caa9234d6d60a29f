"""Renders app.svg into the icon files each platform wants (run after editing the SVG).

PNGs at the usual sizes (Linux hicolor theme, window icon), app.ico (Windows), app.icns (macOS).
Qt renders the SVG; Pillow (already installed with matplotlib) writes .ico and .icns.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).parent
SIZES = [16, 24, 32, 48, 64, 128, 256, 512]


def render(size: int) -> Path:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(HERE / "app.svg")).render(painter)
    painter.end()
    path = HERE / f"app_{size}.png"
    image.save(str(path))
    return path


def main() -> None:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs it to paint
    paths = {size: render(size) for size in SIZES}
    largest = Image.open(paths[512])
    largest.save(HERE / "app.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    largest.save(HERE / "app.icns")


if __name__ == "__main__":
    main()
