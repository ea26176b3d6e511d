"""The rewrite panel docked beside the window, and where an accepted rewrite goes: into the
draft or the message box it was selected in, or to the clipboard."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QDockWidget, QPlainTextEdit, QTextEdit, QWidget

from app.core.rewrite import context_around
from app.engine.host import EngineHost
from app.ui.rewrite_panel import RewritePanel
from app.ui.services import Preferences
from app.ui.writing_desk import WritingDesk


class RewriteDock(QDockWidget):
    status = Signal(str, int)  # a passing status message and how long to show it (ms)
    problem = Signal(str)

    def __init__(self, host: EngineHost, preferences: Preferences, desk: WritingDesk,
                 chat_input: QPlainTextEdit | QTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Rewrite"))
        self.setObjectName("rewriteDock")
        self.desk = desk
        self.chat_input = chat_input
        self.panel = RewritePanel(host, preferences.config_dir)
        self.panel.sampler_for = lambda: preferences.sampler_for("sampler.rewrite")
        self.panel.speculative = preferences.speculative
        self.setWidget(self.panel)
        self._target: tuple[str, int, int] | None = None  # ("editor" | "input", start, end)
        self.panel.accepted.connect(self._on_accepted)
        self.panel.message.connect(lambda text: self.status.emit(text, 8000))

    def open_on(self, writing: bool, chat_selection: str = "") -> None:
        """Opens the panel on the selection: the draft's (``writing``) or the message box's
        (Accept replaces it), else the passage selected in the conversation, or nothing
        (Accept copies the rewrite)."""
        if writing:
            edit, target = self.desk.editor, "editor"
        elif self.chat_input.textCursor().hasSelection():
            edit, target = self.chat_input, "input"
        else:
            edit, target = None, ""
        if edit is not None and edit.textCursor().hasSelection():
            text = edit.toPlainText()
            start, end = edit.textCursor().selectionStart(), edit.textCursor().selectionEnd()
            before, after = context_around(text, start, end)
            self._target = (target, start, end)
            self.panel.open_for(text[start:end], before, after)
        else:
            self._target = None
            self.panel.open_for("" if writing else chat_selection, accept_label=self.tr("Copy"))
        self.show()

    def _on_accepted(self, passage: str, rewrite: str) -> None:
        if self._target is None:
            QGuiApplication.clipboard().setText(rewrite)
            self.status.emit(self.tr("Rewrite copied."), 4000)
            return
        kind, start, end = self._target
        edit = self.desk.editor if kind == "editor" else self.chat_input
        if edit.toPlainText()[start:end] != passage:
            self.problem.emit(self.tr("The passage changed while it was being rewritten; select it again and retry."))
            return
        if kind == "editor":
            self.desk.save()
            self.desk.snapshot("before a rewrite")
        cursor = edit.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.beginEditBlock()  # one Ctrl+Z restores the original
        cursor.insertText(rewrite)
        cursor.endEditBlock()
        edit.setTextCursor(cursor)
        self._target = (kind, start, start + len(rewrite))
        if kind == "editor":
            self.desk.save()
        self.status.emit(self.tr("Rewrite accepted; Ctrl+Z restores the original."), 5000)
