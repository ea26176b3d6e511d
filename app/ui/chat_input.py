"""The message box: Enter sends, Shift+Enter starts a new line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class ChatInput(QPlainTextEdit):
    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatInput")
        self.setAccessibleName(self.tr("Message"))
        self.setPlaceholderText(self.tr("Write a message. Enter sends, Shift+Enter starts a new line."))
        self.setTabChangesFocus(True)
        # About four lines: the conversation keeps the room.
        lines = self.fontMetrics().lineSpacing() * 4
        self.setMaximumHeight(int(lines + 2 * self.document().documentMargin() + 2 * self.frameWidth()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        is_enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if is_enter and modifiers == Qt.KeyboardModifier.NoModifier:
            event.accept()
            self.submitted.emit()
            return
        if is_enter and modifiers == Qt.KeyboardModifier.ShiftModifier:
            self.insertPlainText("\n")
            event.accept()
            return
        super().keyPressEvent(event)
