"""The small list of what else the model might have written at one token, with how likely each
was; Enter or a click picks one."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.core.alternatives import Alternative, TokenChoice


def shown_token(text: str) -> str:
    """A token's text as a list can show it: spaces and line breaks made visible."""
    if not text:
        return "∅"
    return text.replace("\n", "⏎").replace(" ", "·") if not text.strip() or text != text.strip() else text


class AlternativesPopup(QListWidget):
    chosen = Signal(int)  # the token id picked

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("alternativesPopup")
        self.setAccessibleName(self.tr("Alternatives"))
        self.setWindowFlags(Qt.WindowType.Popup)
        self.itemActivated.connect(self._pick)
        self.itemClicked.connect(self._pick)

    def show_for(self, token: TokenChoice, at: QPoint) -> None:
        """The token's candidates, most likely first (the one the model chose marked), below
        ``at`` in global coordinates."""
        self.clear()
        def is_chosen(alternative: Alternative) -> bool:
            return alternative.token_id == token.token_id and alternative.text == token.text

        candidates = list(token.alternatives)
        if not any(map(is_chosen, candidates)):
            candidates.insert(0, Alternative(token.text, token.token_id, token.p))  # chosen outside the top
        for alternative in candidates:
            mark = "  ✓" if is_chosen(alternative) else ""
            item = QListWidgetItem(f"{shown_token(alternative.text)}    {alternative.p:.1%}{mark}")
            item.setData(Qt.ItemDataRole.UserRole, alternative.token_id)
            self.addItem(item)
        self.setCurrentRow(0)
        width = max(180, self.sizeHintForColumn(0) + 24)
        self.resize(width, min(self.sizeHintForRow(0) * self.count() + 8, 320))
        self.move(at)
        self.show()
        self.setFocus()

    def _pick(self, item: QListWidgetItem) -> None:
        self.hide()
        self.chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            event.accept()
            return
        super().keyPressEvent(event)
