"""Matplotlib's chart toolbar (Home, Back, Pan, Zoom, Save…) with its texts through the catalog.

Matplotlib writes its button texts and tooltips in English; the same English strings are the
catalog's message ids here, so each is swapped for its translation after the toolbar is built."""

from __future__ import annotations

from matplotlib.backends.backend_qtagg import NavigationToolbar2QT

from core.i18n import N_, _

TOOLBAR_TEXTS = frozenset((
    N_("Home"), N_("Reset original view"), N_("Back"), N_("Back to previous view"), N_("Forward"),
    N_("Forward to next view"), N_("Pan"),
    N_("Left button pans, Right button zooms\nx/y fixes axis, CTRL fixes aspect"),
    N_("Zoom"), N_("Zoom to rectangle\nx/y fixes axis"), N_("Subplots"), N_("Configure subplots"), N_("Customize"),
    N_("Edit axis, curve and image parameters"), N_("Save"), N_("Save the figure"),
))


class ChartToolbar(NavigationToolbar2QT):
    def __init__(self, canvas, parent=None, coordinates: bool = True) -> None:
        """`coordinates`: the toolbar's own read-out of the point under the mouse; off where the
        chart has a read-out of its own (the Results tab's), so the value is not shown twice."""
        super().__init__(canvas, parent, coordinates=coordinates)
        for action in self.actions():
            tip, text = action.toolTip(), action.text()
            if tip in TOOLBAR_TEXTS:
                action.setToolTip(_(tip))
            if text in TOOLBAR_TEXTS:
                action.setText(_(text))
