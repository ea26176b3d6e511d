"""The conversation view: Markdown messages, a streaming reply appended at the end."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

_ROLE_LABELS = {"user": "You", "assistant": "Assistant", "system": "System", "notice": "Inkwell"}


class ChatView(QTextBrowser):
    """Read-only view of one conversation.

    A reply streams in as plain text appended with a cursor at the end of the document, so
    each chunk costs the same however long the conversation is; when the reply ends, just
    its own range is replaced by the rendered Markdown.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatView")
        self.setAccessibleName("Conversation")
        self.setOpenExternalLinks(True)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.document().setDocumentMargin(12)
        self._reply_start: int | None = None
        self._reply_text: list[str] = []

    # -- messages ------------------------------------------------------------------------

    def add_message(self, role: str, text: str) -> None:
        self._start_message(role)
        self._insert_markdown(text)

    def add_notice(self, text: str) -> None:
        self.add_message("notice", text)

    def begin_reply(self) -> None:
        self._start_message("assistant")
        self._reply_start = self._end_cursor().position()
        self._reply_text = []

    def append_reply(self, text: str) -> None:
        if self._reply_start is None or not text:
            return
        follow = self._at_bottom()
        self._reply_text.append(text)
        cursor = self._end_cursor()
        cursor.insertText(text, QTextCharFormat())
        if follow:
            self._scroll_to_bottom()

    def end_reply(self, footer: str = "") -> str:
        """Renders the finished reply as Markdown and adds ``footer`` (its statistics) below."""
        text = "".join(self._reply_text)
        if self._reply_start is not None:
            follow = self._at_bottom()
            cursor = self._end_cursor()
            cursor.setPosition(self._reply_start, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
            self._insert_markdown(text)
            if footer:
                self._insert_footer(footer)
            if follow:
                self._scroll_to_bottom()
        self._reply_start = None
        self._reply_text = []
        return text

    @property
    def reply_in_progress(self) -> bool:
        return self._reply_start is not None

    def clear_conversation(self) -> None:
        self.clear()
        self._reply_start = None
        self._reply_text = []

    # -- helpers -------------------------------------------------------------------------

    def _end_cursor(self) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        return cursor

    def _start_message(self, role: str) -> None:
        cursor = self._end_cursor()
        if not self.document().isEmpty():
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        block = QTextBlockFormat()
        block.setTopMargin(10)
        cursor.setBlockFormat(block)
        label = QTextCharFormat()
        label.setFontWeight(QFont.Weight.Bold)
        label.setForeground(QColor("#2f6fb3") if role == "user" else QColor("#7a4fb0"))
        cursor.insertText(_ROLE_LABELS.get(role, role), label)
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())

    def _insert_markdown(self, text: str) -> None:
        cursor = self._end_cursor()
        cursor.insertMarkdown(text or " ", QTextDocument.MarkdownFeature.MarkdownDialectGitHub)

    def _insert_footer(self, footer: str) -> None:
        cursor = self._end_cursor()
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        fmt = QTextCharFormat()
        fmt.setForeground(QColor("#888888"))
        fmt.setFontPointSize(max(7.0, self.font().pointSizeF() * 0.85))
        cursor.insertText(footer, fmt)

    def _at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def _scroll_to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
