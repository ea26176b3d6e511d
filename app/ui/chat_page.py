"""The Chat tab: the conversation list beside the open conversation, its persona, the
message box, and the context meter and speed shown in the status bar. The flow itself
(sending, replies, saving) is the ChatSession's; this page shows it and passes on clicks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QProgressBar, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from app.core.markup import code_blocks
from app.core.paths import find_starter_model
from app.core.store import Change, Conversation, Message, StoreError
from app.ui.alternatives_popup import AlternativesPopup
from app.ui.chat_input import ChatInput
from app.ui.chat_session import ChatSession, StreamingReply
from app.ui.chat_view import ChatView, message_items
from app.ui.i18n import translated
from app.ui.persona_bar import PersonaBar
from app.ui.services import Services
from app.ui.sidebar import Sidebar
from app.ui.welcome import WelcomePage
from app.ui.widgets import make_button


class ChatPage(QSplitter):
    status = Signal(str, int)  # a passing status message and how long to show it (ms)
    undo_offered = Signal(str, object)  # what was done, and the callable that undoes it

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = services.store
        self.host = services.host
        preferences = services.preferences
        self.session = ChatSession(
            self.store, self.host, lambda: (preferences.preset_for("sampler.chat"), preferences.max_tokens), self)
        self._build(services)
        self._connect()
        # The list follows the store: a conversation added, renamed, deleted or restored
        # anywhere shows without being asked for.
        self._list_rows: list[tuple[int, str, str]] | None = None
        self._unsubscribe = self.store.subscribe(self._on_store_change)
        self.refresh_list()

    def _build(self, services: Services) -> None:
        self.sidebar = Sidebar()
        self.chat_view = ChatView()
        self.chat_input = ChatInput()
        self.send_button = make_button(self.tr("Send"), "sendButton", self.tr("Send the message (Enter)"))
        self.stop_button = make_button(self.tr("Stop"), "stopButton", self.tr("Stop the reply (Esc)"))
        self.stop_button.setEnabled(False)
        self.persona_bar = PersonaBar(services.paths.config_dir)

        self.edit_banner = QLabel(self.tr("Editing a message: sending keeps the earlier version as another branch."))
        self.edit_banner.setObjectName("editBanner")
        self.edit_banner.setWordWrap(True)
        self.cancel_edit_button = make_button(self.tr("Cancel edit"), "cancelEditButton", self.tr("Stop editing (Esc)"))
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.edit_banner, 1)
        banner_row.addWidget(self.cancel_edit_button)
        self.edit_banner.hide()
        self.cancel_edit_button.hide()

        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        input_row = QHBoxLayout()
        input_row.addWidget(self.chat_input, 1)
        input_row.addLayout(buttons)

        self.welcome = WelcomePage(find_starter_model() is not None)
        self.chat_stack = QStackedWidget()
        self.chat_stack.addWidget(self.chat_view)
        self.chat_stack.addWidget(self.welcome)
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.persona_bar)
        layout.addWidget(self.chat_stack, 1)
        layout.addLayout(banner_row)
        layout.addLayout(input_row)

        self.addWidget(self.sidebar)
        self.addWidget(panel)
        self.setStretchFactor(1, 1)
        self.setSizes([260, 840])

        self.context_meter = QProgressBar()
        self.context_meter.setObjectName("contextMeter")
        self.context_meter.setAccessibleName(self.tr("Context used"))
        self.context_meter.setMaximumWidth(180)
        self.context_meter.setFormat(self.tr("context %p%"))
        self.context_meter.setValue(0)
        self.speed_label = QLabel("")
        self.speed_label.setObjectName("speedLabel")
        self.alternatives_popup = AlternativesPopup(self)
        self._token_asked: tuple[int, int] | None = None  # (message id, token index) the popup shows

    def _connect(self) -> None:
        self.chat_input.submitted.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.session.stop)
        self.cancel_edit_button.clicked.connect(self.session.cancel_edit)
        self.chat_view.action_requested.connect(self._on_message_action)
        self.chat_view.alternative_requested.connect(self.session.flip_last)
        self.chat_view.token_alternatives_requested.connect(self.show_token_alternatives)
        self.alternatives_popup.chosen.connect(self._branch_at_token)

        self.sidebar.conversation_selected.connect(self.session.open)
        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.rename_requested.connect(self.session.rename)
        self.sidebar.delete_requested.connect(self.session.delete_conversation)
        self.sidebar.export_requested.connect(self.export_conversation)
        self.sidebar.search_changed.connect(lambda _text: self.refresh_list())

        self.persona_bar.prompt_changed.connect(self.session.set_system_prompt)
        self.persona_bar.problem.connect(self.report)
        self.host.loading.connect(lambda _path: self.chat_stack.setCurrentWidget(self.chat_view))

        session = self.session
        session.opened.connect(self._on_opened)
        session.reply_text.connect(self.chat_view.append_reply)
        session.conversation_changed.connect(lambda _id: self.render_conversation())
        session.notice.connect(lambda message: self.chat_view.add_notice(translated(message)))
        session.problem.connect(self.report)
        session.status.connect(self.status)
        session.generating_changed.connect(self._set_generating)
        session.loading_changed.connect(lambda _loading: self._update_send_button())
        session.editing_changed.connect(self._show_editing)
        session.reply_finished.connect(lambda stats: self.speed_label.setText(
            self.tr("{speed} tok/s").format(speed=f"{stats.tokens_per_second:.1f}")))
        session.undo_offered.connect(self.undo_offered)

    # The session owns the open conversation and the reply being written.

    @property
    def conversation_id(self) -> int | None:
        return self.session.conversation_id

    @property
    def streaming(self) -> StreamingReply | None:
        return self.session.streaming

    # -- the conversation list -----------------------------------------------------------

    def refresh_list(self) -> None:
        query = self.sidebar.search.text().strip()
        if query:
            rows = [(hit.conversation.id, hit.conversation.title, hit.snippet) for hit in self.store.search(query)]
        else:
            rows = [(c.id, c.title, "") for c in self.store.list_conversations()]
        if rows != self._list_rows:  # a reply being saved changes nothing the list shows
            self._list_rows = rows
            self.sidebar.set_conversations(rows, self.conversation_id)

    def _on_store_change(self, change: Change) -> None:
        if change.kind == "conversations":
            self.refresh_list()

    def new_conversation(self) -> None:
        self.session.open(None)

    def open_conversation(self, conversation_id: int) -> None:
        self.session.open(conversation_id)

    def _on_opened(self, conversation: Conversation | None) -> None:
        if conversation is None:
            self.sidebar.list.clearSelection()
            self.sidebar.list.setCurrentItem(None)
            self.persona_bar.show_prompt("", "")
            self.chat_input.setFocus()
        else:
            self.persona_bar.show_prompt(conversation.system_prompt, conversation.persona)
            self.sidebar.select(conversation.id)
        self.render_conversation()

    # -- sending and the reply -----------------------------------------------------------

    def send(self) -> None:
        if self.session.send(self.chat_input.toPlainText(), self.persona_bar.system_prompt(), self.persona_bar.persona()):
            self.chat_input.clear()

    def _show_editing(self, message: Message | None) -> None:
        self.edit_banner.setVisible(message is not None)
        self.cancel_edit_button.setVisible(message is not None)
        if message is None:
            self.chat_input.clear()
            return
        self.chat_input.setPlainText(message.content)
        self.chat_input.setFocus()

    def copy_last_reply(self) -> None:
        last = self.session.last_message("assistant")
        if last is not None:
            QGuiApplication.clipboard().setText(last.content)

    def _on_message_action(self, action: str, message_id: int, extra: int) -> None:
        session = self.session
        if action == "reasoning":
            self.render_conversation()
        elif action == "copy":
            QGuiApplication.clipboard().setText(self.store.get_message(message_id).content)
            self.status.emit(self.tr("Copied."), 2000)
        elif action == "copy-code":
            blocks = code_blocks(self.store.get_message(message_id).content)
            if extra < len(blocks):
                QGuiApplication.clipboard().setText(blocks[extra].text)
                self.status.emit(self.tr("Code copied."), 2000)
        elif action in ("previous", "next"):
            session.flip(message_id, -1 if action == "previous" else 1)
        else:
            handlers = {"regenerate": session.regenerate, "continue": session.continue_reply,
                        "edit": session.edit_message, "delete": session.delete_message}
            if action in handlers:
                handlers[action](message_id)

    def show_token_alternatives(self, message_id: int, position: int, at) -> None:
        """What else the model might have written at a word of a reply (Alt+click, Ctrl+Shift+A)."""
        found = self.session.alternatives_at(message_id, position)
        if found is None or not found[1].alternatives:
            self.status.emit(self.tr("Alternatives are kept for the replies written since Inkwell started, "
                                     "by an engine that gives them."), 6000)
            return
        self._token_asked = (message_id, found[0])
        self.alternatives_popup.show_for(found[1], self.chat_view.viewport().mapToGlobal(at))

    def _branch_at_token(self, token_id: int) -> None:
        """A new alternative reply, the same up to the word, carried on from the token picked."""
        if self._token_asked is not None:
            message_id, index = self._token_asked
            self.session.branch(message_id, index, token_id)

    def _set_generating(self, generating: bool) -> None:
        self.stop_button.setEnabled(generating)
        self._update_send_button()
        if not generating:
            self.chat_input.setFocus()

    def _update_send_button(self) -> None:
        """Send waits while a reply is written or a model loads (it would only say that none is loaded)."""
        self.send_button.setEnabled(self.streaming is None and not self.session.loads_pending)

    # -- showing the conversation --------------------------------------------------------

    def render_conversation(self) -> None:
        if self.conversation_id is None:
            self.chat_view.show_messages([])
            self._update_context_meter([])
            return
        path = self.store.path_with_siblings(self.conversation_id)
        streaming = self.streaming if self.streaming and self.streaming.conversation_id == self.conversation_id else None
        self.chat_view.show_messages(message_items(path, streaming.message_id if streaming else None))
        if streaming is not None:
            self.chat_view.begin_reply(streaming.text)
        self._update_context_meter([item.message for item in path])

    def _update_context_meter(self, path: list[Message]) -> None:
        info = self.host.model_info
        stats = next((m.stats for m in reversed(path) if m.role == "assistant" and m.stats), None)
        if info is None or not stats:
            self.context_meter.setValue(0)
            self.context_meter.setToolTip(self.tr("How much of the model's context the conversation uses"))
            return
        used = int(stats.get("prompt_tokens", 0)) + int(stats.get("generated_tokens", 0))
        self.context_meter.setRange(0, info.n_ctx)
        self.context_meter.setValue(min(used, info.n_ctx))
        tip = self.tr("{used} of {total} tokens of context used").format(used=f"{used:,}", total=f"{info.n_ctx:,}")
        dropped = int(stats.get("dropped_messages", 0))
        if dropped:
            tip += self.tr("; the {dropped} oldest messages no longer fit and were left out").format(dropped=dropped)
        self.context_meter.setToolTip(tip)

    def show_welcome(self, message: str = "") -> None:
        """No model is loaded: offer the ways to get one instead of an empty conversation."""
        if message:
            self.welcome.message.setText(message)
        self.chat_stack.setCurrentWidget(self.welcome)

    def report(self, message: str) -> None:
        """A failure: said in the conversation and in the status bar."""
        self.status.emit(message, 10_000)
        self.chat_view.add_notice(message)

    # -- export and import ---------------------------------------------------------------

    def export_conversation(self, conversation_id: int | None, kind: str) -> None:
        if conversation_id is None:
            self.status.emit(self.tr("Open a conversation to export it."), 4000)
            return
        conversation = self.store.get_conversation(conversation_id)
        suffix, pattern = (".md", self.tr("Markdown (*.md)")) if kind == "markdown" else (".json", self.tr("JSON (*.json)"))
        default = str(Path.home() / f"{_safe_file_name(conversation.title or 'conversation')}{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export conversation"), default, pattern)
        if not path:
            return
        try:
            self.store.export_to_file(conversation_id, Path(path), kind)
        except StoreError as error:
            self.report(translated(error))
            return
        self.status.emit(self.tr("Exported to {path}").format(path=path), 5000)

    def import_conversation(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import a conversation"), str(Path.home()), self.tr("Inkwell conversations (*.json)"))
        if not path:
            return
        try:
            conversation = self.store.import_file(Path(path))
        except StoreError as error:
            self.report(translated(error))
            return
        self.session.open(conversation.id)
        self.status.emit(self.tr("Imported “{title}”.").format(title=conversation.title), 5000)

    def close_page(self) -> None:
        """The window closes: the reply stops where it is, saved, and the list stops listening."""
        self.session.abandon()
        self._unsubscribe()


def _safe_file_name(title: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in title).strip()
    return cleaned[:60] or "conversation"
