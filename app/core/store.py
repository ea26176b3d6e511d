"""Conversations and documents on disk: one SQLite file that must never lose a user's work.

Why it is built this way:

- Every change is one transaction (``BEGIN IMMEDIATE … COMMIT``) in WAL mode with
  ``synchronous=FULL``. When a method returns, its change is on disk; when the app is
  killed or the power goes, the file holds exactly the changes that had returned.
- A reply is saved while it streams (status ``'streaming'``). Opening the store turns
  every ``'streaming'`` message into ``'interrupted'``: a reply cut by a crash shows as
  cut, instead of looking finished or being lost.
- Nothing is destroyed without an undo: messages, conversations and documents are
  soft-deleted (``deleted_at``); deleted conversations and documents wait in the trash
  until :meth:`Store.empty_trash`.
- A damaged file is never fatal: it is moved aside (kept, for a later rescue), a fresh
  database is created and every row that can still be read is copied into it.
- The schema grows by forward migrations numbered with ``PRAGMA user_version``; a file
  from a newer Inkwell is refused untouched rather than misread.

Messages form a tree, as in ChatGPT: ``parent_id`` is the previous message on the path.
Alternative replies ("swipes") are siblings under the same parent; editing a user message
and sending it again adds a sibling user message, so the old branch stays reachable. A
conversation shows the path from its root to ``current_leaf_id``.

Deleted messages are skipped, not cut out: a deleted message's children hang from its
nearest non-deleted ancestor (their *effective parent*) for paths, siblings, branch
selection and export. Deleting a message on the current path moves the current leaf up
to that ancestor, so the branch below it leaves the view (still reachable with
:meth:`Store.select_branch`, and back with :meth:`Store.restore_message`).

Documents are a writer's drafts. The editor autosaves with :meth:`Store.update_document`
(about once a second: one small transaction, only what changed). Snapshots of the body
("revisions") are taken only when asked (:meth:`Store.add_revision`), never by autosave, so
the history stays a list of meaningful versions rather than one per keystroke. A document
without a title of its own is titled by its body's first line, and keeps following it until
the user names it; that choice is the ``title_by_user`` column (not in :class:`Document`:
it only decides what autosave does to the title). Naming it "" hands the title back to the body.

One thread (the GUI thread) owns a Store; sqlite3 refuses use from another thread.
Pure standard library on purpose: this is the core layer (no Qt, no llama_cpp).
"""

from __future__ import annotations

import enum
import json
import math
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final, Generic, NamedTuple, TypeGuard, TypeVar

from app.core.translatable import QT_TRANSLATE_NOOP, Translatable, message_of

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "MIGRATIONS",
    "ROLES",
    "STATUSES",
    "Conversation",
    "Document",
    "Message",
    "Revision",
    "SearchHit",
    "Store",
    "StoreError",
    "title_from_text",
]

ROLES = ("user", "assistant", "system")
# 'streaming': being written; 'interrupted': the app died while streaming; 'cancelled': the
# user stopped it; 'length': it hit the length limit; 'error': generation failed.
STATUSES = ("complete", "streaming", "interrupted", "cancelled", "length", "error")
EXPORT_FORMAT = "inkwell-conversation"
EXPORT_VERSION = 1


class StoreError(Exception):
    """Something the store could not do, with a message meant for a person."""


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    system_prompt: str
    persona: str
    created_at: float
    updated_at: float  # last change to its messages; orders the list (a rename does not)
    deleted_at: float | None  # set while it is in the trash
    current_leaf_id: int | None


@dataclass(frozen=True)
class Message:
    id: int
    conversation_id: int
    parent_id: int | None
    role: str
    content: str
    status: str
    # Left out of the hash (a dict is unhashable), so a Message can still key a dict.
    stats: dict[str, Any] | None = field(hash=False)
    created_at: float
    updated_at: float
    deleted_at: float | None


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    body: str
    memory: str  # background the model is always given
    authors_note: str  # a steering note placed near the end of the model's context
    # Left out of the hash (a dict is unhashable), like Message.stats.
    settings: dict[str, Any] = field(hash=False)
    cursor: int  # where the writer's cursor was, to put it back on reopening
    word_target: int | None
    created_at: float
    updated_at: float  # last change to its text; orders the list (a rename does not)
    deleted_at: float | None  # set while it is in the trash


@dataclass(frozen=True)
class Revision:
    id: int
    document_id: int
    body: str
    reason: str  # why it was taken, for the history list ("before restore", …)
    created_at: float


class _Unchanged(enum.Enum):
    """The type of _UNCHANGED, a default that means "leave it", where None means "clear it"."""

    UNCHANGED = enum.auto()


_UNCHANGED = _Unchanged.UNCHANGED


@dataclass(frozen=True)
class SearchHit:
    conversation: Conversation
    snippet: str  # the title when the title matched, else an excerpt around the first match


def title_from_text(text: str, limit: int = 48) -> str:
    """A conversation title from a message: its first non-empty line, whitespace collapsed,
    at most ``limit`` characters. A longer line is cut at a word boundary and ends with
    "…"; text without spaces (Chinese, Japanese) is cut at ``limit - 1`` characters."""
    for line in text.splitlines():
        words = line.split()  # also splits on the ideographic space U+3000
        if words:
            break
    else:
        return ""
    line = " ".join(words)
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]  # room for the ellipsis
    if line[limit - 1] != " ":  # the cut falls inside a word: drop that word
        space = cut.rfind(" ")
        if space >= limit // 2:  # unless that would throw away most of the line
            cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


