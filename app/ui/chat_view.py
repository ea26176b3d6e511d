"""The conversation view: Markdown messages with their actions, a streaming reply at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPoint, QUrl, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QShortcut,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.core.generation import GenerationStats
from app.core.markup import highlight_code, split_code_blocks, split_reasoning
from app.core.store import STATUS_NOTES, Message, PathItem
from app.ui.i18n import translated
from app.ui.theme import code_background, code_style, role_color

_ROLE_LABELS = {
    "user": QT_TRANSLATE_NOOP("ChatView", "You"),
    "assistant": QT_TRANSLATE_NOOP("ChatView", "Assistant"),
    "system": QT_TRANSLATE_NOOP("ChatView", "System"),
    "notice": QT_TRANSLATE_NOOP("ChatView", "Inkwell"),
}
ACTION_SCHEME = "inkwell"


@dataclass(frozen=True)
class MessageItem:
    """One message as the view shows it."""

    message_id: int
    role: str
    content: str
    status: str = "complete"
    footer: str = ""  # statistics of a reply
    alternative: int = 1  # 1-based position among its alternatives
    alternatives: int = 1
    in_context: bool = True
    is_last: bool = False
    actions: tuple[str, ...] = field(default=())  # e.g. ("copy", "regenerate", "delete")


_ACTION_LABELS = {
    "edit": QT_TRANSLATE_NOOP("ChatView", "Edit"),
    "copy": QT_TRANSLATE_NOOP("ChatView", "Copy"),
    "regenerate": QT_TRANSLATE_NOOP("ChatView", "Regenerate"),
    "continue": QT_TRANSLATE_NOOP("ChatView", "Continue"),
    "delete": QT_TRANSLATE_NOOP("ChatView", "Delete"),
}


def message_items(path: list[PathItem], streaming_id: int | None = None) -> list[MessageItem]:
    """A conversation's visible path as the view shows it; the reply being written
    (``streaming_id``) is left out, the view streams it itself."""
    dropped = next((int(m.message.stats.get("dropped_messages", 0)) for m in reversed(path)
                    if m.message.role == "assistant" and m.message.stats), 0)
    shown = [item for item in path if item.message.id != streaming_id]
    last_reply = next((item.message for item in reversed(shown) if item.message.role == "assistant"), None)
    items = []
    for index, (message, position, count) in enumerate(shown):
        is_last = index == len(shown) - 1
        items.append(MessageItem(
            message_id=message.id,
            role=message.role,
            content=message.content,
            status=message.status,
            footer=_stats_footer(message),
            alternative=position + 1,
            alternatives=count,
            in_context=index >= dropped,  # the oldest messages the last prompt left out
            is_last=is_last,
            actions=_actions_for(message, is_last and message is last_reply and streaming_id is None),
        ))
    return items


def _actions_for(message: Message, last_reply: bool) -> tuple[str, ...]:
    if message.role == "user":
        return ("edit", "copy", "delete")
    actions = ["copy"]
    if last_reply:
        actions.append("regenerate")
        if message.status in ("length", "cancelled", "interrupted"):
            actions.append("continue")
    actions.append("delete")
    return tuple(actions)


def _stats_footer(message: Message) -> str:
    """The line under a reply, in the interface's language."""
    if message.role != "assistant" or not message.stats:
        return ""
    try:
        return translated(GenerationStats(**message.stats).summary())
    except TypeError:
        return ""


def action_href(action: str, message_id: int, extra: int = 0) -> str:
    return f"{ACTION_SCHEME}:{action}/{message_id}/{extra}"


