"""The writing desk: drafts saved as you type, continued by the model as ghost text."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.alternatives import DEFAULT_ALTERNATIVES
from app.core.generation import GenerationRequest, GenerationStats, SamplerSettings
from app.core.store import Change, Store, StoreError
from app.core.writing import (
    DEFAULT_MODE,
    LENGTHS,
    MODES,
    ContinuationContext,
    ContinuationInput,
    Mode,
    count_words,
    prepare_continuation,
)
from app.engine.host import EngineHost
from app.ui.context_inspector import ContextFollower, ContextInspector
from app.ui.desk_alternatives import JUNCTION_CONTEXT_CHARS, ContinuationSession, DeskAlternatives, Proposal
from app.ui.desk_notes import DeskNotes
from app.ui.ghost_editor import GhostEditor
from app.ui.i18n import translated
from app.ui.revisions_dialog import RevisionsDialog
from app.ui.widgets import make_button
from app.ui.store_calls import guarded

AUTOSAVE_DELAY_MS = 700  # saved this long after the writer pauses
AUTOSAVE_MAX_WAIT_MS = 1000  # and at least this often while typing goes on: a crash loses at most ~1 s
REVISION_INTERVAL_S = 10 * 60  # while writing, a revision at most this often
# Counting the words of a novel takes tens of milliseconds: a draft longer than this is
# recounted at most this often while the writer types, not at every key.
WORD_COUNT_AT_ONCE_CHARS = 20_000
WORD_COUNT_INTERVAL_MS = 500
PROMPT_STYLE_KEY = "prompt_style"  # in a document's settings: the style the writer chose for it
OPEN_DOCUMENT_KEY = "writing.open_document"  # app state: the draft open when Inkwell closed
UNTITLED = QT_TRANSLATE_NOOP("WritingDesk", "Untitled draft")
_LENGTH_NAMES = {
    "short": QT_TRANSLATE_NOOP("WritingDesk", "Short"),
    "paragraph": QT_TRANSLATE_NOOP("WritingDesk", "Paragraph"),
    "long": QT_TRANSLATE_NOOP("WritingDesk", "Long"),
}


def _untitled() -> str:
    return QCoreApplication.translate("WritingDesk", UNTITLED)


def _length_name(name: str) -> str:
    if name in _LENGTH_NAMES:
        return QCoreApplication.translate("WritingDesk", _LENGTH_NAMES[name])
    return name.capitalize()


class DocumentList(QListWidget):
    delete_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        item = self.currentItem()
        if item is not None and event.key() == Qt.Key.Key_Delete and self.state() != QAbstractItemView.State.EditingState:
            self.delete_requested.emit(item.data(Qt.ItemDataRole.UserRole))
            event.accept()
            return
        super().keyPressEvent(event)


class WritingDesk(QWidget):
    message = Signal(str)  # for the status bar
    undo_offered = Signal(str, object)  # text, callable that undoes

    def __init__(self, store: Store, host: EngineHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("writingDesk")
        self.store = store
        self.host = host
        self.document_id: int | None = None
        self.session: ContinuationSession | None = None
        # The open draft's settings (its prompt style), also before typing creates it.
        self._settings: dict = {}
        # The window passes the preset the settings choose for writing.
        self.sampler_for: Callable[[], SamplerSettings] = SamplerSettings
        # And whether the engine drafts continuations from the draft (app/engine/decode.py).
        self.speculative: Callable[[], bool] = lambda: True
        self._last_revision = time.monotonic()
        self._loading = False
        # The prompt the last continuation was sent (what the inspector showed for it).
        self.last_context: ContinuationContext | None = None
        self._build()
        self._connect()
        # The list follows the store: it changes when a draft is added, renamed, deleted or
        # restored, by whatever part of the app did it (not when one is merely saved).
        unsubscribe = store.subscribe(self._on_store_change)
        self._unsubscribe = unsubscribe
        self.destroyed.connect(lambda *_: unsubscribe())
        self.refresh_documents()
        reopen = self._last_open_document()
        if reopen is not None:
            self.open_document(reopen)
        self._update_buttons()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        self.document_list = DocumentList()
        self.document_list.setObjectName("documentList")
        self.document_list.setAccessibleName(self.tr("Drafts"))
        self.document_list.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.document_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.document_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document_list.setMinimumWidth(150)
        self.new_button = make_button(self.tr("New draft"), "newDocumentButton", self.tr("Start a new draft"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.document_list, 1)

        self.editor = GhostEditor()
        self.continue_button = make_button(self.tr("Continue"), "continueButton", self.tr("Continue the draft at the cursor (Ctrl+Enter)"))
        self.retry_button = make_button(self.tr("Another"), "retryButton", self.tr("Propose another continuation here (Ctrl+R)"))
        self.accept_button = make_button(self.tr("Accept"), "acceptButton", self.tr("Keep the proposed text (Tab)"))
        self.stop_button = make_button(self.tr("Stop"), "writingStopButton", self.tr("Stop writing (Esc)"))
        self.length_chooser = QComboBox()
        self.length_chooser.setObjectName("lengthChooser")
        self.length_chooser.setAccessibleName(self.tr("Continuation length"))
        for name, tokens in LENGTHS.items():
            self.length_chooser.addItem(self.tr("{name} (~{tokens} tokens)").format(name=_length_name(name), tokens=tokens), tokens)
        self.length_chooser.setCurrentIndex(list(LENGTHS).index("paragraph"))
        self.mode_chooser = QComboBox()
        self.mode_chooser.setObjectName("modeChooser")
        self.mode_chooser.setAccessibleName(self.tr("Prompt style"))
        self.mode_chooser.addItem(self.tr("Continue the text as is"), "plain")
        self.mode_chooser.addItem(self.tr("Ask the model to continue the story"), "instruct")
        self.mode_chooser.setCurrentIndex(self.mode_chooser.findData(DEFAULT_MODE))
        self.mode_chooser.setToolTip(self.tr("Base models can only continue the text as is"))
        self.alternative_label = QLabel("")
        self.alternative_label.setObjectName("alternativeLabel")
        self.revisions_button = make_button(self.tr("Revisions…"), "revisionsButton", self.tr("Browse and restore earlier versions"))
        self.rewrite_button = make_button(self.tr("Rewrite…"), "rewriteButton", self.tr("Rewrite the selection in another style (Ctrl+Shift+R)"))

        # Two rows, so that the desk fits a small screen beside the rewrite panel with every
        # chooser's text whole.
        actions = QHBoxLayout()
        for widget in (self.continue_button, self.retry_button, self.accept_button, self.stop_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.rewrite_button)
        actions.addWidget(self.revisions_button)
        choices = QHBoxLayout()
        for combo in (self.length_chooser, self.mode_chooser):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            choices.addWidget(combo)
        choices.addStretch(1)
        self.inspector_action = QAction(self.tr("Context inspector"), self)
        self.inspector_action.setObjectName("contextInspectorAction")
        self.inspector_action.setCheckable(True)
        self.inspector_action.setShortcut(QKeySequence("Ctrl+I"))
        self.inspector_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.inspector_action)
        self.inspector_button = make_button(self.tr("Inspector"), "inspectorButton",
                                            self.tr("Show the exact prompt the next continuation sends (Ctrl+I)"))
        self.inspector_button.setCheckable(True)

        self.word_count = QLabel(self.tr("{words} words").format(words=0))
        self.word_count.setObjectName("wordCount")
        self.context_info = QLabel("")
        self.context_info.setObjectName("contextInfo")
        self.context_info.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.word_count)
        bottom.addWidget(self.context_info, 1)
        bottom.addWidget(self.alternative_label)
        # Token alternatives (Ctrl+Shift+A, Alt+click) and the tint of unlikely words.
        self.alternatives = DeskAlternatives(self)
        self.tint_action = self.alternatives.tint_action
        bottom.addWidget(self.alternatives.tint_button)
        bottom.addWidget(self.inspector_button)

        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        center_layout.addLayout(actions)
        center_layout.addLayout(choices)
        # Under the editor, the context inspector (Ctrl+I): what the next continuation sends.
        self.inspector = ContextInspector()
        self.inspector.hide()
        self.editor_split = QSplitter(Qt.Orientation.Vertical)
        self.editor_split.setObjectName("editorSplitter")
        self.editor_split.setChildrenCollapsible(False)
        self.editor_split.addWidget(self.editor)
        self.editor_split.addWidget(self.inspector)
        self.editor_split.setStretchFactor(0, 3)
        self.editor_split.setStretchFactor(1, 2)
        center_layout.addWidget(self.editor_split, 1)
        center_layout.addLayout(bottom)

        # Memory, author's note and word target, and the story bible, in one narrow column.
        side = DeskNotes(self.store, self._ensure_document)
        self.side_tabs, self.bible = side, side.bible
        self.memory_edit, self.note_edit, self.word_target = side.memory_edit, side.note_edit, side.word_target

        splitter = QSplitter()
        for widget in (left, center, side):
            splitter.addWidget(widget)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 640, 240])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        # Two timers: one restarted by every change (save when the writer pauses), one that
        # only the first unsaved change starts (save anyway, however steady the typing).
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave_deadline = QTimer(self)
        self._autosave_deadline.setSingleShot(True)
        self._autosave_deadline.setInterval(AUTOSAVE_MAX_WAIT_MS)
        self._word_count_timer = QTimer(self)
        self._word_count_timer.setSingleShot(True)
        self._word_count_timer.setInterval(WORD_COUNT_INTERVAL_MS)
        # Store changes come in the middle of a write (even from the list's own rename
        # handler): the list catches up once control is back in the event loop.
        self._list_timer = QTimer(self)
        self._list_timer.setSingleShot(True)
        self._list_timer.setInterval(0)
        self.follower = ContextFollower(self.host, self.inspector, lambda: self._continuation_input(), self)

    def _connect(self) -> None:
        self.new_button.clicked.connect(self.new_document)
        self.document_list.currentItemChanged.connect(self._on_document_chosen)
        self.document_list.itemChanged.connect(self._on_document_renamed)
        self.document_list.delete_requested.connect(self.delete_document)
        self.mode_chooser.activated.connect(self._on_mode_chosen)
        self._list_timer.timeout.connect(self._sync_list)
        self.continue_button.clicked.connect(self.continue_at_cursor)
        self.retry_button.clicked.connect(self.retry)
        self.accept_button.clicked.connect(lambda: self.editor.accept_ghost())
        self.stop_button.clicked.connect(self.stop)
        self.revisions_button.clicked.connect(self.show_revisions)
        self.editor.continue_requested.connect(self.continue_at_cursor)
        self.editor.ghost_accepted.connect(self._on_ghost_accepted)
        self.editor.ghost_discarded.connect(self._on_ghost_discarded)
        self.editor.textChanged.connect(self._on_text_changed)
        self.memory_edit.textChanged.connect(self._schedule_save)
        self.note_edit.textChanged.connect(self._schedule_save)
        self.word_target.valueChanged.connect(self._on_target_changed)
        self._autosave.timeout.connect(self.save)
        self._autosave_deadline.timeout.connect(self.save)
        self._word_count_timer.timeout.connect(self._update_word_count)
        self.host.loaded.connect(self._on_model_loaded)
        self.host.loaded.connect(lambda _info: self.alternatives.forget())
        self.bible.message.connect(self.message)
        self.bible.undo_offered.connect(self.undo_offered)
        self.inspector_action.toggled.connect(self.show_inspector)
        self.inspector_button.toggled.connect(self.inspector_action.setChecked)
        # Whatever the next prompt depends on brings the inspector up to date after a pause.
        for signal in (self.editor.textChanged, self.editor.cursorPositionChanged, self.memory_edit.textChanged,
                       self.note_edit.textChanged, self.bible.edited, self.length_chooser.currentIndexChanged,
                       self.mode_chooser.currentIndexChanged, self.host.loaded):
            signal.connect(self.follower.schedule)

    # -- documents -----------------------------------------------------------------------

    def refresh_documents(self, titles: list[tuple[int, str]] | None = None) -> None:
        """Lists the drafts anew (``titles``: the store's, when just read), the open one
        selected, scrolled where it was."""
        if titles is None:
            titles = self._read(self.store.document_titles)
            if titles is None:
                return
        scroll = self.document_list.verticalScrollBar().value()
        self.document_list.blockSignals(True)
        try:
            self.document_list.clear()
            for document_id, title in titles:
                item = QListWidgetItem(title or _untitled())
                item.setData(Qt.ItemDataRole.UserRole, document_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                self.document_list.addItem(item)
                if document_id == self.document_id:
                    self.document_list.setCurrentItem(item)
        finally:
            self.document_list.blockSignals(False)
        self.document_list.verticalScrollBar().setValue(scroll)

    def _on_store_change(self, change: Change) -> None:
        if change.kind == "documents":
            self._list_timer.start()

    def _sync_list(self) -> None:
        """Brings the list in line with the store: rebuilt when drafts came or went, titles
        changed in place otherwise, and nothing at all when only text was saved, so the
        selection and the scroll position stay."""
        titles = self._read(self.store.document_titles)
        if titles is None:
            return
        items = {}
        for row in range(self.document_list.count()):
            item = self.document_list.item(row)
            items[item.data(Qt.ItemDataRole.UserRole)] = item
        if set(items) != {document_id for document_id, _ in titles}:
            self.refresh_documents(titles)
            return
        self.document_list.blockSignals(True)  # not a rename by the writer
        try:
            for document_id, title in titles:
                item = items[document_id]
                if item.text() != (title or _untitled()):
                    item.setText(title or _untitled())
        finally:
            self.document_list.blockSignals(False)

    def _select_listed(self, document_id: int | None) -> None:
        self.document_list.blockSignals(True)
        try:
            for row in range(self.document_list.count()):
                item = self.document_list.item(row)
                if item.data(Qt.ItemDataRole.UserRole) == document_id:
                    self.document_list.setCurrentItem(item)
                    return
            self.document_list.setCurrentItem(None)
        finally:
            self.document_list.blockSignals(False)

    def _last_open_document(self) -> int | None:
        """The draft that was open when Inkwell closed, else the one written in last."""
        titles = self._read(self.store.document_titles) or []
        listed = [document_id for document_id, _ in titles]
        remembered = self._read(lambda: self.store.get_meta(OPEN_DOCUMENT_KEY))
        if remembered and remembered.isdigit() and int(remembered) in listed:
            return int(remembered)
        return listed[0] if listed else None

    def new_document(self) -> None:
        self.save()  # first, so that the new draft is the newest
        document = self._write(lambda: self.store.create_document())
        if document:
            self.open_document(document.id)
            self.editor.setFocus()

    def open_document(self, document_id: int) -> None:
        if document_id == self.document_id:
            return
        self.save()
        self._end_session()
        try:
            document = self.store.get_document(document_id)
        except StoreError as error:
            self.message.emit(translated(error))
            return
        self.alternatives.leave_document(self.document_id)
        self.document_id = document.id
        self._settings = dict(document.settings)
        self._loading = True
        try:
            self.editor.setPlainText(document.body)
            self.memory_edit.setPlainText(document.memory)
            self.note_edit.setPlainText(document.authors_note)
            self.word_target.setValue(document.word_target or 0)
        finally:
            self._loading = False
        self.alternatives.enter_document(document.id)
        self._show_prompt_style()
        self.bible.set_document(document.id)
        self._select_listed(document.id)
        self._write(lambda: self.store.set_meta(OPEN_DOCUMENT_KEY, str(document.id)))
        cursor = self.editor.textCursor()
        cursor.setPosition(min(document.cursor, len(document.body)))
        self.editor.setTextCursor(cursor)
        self.editor.set_marks("context", [])
        self.context_info.clear()
        self._update_word_count()
        self._update_buttons()

    def save(self) -> None:
        """Writes the open draft, its notes and the cursor position (one transaction)."""
        self._autosave.stop()
        self._autosave_deadline.stop()
        self.bible.flush()
        if self.document_id is None or self._loading:
            return
        document_id = self.document_id
        changes = dict(
            body=self.editor.toPlainText(),
            memory=self.memory_edit.toPlainText(),
            authors_note=self.note_edit.toPlainText(),
            cursor=self.editor.textCursor().position(),
            word_target=self.word_target.value() or None,
        )
        if self._settings:
            changes["settings"] = self._settings
        # What changed is announced to the list by the store (nothing when nothing did).
        document = self._write(lambda: self.store.update_document(document_id, **changes))
        if document:
            if time.monotonic() - self._last_revision >= REVISION_INTERVAL_S:
                self._last_revision = time.monotonic()
                self._write(lambda: self.store.add_revision(document_id, "while writing"))

    def delete_document(self, document_id: int) -> None:
        if document_id == self.document_id:
            self.save()
            self._end_session()
        title = self.store.get_document(document_id).title or _untitled()
        if not self._write(lambda: self.store.delete_document(document_id)):
            return
        if document_id == self.document_id:
            self.document_id = None
            self._settings = {}
            self._loading = True
            self.editor.clear()
            self.memory_edit.clear()
            self.note_edit.clear()
            self._loading = False
            self._show_prompt_style()
            self.bible.set_document(None)
        self._update_buttons()

        def undo() -> None:
            self._write(lambda: self.store.restore_document(document_id))
            self.open_document(document_id)

        self.undo_offered.emit(self.tr("Deleted “{title}”.").format(title=title), undo)

    def start_rename(self) -> None:
        item = self.document_list.currentItem()
        if item is not None:
            self.document_list.editItem(item)

    def _on_document_chosen(self, current: QListWidgetItem | None, _previous) -> None:
        if current is not None:
            self.open_document(current.data(Qt.ItemDataRole.UserRole))

    def _on_document_renamed(self, item: QListWidgetItem) -> None:
        title = item.text().strip()
        if title:
            self._write(lambda: self.store.update_document(item.data(Qt.ItemDataRole.UserRole), title=title))
        # An empty name changes nothing: the item gets its title back.
        self._list_timer.start()

    def _on_text_changed(self) -> None:
        if self._loading:
            return
        # Typing into an empty desk starts a draft, so nothing typed is ever unsaved.
        if self._ensure_document() is None:
            return
        self.editor.set_marks("context", [])  # the "model sees" marker is about the old text
        if self.editor.document().characterCount() <= WORD_COUNT_AT_ONCE_CHARS:
            self._update_word_count()
        elif not self._word_count_timer.isActive():
            self._word_count_timer.start()
        self._schedule_save()

    def _ensure_document(self) -> int | None:
        """The open draft's id; a new draft when none is open (None if the store refused)."""
        if self.document_id is None:
            document = self._write(lambda: self.store.create_document())
            if not document:
                return None
            self.document_id = self.bible.document_id = document.id
            self._write(lambda: self.store.set_meta(OPEN_DOCUMENT_KEY, str(document.id)))
        return self.document_id

    def _on_target_changed(self) -> None:
        self._update_word_count()
        if not self._loading:
            self._schedule_save()

    def _schedule_save(self) -> None:
        """A change to save: when the writer pauses, and no later than AUTOSAVE_MAX_WAIT_MS
        after the first change not yet saved."""
        self._autosave.start()
        if not self._autosave_deadline.isActive():
            self._autosave_deadline.start()

    def _update_word_count(self) -> None:
        words = count_words(self.editor.toPlainText())
        target = self.word_target.value()
        text = (self.tr("{words} words").format(words=f"{words:,}") if not target
                else self.tr("{words} / {target} words").format(words=f"{words:,}", target=f"{target:,}"))
        self.word_count.setText(text)

    # -- continuing ----------------------------------------------------------------------

    def continue_at_cursor(self) -> None:
        if self.busy():
            return
        self.editor.discard_ghost()
        position = self.editor.textCursor().position()
        before = self.editor.toPlainText()[max(0, position - JUNCTION_CONTEXT_CHARS) : position]
        self.session = ContinuationSession(position, before)
        self._request_alternative()

    def retry(self) -> None:
        """Another alternative at the same place; the earlier ones stay to flip through."""
        if self.session is None:
            self.continue_at_cursor()
            return
        if self.busy():
            return
        self._request_alternative()

    def flip(self, step: int) -> None:
        session = self.session
        if session is None or session.writing or not session.alternatives:
            return
        session.shown = max(0, min(len(session.alternatives) - 1, session.shown + step))
        self.show_proposal()
        self._update_buttons()

    def stop(self) -> None:
        session = self.session
        if session is not None and session.generation is not None:
            session.generation.cancel()
        elif session is not None and session.preparing:
            session.stopped = True

    def escape(self) -> None:
        """Esc: stop writing, then drop the proposal."""
        if self.session is not None and self.session.writing:
            self.stop()
        else:
            self.editor.discard_ghost()

    def busy(self) -> bool:
        if self.host.model_info is None:
            self.message.emit(self.tr("No model is loaded yet. Use File → Open model…"))
            return True
        if self.session is not None and self.session.writing:
            self.message.emit(self.tr("The model is still writing; press Esc to stop it."))
            return True
        return False

    def _continuation_input(self, position: int | None = None) -> ContinuationInput:
        """What the next continuation at ``position`` (the cursor's, by default) is made of."""
        if position is None:
            position = self.editor.textCursor().position()
        mode = self.mode_chooser.currentData()
        info = self.host.model_info
        if info is not None and not info.has_chat_template:
            mode = "plain"
        return ContinuationInput(self.editor.toPlainText()[:position], self.memory_edit.toPlainText(),
                                 self.note_edit.toPlainText(), self.bible.lorebook(), mode, self.length_chooser.currentData())

    def _request_alternative(self) -> None:
        session = self.session
        self.save()
        given = self._continuation_input(session.position)
        info = self.host.model_info
        session.alternatives.append(Proposal())
        session.shown = len(session.alternatives) - 1
        session.preparing, session.stopped = True, False
        self.editor.show_ghost(session.position, "")
        self._update_buttons()
        # The prompt is laid out on the engine thread by the function the inspector uses, so
        # the model gets exactly what the inspector shows; then it is sent.
        self.host.run_on_engine(lambda backend: prepare_continuation(given, backend, info)).listen(
            lambda context: self._send(session, context), lambda message: self._prepare_failed(session, message))

    def _send(self, session: ContinuationSession, context: ContinuationContext) -> None:
        if session is not self.session:
            return  # the proposal was dropped meanwhile
        session.preparing = False
        if session.stopped:  # Esc before anything was sent: the proposal being made goes
            session.alternatives.pop()
            session.shown = max(0, len(session.alternatives) - 1)
            if session.alternatives:
                self.show_proposal()
            else:
                self.editor.discard_ghost()
            self._update_buttons()
            return
        self.last_context = context
        # Each token comes with its alternatives; the engine keeps each draft's model state
        # under its own key, so a branch from a token evaluates only the new one.
        request = GenerationRequest(continuation=context.source(), max_tokens=self.length_chooser.currentData(),
                                    sampler=self.sampler_for(), alternatives=DEFAULT_ALTERNATIVES,
                                    speculative=self.speculative(),
                                    cache_key=f"document:{self.document_id}" if self.document_id is not None else "")
        self.write(session, request)

    def write(self, session: ContinuationSession, request: GenerationRequest) -> None:
        """Sends ``request`` for the session's shown proposal (a continuation or a branch)."""
        session.proposal.request = request
        self.show_proposal()
        session.generation = self.host.generate(request).listen(self._on_chunk, self._on_finished, self._on_failed,
                                                                tokens=self._on_tokens)
        self._update_buttons()

    def _prepare_failed(self, session: ContinuationSession, message: object) -> None:
        if session is self.session:
            session.preparing = False
            self._on_failed(message)

    def _on_chunk(self, text: str) -> None:
        session = self.session
        session.proposal.text += text
        if session.shown == len(session.alternatives) - 1:
            self.show_proposal()

    def _on_tokens(self, tokens: list) -> None:
        self.session.proposal.add_tokens(tokens)
        if self.alternatives.tinting:
            self.show_proposal()

    def _on_finished(self, stats: GenerationStats) -> None:
        session = self.session
        session.generation = None
        proposal = session.proposal
        proposal.note = stats.alternatives_note
        proposal.end_whole()
        if not proposal.text.strip():
            session.alternatives.pop()
            session.shown = max(0, len(session.alternatives) - 1)
            self.message.emit(self.tr("The model proposed nothing here; try again or write a little more."))
        if session.alternatives:
            self.show_proposal()
        else:
            self.editor.discard_ghost()
        self._mark_visible_part(session.position, stats.draft_visible_from)
        self._update_buttons()
        if stats.finish_reason == "interrupted":
            self.message.emit(self.tr("{reason} The part that arrived is shown; Retry asks again.").format(
                reason=translated(stats.error)))

    def show_proposal(self) -> None:
        """Shows the current alternative as ghost text, with the space it needs to stand
        apart from the draft's last word, so that accepting it puts exactly that in."""
        session = self.session
        proposal = session.proposal
        shown = proposal.lead(session.before) + proposal.text if proposal.text else ""
        self.editor.show_ghost(session.position, shown, self.alternatives.ghost_tints(session, shown))

    def _on_failed(self, message: object) -> None:
        session = self.session
        session.generation = None
        self.message.emit(translated(message))
        self._update_buttons()

    def snapshot(self, reason: str) -> None:
        """Keeps the stored body as a revision (call before a change made for the writer)."""
        document_id = self.document_id
        if document_id is not None:
            self._write(lambda: self.store.add_revision(document_id, reason))

    def _on_ghost_accepted(self, text: str) -> None:
        # The stored body is still the text from before the acceptance: keep it.
        self.snapshot("before accepting a continuation")
        taken = self.alternatives.accepted(self.session, text) if self.session and self.session.alternatives else 0
        if not self.editor.has_ghost:
            self._end_session()
        else:
            position = self.editor.ghost_position
            self.session.position = position
            self.session.before = self.editor.toPlainText()[max(0, position - JUNCTION_CONTEXT_CHARS) : position]
            self.session.alternatives = [self.session.proposal.rest(taken)]
            self.session.shown = 0
            self.show_proposal()
        self.save()
        self._update_buttons()

    def _on_ghost_discarded(self) -> None:
        self.stop()
        self._end_session()
        self._update_buttons()

    def _end_session(self) -> None:
        if self.session is not None and self.session.generation is not None:
            self.session.generation.abandon()  # what it still writes belongs to no session
        self.session = None
        self.editor.discard_ghost()

    def _mark_visible_part(self, position: int, visible_from: int) -> None:
        """Shades the part of the draft the model no longer sees, and says how much it saw."""
        if visible_from <= 0:
            self.editor.set_marks("context", [])
            self.context_info.setText(self.tr("The model saw the whole draft before the cursor."))
            return
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(0)
        cursor.setPosition(visible_from, QTextCursor.MoveMode.KeepAnchor)
        shade = QTextCharFormat()
        shade.setBackground(QColor(128, 128, 128, 40))
        selection.cursor, selection.format = cursor, shade
        self.editor.set_marks("context", [selection])
        seen = count_words(self.editor.toPlainText()[visible_from:position])
        self.context_info.setText(
            self.tr("The model saw the last {seen} words before the cursor; the shaded start did not fit its context.")
            .format(seen=f"{seen:,}")
        )

    def _on_model_loaded(self, info) -> None:
        self._show_prompt_style()
        self._update_buttons()

    def prompt_style(self) -> Mode:
        """The open draft's prompt style: the writer's choice for it, else the default."""
        chosen = self._settings.get(PROMPT_STYLE_KEY)
        return chosen if chosen in MODES else DEFAULT_MODE

    def _show_prompt_style(self) -> None:
        """The chooser shows the draft's style; a model without a chat template can only
        continue the text as is (the draft keeps its choice for the next model)."""
        info = self.host.model_info
        plain_only = info is not None and not info.has_chat_template
        self.mode_chooser.setCurrentIndex(self.mode_chooser.findData("plain" if plain_only else self.prompt_style()))
        self.mode_chooser.setEnabled(not plain_only)

    def _on_mode_chosen(self, index: int) -> None:
        """The writer picked a style: it is the draft's from now on, kept with it."""
        self._settings = {**self._settings, PROMPT_STYLE_KEY: self.mode_chooser.itemData(index)}
        self.save()

    def _update_buttons(self) -> None:
        session = self.session
        writing = session is not None and session.writing
        self.continue_button.setEnabled(not writing)
        self.retry_button.setEnabled(not writing and session is not None)
        self.accept_button.setEnabled(not writing and self.editor.has_ghost and bool(self.editor.ghost_text))
        self.stop_button.setEnabled(writing)
        if session is not None and len(session.alternatives) > 1:
            self.alternative_label.setText(self.tr("{shown}/{count}  (Alt+←/→)").format(shown=session.shown + 1, count=len(session.alternatives)))
        else:
            self.alternative_label.clear()

    # -- revisions -----------------------------------------------------------------------

    def show_revisions(self) -> None:
        if self.document_id is None:
            return
        self.save()
        dialog = RevisionsDialog(self.store, self.document_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen is not None:
            document = self._write(lambda: self.store.restore_revision(self.document_id, dialog.chosen))
            if document:
                self._loading = True
                self.editor.setPlainText(document.body)
                self._loading = False
                self.bible.reload()
                self._update_word_count()
                self.message.emit(self.tr("The draft was restored; the version before it is kept as a revision."))

    def _write(self, change: Callable):
        return guarded(change, self.message.emit, write=True)

    def _read(self, read: Callable):
        """What ``read`` returns, or None (and a message) when the store fails."""
        return guarded(read, self.message.emit)

    def show_inspector(self, shown: bool) -> None:
        """Ctrl+I: the context inspector under the editor, up to date at once."""
        self.inspector.setVisible(shown)
        self.inspector_button.setChecked(shown)
        self.inspector_action.setChecked(shown)
        if shown:
            self.follower.refresh()

    def close_desk(self) -> None:
        self.save()
        self._end_session()
        self._unsubscribe()
        self.bible.close_panel()