# --- schema -----------------------------------------------------------------------------


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    # One statement at a time: executescript() would commit the migration's transaction.
    for statement in (
        """CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            system_prompt TEXT NOT NULL DEFAULT '',
            persona TEXT NOT NULL DEFAULT '',
            created_at REAL,
            updated_at REAL,
            deleted_at REAL,
            current_leaf_id INTEGER
        )""",
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            parent_id INTEGER REFERENCES messages(id),
            role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
            content TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'complete',
            stats TEXT,  -- JSON object
            created_at REAL,
            updated_at REAL,
            deleted_at REAL
        )""",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
        "CREATE INDEX messages_by_conversation ON messages(conversation_id)",
        "CREATE INDEX messages_by_parent ON messages(parent_id)",
    ):
        conn.execute(statement)


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    for statement in (
        """CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            memory TEXT NOT NULL DEFAULT '',
            authors_note TEXT NOT NULL DEFAULT '',
            settings TEXT,  -- JSON object
            cursor INTEGER NOT NULL DEFAULT 0,
            word_target INTEGER,
            created_at REAL,
            updated_at REAL,
            deleted_at REAL,
            -- 1: the user named it; 0: the title follows the body's first line.
            title_by_user INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            body TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            created_at REAL
        )""",
        "CREATE INDEX revisions_by_document ON revisions(document_id)",
    ):
        conn.execute(statement)


# MIGRATIONS[i] upgrades a database from version i to i + 1, inside the transaction that
# also sets PRAGMA user_version, so an upgrade is all or nothing. Append; never edit.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_0_to_1, _migrate_1_to_2]


def _columns(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


# The dataclasses mirror the tables column for column: one place names the columns. The
# one exception is documents.title_by_user, which only the store itself reads.
_CONVERSATION_COLUMNS = _columns(Conversation)
_MESSAGE_COLUMNS = _columns(Message)
_DOCUMENT_COLUMNS = _columns(Document)
_DOCUMENT_ROW_COLUMNS = (*_DOCUMENT_COLUMNS, "title_by_user")
_REVISION_COLUMNS = _columns(Revision)
_META_COLUMNS = ("key", "value")
_SELECT_MESSAGES = f"SELECT {', '.join(_MESSAGE_COLUMNS)} FROM messages"
_SELECT_REVISIONS = f"SELECT {', '.join(_REVISION_COLUMNS)} FROM revisions"
# The document columns that are its text: changing one moves it to the top of the list.
_DOCUMENT_TEXT_COLUMNS = ("body", "memory", "authors_note")

# Bounds a walk up parent links, so a loop (impossible through this API) cannot hang us.
_MAX_DEPTH = 1_000_000

# Root → leaf. Walks the raw parent links up from the leaf, then drops deleted messages:
# the same as following effective parents.
_PATH_SQL = f"""
WITH RECURSIVE chain(id, depth) AS (
    SELECT ?, 0
    UNION ALL
    SELECT messages.parent_id, chain.depth + 1 FROM messages JOIN chain ON messages.id = chain.id
    WHERE messages.parent_id IS NOT NULL AND chain.depth < {_MAX_DEPTH}
)
{_SELECT_MESSAGES} JOIN chain USING (id)
WHERE conversation_id = ? AND deleted_at IS NULL
ORDER BY chain.depth DESC
"""

# SQLite's LIKE and lower() fold ASCII only; search folds with Python's str.casefold.
_FOLD_FUNCTION = "inkwell_fold"

_SEARCH_SQL = f"""
SELECT {', '.join(_CONVERSATION_COLUMNS)}, (
    SELECT content FROM messages
    WHERE conversation_id = conversations.id AND deleted_at IS NULL
      AND instr({_FOLD_FUNCTION}(content), :needle) > 0
    ORDER BY id LIMIT 1
) FROM conversations
WHERE deleted_at IS NULL
ORDER BY updated_at DESC, id DESC
"""

_SNIPPET_BEFORE = 30  # characters of context before a match
_SNIPPET_LENGTH = 90


def _fold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


# --- sqlite errors -> messages for a person -----------------------------------------------

# Primary result codes (https://sqlite.org/rescode.html).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26

# Python 3.10 has no sqlite_errorcode: recognise the messages SQLite gives for those codes.
_CODES_BY_MESSAGE = (
    ("disk is full", _SQLITE_FULL),
    ("readonly", _SQLITE_READONLY),
    ("not a database", _SQLITE_NOTADB),
    ("malformed", _SQLITE_CORRUPT),
    ("is locked", _SQLITE_BUSY),
    ("unable to open", _SQLITE_CANTOPEN),
    ("disk i/o error", _SQLITE_IOERR),
)


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF  # extended codes carry the primary code in the low byte
    text = str(error).lower()
    return next((code for needle, code in _CODES_BY_MESSAGE if needle in text), None)


def _is_damage(error: sqlite3.Error) -> bool:
    return _primary_code(error) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def _store_error(error: sqlite3.Error, action: str, path: Path) -> StoreError:
    code = _primary_code(error)
    if code == _SQLITE_FULL:
        text = QT_TRANSLATE_NOOP(
            "Store", "The disk is full, so Inkwell could not {action}; nothing was saved for that "
            "change. Free some disk space and try again.")
    elif code in (_SQLITE_READONLY, _SQLITE_PERM):
        text = QT_TRANSLATE_NOOP(
            "Store", "Inkwell could not {action}: its database {path} is read-only. Check that you "
            "may write to that file and its folder.")
    elif code == _SQLITE_CANTOPEN:
        text = QT_TRANSLATE_NOOP(
            "Store", "Inkwell could not {action}: it cannot open its database {path}. Check that "
            "the folder exists and that you may write to it.")
    elif code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        text = QT_TRANSLATE_NOOP(
            "Store", "Inkwell could not {action}: its database is in use by another program. Is "
            "Inkwell already running?")
    elif code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        text = QT_TRANSLATE_NOOP(
            "Store", "Inkwell could not {action}: its database {path} is damaged. Restart Inkwell "
            "to repair it (a copy of the damaged file is kept).")
    elif code == _SQLITE_IOERR:
        text = QT_TRANSLATE_NOOP("Store", "Inkwell could not {action} because of a disk error ({error}). Check the disk.")
    else:
        text = QT_TRANSLATE_NOOP("Store", "Inkwell could not {action} ({error}).")
    return StoreError(text.format(action=action, path=str(path), error=str(error)))


class _Damaged(Exception):
    """The database file is damaged or is not a database: recover what can be read."""


# --- plain-value helpers -------------------------------------------------------------------


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_choice(value: str, choices: Sequence[str], what: str) -> None:
    if value not in choices:
        expected = ", ".join(choices)
        raise StoreError(f"Unknown message {what} {value!r} (expected one of {expected}).")


def _is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_count(value: object, what: str) -> int:
    if not _is_count(value):
        raise StoreError(f"The {what} must be a whole number, 0 or more (not {value!r}).")
    return value


def _encode_object(value: Mapping[str, Any] | None, what: str) -> str | None:
    """A JSON column's text; ``what`` names the value in errors ("message statistics")."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise StoreError(f"The {what} must be a dictionary.")
    try:
        return json.dumps(dict(value), ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise StoreError(f"The {what} cannot be saved ({error}).") from error


def _decode_object(text: object) -> dict[str, Any] | None:
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None  # unreadable statistics or settings are not worth failing a read for
    return value if isinstance(value, dict) else None


def _encode_stats(stats: Mapping[str, Any] | None) -> str | None:
    return _encode_object(stats, "message statistics")


def _message_from_row(row: Sequence[Any]) -> Message:
    values = dict(zip(_MESSAGE_COLUMNS, row))
    values["stats"] = _decode_object(values["stats"])
    return Message(**values)


def _document_from_row(row: Sequence[Any]) -> Document:
    values = dict(zip(_DOCUMENT_COLUMNS, row))
    values["settings"] = _decode_object(values["settings"]) or {}
    return Document(**values)


_Row = TypeVar("_Row")


@dataclass(frozen=True)
class _Listed(Generic[_Row]):
    """A table of things listed newest first and soft-deleted into the trash
    (conversations, documents): what their shared code needs to know about it."""

    table: str
    noun: str  # for messages to a person: "conversation"
    columns: tuple[str, ...]
    from_row: Callable[[Sequence[Any]], _Row]

    @property
    def select(self) -> str:
        return f"SELECT {', '.join(self.columns)} FROM {self.table}"

    def fetch(self, conn: sqlite3.Connection, row_id: int) -> _Row:
        row = conn.execute(f"{self.select} WHERE id = ?", (row_id,)).fetchone()
        if row is None:
            raise StoreError(_MISSING_ROW[self.noun].format(id=row_id))
        return self.from_row(row)


_CONVERSATIONS = _Listed[Conversation](
    "conversations", "conversation", _CONVERSATION_COLUMNS, lambda row: Conversation(*row)
)
_DOCUMENTS = _Listed[Document]("documents", "document", _DOCUMENT_COLUMNS, _document_from_row)
_TRASHABLE: tuple[_Listed[Any], ...] = (_CONVERSATIONS, _DOCUMENTS)


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


# The kinds of listed rows, as messages name them.
_NOUNS: Final = {"conversation": QT_TRANSLATE_NOOP("Store", "conversation"),
                 "document": QT_TRANSLATE_NOOP("Store", "document")}


_MISSING_ROW: Final = {
    "conversation": QT_TRANSLATE_NOOP("Store", "Conversation {id} does not exist (it may have been emptied from the trash)."),
    "document": QT_TRANSLATE_NOOP("Store", "Document {id} does not exist (it may have been emptied from the trash)."),
}

# "1 conversation", "3 conversations": (one, several) for each kind of row a recovery counts.
_COUNTED: Final = {
    "conversation": (QT_TRANSLATE_NOOP("Store", "1 conversation"), QT_TRANSLATE_NOOP("Store", "{count} conversations")),
    "message": (QT_TRANSLATE_NOOP("Store", "1 message"), QT_TRANSLATE_NOOP("Store", "{count} messages")),
    "document": (QT_TRANSLATE_NOOP("Store", "1 document"), QT_TRANSLATE_NOOP("Store", "{count} documents")),
    "revision": (QT_TRANSLATE_NOOP("Store", "1 revision"), QT_TRANSLATE_NOOP("Store", "{count} revisions")),
}


def _plural(count: int, noun: str) -> Translatable:
    one, several = _COUNTED[noun]
    return one if count == 1 else several.format(count=count)


def _insert(conn: sqlite3.Connection, table: str, values: Mapping[str, Any]) -> int:
    """INSERT one row given as {column: value}; its id."""
    columns = ", ".join(values)
    placeholders = ", ".join("?" * len(values))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    cursor = conn.execute(sql, tuple(values.values()))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _set_leaf(
    conn: sqlite3.Connection, conversation_id: int, leaf: int | None, touched: float | None = None
) -> None:
    """Set a conversation's current leaf; with ``touched``, also its updated_at."""
    conn.execute(
        "UPDATE conversations SET current_leaf_id = ?, updated_at = coalesce(?, updated_at) "
        "WHERE id = ?",
        (leaf, touched, conversation_id),
    )


# --- the message tree ---------------------------------------------------------------------


class _Node(NamedTuple):
    parent_id: int | None
    role: str
    deleted: bool


class _Tree:
    """A conversation's messages without their text: enough to work out effective
    parents (deleted messages skipped), children and branches in one query."""

    def __init__(self, conn: sqlite3.Connection, conversation_id: int) -> None:
        self.nodes: dict[int, _Node] = {
            message_id: _Node(parent_id, role, bool(deleted))
            for message_id, parent_id, role, deleted in conn.execute(
                "SELECT id, parent_id, role, deleted_at IS NOT NULL FROM messages "
                "WHERE conversation_id = ?",
                (conversation_id,),
            )
        }
        self._children: dict[int | None, list[int]] = {}
        for message_id, node in sorted(self.nodes.items()):
            if not node.deleted:
                self._children.setdefault(self.effective_parent(message_id), []).append(message_id)

    def lineage(self, message_id: int) -> list[int]:
        """The message and all its ancestors, deleted or not, nearest first."""
        chain: list[int] = []
        current: int | None = message_id
        while current in self.nodes and len(chain) < len(self.nodes):
            chain.append(current)
            current = self.nodes[current].parent_id
        return chain

    def visible(self, message_id: int | None) -> int | None:
        """The message itself unless deleted, else its nearest non-deleted ancestor."""
        current, steps = message_id, 0
        while current in self.nodes and steps <= len(self.nodes):
            node = self.nodes[current]
            if not node.deleted:
                return current
            current, steps = node.parent_id, steps + 1
        return None

    def effective_parent(self, message_id: int) -> int | None:
        return self.visible(self.nodes[message_id].parent_id)

    def children(self, parent_id: int | None) -> list[int]:
        """Non-deleted messages whose effective parent is ``parent_id``, by id."""
        return self._children.get(parent_id, [])

    def newest_leaf(self, message_id: int) -> int:
        """Follow the newest child down from the message until a leaf."""
        current = message_id
        for _ in range(len(self.nodes)):  # bounded, like every walk here
            children = self.children(current)
            if not children:
                break
            current = children[-1]
        return current


# --- recovery of a damaged file -----------------------------------------------------------

_SALVAGED_TABLES: dict[str, tuple[str, ...]] = {
    "conversations": _CONVERSATION_COLUMNS,
    "messages": _MESSAGE_COLUMNS,
    "meta": _META_COLUMNS,
    "documents": _DOCUMENT_ROW_COLUMNS,  # absent from a version-1 file: nothing to read
    "revisions": _REVISION_COLUMNS,
}
_SALVAGE_CHUNK = 1024  # rowids per range query
_SALVAGE_BLIND_SPAN = 100_000  # rowids to probe past the last one seen when max(rowid) fails
_SALVAGE_MAX_QUERIES = 200_000  # bounds the time spent on a badly damaged file
_SIDE_FILES = ("", "-wal", "-shm", "-journal")  # a database and the files that belong to it


def _salvage_rows(
    source: sqlite3.Connection, table: str, wanted: Sequence[str]
) -> list[dict[str, Any]]:
    """Every row of ``table`` that can still be read, as {column: value}.

    A whole-table scan first, keeping the rows read before it fails. Then, if it failed,
    rowid ranges up to max(rowid); a range that fails is halved until single rowids, so
    the rows around a damaged page are still found. Bounded by _SALVAGE_MAX_QUERIES."""
    try:
        present = {row[1] for row in source.execute(f"PRAGMA table_info({table})")}
    except sqlite3.Error:
        return []
    columns = [column for column in wanted if column in present]
    if not columns:
        return []
    select = f"SELECT rowid, {', '.join(columns)} FROM {table}"
    rows: dict[int, tuple[Any, ...]] = {}
    try:
        for row in source.execute(select):
            rows[row[0]] = row
    except sqlite3.Error:
        try:
            top = int(source.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0)
        except (sqlite3.Error, TypeError, ValueError):
            top = max(rows, default=0) + _SALVAGE_BLIND_SPAN
        halves: list[tuple[int, int]] = []  # parts of failed ranges still to try, a stack
        next_low = 1
        for _ in range(_SALVAGE_MAX_QUERIES):
            if halves:
                low, high = halves.pop()
            elif next_low <= top:
                low, high = next_low, min(next_low + _SALVAGE_CHUNK - 1, top)
                next_low = high + 1
            else:
                break
            try:
                found = source.execute(f"{select} WHERE rowid BETWEEN ? AND ?", (low, high))
                rows.update((row[0], row) for row in found.fetchall())
            except sqlite3.Error:
                if low < high:
                    middle = (low + high) // 2
                    halves += [(middle + 1, high), (low, middle)]
    return [dict(zip(columns, row[1:])) for _, row in sorted(rows.items())]


def _text_or(value: object, fallback: str) -> str:
    return value if isinstance(value, str) else fallback


def _time_or(value: object, fallback: float | None) -> float | None:
    return float(value) if _is_number(value) else fallback


class _Recovered(NamedTuple):
    conversations: int
    messages: int
    documents: int
    revisions: int


def _insert_salvaged(
    conn: sqlite3.Connection, tables: Mapping[str, list[dict[str, Any]]]
) -> _Recovered:
    """Copy salvaged rows into the fresh database, keeping their ids, skipping what is not
    valid. Returns how many of each were copied."""
    now = time.time()
    conversations, messages = _insert_salvaged_conversations(conn, tables, now)
    documents, revisions = _insert_salvaged_documents(conn, tables, now)
    for row in tables["meta"]:
        if isinstance(row.get("key"), str) and isinstance(row.get("value"), (str, type(None))):
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (row["key"], row["value"])
            )
    return _Recovered(conversations, messages, documents, revisions)