class ChatView(QTextBrowser):
    """Read-only view of one conversation.

    A reply streams in as plain text appended with a cursor at the end of the document, so
    each chunk costs the same however long the conversation is. Message actions are links
    (``inkwell:ACTION/ID/EXTRA``) that emit ``action_requested``.
    """

    action_requested = Signal(str, int, int)  # action, message id, extra (e.g. code block index)
    alternative_requested = Signal(int)  # -1 or +1: flip the last reply's alternatives
    # Alt+click or Ctrl+Shift+A on a word of a reply: (message id, character in its text, where
    # to show the choices in the viewport).
    token_alternatives_requested = Signal(int, int, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatView")
        self.setAccessibleName(self.tr("Conversation"))
        self.setOpenLinks(False)
        self.setReadOnly(True)
        self.document().setDocumentMargin(12)
        self.anchorClicked.connect(self._on_anchor)
        self._reply_start: int | None = None
        self._reply_text: list[str] = []
        self.expanded_reasoning: set[int] = set()
        # Each shown message's text: where it lies in the document, and the text itself.
        self._message_spans: dict[int, tuple[int, int, str]] = {}
        shortcut = QShortcut(QKeySequence("Ctrl+Shift+A"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(lambda: self._ask_alternatives(self.textCursor().position()))

    # -- whole conversation --------------------------------------------------------------

    def show_messages(self, items: list[MessageItem]) -> None:
        self._reply_start = None
        self._reply_text = []
        self._message_spans = {}
        self.clear()
        for item in items:
            self._insert_message(item)
        self._scroll_to_bottom()

    def add_notice(self, text: str) -> None:
        self._start_message("notice")
        self._insert_markdown(text)
        self._scroll_to_bottom()

    # -- streaming -----------------------------------------------------------------------

    def begin_reply(self, text_so_far: str = "") -> None:
        self._start_message("assistant")
        self._reply_start = self._end_cursor().position()
        self._reply_text = []
        if text_so_far:
            self.append_reply(text_so_far)

    def append_reply(self, text: str) -> None:
        if self._reply_start is None or not text:
            return
        follow = self._at_bottom()
        self._reply_text.append(text)
        self._end_cursor().insertText(text, QTextCharFormat())
        if follow:
            self._scroll_to_bottom()

    @property
    def reply_in_progress(self) -> bool:
        return self._reply_start is not None

    @property
    def reply_text(self) -> str:
        return "".join(self._reply_text)

    # -- links ---------------------------------------------------------------------------

    def anchor_point(self, href: str) -> QPoint | None:
        """Where the link ``href`` is drawn, in viewport coordinates (None when absent)."""
        block = self.document().begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                if fragment.isValid() and fragment.charFormat().anchorHref() == href:
                    cursor = QTextCursor(self.document())
                    cursor.setPosition(fragment.position() + max(1, fragment.length() // 2))
                    rect = self.cursorRect(cursor)
                    return QPoint(rect.left() - 2, rect.center().y())
                iterator += 1
            block = block.next()
        return None

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() != ACTION_SCHEME:
            if url.scheme() in ("http", "https", "mailto"):
                QDesktopServices.openUrl(url)
            return
        parts = url.path().split("/")
        try:
            action, message_id, extra = parts[0], int(parts[1]), int(parts[2]) if len(parts) > 2 else 0
        except (IndexError, ValueError):
            return
        if action == "reasoning":
            self.expanded_reasoning ^= {message_id}
        self.action_requested.emit(action, message_id, extra)

    # -- a word of a reply ---------------------------------------------------------------

    def message_position(self, document_position: int) -> tuple[int, int] | None:
        """The message shown at a place of the document and the character of its text there:
        the text is found by its paragraph, since Markdown shows it without its marks."""
        for message_id, (start, end, content) in self._message_spans.items():
            if start <= document_position <= end:
                block = self.document().findBlock(document_position)
                found = content.find(block.text()) if block.text() else -1
                if found < 0:
                    return None
                return message_id, found + document_position - block.position()
        return None

    def _ask_alternatives(self, document_position: int) -> None:
        placed = self.message_position(document_position)
        if placed is not None:
            cursor = QTextCursor(self.document())
            cursor.setPosition(document_position)
            self.token_alternatives_requested.emit(*placed, self.cursorRect(cursor).bottomLeft())

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and event.modifiers() == Qt.KeyboardModifier.AltModifier:
            self._ask_alternatives(self.cursorForPosition(event.position().toPoint()).position())
            event.accept()
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right) and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.alternative_requested.emit(-1 if event.key() == Qt.Key.Key_Left else 1)
            event.accept()
            return
        super().keyPressEvent(event)

    # -- rendering -----------------------------------------------------------------------

    def _insert_message(self, item: MessageItem) -> None:
        self._start_message(item.role, None if item.in_context else self.tr("not in the model's context"))
        content = item.content
        if item.role == "assistant":
            reasoning, content = split_reasoning(content)
            if reasoning is not None:
                self._insert_reasoning(item.message_id, reasoning.text, reasoning.finished)
        content_start = self._end_cursor().position()
        code_index = 0
        for segment in split_code_blocks(content):
            if segment.kind == "code":
                self._insert_code(item.message_id, code_index, segment.text, segment.language)
                code_index += 1
            elif segment.text:
                self._insert_markdown(segment.text)
        if item.role == "assistant":
            self._message_spans[item.message_id] = (content_start, self._end_cursor().position(), item.content)
        if not content.strip() and item.role == "assistant" and item.status != "streaming":
            self._insert_small(self.tr("(empty reply)"))
        note = translated(STATUS_NOTES[item.status]) if item.status in STATUS_NOTES and item.status != "streaming" else ""
        if note and not item.footer:  # the statistics line already says how a reply ended
            self._insert_small(note, italic=True)
        self._insert_actions(item)

    def _start_message(self, role: str, aside: str | None = None) -> None:
        cursor = self._end_cursor()
        if not self.document().isEmpty():
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        block = QTextBlockFormat()
        block.setTopMargin(12)
        cursor.setBlockFormat(block)
        label = QTextCharFormat()
        label.setFontWeight(QFont.Weight.Bold)
        label.setForeground(QColor(role_color(role)))
        cursor.insertText(QCoreApplication.translate("ChatView", _ROLE_LABELS[role]) if role in _ROLE_LABELS else role, label)
        if aside:
            cursor.insertText(f"  · {aside}", self._small_format(italic=True))
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())

    def _insert_markdown(self, text: str) -> None:
        self._end_cursor().insertMarkdown(text or " ", QTextDocument.MarkdownFeature.MarkdownDialectGitHub)

    def _insert_reasoning(self, message_id: int, text: str, finished: bool) -> None:
        expanded = message_id in self.expanded_reasoning
        words = len(text.split())
        summary = self.tr("Reasoning ({words} words)") if finished else self.tr("Reasoning ({words} words, thinking…)")
        title = ("▾ " if expanded else "▸ ") + summary.format(words=words)
        self._insert_html_block(f'<a href="{action_href("reasoning", message_id)}" style="color:#777777;">{escape(title)}</a>')
        if expanded:
            cursor = self._end_cursor()
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            cursor.insertText(text, self._small_format(italic=True))
        self._end_cursor().insertBlock(QTextBlockFormat(), QTextCharFormat())

    def _insert_code(self, message_id: int, index: int, code: str, language: str) -> None:
        language_label = escape(language or self.tr("code"))
        copy_label = escape(self.tr("Copy code"))
        header = (
            f'<span style="color:#777777;">{language_label}</span> &nbsp; '
            f'<a href="{action_href("copy-code", message_id, index)}" style="color:#777777;">{copy_label}</a>'
        )
        self._insert_html_block(header)
        cursor = self._end_cursor()
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        cursor.insertHtml(
            f'<table width="100%" cellpadding="8" cellspacing="0" bgcolor="{code_background()}"><tr><td>'
            f'<pre style="font-family: monospace;">{highlight_code(code, language, code_style())}</pre>'
            "</td></tr></table>"
        )
        self._end_cursor().insertBlock(QTextBlockFormat(), QTextCharFormat())

    def _insert_actions(self, item: MessageItem) -> None:
        links = []
        if item.alternatives > 1:
            links.append(
                f'<a href="{action_href("previous", item.message_id)}" style="color:#777777;">◀</a> '
                f'<span style="color:#777777;">{item.alternative}/{item.alternatives}</span> '
                f'<a href="{action_href("next", item.message_id)}" style="color:#777777;">▶</a>'
            )
        for action in item.actions:
            links.append(
                f'<a href="{action_href(action, item.message_id)}" style="color:#777777;">'
                f"{escape(QCoreApplication.translate('ChatView', _ACTION_LABELS[action]))}</a>"
            )
        parts = [" &nbsp;·&nbsp; ".join(links)] if links else []
        if item.footer:
            parts.append(f'<span style="color:#999999;">{escape(item.footer)}</span>')
        if parts:
            self._insert_html_block('<span style="font-size:small;">' + " &nbsp;&nbsp; ".join(parts) + "</span>")

    def _insert_html_block(self, html: str) -> None:
        cursor = self._end_cursor()
        if self._end_cursor().block().length() > 1:
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        cursor.insertHtml(html)

    def _insert_small(self, text: str, italic: bool = False) -> None:
        cursor = self._end_cursor()
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        cursor.insertText(text, self._small_format(italic))

    def _small_format(self, italic: bool = False) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setForeground(QColor("#888888"))
        fmt.setFontItalic(italic)
        fmt.setFontPointSize(max(7.0, self.font().pointSizeF() * 0.85))
        return fmt

    def _end_cursor(self) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        return cursor

    def _at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def _scroll_to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
