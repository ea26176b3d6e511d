"""The context inspector: the exact prompt the next continuation sends, as the model sees it.

It lists the prompt's pieces in order (the memory, each story bible entry with the key that
called it up, the author's note, the draft) with their token counts, says which entries were
left out and why, and shows the prompt itself, each piece tinted by where it comes from.

It follows the writer's typing: :class:`ContextFollower` waits for a pause, then lays out the
prompt on the engine thread (app.core.writing.prepare_continuation, the very function the
continuation uses, with the model's own tokenizer) and shows the newest answer only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit, QVBoxLayout, QWidget

from app.core.lorebook import Lorebook, entry_label, scan
from app.core.writing import ContinuationContext, ContinuationInput, prepare_continuation
from app.engine.host import EngineHost
from app.ui.i18n import translated

FOLLOW_DELAY_MS = 400  # the prompt is laid out again this long after the writer pauses
# A draft piece longer than this is shown by its start and end, with how much is between.
SHOWN_HEAD_CHARS = 300
SHOWN_TAIL_CHARS = 2000
# Tints by where a piece comes from: see-through, so they read on light and dark themes alike.
TINTS = {
    "memory": QColor(66, 133, 244, 60),
    "entry": QColor(251, 188, 5, 75),
    "authors_note": QColor(171, 71, 188, 60),
    "draft": QColor(52, 168, 83, 40),
}


class ContextInspector(QWidget):
    """The inspector's view (the panel under the editor; Ctrl+I shows and hides it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contextInspectorPanel")
        self.view = QTextEdit()
        self.view.setObjectName("contextInspector")
        self.view.setAccessibleName(self.tr("What the model sees"))
        self.view.setReadOnly(True)
        self.view.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.view.setMinimumHeight(60)
        self.context: ContinuationContext | None = None  # what is shown, when a model laid it out
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def text(self) -> str:
        return self.view.toPlainText()

    # -- writing into the view -----------------------------------------------------------

    def _start(self) -> QTextCursor:
        self.view.clear()
        return QTextCursor(self.view.document())

    def _line(self, cursor: QTextCursor, text: str, *, bold: bool = False, tint: QColor | None = None, grey: bool = False) -> None:
        plain = QTextCharFormat()
        if tint is not None:
            swatch = QTextCharFormat()
            swatch.setBackground(tint)
            cursor.insertText("\u2003", swatch)  # an em space as a colour swatch
            cursor.insertText(" ", plain)
        chosen = QTextCharFormat()
        if bold:
            chosen.setFontWeight(QFont.Weight.Bold)
        if grey:
            chosen.setForeground(self.palette().placeholderText())
        cursor.insertText(text + "\n", chosen)

    def show_context(self, context: ContinuationContext) -> None:
        """The prompt the next continuation sends, laid out with the model's tokenizer."""
        self.context = context
        scroll = self.view.verticalScrollBar().value()
        cursor = self._start()
        self._line(cursor, self.tr("The next continuation sends {tokens} tokens; the model's context holds {context} "
                                   "({budget} for the prompt, the rest for the reply).").format(
            tokens=f"{context.total_tokens:,}", context=f"{context.context_tokens:,}", budget=f"{context.budget_tokens:,}"), bold=True)
        lore = context.lore
        if lore.activations:
            used = sum(span.tokens or 0 for span in context.spans if span.kind == "entry")
            self._line(cursor, self.tr("Story bible: {kept} of {found} entries called up, {tokens} of its {budget} tokens.").format(
                kept=len(lore.kept), found=len(lore.activations), tokens=f"{used:,}", budget=f"{context.lore_budget_tokens:,}"))
        if context.mode == "instruct":
            self._line(cursor, self.tr("Asked as an instruction: the model's chat template wraps these messages."), grey=True)
        cursor.insertText("\n")
        self._line(cursor, self.tr("In order:"), bold=True)
        for span in context.spans:
            if span.kind == "frame":
                continue
            name = translated(span.label) if span.label else self.tr("Draft")
            if span.cut:
                name = self.tr("{name} (its start did not fit)").format(name=name)
            self._line(cursor, self.tr("{name} · {tokens} tokens").format(name=name, tokens=f"{span.tokens:,}"), tint=TINTS[span.kind])
        left_out = [(left.activation.entry.title or self.tr("Untitled entry"), translated(left.reason)) for left in lore.left_out]
        left_out += [(translated(part.label), self.tr("left out: the model's context is full")) for part in context.dropped]
        if left_out:
            cursor.insertText("\n")
            self._line(cursor, self.tr("Left out:"), bold=True)
            for name, reason in left_out:
                self._line(cursor, f"• {name}: {reason}")
        cursor.insertText("\n")
        self._line(cursor, self.tr("The prompt, exactly:"), bold=True)
        frame = QTextCharFormat()
        frame.setForeground(self.palette().placeholderText())
        for span in context.spans:
            if span.kind == "frame":
                cursor.insertText(span.text, frame)
                continue
            tinted = QTextCharFormat()
            tinted.setBackground(TINTS[span.kind])
            text = span.text
            if span.kind == "draft" and len(text) > SHOWN_HEAD_CHARS + SHOWN_TAIL_CHARS + 200:
                skipped = len(text) - SHOWN_HEAD_CHARS - SHOWN_TAIL_CHARS
                cursor.insertText(text[:SHOWN_HEAD_CHARS], tinted)
                cursor.insertText(self.tr(" [… {count} more characters of the draft, sent as written …] ").format(
                    count=f"{skipped:,}"), frame)
                text = text[-SHOWN_TAIL_CHARS:]
            cursor.insertText(text, tinted)
        self.view.verticalScrollBar().setValue(scroll)

    def show_without_model(self, lorebook: Lorebook | None, draft: str, authors_note: str) -> None:
        """No model to count with: which entries the story calls up, without the budget."""
        self.context = None
        cursor = self._start()
        self._line(cursor, self.tr("No model is loaded: the prompt and its token counts show once one is."), bold=True)
        activations = scan(lorebook, draft, authors_note) if lorebook is not None else []
        if activations:
            cursor.insertText("\n")
            self._line(cursor, self.tr("Story bible entries the story calls up:"), bold=True)
            for activation in activations:
                self._line(cursor, translated(entry_label(activation)), tint=TINTS["entry"])

    def show_problem(self, message: str) -> None:
        self.context = None
        cursor = self._start()
        self._line(cursor, message)


