"""What the store hands out (frozen dataclasses mirroring its tables), its error, and the
small helpers that turn rows into records and values into columns.

Nothing here touches a connection except :func:`_insert` and :meth:`_Listed.fetch`, which
run inside a transaction or a read that the Store opened.
"""

from __future__ import annotations

import enum
import json
import math
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Final, Generic, NamedTuple, TypeGuard, TypeVar

from app.core.lorebook import DEFAULT_PRIORITY, POSITIONS, SECONDARY_LOGICS, LoreEntry, Lorebook, LorebookError
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable

ROLES = ("user", "assistant", "system")
# 'streaming': being written; 'interrupted': the app died while streaming; 'cancelled': the
# user stopped it; 'length': it hit the length limit; 'error': generation failed.
STATUSES = ("complete", "streaming", "interrupted", "cancelled", "length", "error")
# What an unfinished reply says of itself: under it in the conversation and in a Markdown export.
STATUS_NOTES = {
    "streaming": QT_TRANSLATE_NOOP("Message", "This reply was still being written."),
    "interrupted": QT_TRANSLATE_NOOP("Message", "This reply was interrupted before it finished (Inkwell closed, or the connection to the engine dropped)."),
    "cancelled": QT_TRANSLATE_NOOP("Message", "This reply was stopped before it finished."),
    "length": QT_TRANSLATE_NOOP("Message", "This reply stopped at the length limit."),
    "error": QT_TRANSLATE_NOOP("Message", "This reply failed."),
}
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
    lorebook_id: int | None = None  # its story bible (lorebooks.py), perhaps shared; None: none yet


@dataclass(frozen=True)
class Revision:
    id: int
    document_id: int
    body: str
    reason: str  # why it was taken, for the history list ("before restore", …)
    created_at: float
    # The story bible as it was (entries with their ids); None when the draft had none, or
    # for a revision taken before story bibles existed.
    lorebook: Lorebook | None = None


@dataclass(frozen=True)
class SearchHit:
    conversation: Conversation
    snippet: str  # the title when the title matched, else an excerpt around the first match


class PathItem(NamedTuple):
    """One message of a conversation's visible path, with where it stands among its
    alternatives (the ◀ 2/3 ▶ controls): ``index`` counts from 0 (the UI shows
    ``index + 1``), ``count`` includes the message itself. The alternatives are what
    :meth:`Store.siblings` returns for it."""

    message: Message
    index: int
    count: int


class _Unchanged(enum.Enum):
    """The type of _UNCHANGED, a default that means "leave it", where None means "clear it"."""

    UNCHANGED = enum.auto()


_UNCHANGED = _Unchanged.UNCHANGED


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


# --- columns ------------------------------------------------------------------------------


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


def _insert(conn: sqlite3.Connection, table: str, values: Mapping[str, Any]) -> int:
    """INSERT one row given as {column: value}; its id."""
    columns = ", ".join(values)
    placeholders = ", ".join("?" * len(values))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    cursor = conn.execute(sql, tuple(values.values()))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


# --- the listed kinds: conversations and documents -----------------------------------------

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


_Row = TypeVar("_Row")


@dataclass(frozen=True)
class _Listed(Generic[_Row]):
    """A table of things listed newest first and soft-deleted into the trash
    (conversations, documents): what their shared code needs to know about it."""

    table: str  # also the kind of change its writes announce ("conversations")
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


# --- story bibles (lorebooks.py) ------------------------------------------------------------


_BOOK_COLUMNS = ("name", "scan_chars", "recursion_depth", "budget_fraction")
# The columns that hold an entry's fields, in LoreEntry's terms (keys are JSON lists).
_ENTRY_FIELDS = ("name", "keys", "content", "enabled", "always_on", "priority", "position",
                 "secondary_keys", "secondary_logic")
_SELECT_ENTRIES = f"SELECT id, {', '.join(_ENTRY_FIELDS)} FROM lore_entries"


@dataclass(frozen=True)
class StoryBible:
    """A story bible as stored: its settings and its entries (each with its row id) in the
    book's order, and the drafts not in the trash that use it."""

    id: int
    lorebook: Lorebook
    document_ids: tuple[int, ...]


def _texts(values: Sequence[object]) -> tuple[str, ...]:
    return tuple(value for value in values if isinstance(value, str))


def _key_list(value: object) -> tuple[str, ...]:
    """Keys from a JSON column; anything unreadable is no keys."""
    try:
        keys = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        keys = None
    return _texts(keys) if isinstance(keys, list) else ()


def entry_from_values(values: Mapping[str, Any], entry_id: int | None = None) -> LoreEntry:
    """An entry from column values or a snapshot's dict; a value that is not allowed is
    replaced by its default rather than failing the read (the writer sees and can fix it)."""
    priority = values.get("priority")
    position = values.get("position")
    logic = values.get("secondary_logic")
    keys, secondary = values.get("keys"), values.get("secondary_keys")
    return LoreEntry(
        id=entry_id,
        name=values["name"] if isinstance(values.get("name"), str) else "",
        keys=_texts(keys) if isinstance(keys, (list, tuple)) else _key_list(keys),
        content=values["content"] if isinstance(values.get("content"), str) else "",
        enabled=bool(values.get("enabled", True)),
        always_on=bool(values.get("always_on", False)),
        priority=priority if type(priority) is int else DEFAULT_PRIORITY,
        position=position if position in POSITIONS else "after_memory",
        secondary_keys=_texts(secondary) if isinstance(secondary, (list, tuple)) else _key_list(secondary),
        secondary_logic=logic if logic in SECONDARY_LOGICS else "and_any",
    )


def _entry_columns(entry: LoreEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "keys": json.dumps(list(entry.keys), ensure_ascii=False),
        "content": entry.content,
        "enabled": int(entry.enabled),
        "always_on": int(entry.always_on),
        "priority": entry.priority,
        "position": entry.position,
        "secondary_keys": json.dumps(list(entry.secondary_keys), ensure_ascii=False),
        "secondary_logic": entry.secondary_logic,
    }


def _entry_row(row: Sequence[Any]) -> LoreEntry:
    return entry_from_values(dict(zip(_ENTRY_FIELDS, row[1:])), row[0])


def _book(settings: Mapping[str, Any], entries: Iterable[LoreEntry]) -> Lorebook:
    """A Lorebook from stored settings; one not allowed (a damaged row) is its default."""
    try:
        return Lorebook(entries=tuple(entries), **{key: settings[key] for key in _BOOK_COLUMNS if key in settings})
    except (LorebookError, TypeError):
        name = settings.get("name")
        return Lorebook(name=name if isinstance(name, str) else "", entries=tuple(entries))


def encode_lorebook(book: Lorebook) -> str:
    """A bible as the JSON a revision keeps (the same book always gives the same text)."""
    return json.dumps({
        "name": book.name,
        "scan_chars": book.scan_chars,
        "recursion_depth": book.recursion_depth,
        "budget_fraction": book.budget_fraction,
        "entries": [{"id": entry.id, **{name: getattr(entry, name) for name in _ENTRY_FIELDS}} for entry in book.entries],
    }, ensure_ascii=False)


def decode_lorebook(text: object) -> Lorebook | None:
    """The bible a revision kept, or None (none kept, or unreadable)."""
    if not isinstance(text, str):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        return None
    entries = [entry_from_values(item, item.get("id") if _is_id(item.get("id")) else None)
               for item in data["entries"] if isinstance(item, dict)]
    return _book(data, entries)
