"""Conversations and their messages: the list, search, the message tree, export and import.

A reply is saved while it streams (status ``'streaming'``), each update one committed
transaction; opening the store turns every ``'streaming'`` message into ``'interrupted'``.
Deleting a message on the current path moves the current leaf up to its nearest
non-deleted ancestor, so the branch below it leaves the view (still reachable with
:meth:`select_branch`, and back with :meth:`restore_message`). See tree.py for how the
tree is read.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from app.core.store.base import _StoreBase
from app.core.store.events import ChangeAction
from app.core.store.exchange import _SPEAKERS, _parse_export
from app.core.store.records import (
    _CONVERSATION_COLUMNS,
    _CONVERSATIONS,
    _SELECT_MESSAGES,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    ROLES,
    STATUS_NOTES,
    STATUSES,
    Conversation,
    Message,
    PathItem,
    SearchHit,
    StoreError,
    _check_choice,
    _encode_stats,
    _insert,
    _message_from_row,
    title_from_text,
)
from app.core.store.schema import FOLD_FUNCTION
from app.core.store.tree import _PATH_SQL, _set_leaf, _Tree
from app.core.translatable import QT_TRANSLATE_NOOP

_SEARCH_SQL = f"""
SELECT {', '.join(_CONVERSATION_COLUMNS)}, (
    SELECT content FROM messages
    WHERE conversation_id = conversations.id AND deleted_at IS NULL
      AND instr({FOLD_FUNCTION}(content), :needle) > 0
    ORDER BY id LIMIT 1
) FROM conversations
WHERE deleted_at IS NULL
ORDER BY updated_at DESC, id DESC
"""

_SNIPPET_BEFORE = 30  # characters of context before a match
_SNIPPET_LENGTH = 90


def _find_folded(text: str, needle: str) -> tuple[int, int] | None:
    """The span of ``text`` whose casefold contains the casefolded ``needle`` first.
    Folding can change lengths ("ß" → "ss"), so fold character by character and remember
    where each folded character came from."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = char.casefold()
        folded.append(piece)
        origin.extend([index] * len(piece))
    at = "".join(folded).find(needle)
    if at < 0 or not needle:
        return None
    return origin[at], origin[at + len(needle) - 1] + 1


def _excerpt(text: str, needle: str) -> str:
    span = _find_folded(text, needle)
    if span is None:
        return ""
    start, end = span
    begin = max(0, start - _SNIPPET_BEFORE)
    stop = min(len(text), max(end, begin + _SNIPPET_LENGTH))
    if begin > 0:  # start on a whole word
        space = text.find(" ", begin, start)
        begin = space + 1 if space != -1 else begin
    if stop < len(text):  # end on a whole word
        space = text.rfind(" ", end, stop)
        stop = space if space != -1 else stop
    excerpt = " ".join(text[begin:stop].split())
    return ("…" if begin > 0 else "") + excerpt + ("…" if stop < len(text) else "")


