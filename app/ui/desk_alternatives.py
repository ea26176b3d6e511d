"""The writing desk's token alternatives: what else the model might have written at a word of
its proposal (the ghost text) or of the continuation last accepted into the draft, and taking
another road from there.

Ctrl+Shift+A at the cursor or Alt+click on a word opens the AlternativesPopup; the candidate
picked replaces the word's token and the model carries on from it as new ghost text (a branch:
the engine keeps the prompt and the tokens before it, so only the new token is evaluated). A
word of the accepted text is cut there first, in one undo step. The tint toggle shades the
model's words by how likely they were.

Positions: a proposal's tokens count from the first token its request wrote (the "model
text"); the ghost text is that text from ``Proposal.base`` on, after the space that
``junction_space`` may put before a continuation. An accepted continuation is found in the
draft by a cursor at its first character, and is only used while the draft still holds
exactly its text there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from app.core.alternatives import TokenChoice, branch_request, joined_text, token_at
from app.core.generation import GenerationRequest
from app.core.writing import junction_space
from app.engine.generation import Generation
from app.ui.alternatives_popup import AlternativesPopup
from app.ui.i18n import translated
from app.ui.widgets import make_button

if TYPE_CHECKING:
    from app.ui.writing_desk import WritingDesk

# The draft's last characters that decide whether a continuation needs a space before it.
JUNCTION_CONTEXT_CHARS = 16
TINT_BELOW = 0.5  # tokens the model gave less than this probability are tinted, the less the stronger
KEPT_ACCEPTED = 2  # the accepted continuation, and the one before a cut (which Ctrl+Z brings back)


@dataclass
class Proposal:
    """One continuation proposed at a place: its text and, where the engine gave them, its
    tokens with their alternatives and the request that wrote them."""

    text: str = ""
    request: GenerationRequest | None = None
    tokens: list[TokenChoice] = field(default_factory=list)
    base: int = 0  # where ``text`` begins in the tokens' text (after a branch or words accepted)
    shift: int = 0  # a branch's tokens count from its new token: moved by this
    note: object = ""  # why the engine gave no alternatives (str or Translatable), or ""

    def lead(self, before: str) -> str:
        """The space put between the draft's ``before`` and the start of a continuation."""
        return junction_space(before, self.text) if self.base == 0 else ""

    def add_tokens(self, tokens: list[TokenChoice]) -> None:
        self.tokens.extend(replace(token, start=token.start + self.shift) for token in tokens)

    def rest(self, taken: int) -> Proposal:
        """What stays proposed once the first ``taken`` characters went into the draft."""
        return replace(self, text=self.text[taken:], base=self.base + taken)

    def end_whole(self) -> None:
        """A continuation cut short in the middle of a character (its length reached) ends at
        its last whole character, not at a U+FFFD."""
        whole = self.text.rstrip("\ufffd")
        if whole == self.text:
            return
        self.text = whole
        end = self.base + len(whole)
        self.tokens = [token if token.end <= end else
                       replace(token, start=min(token.start, end), text=token.text[: max(0, end - token.start)])
                       for token in self.tokens]


@dataclass
class ContinuationSession:
    """Alternatives proposed at one place in the draft."""

    position: int
    before: str = ""  # the draft's end before ``position`` (see JUNCTION_CONTEXT_CHARS)
    alternatives: list[Proposal] = field(default_factory=list)
    shown: int = 0
    generation: Generation | None = None  # the alternative being written, if any
    preparing: bool = False  # its prompt is being laid out on the engine thread
    stopped: bool = False  # Stop came while it was preparing: nothing is to be sent

    @property
    def writing(self) -> bool:
        return self.generation is not None or self.preparing

    @property
    def proposal(self) -> Proposal:
        return self.alternatives[self.shown]


