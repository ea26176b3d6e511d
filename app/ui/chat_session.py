"""The chat flow, without widgets: sending, regenerating, continuing, editing, deleting and
flipping between alternatives, and the streaming reply with its saving. The main window
connects its widgets to a ChatSession; tests drive one with no window at all."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.alternatives import DEFAULT_ALTERNATIVES, TokenChoice, branch_request, token_at
from app.core.generation import MESSAGE_STATUS, ChatMessage, GenerationRequest, GenerationStats
from app.core.samplers import SamplerPreset
from app.core.store import Conversation, Message, Store, StoreError
from app.engine.generation import Generation
from app.engine.host import EngineHost
from app.ui.i18n import translated
from app.ui.store_calls import guarded

SAVE_INTERVAL_S = 2.0  # a streaming reply is written to the database at least this often
REMEMBERED_REPLIES = 32  # replies whose tokens' alternatives are kept (in memory, this session)
LAST_CONVERSATION_KEY = "last_conversation_id"


@dataclass
class StreamingReply:
    """The reply being generated: its request, where it is saved and what has arrived so far."""

    generation: Generation
    conversation_id: int
    message_id: int
    request: GenerationRequest
    prefix: str = ""  # the text before what this request writes (a "Continue", or a branch)
    chunks: list[str] = field(default_factory=list)
    last_save: float = field(default_factory=time.monotonic)
    offset: int = 0  # where the tokens' positions count from in the message's text
    tokens: list[TokenChoice] = field(default_factory=list)  # the reply's tokens up to now
    token_shift: int = 0  # a branch's tokens count from the branch point: moved by this

    @property
    def text(self) -> str:
        return self.prefix + "".join(self.chunks)


@dataclass(frozen=True)
class ReplyTokens:
    """A finished reply's tokens with their alternatives, and the request that wrote them."""

    request: GenerationRequest
    offset: int
    tokens: list[TokenChoice]