class _ConversationStore(_StoreBase):
    """The conversation half of :class:`app.core.store.Store`."""

    # --- row helpers (run inside _reading or _transaction) ---

    @staticmethod
    def _conversation(conn: sqlite3.Connection, conversation_id: int) -> Conversation:
        return _CONVERSATIONS.fetch(conn, conversation_id)

    @staticmethod
    def _message(
        conn: sqlite3.Connection, message_id: int, conversation_id: int | None = None
    ) -> Message:
        """A message (if ``conversation_id`` is given, one of that conversation's)."""
        row = conn.execute(f"{_SELECT_MESSAGES} WHERE id = ?", (message_id,)).fetchone()
        if row is None:
            raise StoreError(f"Message {message_id} does not exist.")
        message = _message_from_row(row)
        if conversation_id is not None and message.conversation_id != conversation_id:
            raise StoreError(f"Message {message_id} belongs to another conversation.")
        return message

    def _visible_message(
        self, conn: sqlite3.Connection, message_id: int, conversation_id: int | None = None
    ) -> Message:
        """Like _message, for a message that must not be deleted."""
        message = self._message(conn, message_id, conversation_id)
        if message.deleted_at is not None:
            raise StoreError(f"Message {message_id} was deleted; restore it first.")
        return message

    def _note_messages(self, action: ChangeAction, conversation_id: int, ids: list[int]) -> None:
        """Messages added or changed, and so their conversation (its leaf or date moved)."""
        self._note("messages", action, ids, owner=conversation_id)
        self._note("conversations", "changed", [conversation_id])

    # --- conversations ---

    def create_conversation(
        self, title: str = "", system_prompt: str = "", persona: str = ""
    ) -> Conversation:
        now = self._clock()
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save the new conversation")) as conn:
            conversation_id = _insert(conn, "conversations", {
                "title": " ".join(title.split()),
                "system_prompt": system_prompt,
                "persona": persona,
                "created_at": now,
                "updated_at": now,
            })
            self._note("conversations", "added", [conversation_id])
            return self._conversation(conn, conversation_id)

    def get_conversation(self, conversation_id: int) -> Conversation:
        """Any conversation, including one in the trash."""
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the conversation")) as conn:
            return self._conversation(conn, conversation_id)

    def list_conversations(self) -> list[Conversation]:
        """Conversations not in the trash, most recently updated first."""
        return self._listed(_CONVERSATIONS, in_trash=False)

    def search(self, query: str) -> list[SearchHit]:
        """Conversations (not in the trash) whose title or any non-deleted message contains
        ``query``, ignoring case (any script), most recently updated first."""
        needle = query.strip().casefold()
        if not needle:
            return [SearchHit(conversation, "") for conversation in self.list_conversations()]
        with self._reading(QT_TRANSLATE_NOOP("Store", "search the conversations")) as conn:
            rows = conn.execute(_SEARCH_SQL, {"needle": needle}).fetchall()
        hits = []
        for *columns, first_match in rows:
            conversation = Conversation(*columns)
            if needle in conversation.title.casefold():
                hits.append(SearchHit(conversation, conversation.title))
            elif first_match is not None:
                hits.append(SearchHit(conversation, _excerpt(first_match, needle)))
        return hits

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        title = " ".join(title.split())
        self._update_row(
            _CONVERSATIONS, QT_TRANSLATE_NOOP("Store", "rename the conversation"), conversation_id, "title = ?", (title,)
        )

    def set_system_prompt(self, conversation_id: int, text: str, persona: str = "") -> None:
        self._update_row(
            _CONVERSATIONS,
            QT_TRANSLATE_NOOP("Store", "save the system prompt"),
            conversation_id,
            "system_prompt = ?, persona = ?",
            (text, persona),
        )

    def delete_conversation(self, conversation_id: int) -> None:
        """Move to the trash (a second delete keeps the first date)."""
        self._move_to_trash(_CONVERSATIONS, conversation_id)

    def restore_conversation(self, conversation_id: int) -> None:
        self._restore_from_trash(_CONVERSATIONS, conversation_id)

    def trash(self) -> list[Conversation]:
        """Conversations in the trash, most recently deleted first."""
        return self._listed(_CONVERSATIONS, in_trash=True)

    # --- messages ---

    def add_message(
        self,
        conversation_id: int,
        role: str,
        content: str,
        parent_id: int | None,
        status: str = "complete",
        stats: dict[str, Any] | None = None,
    ) -> Message:
        """Add a message under ``parent_id`` (None: a first message) and make it the current
        leaf. The first user message of an untitled conversation gives it its title."""
        _check_choice(role, ROLES, "role")
        _check_choice(status, STATUSES, "status")
        stats_json = _encode_stats(stats)
        now = self._clock()
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save the message")) as conn:
            conversation = self._conversation(conn, conversation_id)
            if parent_id is not None:
                self._message(conn, parent_id, conversation_id)
            message_id = _insert(conn, "messages", {
                "conversation_id": conversation_id,
                "parent_id": parent_id,
                "role": role,
                "content": content,
                "status": status,
                "stats": stats_json,
                "created_at": now,
                "updated_at": now,
            })
            _set_leaf(conn, conversation_id, message_id, touched=now)
            if role == "user" and not conversation.title:
                title = title_from_text(content)
                conn.execute(
                    "UPDATE conversations SET title = ? WHERE id = ?", (title, conversation_id)
                )
            self._note_messages("added", conversation_id, [message_id])
            return self._message(conn, message_id)

    def update_message(
        self,
        message_id: int,
        *,
        content: str | None = None,
        status: str | None = None,
        stats: dict[str, Any] | None = None,
    ) -> Message:
        """Change what is given (None: unchanged). A streamed reply is saved this way as it
        grows, each call one committed transaction."""
        changes: dict[str, Any] = {}
        if content is not None:
            changes["content"] = content
        if status is not None:
            _check_choice(status, STATUSES, "status")
            changes["status"] = status
        if stats is not None:
            changes["stats"] = _encode_stats(stats)
        now = self._clock()
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save the message")) as conn:
            message = self._message(conn, message_id)
            if changes:
                changes["updated_at"] = now
                assignments = ", ".join(f"{column} = ?" for column in changes)
                sql = f"UPDATE messages SET {assignments} WHERE id = ?"
                conn.execute(sql, (*changes.values(), message_id))
                conn.execute(
                    "UPDATE conversations SET updated_at = ? WHERE id = ?",
                    (now, message.conversation_id),
                )
                self._note_messages("changed", message.conversation_id, [message_id])
            return self._message(conn, message_id)

    def get_message(self, message_id: int) -> Message:
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the message")) as conn:
            return self._message(conn, message_id)

    def delete_message(self, message_id: int) -> None:
        """Soft-delete one message (its children stay, hanging from its nearest
        non-deleted ancestor). If it was on the current path, the current leaf moves up to
        that ancestor (None if there is none)."""
        now = self._clock()
        with self._transaction(QT_TRANSLATE_NOOP("Store", "delete the message")) as conn:
            message = self._message(conn, message_id)
            if message.deleted_at is not None:
                return
            leaf = self._conversation(conn, message.conversation_id).current_leaf_id
            conn.execute("UPDATE messages SET deleted_at = ? WHERE id = ?", (now, message_id))
            tree = _Tree(conn, message.conversation_id)
            if leaf is not None and message_id in tree.lineage(leaf):
                leaf = tree.effective_parent(message_id)
            _set_leaf(conn, message.conversation_id, leaf, touched=now)
            self._note_messages("changed", message.conversation_id, [message_id])

    def restore_message(self, message_id: int) -> None:
        """Undo delete_message. If the current path ends above the message (as deleting it
        left it), the path extends down through it again to the newest leaf below it."""
        now = self._clock()
        with self._transaction(QT_TRANSLATE_NOOP("Store", "restore the message")) as conn:
            message = self._message(conn, message_id)
            if message.deleted_at is None:
                return
            leaf = self._conversation(conn, message.conversation_id).current_leaf_id
            conn.execute("UPDATE messages SET deleted_at = NULL WHERE id = ?", (message_id,))
            tree = _Tree(conn, message.conversation_id)
            if leaf is None or leaf in tree.lineage(message_id):
                leaf = tree.newest_leaf(message_id)
            _set_leaf(conn, message.conversation_id, leaf, touched=now)
            self._note_messages("changed", message.conversation_id, [message_id])

    def path(self, conversation_id: int) -> list[Message]:
        """The messages shown: root → current leaf, deleted ones skipped."""
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the conversation")) as conn:
            leaf = self._conversation(conn, conversation_id).current_leaf_id
            if leaf is None:
                return []
            rows = conn.execute(_PATH_SQL, (leaf, conversation_id))
            return [_message_from_row(row) for row in rows]

    def siblings(self, message_id: int) -> list[Message]:
        """The alternatives of a message: non-deleted messages with the same effective
        parent and role, by id, itself included (unless it is deleted)."""
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the message")) as conn:
            message = self._message(conn, message_id)
            ids = _Tree(conn, message.conversation_id).alternatives(message_id)
            placeholders = ", ".join("?" * len(ids))
            rows = conn.execute(f"{_SELECT_MESSAGES} WHERE id IN ({placeholders}) ORDER BY id", ids)
            return [_message_from_row(row) for row in rows]

    def path_with_siblings(self, conversation_id: int) -> list[PathItem]:
        """What a conversation view shows: :meth:`path`, each message with its place among
        its alternatives (``PathItem(message, index, count)``, as :meth:`siblings` would
        give them). Three queries, however long the conversation: the conversation, the
        path, and the shape of its tree (ids, parents, roles; no text)."""
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the conversation")) as conn:
            leaf = self._conversation(conn, conversation_id).current_leaf_id
            if leaf is None:
                return []
            path = [_message_from_row(row) for row in conn.execute(_PATH_SQL, (leaf, conversation_id))]
            tree = _Tree(conn, conversation_id)
        items = []
        for message in path:
            family = tree.alternatives(message.id)
            items.append(PathItem(message, family.index(message.id), len(family)))
        return items

    def select_branch(self, message_id: int) -> None:
        """Show the branch through a message: the current leaf becomes the newest leaf
        below it (the child with the greatest id at each step; itself if it has none)."""
        with self._transaction(QT_TRANSLATE_NOOP("Store", "switch branches")) as conn:
            message = self._visible_message(conn, message_id)
            leaf = _Tree(conn, message.conversation_id).newest_leaf(message_id)
            _set_leaf(conn, message.conversation_id, leaf)
            self._note("conversations", "changed", [message.conversation_id])

    def set_current_leaf(self, conversation_id: int, message_id: int | None) -> None:
        with self._transaction(QT_TRANSLATE_NOOP("Store", "switch branches")) as conn:
            self._conversation(conn, conversation_id)
            if message_id is not None:
                self._visible_message(conn, message_id, conversation_id)
            _set_leaf(conn, conversation_id, message_id)
            self._note("conversations", "changed", [conversation_id])

    # --- export / import ---

    def export_json(self, conversation_id: int) -> dict[str, Any]:
        """The whole tree of non-deleted messages, with effective parents, as plain JSON data."""
        with self._reading(QT_TRANSLATE_NOOP("Store", "export the conversation")) as conn:
            conversation = self._conversation(conn, conversation_id)
            tree = _Tree(conn, conversation_id)
            rows = conn.execute(
                f"{_SELECT_MESSAGES} WHERE conversation_id = ? AND deleted_at IS NULL ORDER BY id",
                (conversation_id,),
            )
            messages = [
                {
                    "id": message.id,
                    "parent_id": tree.effective_parent(message.id),
                    "role": message.role,
                    "content": message.content,
                    "status": message.status,
                    "stats": message.stats,
                    "created_at": message.created_at,
                }
                for message in map(_message_from_row, rows)
            ]
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "title": conversation.title,
            "system_prompt": conversation.system_prompt,
            "persona": conversation.persona,
            "created_at": conversation.created_at,
            "updated_at": conversation.updated_at,
            "current_leaf_id": tree.visible(conversation.current_leaf_id),
            "messages": messages,
        }

    def import_json(self, data: dict[str, Any]) -> Conversation:
        """A new conversation from export_json data (new ids, links remapped). It counts as
        just updated, so it shows at the top of the list; its created_at is kept."""
        conversation, messages, leaf = _parse_export(data)
        now = self._clock()
        with self._transaction(QT_TRANSLATE_NOOP("Store", "import the conversation")) as conn:
            conversation_id = _insert(conn, "conversations", {**conversation, "updated_at": now})
            new_ids: dict[int, int] = {}
            for message in messages:
                parent = message["parent_id"]
                new_ids[message["id"]] = _insert(conn, "messages", {
                    "conversation_id": conversation_id,
                    "parent_id": None if parent is None else new_ids[parent],
                    "role": message["role"],
                    "content": message["content"],
                    "status": message["status"],
                    "stats": _encode_stats(message["stats"]),
                    "created_at": message["created_at"],
                    "updated_at": message["created_at"],
                })
            _set_leaf(conn, conversation_id, None if leaf is None else new_ids[leaf])
            self._note("conversations", "added", [conversation_id])
            self._note("messages", "added", new_ids.values(), owner=conversation_id)
            return self._conversation(conn, conversation_id)

    def export_to_file(self, conversation_id: int, path: Path, kind: str) -> None:
        """Writes a conversation to ``path`` as Markdown (``kind`` "markdown") or as JSON that
        :meth:`import_file` reads back. StoreError, with the reason, when it cannot."""
        if kind == "markdown":
            text = self.export_markdown(conversation_id)
        else:
            text = json.dumps(self.export_json(conversation_id), ensure_ascii=False, indent=2)
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as error:
            raise StoreError(QT_TRANSLATE_NOOP("Store", "The conversation could not be exported to {path}: {error}").format(
                path=str(path), error=error.strerror or str(error))) from error

    def import_file(self, path: Path) -> Conversation:
        """A new conversation from a JSON export; StoreError saying why a file is not one."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise StoreError(QT_TRANSLATE_NOOP("Store", "{name} could not be read as a conversation: {error}").format(
                name=Path(path).name, error=str(error))) from error
        return self.import_json(data)

    def export_markdown(self, conversation_id: int) -> str:
        """The current path as Markdown: title, system prompt as a blockquote, then one
        section per message; unfinished replies carry a note in italics."""
        conversation = self.get_conversation(conversation_id)
        parts = [f"# {' '.join(conversation.title.split()) or 'Untitled conversation'}"]
        if conversation.system_prompt.strip():
            lines = conversation.system_prompt.strip().splitlines()
            parts.append("\n".join(f"> {line}".rstrip() for line in lines))
        for message in self.path(conversation_id):
            section = [f"### {_SPEAKERS[message.role]}"]
            if message.content.strip():
                section.append(message.content.strip("\n"))
            if message.status in STATUS_NOTES:
                section.append(f"*{STATUS_NOTES[message.status]}*")
            parts.append("\n\n".join(section))
        return "\n\n".join(parts) + "\n"
