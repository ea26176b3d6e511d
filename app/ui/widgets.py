"""Small widget helpers shared by the windows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton, QWidget


def make_button(text: str, name: str, tip: str) -> QPushButton:
    """A push button with the objectName and accessibleName that tests and screen readers use."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.rstrip("…"))
    button.setToolTip(tip)
    return button


class UndoButton(QPushButton):
    """Offers to undo what was just done (a deletion) for a while, then hides."""

    SHOWN_MS = 15_000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoButton")
        self.setAccessibleName(self.tr("Undo"))
        self.setToolTip(self.tr("Undo the deletion"))
        self.hide()
        self._undo: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._withdraw)
        self.clicked.connect(self._run)

    def offer(self, text: str, undo: Callable[[], None]) -> None:
        self._undo = undo
        self.setText(self.tr("{text} Undo").format(text=text))
        self.show()
        self._timer.start(self.SHOWN_MS)

    def _run(self) -> None:
        undo = self._undo
        self._withdraw()
        if undo is not None:
            undo()

    def _withdraw(self) -> None:
        self._undo = None
        self.hide()
