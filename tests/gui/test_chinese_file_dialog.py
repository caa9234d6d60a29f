"""Qt's own file dialog in Chinese (issue 23, item 20): every label translated, Qt 6's '&Look in:'
and 'Files of &type:' too (qtbase_zh_CN.qm only has them without the '&'), and the size column as
wide as its contents. Opened through File > Open CSV, as a user would."""

import re

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QHeaderView, QLabel, QTreeView

from gui import MainWindow
from gui.language import install_language


def test_the_open_dialog_speaks_chinese_and_fits_its_size_column(qtbot, tmp_path):
    install_language("zh_CN")
    seen = {}

    def look():
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()),
                      None)
        if dialog is None:
            QTimer.singleShot(50, look)
            return
        seen["labels"] = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
        tree = dialog.findChild(QTreeView)
        seen["size_mode"] = tree.header().sectionResizeMode(1)
        dialog.reject()

    try:
        window = MainWindow(warm_up_engine=False)
        qtbot.addWidget(window)
        window.show()
        QTimer.singleShot(0, look)
        window.commands["open"].trigger()  # returns once `look` has closed the dialog
    finally:
        install_language("en")
    labels = seen["labels"]
    assert len(labels) >= 3, labels
    assert not [text for text in labels if re.search(r"[A-Za-z]{2,}", text)], labels  # no English word
    assert "查找范围(&L)：" in labels and "文件类型(&T)：" in labels, labels
    assert seen["size_mode"] == QHeaderView.ResizeMode.ResizeToContents
