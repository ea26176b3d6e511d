"""Recovery of a damaged database file: never fatal, nothing thrown away.

A file that is damaged (or is not a database at all) is moved aside, kept exactly as it was
found for a later rescue, and a fresh database is created; then every row that can still
be read from the kept copy is copied into the fresh one, and the Store's
``recovery_report`` says what happened, for the window to show.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, NamedTuple

from app.core.store.records import (
    _CONVERSATION_COLUMNS,
    _DOCUMENT_ROW_COLUMNS,
    _DOCUMENT_TEXT_COLUMNS,
    _ENTRY_FIELDS,
    _MESSAGE_COLUMNS,
    _META_COLUMNS,
    _REVISION_COLUMNS,
    ROLES,
    STATUSES,
    StoreError,
    _book,
    _decode_object,
    _entry_columns,
    _insert,
    _is_count,
    _is_id,
    _is_number,
    _plural,
    decode_lorebook,
    encode_lorebook,
    entry_from_values,
)
from app.core.store.tree import _set_leaf, _Tree
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable, message_of

_SALVAGED_TABLES: dict[str, tuple[str, ...]] = {
    "conversations": _CONVERSATION_COLUMNS,
    "messages": _MESSAGE_COLUMNS,
    "meta": _META_COLUMNS,
    "documents": _DOCUMENT_ROW_COLUMNS,  # absent from a version-1 file: nothing to read
    "revisions": _REVISION_COLUMNS,
    # Absent from a version-2 file, as are documents.lorebook_id and revisions.lorebook.
    "lorebooks": ("id", "name", "scan_chars", "recursion_depth", "budget_fraction", "created_at", "updated_at"),
    "lore_entries": ("id", "lorebook_id", "sort_order", *_ENTRY_FIELDS, "created_at", "updated_at", "deleted_at"),
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
    conn: sqlite3.Connection, tables: Mapping[str, list[dict[str, Any]]], now: float
) -> _Recovered:
    """Copy salvaged rows into the fresh database, keeping their ids, skipping what is not
    valid. Returns how many of each were copied."""
    conversations, messages = _insert_salvaged_conversations(conn, tables, now)
    bibles = _insert_salvaged_bibles(conn, tables, now)
    documents, revisions = _insert_salvaged_documents(conn, tables, now, bibles)
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


def _insert_salvaged_bibles(
    conn: sqlite3.Connection, tables: Mapping[str, list[dict[str, Any]]], now: float
) -> set[int]:
    """Story bibles and their entries; the ids of the bibles copied. A setting that was
    damaged out of its range gets its default."""
    bibles: set[int] = set()
    for row in _by_id(tables["lorebooks"]):
        book = _book(row, ())
        _insert(conn, "lorebooks", {
            "id": row["id"],
            **{key: getattr(book, key) for key in ("name", "scan_chars", "recursion_depth", "budget_fraction")},
            "created_at": _time_or(row.get("created_at"), now),
            "updated_at": _time_or(row.get("updated_at"), now),
        })
        bibles.add(row["id"])
    for row in _by_id(tables["lore_entries"]):
        if row.get("lorebook_id") not in bibles:
            continue  # its bible was lost
        order = row.get("sort_order")
        _insert(conn, "lore_entries", {
            "id": row["id"],
            "lorebook_id": row["lorebook_id"],
            "sort_order": order if isinstance(order, int) and not isinstance(order, bool) else row["id"],
            **_entry_columns(entry_from_values(row)),
            "created_at": _time_or(row.get("created_at"), now),
            "updated_at": _time_or(row.get("updated_at"), now),
            "deleted_at": _time_or(row.get("deleted_at"), None),
        })
    return bibles


def _insert_salvaged_documents(
    conn: sqlite3.Connection, tables: Mapping[str, list[dict[str, Any]]], now: float, bibles: set[int]
) -> tuple[int, int]:
    documents: set[int] = set()
    for row in _by_id(tables["documents"]):
        settings, cursor, target = row.get("settings"), row.get("cursor"), row.get("word_target")
        _insert(conn, "documents", {
            "lorebook_id": row.get("lorebook_id") if row.get("lorebook_id") in bibles else None,
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
                # Written afresh from what could be read, so a restore gets valid values.
                "lorebook": _bible_text(row.get("lorebook")),
            })
            revisions += 1
    return len(documents), revisions


def _bible_text(value: object) -> str | None:
    book = decode_lorebook(value)
    return None if book is None else encode_lorebook(book)


def move_aside(path: Path) -> Path:
    """Move the damaged file and its -wal/-shm/-journal to <name>.damaged-<time>."""
    base = f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"
    copy = path.with_name(base)
    attempt = 1
    while any(Path(f"{copy}{suffix}").exists() for suffix in _SIDE_FILES):
        attempt += 1
        copy = path.with_name(f"{base}-{attempt}")
    try:
        for suffix in _SIDE_FILES:
            source = Path(f"{path}{suffix}")
            if source.exists():
                os.replace(source, f"{copy}{suffix}")
    except OSError as error:
        raise StoreError(QT_TRANSLATE_NOOP(
            "Store", "Inkwell's database {path} is damaged, and Inkwell could not move it "
            "aside to start a new one ({error}). Check that you may write to its folder."
        ).format(path=str(path), error=error.strerror or str(error))) from error
    return copy


def recover_from(
    copy: Path,
    transaction: Callable[[str], AbstractContextManager[sqlite3.Connection]],
    now: float,
) -> Translatable:
    """Copy what can be read from the damaged copy into the fresh database (written in one
    ``transaction(action)`` of the Store); the report for the user."""
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
        with transaction(QT_TRANSLATE_NOOP("Store", "save what was recovered")) as conn:
            found = _insert_salvaged(conn, tables, now)
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