@dataclass
class Accepted:
    """Model text that went into the draft: characters ``first`` to ``last`` of the tokens'
    text, found at ``start`` in the draft."""

    request: GenerationRequest
    tokens: list[TokenChoice]
    start: QTextCursor
    first: int
    last: int

    @property
    def text(self) -> str:
        # Not kept: text accepted while the model still writes gets its tokens a moment later.
        return joined_text(self.tokens)[self.first : self.last]

    @property
    def end(self) -> int:
        return self.start.position() + self.last - self.first

    def held(self) -> bool:
        """Whether the draft still holds exactly this text where it was put."""
        cursor = QTextCursor(self.start)
        cursor.setPosition(self.end, QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectionEnd() == self.end and cursor.selectedText().replace("\u2029", "\n") == self.text

    def index_at(self, position: int) -> int | None:
        """The token whose text holds the draft's character at ``position``."""
        offset = position - self.start.position()
        if not 0 <= offset < self.last - self.first:
            return None
        index = token_at(self.tokens, self.first + offset)
        return index if index is not None and self.tokens[index].start >= self.first else None


def tint(token: TokenChoice) -> QColor | None:
    """The background of a token the model found unlikely, or None."""
    if not token.text or token.p >= TINT_BELOW or (token.p <= 0 and not token.alternatives):
        return None
    strength = 1 - token.p / TINT_BELOW
    return QColor(255, 128, 0, int(36 + 124 * strength))


class DeskAlternatives(QObject):
    """The desk's part in token alternatives: the popup, Ctrl+Shift+A, Alt+click, the tint
    toggle (``tint_action``, ``tint_button``) and the accepted continuation's tokens."""

    def __init__(self, desk: WritingDesk) -> None:
        super().__init__(desk)
        self.desk, self.editor = desk, desk.editor
        self.popup = AlternativesPopup(desk)
        self.tint_action = QAction(self.tr("Tint the model's words by probability"), desk)
        self.tint_action.setObjectName("tintProbabilitiesAction")
        self.tint_action.setCheckable(True)
        self.tint_button = make_button(self.tr("Tint"), "tintProbabilitiesButton",
                                       self.tr("Tint the model's words by how likely they were: the unlikely ones stand out"))
        self.tint_button.setAccessibleName(self.tr("Tint the model's words by probability"))
        self.tint_button.setCheckable(True)
        shortcut = QShortcut(QKeySequence("Ctrl+Shift+A"), self.editor)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.ask_at_cursor)
        self.editor.alternatives_requested.connect(self.ask_at_point)
        self.popup.chosen.connect(self._pick)
        self.tint_action.toggled.connect(self._tint_toggled)
        self.tint_button.toggled.connect(self.tint_action.setChecked)
        # Typing moves the tint along with the text; a change inside the accepted text ends it.
        self._marks_timer = QTimer(self)
        self._marks_timer.setSingleShot(True)
        self._marks_timer.setInterval(0)
        self._marks_timer.timeout.connect(self.refresh_marks)
        self.editor.document().contentsChanged.connect(self._text_changed)
        self._accepted: list[Accepted] = []  # newest first
        self._elsewhere: dict[int, list[tuple]] = {}  # other drafts' accepted continuations
        self._note: object = ""  # why the last continuation accepted had no alternatives
        self._asked: tuple[str, Proposal | Accepted, int] | None = None

    @property
    def tinting(self) -> bool:
        return self.tint_action.isChecked()

    # -- what the draft holds ------------------------------------------------------------

    def accepted(self, session: ContinuationSession, text: str) -> int:
        """``text`` of the shown proposal went into the draft: it is remembered with its
        tokens. Returns how many characters of the proposal's own text it took."""
        proposal = session.proposal
        lead = proposal.lead(session.before)
        taken = max(0, len(text) - len(lead))
        start = session.position + min(len(text), len(lead))
        if not proposal.tokens or proposal.request is None:
            self._accepted, self._note = [], proposal.note
        else:
            newest = self._accepted[0] if self._accepted else None
            if newest is not None and newest.last == proposal.base and newest.end == start and newest.held():
                # The next words of the same continuation (or of a branch from it).
                record = Accepted(proposal.request, proposal.tokens, newest.start, newest.first, proposal.base + taken)
            else:
                cursor = QTextCursor(self.editor.document())
                cursor.setPosition(start)
                record = Accepted(proposal.request, proposal.tokens, cursor, proposal.base, proposal.base + taken)
            self._accepted, self._note = [record], ""
        self.refresh_marks()
        return taken

    def leave_document(self, document_id: int | None) -> None:
        """Another draft replaces this one in the editor: its accepted text is kept aside."""
        if document_id is not None and self._accepted:
            self._elsewhere[document_id] = [(r.request, r.tokens, r.start.position(), r.first, r.last) for r in self._accepted]
        self._accepted, self._note = [], ""

    def enter_document(self, document_id: int) -> None:
        records = []
        for request, tokens, position, first, last in self._elsewhere.pop(document_id, ()):
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(min(position, self.editor.document().characterCount() - 1))
            records.append(Accepted(request, tokens, cursor, first, last))
        self._accepted = records
        self.refresh_marks()

    def forget(self) -> None:
        """Another model was loaded: the tokens' ids are the old model's."""
        self._accepted, self._elsewhere, self._note = [], {}, ""
        session = self.desk.session
        for proposal in session.alternatives if session is not None else ():
            proposal.tokens, proposal.request = [], None
        self.refresh_marks()

    # -- asking --------------------------------------------------------------------------

    def ask_at_cursor(self) -> None:
        """Ctrl+Shift+A: the word at the cursor, or the proposal's first when it starts there."""
        position = self.editor.textCursor().position()
        session = self.desk.session
        if self.editor.has_ghost and position == self.editor.ghost_position and session is not None and session.alternatives:
            self._ask_ghost(len(session.proposal.lead(session.before)))
            return
        held = [record for record in self._accepted if record.held()]
        for at in (position, position - 1):  # the character after the cursor, else the one before
            for record in held:
                index = record.index_at(at)
                if index is not None:
                    self._show("text", record, index, self.editor.position_point(at))
                    return
        self._nothing(self._note)

    def ask_at_point(self, point: QPoint) -> None:
        """Alt+click: the word under ``point`` (viewport coordinates)."""
        position, ghost_offset = self.editor.spot_at(point)
        if ghost_offset >= 0:
            self._ask_ghost(ghost_offset)
            return
        for record in self._accepted:
            index = record.index_at(position) if record.held() else None
            if index is not None:
                self._show("text", record, index, self.editor.position_point(position))
                return
        self._nothing(self._note)

    def _ask_ghost(self, offset: int) -> None:
        session = self.desk.session
        if session is None or not session.alternatives:
            self._nothing()
            return
        proposal = session.proposal
        lead = len(proposal.lead(session.before))
        index = token_at(proposal.tokens, proposal.base + max(0, offset - lead))
        if index is None:
            self._nothing(proposal.note)
            return
        where = self.editor.ghost_point(max(lead, lead + proposal.tokens[index].start - proposal.base))
        if proposal.tokens[index].start >= proposal.base:
            self._show("ghost", proposal, index, where)
            return
        # The token began in the words already accepted (a CJK token of two characters, say).
        newest = self._accepted[0] if self._accepted else None
        if newest is None or newest.last != proposal.base or not newest.held() or newest.first > proposal.tokens[index].start:
            self._nothing()
            return
        self._show("text", replace(newest, request=proposal.request, tokens=proposal.tokens), index, where)

    def _show(self, kind: str, target: Proposal | Accepted, index: int, where: QPoint) -> None:
        token = target.tokens[index]
        if not token.alternatives:
            self._nothing(getattr(target, "note", "") or self._note)
            return
        session = self.desk.session
        if session is not None and session.writing:
            self.desk.message.emit(self.tr("The model is still writing; press Esc to stop it."))
            return
        self._asked = (kind, target, index)
        self.popup.show_for(self.readable(token), self.editor.viewport().mapToGlobal(where))

    def _nothing(self, note: object = "") -> None:
        self.desk.message.emit(translated(note) if note else self.tr(
            "Alternatives are kept for the text the model wrote in this session: its proposals and "
            "the continuation last accepted."))

    def readable(self, token: TokenChoice) -> TokenChoice:
        """The token as the popup shows it: a candidate that is only the first bytes of a
        character (a CJK character often takes two tokens) says so instead of showing U+FFFD."""
        part = self.tr("(part of a character)")
        candidates = tuple(
            candidate._replace(text=part)
            if candidate.text and not candidate.text.strip("\ufffd")
            and (candidate.token_id, candidate.text) != (token.token_id, token.text)
            else candidate
            for candidate in token.alternatives)
        return replace(token, alternatives=candidates)

    # -- taking another road -------------------------------------------------------------

    def _pick(self, token_id: int) -> None:
        asked, self._asked = self._asked, None
        if asked is None or self.desk.busy():
            return
        kind, target, index = asked
        try:
            request = branch_request(target.request, target.tokens, index, token_id)
        except ValueError:
            self.desk.message.emit(self.tr("This engine shows alternatives but cannot carry the text on from one."))
            return
        if kind == "ghost":
            self._branch_proposal(target, index, request)
        elif target.held():
            self._branch_accepted(target, index, request)
        else:
            self._nothing()
        self.editor.setFocus()

    def _branch_proposal(self, proposal: Proposal, index: int, request: GenerationRequest) -> None:
        """A new proposal beside the others (Alt+←/→): the same up to the token, then the
        model's words from the one picked."""
        session = self.desk.session
        if session is None or not any(shown is proposal for shown in session.alternatives):
            self._nothing()
            return
        cut = proposal.tokens[index].start
        branch = Proposal(joined_text(proposal.tokens)[proposal.base : cut], request, proposal.tokens[:index],
                          proposal.base, cut)
        session.alternatives.append(branch)
        session.shown = len(session.alternatives) - 1
        self.desk.write(session, request)

    def _branch_accepted(self, record: Accepted, index: int, request: GenerationRequest) -> None:
        """The accepted text from the token on goes (one undo step), and the model's words
        from the one picked come as ghost text there."""
        cut = record.tokens[index].start
        begin = record.start.position() + cut - record.first
        self.desk.save()
        self.desk.snapshot("before branching at a word")
        self.editor.discard_ghost()
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(begin)
        cursor.setPosition(record.end, QTextCursor.MoveMode.KeepAnchor)
        cursor.beginEditBlock()
        cursor.removeSelectedText()
        cursor.endEditBlock()
        self.editor.setTextCursor(cursor)
        kept = Accepted(request, record.tokens[:index], record.start, record.first, cut)
        self._accepted = [kept, record][:KEPT_ACCEPTED]
        before = self.editor.toPlainText()[max(0, begin - JUNCTION_CONTEXT_CHARS) : begin]
        session = ContinuationSession(begin, before, [Proposal("", request, record.tokens[:index], cut, cut)])
        self.desk.session = session
        self.desk.write(session, request)

    # -- tint ----------------------------------------------------------------------------

    def ghost_tints(self, session: ContinuationSession, shown: str) -> list[tuple[int, int, QColor]]:
        """The shaded parts of the shown proposal (``shown``: its text as the ghost shows it)."""
        if not self.tinting:
            return []
        proposal = session.proposal
        lead = len(shown) - len(proposal.text)
        tints = []
        for token in proposal.tokens:
            color = tint(token)
            if color is not None and token.end > proposal.base:
                start = lead + max(token.start, proposal.base) - proposal.base
                end = min(len(shown), lead + token.end - proposal.base)
                if end > start:
                    tints.append((start, end - start, color))
        return tints

    def refresh_marks(self) -> None:
        """Tints the accepted continuation's unlikely words, while the draft holds it."""
        selections = []
        held = [record for record in self._accepted if record.held()] if self.tinting else []
        if held:
            record = max(held, key=lambda r: r.last - r.first)
            origin = record.start.position() - record.first
            for token in record.tokens:
                color = tint(token)
                if color is None or token.start < record.first or token.end > record.last:
                    continue
                selection = QTextEdit.ExtraSelection()
                selection.cursor = QTextCursor(self.editor.document())
                selection.cursor.setPosition(origin + token.start)
                selection.cursor.setPosition(origin + token.end, QTextCursor.MoveMode.KeepAnchor)
                selection.format = QTextCharFormat()
                selection.format.setBackground(color)
                selections.append(selection)
        self.editor.set_marks("tint", selections)

    def _text_changed(self) -> None:
        if self._accepted and self.tinting:
            self._marks_timer.start()

    def _tint_toggled(self, on: bool) -> None:
        self.tint_button.setChecked(on)
        session = self.desk.session
        if session is not None and session.alternatives and self.editor.has_ghost:
            self.desk.show_proposal()
        self.refresh_marks()
