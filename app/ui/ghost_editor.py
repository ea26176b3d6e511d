"""The draft editor, with a proposed continuation shown as ghost text.

The ghost text is drawn as the layout's pre-edit area (the mechanism input methods use for
text being composed): it sits inline and wraps like real text, but it is not in the
document, so autosave, word count and the undo history never see it. Accepting inserts it
as one edit block: one Ctrl+Z takes it back out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QKeySequence, QTextCharFormat, QTextCursor, QTextLayout, QTextLine
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

# The next "word" of the ghost text: a CJK character on its own, or a run of non-spaces,
# with the whitespace before it.
_NEXT_WORD = re.compile(r"\s*(?:[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|[^\s\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+)")
_NAVIGATION_ONLY = {
    Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr,
    Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock,
}


class GhostEditor(QPlainTextEdit):
    ghost_accepted = Signal(str)  # the text that became part of the draft
    ghost_discarded = Signal()
    continue_requested = Signal()
    # Alt+click: the alternatives of the model's word under this point of the viewport.
    alternatives_requested = Signal(QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editor")
        self.setAccessibleName(self.tr("Draft"))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.15)
        self.setFont(font)
        self.setPlaceholderText(self.tr("Write here. Ctrl+Enter asks the model to continue from the cursor."))
        self._ghost = ""
        self._ghost_position = -1
        self._ghost_block = None
        self._marks: dict[str, list[QTextEdit.ExtraSelection]] = {}

    # -- ghost text ----------------------------------------------------------------------

    @property
    def ghost_text(self) -> str:
        return self._ghost

    @property
    def has_ghost(self) -> bool:
        return self._ghost_position >= 0

    @property
    def ghost_position(self) -> int:
        return self._ghost_position

    def show_ghost(self, position: int, text: str, tints: Sequence[tuple[int, int, QColor]] = ()) -> None:
        """Shows (or replaces) the proposed continuation at document ``position``; ``tints``:
        (start, length, background) for parts of it."""
        self._clear_layout()
        self._ghost, self._ghost_position = text, position
        block = self.document().findBlock(position)
        self._ghost_block = block
        if text:
            offset = position - block.position()
            # A line separator breaks the line inside the block, as a newline would.
            shown = text.replace("\n", "\u2028")
            layout = block.layout()
            layout.setPreeditArea(offset, shown)
            ghost_format = QTextLayout.FormatRange()
            ghost_format.start, ghost_format.length = offset, len(shown)
            ghost_format.format = self._ghost_format()
            formats = [ghost_format]
            for start, length, color in tints:
                tinted = QTextLayout.FormatRange()
                tinted.start, tinted.length = offset + start, length
                tinted.format = self._ghost_format()
                tinted.format.setBackground(color)
                formats.append(tinted)
            layout.setFormats(formats)
        self.document().markContentsDirty(block.position(), max(1, block.length()))
        self.viewport().update()

    def accept_ghost(self, next_word_only: bool = False) -> str:
        """Makes the ghost text (or its next word) part of the draft, as one undo step."""
        if not self.has_ghost:
            return ""
        text = self._ghost
        if next_word_only:
            match = _NEXT_WORD.match(text)
            text = match.group(0) if match else text
        position, rest = self._ghost_position, self._ghost[len(text):]
        self._clear_ghost()
        cursor = QTextCursor(self.document())
        cursor.setPosition(min(position, self.document().characterCount() - 1))
        cursor.beginEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        if rest.strip():
            self.show_ghost(cursor.position(), rest)
        self.ghost_accepted.emit(text)
        return text

    def discard_ghost(self) -> None:
        if self.has_ghost:
            self._clear_ghost()
            self.ghost_discarded.emit()

    def _clear_ghost(self) -> None:
        self._clear_layout()
        self._ghost, self._ghost_position, self._ghost_block = "", -1, None

    def _clear_layout(self) -> None:
        block = self._ghost_block
        if block is not None and block.isValid():
            layout = block.layout()
            layout.setPreeditArea(-1, "")
            layout.setFormats([])
            self.document().markContentsDirty(block.position(), max(1, block.length()))

    def _ghost_format(self) -> QTextCharFormat:
        fmt = QTextCharFormat()
        color = QColor(self.palette().text().color())
        color.setAlphaF(0.45)
        fmt.setForeground(color)
        fmt.setFontItalic(True)
        return fmt

    # -- where things are -----------------------------------------------------------------

    def spot_at(self, point: QPoint) -> tuple[int, int]:
        """The character under ``point`` (viewport coordinates): (its document position, -1),
        or (-1, its offset in the ghost text) when it is a character of the ghost text."""
        block = self.cursorForPosition(point).block()
        geometry = self.blockBoundingGeometry(block).translated(self.contentOffset())
        layout = block.layout()
        local = QPointF(point) - geometry.topLeft()
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            if line.y() <= local.y() < line.y() + line.height():
                at = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
                break
        else:
            return self.cursorForPosition(point).position(), -1
        # The layout's text holds the ghost text (its pre-edit area) at the ghost's place.
        ghost_at, ghost_length = layout.preeditAreaPosition(), len(layout.preeditAreaText())
        if block == self._ghost_block and self._ghost and ghost_at >= 0:
            if ghost_at <= at < ghost_at + ghost_length:
                return -1, at - ghost_at
            if at >= ghost_at + ghost_length:
                at -= ghost_length
        return block.position() + min(at, max(0, block.length() - 1)), -1

    def ghost_point(self, offset: int) -> QPoint:
        """The bottom left of character ``offset`` of the ghost text (viewport coordinates)."""
        block = self._ghost_block
        if block is None or not block.isValid():
            return self.cursorRect().bottomLeft()
        origin = self.blockBoundingGeometry(block).translated(self.contentOffset()).topLeft()  # lays it out
        layout = block.layout()
        at = layout.preeditAreaPosition() + offset
        line = layout.lineForTextPosition(at)
        if not line.isValid():
            return self.cursorRect().bottomLeft()
        x, _ = line.cursorToX(at)
        return QPointF(origin.x() + x, origin.y() + line.y() + line.height()).toPoint()

    def position_point(self, position: int) -> QPoint:
        """The bottom left of the character at document ``position`` (viewport coordinates)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(max(0, min(position, self.document().characterCount() - 1)))
        return self.cursorRect(cursor).bottomLeft()

    def set_marks(self, kind: str, selections: list[QTextEdit.ExtraSelection]) -> None:
        """Marks on the draft's text, kept apart by ``kind`` so that each can change alone."""
        self._marks[kind] = selections
        self.setExtraSelections([selection for marks in self._marks.values() for selection in marks])

    # -- keys ----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key, modifiers = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl = Qt.KeyboardModifier.ControlModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and modifiers == ctrl:
            event.accept()
            self.continue_requested.emit()
            return
        if self.has_ghost:
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Enter) and modifiers == Qt.KeyboardModifier.NoModifier:
                event.accept()
                self.accept_ghost()
                return
            if key == Qt.Key.Key_Right and modifiers == ctrl:
                event.accept()
                self.accept_ghost(next_word_only=True)
                return
            if key == Qt.Key.Key_Escape:
                event.accept()
                self.discard_ghost()
                return
            if key not in _NAVIGATION_ONLY and not event.matches(QKeySequence.StandardKey.Copy):
                # Typing (or moving away) while a proposal is shown drops it: the writer's
                # own text and the model's never mix by accident.
                self.discard_ghost()
        super().keyPressEvent(event)

    def inputMethodEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.has_ghost and (event.commitString() or event.preeditString()):
            self.discard_ghost()  # the layout's pre-edit area now belongs to the input method
        super().inputMethodEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and event.modifiers() == Qt.KeyboardModifier.AltModifier:
            event.accept()  # the ghost text stays: its words are what Alt+click asks about
            self.alternatives_requested.emit(event.position().toPoint())
            return
        self.discard_ghost()
        super().mousePressEvent(event)