class ContextFollower(QObject):
    """Keeps the inspector in step with the desk: lays the prompt out again once the writer
    pauses (never while a key is being handled), on the engine thread, and drops an answer
    that a newer request replaced."""

    def __init__(self, host: EngineHost, inspector: ContextInspector, given: Callable[[], ContinuationInput],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.inspector = inspector
        self._given = given
        self._asked = 0  # requests made; only the answer to the last one is shown
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FOLLOW_DELAY_MS)
        self._timer.timeout.connect(self.refresh)

    def schedule(self) -> None:
        """Something the prompt depends on changed: refresh after the pause, when shown."""
        if self.inspector.isVisible():
            self._timer.start()

    def refresh(self) -> None:
        self._timer.stop()
        if not self.inspector.isVisible():
            return
        given = self._given()
        info = self.host.model_info
        self._asked += 1
        if info is None:
            self.inspector.show_without_model(given.lorebook, given.draft, given.authors_note)
            return
        asked = self._asked
        self.host.run_on_engine(lambda backend: prepare_continuation(given, backend, info)).listen(
            lambda context: self._answered(asked, context), lambda message: self._failed(asked, message))

    def _answered(self, asked: int, context: ContinuationContext) -> None:
        if asked == self._asked:
            self.inspector.show_context(context)

    def _failed(self, asked: int, message: object) -> None:
        if asked == self._asked:
            self.inspector.show_problem(translated(message))