class ChatSession(QObject):
    """Owns the open conversation's flow and the reply being written.

    ``chat_settings`` returns the chat's sampler preset and the reply length that overrides
    the preset's (or None). What to show is said through the signals."""

    reply_text = Signal(str)  # streamed text of the open conversation's reply
    opened = Signal(object)  # the Conversation now open, or None for a new, empty one
    conversation_changed = Signal(int)  # the open conversation's messages changed: redraw
    notice = Signal(object)  # a lasting notice in the conversation (str or Translatable)
    problem = Signal(str)  # a failure worth a notice and a status message
    status = Signal(str, int)  # a passing status message and how long to show it (ms)
    generating_changed = Signal(bool)
    loading_changed = Signal(bool)  # a model load is under way: sending waits
    editing_changed = Signal(object)  # the Message being edited, or None
    reply_finished = Signal(object)  # GenerationStats of a reply that ended normally
    undo_offered = Signal(str, object)  # what was done, and the callable that undoes it

    def __init__(self, store: Store, host: EngineHost,
                 chat_settings: Callable[[], tuple[SamplerPreset, int | None]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.host = host
        self.chat_settings = chat_settings
        self.conversation_id: int | None = None
        self.streaming: StreamingReply | None = None
        self.editing: Message | None = None
        self.loads_pending = 0  # loads asked for and not yet ended: Send waits for them
        self._reply_tokens: dict[int, ReplyTokens] = {}  # by message id, the newest last
        self._reply_saver = QTimer(self)
        self._reply_saver.setSingleShot(True)
        self._reply_saver.timeout.connect(self._save_streaming_reply)
        # Every load the host starts ends with one loaded or one load_failed.
        host.loading.connect(lambda _path: self._count_load(1))
        host.loaded.connect(lambda _info: self._count_load(-1))
        host.load_failed.connect(lambda _message: self._count_load(-1))

    # -- helpers -------------------------------------------------------------------------

    def _write(self, change, quiet: bool = False):
        """Runs a store change; a failure (a full disk, say) is reported and the app goes on."""
        return guarded(change, (lambda message: self.status.emit(message, 8000)) if quiet else self.problem.emit,
                       write=True)

    def busy(self) -> bool:
        """True, and says so, while a reply is being written."""
        if self.streaming is not None:
            self.status.emit(self.tr("Wait for the reply to finish, or press Esc to stop it."), 4000)
            return True
        return False

    def last_message(self, role: str) -> Message | None:
        if self.conversation_id is None:
            return None
        path = self.store.path(self.conversation_id)
        return path[-1] if path and path[-1].role == role else None

    def _changed(self) -> None:
        if self.conversation_id is not None:
            self.conversation_changed.emit(self.conversation_id)
        else:
            self.conversation_changed.emit(-1)

    def _count_load(self, step: int) -> None:
        """Send waits while a model loads (it would only say that none is loaded)."""
        self.loads_pending = max(0, self.loads_pending + step)
        self.loading_changed.emit(bool(self.loads_pending))

    # -- conversations -------------------------------------------------------------------

    def open(self, conversation_id: int | None) -> None:
        """Makes a conversation the open one; None starts a new, empty one (stored with its
        first message)."""
        if conversation_id is not None and conversation_id == self.conversation_id:
            return
        self.cancel_edit()
        conversation: Conversation | None = None
        if conversation_id is not None:
            try:
                conversation = self.store.get_conversation(conversation_id)
            except StoreError as error:
                self.problem.emit(translated(error))
                return
            self._write(lambda: self.store.set_meta(LAST_CONVERSATION_KEY, str(conversation_id)), quiet=True)
        self.conversation_id = conversation_id
        self.opened.emit(conversation)

    def open_last(self) -> None:
        """Opens the conversation that was open when Inkwell closed, while it exists."""
        last = self.store.get_meta(LAST_CONVERSATION_KEY)
        if last and last.isdigit() and any(c.id == int(last) for c in self.store.list_conversations()):
            self.open(int(last))

    def rename(self, conversation_id: int, title: str) -> None:
        self._write(lambda: self.store.rename_conversation(conversation_id, title))

    def set_system_prompt(self, text: str, persona: str) -> None:
        if self.conversation_id is not None:
            conversation_id = self.conversation_id
            self._write(lambda: self.store.set_system_prompt(conversation_id, text, persona), quiet=True)

    def delete_conversation(self, conversation_id: int) -> None:
        """Moves a conversation to the trash, with an offer to undo it."""
        if self.streaming and self.streaming.conversation_id == conversation_id:
            self.stop()
        title = (self.store.get_conversation(conversation_id).title
                 or self.tr("Untitled conversation"))
        if not self._write(lambda: self.store.delete_conversation(conversation_id)):
            return
        if conversation_id == self.conversation_id:
            self.open(None)

        def undo() -> None:
            if self._write(lambda: self.store.restore_conversation(conversation_id)):
                self.open(conversation_id)

        self.undo_offered.emit(self.tr("Deleted “{title}”.").format(title=title), undo)

    # -- sending and replies -------------------------------------------------------------

    def send(self, text: str, system_prompt: str = "", persona: str = "") -> bool:
        """Saves the user's message and starts the reply; True when the message was saved
        (the message box may then be cleared). A new conversation gets ``system_prompt``."""
        text = text.strip()
        if not text:
            return False
        if self.streaming is not None:
            self.status.emit(self.tr("A reply is still being written; press Esc to stop it."), 4000)
            return False
        if self.loads_pending:
            self.status.emit(self.tr("The model is still loading; send when it is ready."), 4000)
            return False
        if self.host.model_info is None:
            self.status.emit(self.tr("No model is loaded yet. Use File → Open model…"), 5000)
            return False
        if self.conversation_id is None:
            conversation = self._write(lambda: self.store.create_conversation(system_prompt=system_prompt, persona=persona))
            if conversation is None:
                return False
            self.conversation_id = conversation.id
            self._write(lambda: self.store.set_meta(LAST_CONVERSATION_KEY, str(conversation.id)), quiet=True)
        if self.editing is not None:
            parent_id = self.editing.parent_id
        else:
            path = self.store.path(self.conversation_id)
            parent_id = path[-1].id if path else None
        # The message is on disk before the model sees it.
        user_message = self._write(lambda: self.store.add_message(self.conversation_id, "user", text, parent_id))
        if user_message is None:
            return False  # the text stays in the box
        self.cancel_edit()
        self._start_reply(user_message.id)
        return True

    def _start_reply(self, parent_id: int, continue_from: Message | None = None) -> None:
        prepared = self._write(lambda: self._prepare_reply(parent_id, continue_from))
        if prepared is None:
            return  # a full disk, say: said, and no reply starts
        conversation, history, reply = prepared
        preset, max_tokens = self.chat_settings()
        request = GenerationRequest(
            messages=tuple(history),
            max_tokens=max_tokens or preset.max_tokens,
            sampler=preset.to_sampler(),
            stop=preset.stop,
            assistant_prefix=continue_from.content if continue_from else "",
            alternatives=DEFAULT_ALTERNATIVES,
            cache_key=f"conversation:{conversation.id}",
        )
        self._stream(request, conversation.id, reply.id, request.assistant_prefix)

    def _stream(self, request: GenerationRequest, conversation_id: int, message_id: int, prefix: str,
                offset: int | None = None, kept: list[TokenChoice] | None = None) -> None:
        """Starts ``request``; ``kept``: a branch's tokens before the branch point."""
        generation = self.host.generate(request).listen(self._on_chunk, self._on_finished, self._on_failed,
                                                        tokens=self._on_tokens)
        kept = list(kept or ())
        self.streaming = StreamingReply(generation, conversation_id, message_id, request, prefix,
                                        offset=len(prefix) if offset is None else offset, tokens=kept,
                                        token_shift=kept[-1].end if kept else 0)
        self._changed()
        self.generating_changed.emit(True)

    def _prepare_reply(self, parent_id: int, continue_from: Message | None) -> tuple[Conversation, list[ChatMessage], Message]:
        """The conversation's leaf moves to the reply's parent; returns the conversation, the
        history the model sees and the reply's message (new, or the one continued)."""
        conversation = self.store.get_conversation(self.conversation_id)
        self.store.set_current_leaf(conversation.id, parent_id)
        history = [ChatMessage(m.role, m.content) for m in self.store.path(conversation.id) if m.role != "system"]
        if conversation.system_prompt.strip():
            history.insert(0, ChatMessage("system", conversation.system_prompt))
        if continue_from is not None:
            self.store.update_message(continue_from.id, status="streaming")
            self.store.set_current_leaf(conversation.id, continue_from.id)
            return conversation, history, continue_from
        return conversation, history, self.store.add_message(conversation.id, "assistant", "", parent_id, status="streaming")

    def stop(self) -> None:
        if self.streaming is not None:
            self.streaming.generation.cancel()

    def regenerate_last(self) -> None:
        last = self.last_message("assistant")
        if last is not None:
            self.regenerate(last.id)

    def regenerate(self, message_id: int) -> None:
        """A new alternative of a reply; the earlier ones stay reachable with ◀ ▶."""
        if self.busy():
            return
        message = self.store.get_message(message_id)
        if message.parent_id is not None:
            self._start_reply(message.parent_id)

    def continue_last(self) -> None:
        last = self.last_message("assistant")
        if last is not None and last.status in ("length", "cancelled", "interrupted"):
            self.continue_reply(last.id)

    def continue_reply(self, message_id: int) -> None:
        if self.busy():
            return
        message = self.store.get_message(message_id)
        self._start_reply(message.parent_id, continue_from=message)

    def flip_last(self, step: int) -> None:
        last = self.last_message("assistant")
        if last is not None:
            self.flip(last.id, step)

    def flip(self, message_id: int, step: int) -> None:
        if self.busy():
            return
        siblings = self.store.siblings(message_id)
        index = next((i for i, m in enumerate(siblings) if m.id == message_id), 0)
        target = index + step
        if 0 <= target < len(siblings) and self._write(lambda: self.store.select_branch(siblings[target].id)):
            self._changed()

    def alternatives_at(self, message_id: int, position: int) -> tuple[int, TokenChoice] | None:
        """The token of a reply written in this session that holds character ``position`` of
        the message, with its index; None when its alternatives are not known."""
        kept = self._reply_tokens.get(message_id)
        index = None if kept is None else token_at(kept.tokens, position - kept.offset)
        return None if index is None else (index, kept.tokens[index])

    def branch(self, message_id: int, index: int, token_id: int) -> None:
        """A new alternative of a reply, the same up to its token ``index``, carried on from
        ``token_id`` there (the model evaluates only that token); the others stay with ◀ ▶."""
        if self.busy():
            return
        kept = self._reply_tokens.get(message_id)
        if kept is None:
            return
        try:
            request = branch_request(kept.request, kept.tokens, index, token_id)
        except ValueError:
            self.status.emit(self.tr("This engine shows alternatives but cannot carry a reply on from one."), 6000)
            return
        message = self.store.get_message(message_id)
        prefix = message.content[: kept.offset + kept.tokens[index].start]
        reply = self._write(lambda: self.store.add_message(
            message.conversation_id, "assistant", prefix, message.parent_id, status="streaming"))
        if reply is not None:
            self._stream(request, message.conversation_id, reply.id, prefix, kept.offset, kept.tokens[:index])

    def edit_message(self, message_id: int) -> None:
        """Sending next keeps this message's earlier version as another branch."""
        if self.busy():
            return
        self.editing = self.store.get_message(message_id)
        self.editing_changed.emit(self.editing)

    def cancel_edit(self) -> None:
        if self.editing is not None:
            self.editing = None
            self.editing_changed.emit(None)

    def delete_message(self, message_id: int) -> None:
        if self.busy():
            return
        if not self._write(lambda: self.store.delete_message(message_id)):
            return
        self._changed()

        def undo() -> None:
            self._write(lambda: self.store.restore_message(message_id))
            self._changed()

        self.undo_offered.emit(self.tr("Message deleted."), undo)

    # -- engine results ------------------------------------------------------------------

    def _on_chunk(self, text: str) -> None:
        reply = self.streaming
        reply.chunks.append(text)
        if reply.conversation_id == self.conversation_id:
            self.reply_text.emit(text)
        waited = time.monotonic() - reply.last_save
        if waited >= SAVE_INTERVAL_S:
            self._save_streaming_reply()
        elif not self._reply_saver.isActive():
            # A stream that stalls must not leave what already arrived unsaved for longer.
            self._reply_saver.start(int((SAVE_INTERVAL_S - waited) * 1000) + 1)

    def _on_tokens(self, tokens: list[TokenChoice]) -> None:
        reply = self.streaming
        reply.tokens.extend(replace(token, start=token.start + reply.token_shift) for token in tokens)

    def _save_streaming_reply(self) -> None:
        self._reply_saver.stop()
        reply = self.streaming
        if reply is None:
            return
        reply.last_save = time.monotonic()
        self._write(lambda: self.store.update_message(reply.message_id, content=reply.text), quiet=True)

    def _on_finished(self, stats: GenerationStats) -> None:
        reply = self.streaming
        self._write(lambda: self.store.update_message(
            reply.message_id, content=reply.text, status=MESSAGE_STATUS[stats.finish_reason], stats=stats.as_dict()))
        if reply.tokens:
            self._reply_tokens.pop(reply.message_id, None)
            self._reply_tokens[reply.message_id] = ReplyTokens(reply.request, reply.offset, reply.tokens)
            while len(self._reply_tokens) > REMEMBERED_REPLIES:
                del self._reply_tokens[next(iter(self._reply_tokens))]
        self.reply_finished.emit(stats)
        self._end_reply()
        if stats.finish_reason == "interrupted":
            self.notice.emit(self.tr("{reason} What arrived is kept: Continue or Regenerate tries again.").format(
                reason=translated(stats.error)))

    def _on_failed(self, message: object) -> None:
        reply = self.streaming
        self._write(lambda: self.store.update_message(reply.message_id, content=reply.text, status="error"))
        self._end_reply()
        self.notice.emit(message)

    def _end_reply(self) -> None:
        self._reply_saver.stop()
        self.streaming = None
        self.generating_changed.emit(False)
        self._changed()

    def abandon(self) -> None:
        """The window closes: the reply stops where it is, saved as cancelled, and nothing
        more of it arrives."""
        reply = self.streaming
        if reply is not None:
            self._reply_saver.stop()
            reply.generation.abandon()  # its last words come after the window is gone
            self._write(lambda: self.store.update_message(reply.message_id, content=reply.text, status="cancelled"), quiet=True)
