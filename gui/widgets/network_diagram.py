"""The network diagram (issue 26 item 2): core.outputs.diagram's boxes drawn with QPainter, in a
grid of columns (left to right, as the data flows) and two rows (the recurrent line, and the
highway and anchor beside it), with arrows between them and the total underneath."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.i18n import _, ngettext

COLUMNS, ROWS = 4, 2
FILL = {"input": "#e7f5ff", "recurrent": "#fff4e6", "head": "#f3f0ff", "highway": "#ebfbee",
        "anchor": "#f8f9fa", "output": "#fff9db", "smoothing": "#f8f9fa"}
EDGE = QColor("#495057")


class NetworkDiagram(QWidget):
    """Draws a core.outputs.diagram.Diagram; `box_texts` is what each box says, as drawn."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="networkDiagram")
        self.diagram = None
        self.message = _("Open a file and choose a target column to see the network.")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(760, 420)

    def minimumSizeHint(self) -> QSize:
        return QSize(480, 300)

    def show_diagram(self, diagram) -> None:
        self.diagram = diagram
        self.update()

    def show_message(self, text: str) -> None:
        self.diagram, self.message = None, text
        self.update()

    def box_texts(self) -> dict[str, list[str]]:
        """Each box's lines (title, shape, parameters, terms) by its key."""
        if self.diagram is None:
            return {}
        return {box.key: self._lines(box) for box in self.diagram.boxes}

    def note(self) -> str:
        return self.diagram.note if self.diagram is not None else self.message

    @staticmethod
    def _lines(box) -> list[str]:
        count = ngettext("{count:,} parameter", "{count:,} parameters", box.parameters).format(count=box.parameters)
        return [box.title, box.shape, *([count] if box.parameters else []), *box.terms]

    def _rect(self, box, area: QRectF) -> QRectF:
        width, height = area.width() / COLUMNS, area.height() / ROWS
        return QRectF(area.left() + box.column * width + 8, area.top() + box.row * height + 8,
                      width - 16 - (10 if box.column < COLUMNS - 1 else 0), height - 16)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        base = QFont(self.font())
        note_height = 3 * painter.fontMetrics().height()
        area = QRectF(self.rect()).adjusted(8, 8, -8, -8 - note_height)
        note_rect = QRectF(area.left(), area.bottom() + 4, area.width(), note_height)
        painter.setPen(EDGE)
        flags = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        painter.drawText(note_rect, flags, self.note())
        if self.diagram is None:
            return
        rects = {box.key: self._rect(box, area) for box in self.diagram.boxes}
        painter.setPen(QPen(EDGE, 1.5))
        for start, end in self.diagram.links:
            if start in rects and end in rects:
                self._arrow(painter, rects[start], rects[end])
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() * 0.85, 6.0))
        bold = QFont(base)
        bold.setBold(True)
        for box in self.diagram.boxes:
            rect = rects[box.key]
            painter.setPen(QPen(EDGE, 1.2))
            painter.setBrush(QColor(FILL.get(box.key, "#ffffff")))
            painter.drawRoundedRect(rect, 8, 8)
            inner = rect.adjusted(8, 6, -8, -6)
            lines = self._lines(box)
            painter.setFont(bold)
            used = painter.boundingRect(inner, flags, lines[0]).height()
            painter.drawText(inner, flags, lines[0])
            painter.setFont(small)
            painter.setPen(QColor("#212529"))
            painter.drawText(inner.adjusted(0, used + 2, 0, 0), flags, "\n".join(lines[1:]))
            painter.setFont(base)
        painter.end()

    @staticmethod
    def _arrow(painter: QPainter, source: QRectF, target: QRectF) -> None:
        """Left to right along a row; down then right into a lower row; up out of it."""
        if abs(source.top() - target.top()) < 1:  # the same row
            points = [QPointF(source.right(), source.center().y()), QPointF(target.left(), target.center().y())]
        elif source.top() < target.top():  # down into the row beside
            points = [QPointF(source.center().x(), source.bottom()), QPointF(source.center().x(), target.center().y()),
                      QPointF(target.left(), target.center().y())]
        elif abs(source.left() - target.left()) < 1:  # straight up into the box above
            points = [QPointF(source.center().x(), source.top()), QPointF(target.center().x(), target.bottom())]
        else:  # up into the gap between the rows, right, then up into the box above (clear of its neighbour)
            x, gap = target.left() + target.width() / 4, (target.bottom() + source.top()) / 2
            start = source.right() - source.width() / 4
            points = [QPointF(start, source.top()), QPointF(start, gap), QPointF(x, gap), QPointF(x, target.bottom())]
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        tip, before = points[-1], points[-2]
        dx, dy = tip.x() - before.x(), tip.y() - before.y()
        length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
        ux, uy = dx / length, dy / length
        head = QPolygonF([tip, QPointF(tip.x() - 9 * ux + 4 * uy, tip.y() - 9 * uy - 4 * ux),
                          QPointF(tip.x() - 9 * ux - 4 * uy, tip.y() - 9 * uy + 4 * ux)])
        painter.setBrush(EDGE)
        painter.drawPolygon(head)