def _by_id(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with a valid id, by id."""
    return sorted((row for row in rows if _is_id(row.get("id"))), key=lambda row: row["id"])


def _insert_salvaged_conversations(
    conn: sqlite3.Connection, tables: Mapping[str, list[dict[str, Any]]], now: float
) -> tuple[int, int]:
    leaves: dict[int, Any] = {}  # conversation id → the current leaf it had saved
    for row in _by_id(tables["conversations"]):
        _insert(conn, "conversations", {
            "id": row["id"],
            "title": _text_or(row.get("title"), ""),
            "system_prompt": _text_or(row.get("system_prompt"), ""),
            "persona": _text_or(row.get("persona"), ""),
            "created_at": _time_or(row.get("created_at"), now),
            "updated_at": _time_or(row.get("updated_at"), now),
            "deleted_at": _time_or(row.get("deleted_at"), None),
        })
        leaves[row["id"]] = row.get("current_leaf_id")

    owner: dict[int, int] = {}  # message id → conversation id, for the messages copied
    for row in _by_id(tables["messages"]):
        message_id, conversation_id = row["id"], row.get("conversation_id")
        if not (
            conversation_id in leaves
            and row.get("role") in ROLES
            and row.get("status") in STATUSES
            and isinstance(row.get("content"), str)
        ):
            continue
        # Parents come before their children (smaller ids). A parent that was lost, or is
        # in another conversation, is dangling: the message becomes a root.
        parent_id = row.get("parent_id")
        stats = row.get("stats")
        _insert(conn, "messages", {
            "id": message_id,
            "conversation_id": conversation_id,
            "parent_id": parent_id if owner.get(parent_id) == conversation_id else None,
            "role": row["role"],
            "content": row["content"],
            "status": row["status"],
            "stats": stats if _decode_object(stats) is not None else None,
            "created_at": _time_or(row.get("created_at"), now),
            "updated_at": _time_or(row.get("updated_at"), now),
            "deleted_at": _time_or(row.get("deleted_at"), None),
        })
        owner[message_id] = conversation_id

    for conversation_id, leaf in leaves.items():
        tree = _Tree(conn, conversation_id)
        if leaf not in tree.nodes:  # lost: show the branch of the newest surviving message
            leaf = max((m for m, node in tree.nodes.items() if not node.deleted), default=None)
        _set_leaf(conn, conversation_id, tree.visible(leaf))
    return len(leaves), len(owner)


def _insert_salvaged_documents(
    conn: sqlite3.Connection, tables: Mapping[str, list[dict[str, Any]]], now: float
) -> tuple[int, int]:
    documents: set[int] = set()
    for row in _by_id(tables["documents"]):
        settings, cursor, target = row.get("settings"), row.get("cursor"), row.get("word_target")
        _insert(conn, "documents", {
            "id": row["id"],
            **{key: _text_or(row.get(key), "") for key in ("title", *_DOCUMENT_TEXT_COLUMNS)},
            "settings": settings if _decode_object(settings) is not None else None,
            "cursor": cursor if _is_count(cursor) else 0,
            "word_target": target if _is_count(target) else None,
            "created_at": _time_or(row.get("created_at"), now),
            "updated_at": _time_or(row.get("updated_at"), now),
            "deleted_at": _time_or(row.get("deleted_at"), None),
            # When unsure, keep the title as it is rather than let autosave replace it.
            "title_by_user": 0 if row.get("title_by_user") == 0 else 1,
        })
        documents.add(row["id"])

    revisions = 0
    for row in _by_id(tables["revisions"]):
        # A revision whose document was lost has nothing to belong to.
        if row.get("document_id") in documents and isinstance(row.get("body"), str):
            _insert(conn, "revisions", {
                "id": row["id"],
                "document_id": row["document_id"],
                "body": row["body"],
                "reason": _text_or(row.get("reason"), ""),
                "created_at": _time_or(row.get("created_at"), now),
            })
            revisions += 1
    return len(documents), revisions


# --- import validation ----------------------------------------------------------------------


class _Kind(NamedTuple):
    description: str
    accepts: Callable[[object], bool]


_TEXT = _Kind(QT_TRANSLATE_NOOP("Store", "text"), lambda v: isinstance(v, str))
_NUMBER = _Kind(QT_TRANSLATE_NOOP("Store", "a number"), _is_number)
_ID = _Kind(QT_TRANSLATE_NOOP("Store", "a whole number"), _is_id)
_OPTIONAL_ID = _Kind(QT_TRANSLATE_NOOP("Store", "a whole number or null"), lambda v: v is None or _is_id(v))
_OPTIONAL_OBJECT = _Kind(QT_TRANSLATE_NOOP("Store", "an object or null"), lambda v: v is None or isinstance(v, dict))
_LIST = _Kind(QT_TRANSLATE_NOOP("Store", "a list"), lambda v: isinstance(v, list))


def _bad_export(detail: str) -> StoreError:
    return StoreError(QT_TRANSLATE_NOOP("Store", "This Inkwell conversation export is damaged or incomplete: {detail}.").format(
        detail=detail))


def _field(data: Mapping[str, Any], key: str, kind: _Kind, where: str = "") -> Any:
    if key not in data:
        raise _bad_export(QT_TRANSLATE_NOOP("Store", 'the field "{field}" is missing').format(field=f"{where}{key}"))
    value = data[key]
    if not kind.accepts(value):
        raise _bad_export(QT_TRANSLATE_NOOP("Store", 'the field "{field}" should be {kind}').format(
            field=f"{where}{key}", kind=kind.description))
    return value


_REFERS_TO_MISSING: Final = QT_TRANSLATE_NOOP("Store", '"{field}" refers to message {id}, which is not in the file')


def _parse_export(data: object) -> tuple[dict[str, Any], list[dict[str, Any]], int | None]:
    """Check an export strictly. Returns the conversation's fields, its messages with
    parents before children, and the current leaf's (old) id."""
    if not isinstance(data, dict):
        raise StoreError(QT_TRANSLATE_NOOP("Store", "This is not an Inkwell conversation export (it is not a JSON object)."))
    if data.get("format") != EXPORT_FORMAT:
        raise StoreError(QT_TRANSLATE_NOOP(
            "Store", 'This is not an Inkwell conversation export (its "format" is not "{format}").'
        ).format(format=EXPORT_FORMAT))
    version = _field(data, "version", _ID)
    if version > EXPORT_VERSION:
        raise StoreError(QT_TRANSLATE_NOOP(
            "Store", "This conversation was exported by a newer Inkwell. Update Inkwell to import it."))
    if version < 1:
        raise _bad_export(QT_TRANSLATE_NOOP("Store", 'its "version" {version} is not a known version').format(version=version))
    conversation = {key: _field(data, key, _TEXT) for key in ("title", "system_prompt", "persona")}
    conversation["created_at"] = float(_field(data, "created_at", _NUMBER))
    _field(data, "updated_at", _NUMBER)  # checked, not used: an import counts as updated now
    leaf = _field(data, "current_leaf_id", _OPTIONAL_ID)

    messages: list[dict[str, Any]] = []
    by_id: dict[int, dict[str, Any]] = {}
    for index, item in enumerate(_field(data, "messages", _LIST)):
        where = f"messages[{index}]."
        if not isinstance(item, dict):
            raise _bad_export(QT_TRANSLATE_NOOP("Store", '"{field}" should be an object').format(field=f"messages[{index}]"))
        message = {
            "id": _field(item, "id", _ID, where),
            "parent_id": _field(item, "parent_id", _OPTIONAL_ID, where),
            "role": _field(item, "role", _TEXT, where),
            "content": _field(item, "content", _TEXT, where),
            "status": _field(item, "status", _TEXT, where),
            "stats": _field(item, "stats", _OPTIONAL_OBJECT, where),
            "created_at": float(_field(item, "created_at", _NUMBER, where)),
        }
        for key, choices in (("role", ROLES), ("status", STATUSES)):
            if message[key] not in choices:
                raise _bad_export(QT_TRANSLATE_NOOP("Store", 'the field "{field}" should be one of {choices}').format(
                    field=f"{where}{key}", choices=", ".join(choices)))
        if message["id"] in by_id:
            raise _bad_export(QT_TRANSLATE_NOOP("Store", "two messages have the id {id}").format(id=message["id"]))
        # A reply still streaming when it was exported will never finish now.
        if message["status"] == "streaming":
            message["status"] = "interrupted"
        messages.append(message)
        by_id[message["id"]] = message

    for index, message in enumerate(messages):
        parent = message["parent_id"]
        if parent is not None and parent not in by_id:
            raise _bad_export(_REFERS_TO_MISSING.format(field=f"messages[{index}].parent_id", id=parent))
    if leaf is not None and leaf not in by_id:
        raise _bad_export(_REFERS_TO_MISSING.format(field="current_leaf_id", id=leaf))
    return conversation, _parents_first(messages, by_id), leaf


def _parents_first(
    messages: list[dict[str, Any]], by_id: Mapping[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The messages ordered so each comes after its parent (the file's order when it
    already is), refusing parent links that loop."""
    placed: set[int] = set()
    ordered: list[dict[str, Any]] = []
    for message in messages:
        chain: list[dict[str, Any]] = []  # the message and its ancestors not yet placed
        in_chain: set[int] = set()
        current: dict[str, Any] | None = message
        while current is not None and current["id"] not in placed:
            if current["id"] in in_chain:
                raise _bad_export(QT_TRANSLATE_NOOP("Store", "the messages' parent links form a loop"))
            chain.append(current)
            in_chain.add(current["id"])
            parent = current["parent_id"]
            current = by_id[parent] if parent is not None else None
        for item in reversed(chain):
            placed.add(item["id"])
            ordered.append(item)
    return ordered


# --- markdown -------------------------------------------------------------------------------

_SPEAKERS = {"user": "You", "assistant": "Assistant", "system": "System"}
_STATUS_NOTES = {
    "streaming": "This reply was still being written.",
    "interrupted": "This reply was interrupted before it finished.",
    "cancelled": "This reply was stopped before it finished.",
    "length": "This reply stopped at the length limit.",
    "error": "This reply failed.",
}


# --- the store -------------------------------------------------------------------------------


class Store:
    """Conversations with their message trees, and documents with their revisions, in one
    SQLite file. See the module docstring.

    Open one Store per file per app: opening marks every 'streaming' reply 'interrupted',
    which is right after a crash but wrong under another Store still streaming into it."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        # The file is ``db_path``: ``path`` is the method that returns a conversation's path.
        self.db_path = Path(path)
        self.recovery_report: str | None = None
        self._conn: sqlite3.Connection | None = None
        folder = self.db_path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(QT_TRANSLATE_NOOP(
                "Store", "Inkwell cannot create the folder {folder} for its database "
                "({error}). Check that you may write there."
            ).format(folder=str(folder), error=error.strerror or str(error))) from error

        damaged_copy: Path | None = None
        try:
            conn = self._open_checked()
        except _Damaged:
            damaged_copy = self._move_aside()
            conn = self._connect()
        self._conn = conn
        try:
            with self._sqlite_errors(QT_TRANSLATE_NOOP("Store", "open its database")):
                # Where WAL cannot work (some network drives) SQLite keeps its rollback
                # journal: slower, but every transaction is just as atomic.
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")  # fsync every commit: a save is a save
                conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
            if damaged_copy is not None:
                self.recovery_report = self._recover_from(damaged_copy)
            with self._transaction(QT_TRANSLATE_NOOP("Store", "open its database")) as conn:
                # Also proves at once that the file can be written.
                conn.execute(
                    "UPDATE messages SET status = 'interrupted', updated_at = ? "
                    "WHERE status = 'streaming'",
                    (time.time(),),
                )
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except sqlite3.Error:
                pass  # every change was committed already; nothing is lost

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- opening ---

    def _connect(self) -> sqlite3.Connection:
        with self._sqlite_errors(QT_TRANSLATE_NOOP("Store", "open its database")):
            # isolation_level=None: no implicit transactions; _transaction() makes them.
            conn = sqlite3.connect(self.db_path, isolation_level=None, timeout=5.0)
            conn.create_function(_FOLD_FUNCTION, 1, _fold, deterministic=True)
            return conn

    def _open_checked(self) -> sqlite3.Connection:
        """Open the file and check it. Raises _Damaged for a damaged file or one that is
        not a database, StoreError for one from a newer Inkwell (left untouched)."""
        conn = self._connect()
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise self._newer_error()
            if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                raise _Damaged()
            return conn
        except BaseException as error:
            conn.close()
            if isinstance(error, sqlite3.Error):
                if _is_damage(error):
                    raise _Damaged() from error
                raise _store_error(error, "open its database", self.db_path) from error
            raise

    def _newer_error(self) -> StoreError:
        return StoreError(QT_TRANSLATE_NOOP(
            "Store", "The database {path} was written by a newer version of Inkwell. "
            "Update Inkwell to open it (the file was left as it is)."
        ).format(path=str(self.db_path)))

    def _migrate(self) -> None:
        while True:
            with self._transaction(QT_TRANSLATE_NOOP("Store", "upgrade its database")) as conn:
                # Read inside the transaction: another process may have just upgraded it.
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > len(MIGRATIONS):
                    raise self._newer_error()
                if version == len(MIGRATIONS):
                    return
                MIGRATIONS[version](conn)
                conn.execute(f"PRAGMA user_version = {version + 1}")

    def _move_aside(self) -> Path:
        """Move the damaged file and its -wal/-shm/-journal to <name>.damaged-<time>."""
        base = f"{self.db_path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"
        copy = self.db_path.with_name(base)
        attempt = 1
        while any(Path(f"{copy}{suffix}").exists() for suffix in _SIDE_FILES):
            attempt += 1
            copy = self.db_path.with_name(f"{base}-{attempt}")
        try:
            for suffix in _SIDE_FILES:
                source = Path(f"{self.db_path}{suffix}")
                if source.exists():
                    os.replace(source, f"{copy}{suffix}")
        except OSError as error:
            raise StoreError(QT_TRANSLATE_NOOP(
                "Store", "Inkwell's database {path} is damaged, and Inkwell could not move it "
                "aside to start a new one ({error}). Check that you may write to its folder."
            ).format(path=str(self.db_path), error=error.strerror or str(error))) from error
        return copy

    def _recover_from(self, copy: Path) -> Translatable:
        """Copy what can be read from the damaged copy into the fresh database; the report."""
        tables: dict[str, list[dict[str, Any]]] = {}
        try:
            # Read-only: the kept copy stays exactly as it was found.
            source = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error:
            source = None
        if source is not None:
            try:
                tables = {
                    name: _salvage_rows(source, name, columns)
                    for name, columns in _SALVAGED_TABLES.items()
                }
            finally:
                source.close()
        if not any(tables.values()):
            return QT_TRANSLATE_NOOP(
                "Store", "Inkwell's database was damaged. A copy was kept at {path}; "
                "nothing could be recovered from it, so Inkwell started with an empty database."
            ).format(path=str(copy))
        try:
            with self._transaction(QT_TRANSLATE_NOOP("Store", "save what was recovered")) as conn:
                found = _insert_salvaged(conn, tables)
        except StoreError as error:
            return QT_TRANSLATE_NOOP(
                "Store", "Inkwell's database was damaged. A copy was kept at {path}; "
                "its contents could not be copied into a new database: {error}"
            ).format(path=str(copy), error=message_of(error))
        counts = {"conversations": _plural(found.conversations, "conversation"),
                  "messages": _plural(found.messages, "message")}
        if tables["documents"]:  # a file from before documents, or without any: not worth a word
            return QT_TRANSLATE_NOOP(
                "Store", "Inkwell's database was damaged. A copy was kept at {path}; {conversations} and "
                "{messages} were recovered, as were {documents} and {revisions}."
            ).format(path=str(copy), **counts, documents=_plural(found.documents, "document"),
                     revisions=_plural(found.revisions, "revision"))
        return QT_TRANSLATE_NOOP(
            "Store", "Inkwell's database was damaged. A copy was kept at {path}; {conversations} and "
            "{messages} were recovered."
        ).format(path=str(copy), **counts)

    # --- transactions and errors ---

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(QT_TRANSLATE_NOOP("Store", "The conversation store is closed."))
        return self._conn

    @contextmanager
    def _sqlite_errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise _store_error(error, action, self.db_path) from error

    @contextmanager
    def _reading(self, action: str) -> Iterator[sqlite3.Connection]:
        with self._sqlite_errors(action):
            yield self._connection()

    @contextmanager
    def _transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """One write: all of it is committed, or (on any exception) none of it."""
        conn = self._connection()
        with self._sqlite_errors(action):
            # IMMEDIATE takes the write lock up front, so a busy database fails here, not
            # halfway through the change.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back (e.g. on a full disk).
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # the first error is the one to report
                raise

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

    @staticmethod
    def _revision(conn: sqlite3.Connection, revision_id: int) -> Revision:
        row = conn.execute(f"{_SELECT_REVISIONS} WHERE id = ?", (revision_id,)).fetchone()
        if row is None:
            raise StoreError(
                f"Revision {revision_id} does not exist (it may have been pruned, or its "
                "document emptied from the trash)."
            )
        return Revision(*row)

    # --- what conversations and documents share: the list, the trash ---

    def _update_row(
        self,
        kind: _Listed[Any],
        action: str,
        row_id: int,
        assignments: str,
        values: Sequence[Any],
    ) -> None:
        with self._transaction(action) as conn:
            sql = f"UPDATE {kind.table} SET {assignments} WHERE id = ?"
            cursor = conn.execute(sql, (*values, row_id))
            if cursor.rowcount == 0:
                kind.fetch(conn, row_id)  # raises the "does not exist" error

    def _listed(self, kind: _Listed[_Row], *, in_trash: bool) -> list[_Row]:
        """Not in the trash: most recently updated first. In it: most recently deleted first."""
        if in_trash:
            action, where, order = QT_TRANSLATE_NOOP("Store", "read the trash"), "IS NOT NULL", "deleted_at"
        else:
            action = QT_TRANSLATE_NOOP("Store", "read the {noun}s").format(noun=_NOUNS[kind.noun])
            where, order = "IS NULL", "updated_at"
        with self._reading(action) as conn:
            rows = conn.execute(
                f"{kind.select} WHERE deleted_at {where} ORDER BY {order} DESC, id DESC"
            )
            return [kind.from_row(row) for row in rows]

    def _move_to_trash(self, kind: _Listed[Any], row_id: int) -> None:
        """A second delete keeps the first date, so the trash keeps its order and age."""
        self._update_row(
            kind,
            QT_TRANSLATE_NOOP("Store", "move the {noun} to the trash").format(noun=_NOUNS[kind.noun]),
            row_id,
            "deleted_at = coalesce(deleted_at, ?)",
            (time.time(),),
        )

    def _restore_from_trash(self, kind: _Listed[Any], row_id: int) -> None:
        self._update_row(kind, QT_TRANSLATE_NOOP("Store", "restore the {noun}").format(noun=_NOUNS[kind.noun]), row_id, "deleted_at = NULL", ())

    def empty_trash(self, older_than_s: float = 0) -> int:
        """Delete for good the conversations and documents in the trash for at least
        ``older_than_s`` seconds, with their messages and revisions. Returns how many
        conversations and documents, together."""
        cutoff = time.time() - older_than_s
        with self._transaction(QT_TRANSLATE_NOOP("Store", "empty the trash")) as conn:
            # Messages and revisions follow by ON DELETE CASCADE.
            return sum(
                conn.execute(
                    f"DELETE FROM {kind.table} WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                    (cutoff,),
                ).rowcount
                for kind in _TRASHABLE
            )

    # --- conversations ---

    def create_conversation(
        self, title: str = "", system_prompt: str = "", persona: str = ""
    ) -> Conversation:
        now = time.time()
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save the new conversation")) as conn:
            conversation_id = _insert(conn, "conversations", {
                "title": " ".join(title.split()),
                "system_prompt": system_prompt,
                "persona": persona,
                "created_at": now,
                "updated_at": now,
            })
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

    # --- documents ---

    def create_document(self, title: str = "", body: str = "") -> Document:
        """A new document. Without a title, it is titled by its body's first line."""
        title = " ".join(title.split())
        now = time.time()
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save the new document")) as conn:
            document_id = _insert(conn, "documents", {
                "title": title or title_from_text(body),
                "body": body,
                "created_at": now,
                "updated_at": now,
                "title_by_user": int(bool(title)),
            })
            return _DOCUMENTS.fetch(conn, document_id)

    def get_document(self, document_id: int) -> Document:
        """Any document, including one in the trash."""
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the document")) as conn:
            return _DOCUMENTS.fetch(conn, document_id)

    def list_documents(self) -> list[Document]:
        """Documents not in the trash, most recently updated (their text) first."""
        return self._listed(_DOCUMENTS, in_trash=False)

    def update_document(
        self,
        document_id: int,
        *,
        title: str | None = None,
        body: str | None = None,
        memory: str | None = None,
        authors_note: str | None = None,
        settings: Mapping[str, Any] | None = None,
        cursor: int | None = None,
        word_target: int | None | _Unchanged = _UNCHANGED,
    ) -> Document:
        """Change what is given (None: unchanged, except ``word_target``, where None clears
        it). The editor's autosave: one small transaction and no revision, so it can run
        every second; what did not actually change is not written.

        ``settings`` replaces the whole object. A non-empty ``title`` is the user's own and
        stays; an empty one gives the title back to the body's first line, which it then
        follows as the body changes. Only a change to the text (body, memory, author's
        note) counts as an update for the list order: not a rename, a cursor move or
        settings."""
        changes: dict[str, Any] = {}
        if memory is not None:
            changes["memory"] = memory
        if authors_note is not None:
            changes["authors_note"] = authors_note
        if settings is not None:
            changes["settings"] = _encode_object(settings, "document settings")
        if cursor is not None:
            changes["cursor"] = _check_count(cursor, "cursor position")
        if word_target is not _UNCHANGED:
            changes["word_target"] = (
                None if word_target is None else _check_count(word_target, "word target")
            )
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save the document")) as conn:
            return self._change_document(conn, document_id, changes, title=title, body=body)

    @staticmethod
    def _change_document(
        conn: sqlite3.Connection,
        document_id: int,
        changes: Mapping[str, Any],
        *,
        title: str | None = None,
        body: str | None = None,
    ) -> Document:
        """Apply checked column values plus a new title and body (with the title rule of
        update_document), writing only what differs; the document after."""
        select = f"SELECT {', '.join(_DOCUMENT_ROW_COLUMNS)} FROM documents WHERE id = ?"
        row = conn.execute(select, (document_id,)).fetchone()
        if row is None:
            _DOCUMENTS.fetch(conn, document_id)  # raises the "does not exist" error
        current = dict(zip(_DOCUMENT_ROW_COLUMNS, row))
        wanted = dict(changes)
        if body is not None:
            wanted["body"] = body
        if title is not None:
            title = " ".join(title.split())
            wanted["title_by_user"] = int(bool(title))
            wanted["title"] = title
        if not wanted.get("title_by_user", current["title_by_user"]):
            wanted["title"] = title_from_text(wanted.get("body", current["body"]))
        differing = {key: value for key, value in wanted.items() if current[key] != value}
        if differing:
            if any(key in differing for key in _DOCUMENT_TEXT_COLUMNS):
                differing["updated_at"] = time.time()
            assignments = ", ".join(f"{column} = ?" for column in differing)
            sql = f"UPDATE documents SET {assignments} WHERE id = ?"
            conn.execute(sql, (*differing.values(), document_id))
        return _DOCUMENTS.fetch(conn, document_id)

    def delete_document(self, document_id: int) -> None:
        """Move to the trash (a second delete keeps the first date)."""
        self._move_to_trash(_DOCUMENTS, document_id)

    def restore_document(self, document_id: int) -> None:
        self._restore_from_trash(_DOCUMENTS, document_id)

    def documents_trash(self) -> list[Document]:
        """Documents in the trash, most recently deleted first."""
        return self._listed(_DOCUMENTS, in_trash=True)

    # --- revisions ---

    def add_revision(self, document_id: int, reason: str) -> Revision | None:
        """Snapshot the document's body. None, and nothing added, when the newest revision
        already holds this body: asking twice does not fill the history with copies."""
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save a revision")) as conn:
            return self._snapshot(conn, _DOCUMENTS.fetch(conn, document_id), reason)

    @classmethod
    def _snapshot(
        cls, conn: sqlite3.Connection, document: Document, reason: str
    ) -> Revision | None:
        newest = conn.execute(
            "SELECT body FROM revisions WHERE document_id = ? ORDER BY id DESC LIMIT 1",
            (document.id,),
        ).fetchone()
        if newest is not None and newest[0] == document.body:
            return None
        revision_id = _insert(conn, "revisions", {
            "document_id": document.id,
            "body": document.body,
            "reason": reason,
            "created_at": time.time(),
        })
        return cls._revision(conn, revision_id)

    def list_revisions(self, document_id: int) -> list[Revision]:
        """A document's revisions, newest first."""
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the revisions")) as conn:
            _DOCUMENTS.fetch(conn, document_id)
            # By id, not by date: a newer revision has a greater id (max + 1), while a
            # clock can go back.
            rows = conn.execute(
                f"{_SELECT_REVISIONS} WHERE document_id = ? ORDER BY id DESC", (document_id,)
            )
            return [Revision(*row) for row in rows]

    def get_revision(self, revision_id: int) -> Revision:
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the revision")) as conn:
            return self._revision(conn, revision_id)

    def restore_revision(self, document_id: int, revision_id: int) -> Document:
        """Put a revision's body back. The body it replaces is snapshotted first (reason
        "before restore"), in the same transaction, so a restore can itself be undone."""
        with self._transaction(QT_TRANSLATE_NOOP("Store", "restore the revision")) as conn:
            document = _DOCUMENTS.fetch(conn, document_id)
            revision = self._revision(conn, revision_id)
            if revision.document_id != document_id:
                raise StoreError(f"Revision {revision_id} belongs to another document.")
            self._snapshot(conn, document, "before restore")
            return self._change_document(conn, document_id, {}, body=revision.body)

    def prune_revisions(self, document_id: int, keep: int = 200) -> int:
        """Delete for good all but the newest ``keep`` revisions; how many were deleted."""
        keep = _check_count(keep, "number of revisions to keep")
        with self._transaction(QT_TRANSLATE_NOOP("Store", "prune the revisions")) as conn:
            _DOCUMENTS.fetch(conn, document_id)
            return conn.execute(
                "DELETE FROM revisions WHERE document_id = ? AND id NOT IN ("
                "SELECT id FROM revisions WHERE document_id = ? ORDER BY id DESC LIMIT ?)",
                (document_id, document_id, keep),
            ).rowcount

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
        now = time.time()
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
        now = time.time()
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
            return self._message(conn, message_id)

    def get_message(self, message_id: int) -> Message:
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the message")) as conn:
            return self._message(conn, message_id)

    def delete_message(self, message_id: int) -> None:
        """Soft-delete one message (its children stay, hanging from its nearest
        non-deleted ancestor). If it was on the current path, the current leaf moves up to
        that ancestor (None if there is none)."""
        now = time.time()
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

    def restore_message(self, message_id: int) -> None:
        """Undo delete_message. If the current path ends above the message (as deleting it
        left it), the path extends down through it again to the newest leaf below it."""
        now = time.time()
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
            tree = _Tree(conn, message.conversation_id)
            family = tree.children(tree.effective_parent(message_id))
            ids = [m for m in family if tree.nodes[m].role == message.role]
            placeholders = ", ".join("?" * len(ids))
            rows = conn.execute(f"{_SELECT_MESSAGES} WHERE id IN ({placeholders}) ORDER BY id", ids)
            return [_message_from_row(row) for row in rows]

    def select_branch(self, message_id: int) -> None:
        """Show the branch through a message: the current leaf becomes the newest leaf
        below it (the child with the greatest id at each step; itself if it has none)."""
        with self._transaction(QT_TRANSLATE_NOOP("Store", "switch branches")) as conn:
            message = self._visible_message(conn, message_id)
            leaf = _Tree(conn, message.conversation_id).newest_leaf(message_id)
            _set_leaf(conn, message.conversation_id, leaf)

    def set_current_leaf(self, conversation_id: int, message_id: int | None) -> None:
        with self._transaction(QT_TRANSLATE_NOOP("Store", "switch branches")) as conn:
            self._conversation(conn, conversation_id)
            if message_id is not None:
                self._visible_message(conn, message_id, conversation_id)
            _set_leaf(conn, conversation_id, message_id)

    # --- app state ---

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the app state")) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return default if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save the app state")) as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

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
        now = time.time()
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
            return self._conversation(conn, conversation_id)

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
            if message.status in _STATUS_NOTES:
                section.append(f"*{_STATUS_NOTES[message.status]}*")
            parts.append("\n\n".join(section))
        return "\n\n".join(parts) + "\n"
