"""Story bibles (lorebooks) and their entries.

A draft points at its story bible (``documents.lorebook_id``); several drafts, the chapters
of one book, may point at the same one. A bible is made the first time a draft needs one
(:meth:`create_story_bible`), and a draft takes up another draft's with
:meth:`share_story_bible` (:meth:`use_story_bible` puts any choice back, for an undo).

Entries keep their place in the book (``sort_order``: the order the prompt builder keeps
between equals) and are saved as the writer edits them (:meth:`update_lore_entry` writes
only what changed, so autosave can run every second). Deleting an entry only marks it
(``deleted_at``), so the deletion can be undone; emptying the trash removes entries deleted
long enough ago, and bibles that no draft has used for as long.

A revision of a draft carries its bible as it was, as JSON in ``revisions.lorebook``
(records.py: ``encode_lorebook``, ``decode_lorebook``); restoring the revision puts those entries
and settings back into the bible the draft uses now (documents.py). The entries keep their
ids in the snapshot, so restoring brings back the very rows, deleted or changed since.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from app.core.lorebook import LoreEntry, Lorebook, LorebookError
from app.core.store.base import _StoreBase
from app.core.store.records import (
    _BOOK_COLUMNS,
    _DOCUMENTS,
    _ENTRY_FIELDS,
    _SELECT_ENTRIES,
    StoreError,
    StoryBible,
    _book,
    _entry_columns,
    _entry_row,
    _insert,
    _is_id,
    encode_lorebook,
)
from app.core.translatable import QT_TRANSLATE_NOOP, message_of

def _checked(book: Lorebook, **settings: Any) -> Lorebook:
    try:
        return replace(book, **settings)
    except (LorebookError, TypeError) as error:
        raise StoreError(message_of(error)) from error


# --- the store ------------------------------------------------------------------------------


class _LorebookStore(_StoreBase):
    """The story-bible part of :class:`app.core.store.Store`."""

    # Read inside a transaction or a read.

    @staticmethod
    def _bible_id(conn: sqlite3.Connection, document_id: int) -> int | None:
        # Without reading the draft's text: the panel asks after every autosave.
        row = conn.execute("SELECT lorebook_id FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            _DOCUMENTS.fetch(conn, document_id)  # raises the "does not exist" error
        return row[0]

    @staticmethod
    def _read_bible(conn: sqlite3.Connection, lorebook_id: int) -> StoryBible:
        row = conn.execute(f"SELECT {', '.join(_BOOK_COLUMNS)} FROM lorebooks WHERE id = ?", (lorebook_id,)).fetchone()
        if row is None:
            raise StoreError(QT_TRANSLATE_NOOP("Store", "Story bible {id} does not exist (it may have been emptied from the trash).").format(
                id=lorebook_id))
        entries = [_entry_row(entry) for entry in conn.execute(
            f"{_SELECT_ENTRIES} WHERE lorebook_id = ? AND deleted_at IS NULL ORDER BY sort_order, id", (lorebook_id,))]
        users = conn.execute("SELECT id FROM documents WHERE lorebook_id = ? AND deleted_at IS NULL ORDER BY id", (lorebook_id,))
        return StoryBible(lorebook_id, _book(dict(zip(_BOOK_COLUMNS, row)), entries), tuple(user for (user,) in users))

    @staticmethod
    def _entry_owner(conn: sqlite3.Connection, entry_id: int) -> int:
        row = conn.execute("SELECT lorebook_id FROM lore_entries WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise StoreError(QT_TRANSLATE_NOOP("Store", "Story bible entry {id} does not exist (it may have been emptied from the trash).").format(
                id=entry_id))
        return row[0]

    def _new_bible(self, conn: sqlite3.Connection, document_id: int, book: Lorebook = Lorebook()) -> int:
        now = self._clock()
        lorebook_id = _insert(conn, "lorebooks", {**{key: getattr(book, key) for key in _BOOK_COLUMNS},
                                                  "created_at": now, "updated_at": now})
        self._note("lorebooks", "added", [lorebook_id])
        self._point(conn, document_id, lorebook_id)
        return lorebook_id

    def _point(self, conn: sqlite3.Connection, document_id: int, lorebook_id: int | None) -> None:
        """Makes the draft use ``lorebook_id``; the bible it leaves is dated, for the trash."""
        before = self._bible_id(conn, document_id)
        if before == lorebook_id:
            return
        conn.execute("UPDATE documents SET lorebook_id = ? WHERE id = ?", (lorebook_id, document_id))
        self._note("documents", "changed", [document_id])
        if before is not None:
            conn.execute("UPDATE lorebooks SET updated_at = ? WHERE id = ?", (self._clock(), before))

    def _append(self, conn: sqlite3.Connection, lorebook_id: int, entries: Iterable[LoreEntry]) -> list[LoreEntry]:
        now = self._clock()
        (last,) = conn.execute("SELECT coalesce(max(sort_order), -1) FROM lore_entries WHERE lorebook_id = ?",
                               (lorebook_id,)).fetchone()
        added = []
        for place, entry in enumerate(entries, start=last + 1):
            entry_id = _insert(conn, "lore_entries", {"lorebook_id": lorebook_id, "sort_order": place, **_entry_columns(entry),
                                                      "created_at": now, "updated_at": now})
            added.append(replace(entry, id=entry_id))
        self._note("lore_entries", "added", [entry.id for entry in added], owner=lorebook_id)
        return added

    # --- bibles ---

    def story_bible(self, document_id: int) -> StoryBible | None:
        """The draft's story bible, or None when it has none yet."""
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the story bible")) as conn:
            lorebook_id = self._bible_id(conn, document_id)
            return None if lorebook_id is None else self._read_bible(conn, lorebook_id)

    def get_story_bible(self, lorebook_id: int) -> StoryBible:
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the story bible")) as conn:
            return self._read_bible(conn, lorebook_id)

    def create_story_bible(self, document_id: int) -> StoryBible:
        """The draft's story bible, made (empty, with the default settings) if it has none."""
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save the story bible")) as conn:
            lorebook_id = self._bible_id(conn, document_id)
            if lorebook_id is None:
                lorebook_id = self._new_bible(conn, document_id)
            return self._read_bible(conn, lorebook_id)

    def update_story_bible(self, lorebook_id: int, **settings: Any) -> StoryBible:
        """Changes the bible's ``name``, ``scan_chars``, ``recursion_depth`` or
        ``budget_fraction`` (the ranges of app.core.lorebook.Lorebook; a value outside them
        raises StoreError and changes nothing). Only what differs is written and announced."""
        unknown = set(settings) - set(_BOOK_COLUMNS)
        if unknown:
            raise StoreError(f"A story bible has no setting {', '.join(sorted(unknown))}.")
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save the story bible")) as conn:
            bible = self._read_bible(conn, lorebook_id)
            book = _checked(bible.lorebook, **settings)
            differing = {key: getattr(book, key) for key in settings if getattr(book, key) != getattr(bible.lorebook, key)}
            if differing:
                assignments = ", ".join(f"{column} = ?" for column in differing)
                conn.execute(f"UPDATE lorebooks SET {assignments}, updated_at = ? WHERE id = ?",
                             (*differing.values(), self._clock(), lorebook_id))
                self._note("lorebooks", "changed", [lorebook_id])
            return replace(bible, lorebook=book)

    def share_story_bible(self, document_id: int, with_document_id: int) -> StoryBible:
        """The draft uses the story bible of ``with_document_id`` from now on (one is made
        for that draft if it has none). The draft's own bible is kept, unused, until the trash
        is emptied: :meth:`use_story_bible` takes it up again."""
        with self._transaction(QT_TRANSLATE_NOOP("Store", "share the story bible")) as conn:
            _DOCUMENTS.fetch(conn, document_id)
            lorebook_id = self._bible_id(conn, with_document_id)
            if lorebook_id is None:
                lorebook_id = self._new_bible(conn, with_document_id)
            self._point(conn, document_id, lorebook_id)
            return self._read_bible(conn, lorebook_id)

    def use_story_bible(self, document_id: int, lorebook_id: int | None) -> None:
        """Makes the draft use the bible ``lorebook_id`` (None: none), e.g. to undo sharing."""
        with self._transaction(QT_TRANSLATE_NOOP("Store", "share the story bible")) as conn:
            if lorebook_id is not None:
                self._read_bible(conn, lorebook_id)  # raises the "does not exist" error
            self._point(conn, document_id, lorebook_id)

    # --- entries ---

    def add_lore_entries(self, lorebook_id: int, entries: Iterable[LoreEntry]) -> list[LoreEntry]:
        """Appends entries (an import: all of them or, on an error, none), their ids set."""
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save the story bible entries")) as conn:
            self._read_bible(conn, lorebook_id)
            return self._append(conn, lorebook_id, entries)

    def add_lore_entry(self, lorebook_id: int, entry: LoreEntry = LoreEntry()) -> LoreEntry:
        """Appends one entry at the end of the book; it comes back with its id."""
        (added,) = self.add_lore_entries(lorebook_id, [entry])
        return added

    def update_lore_entry(self, entry: LoreEntry) -> LoreEntry:
        """Saves the entry's fields (``entry.id`` says which); what did not change is not
        written, nor announced."""
        if not _is_id(entry.id):
            raise StoreError("An entry that was never saved cannot be updated: add it first.")
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save the story bible entry")) as conn:
            lorebook_id = self._entry_owner(conn, entry.id)
            (current,) = (_entry_row(row) for row in conn.execute(f"{_SELECT_ENTRIES} WHERE id = ?", (entry.id,)))
            wanted, stored = _entry_columns(entry), _entry_columns(current)
            differing = {column: value for column, value in wanted.items() if stored[column] != value}
            if differing:
                assignments = ", ".join(f"{column} = ?" for column in differing)
                conn.execute(f"UPDATE lore_entries SET {assignments}, updated_at = ? WHERE id = ?",
                             (*differing.values(), self._clock(), entry.id))
                self._note("lore_entries", "changed", [entry.id], owner=lorebook_id)
            return entry

    def _mark_entry(self, entry_id: int, deleted_at: float | None, action: str) -> None:
        with self._transaction(action) as conn:
            lorebook_id = self._entry_owner(conn, entry_id)
            conn.execute("UPDATE lore_entries SET deleted_at = ? WHERE id = ?", (deleted_at, entry_id))
            self._note("lore_entries", "changed", [entry_id], owner=lorebook_id)

    def delete_lore_entry(self, entry_id: int) -> None:
        """Takes the entry out of its bible; :meth:`restore_lore_entry` brings it back."""
        self._mark_entry(entry_id, self._clock(), QT_TRANSLATE_NOOP("Store", "delete the story bible entry"))

    def restore_lore_entry(self, entry_id: int) -> None:
        self._mark_entry(entry_id, None, QT_TRANSLATE_NOOP("Store", "restore the story bible entry"))

    # --- revisions (called by documents.py inside its transactions) ---

    def _bible_snapshot(self, conn: sqlite3.Connection, lorebook_id: int | None) -> str | None:
        return None if lorebook_id is None else encode_lorebook(self._read_bible(conn, lorebook_id).lorebook)

    def _put_back(self, conn: sqlite3.Connection, document_id: int, book: Lorebook) -> None:
        """Makes the draft's bible hold ``book``'s settings and entries, in its order: an
        entry still in this bible (deleted or not) is changed back and undeleted, one gone
        for good (or from another bible) comes back as a new row, and the entries the book
        does not have are deleted (they can be restored)."""
        lorebook_id = self._bible_id(conn, document_id)
        if lorebook_id is None:
            lorebook_id = self._new_bible(conn, document_id, book)
        now = self._clock()
        settings = {key: getattr(book, key) for key in _BOOK_COLUMNS}
        before = dict(zip(_BOOK_COLUMNS, conn.execute(
            f"SELECT {', '.join(_BOOK_COLUMNS)} FROM lorebooks WHERE id = ?", (lorebook_id,)).fetchone()))
        if before != settings:
            assignments = ", ".join(f"{column} = ?" for column in settings)
            conn.execute(f"UPDATE lorebooks SET {assignments}, updated_at = ? WHERE id = ?", (*settings.values(), now, lorebook_id))
            self._note("lorebooks", "changed", [lorebook_id])
        rows = {row[0]: row for row in conn.execute(
            "SELECT id, sort_order, deleted_at, " + ", ".join(_ENTRY_FIELDS) + " FROM lore_entries WHERE lorebook_id = ?",
            (lorebook_id,))}
        kept: set[int] = set()
        for place, entry in enumerate(book.entries):
            row = rows.get(entry.id) if entry.id is not None else None
            if row is None:
                entry_id = _insert(conn, "lore_entries", {"lorebook_id": lorebook_id, "sort_order": place, **_entry_columns(entry),
                                                          "created_at": now, "updated_at": now})
                self._note("lore_entries", "added", [entry_id], owner=lorebook_id)
                continue
            kept.add(row[0])
            wanted = {"sort_order": place, "deleted_at": None, **_entry_columns(entry)}
            stored = {"sort_order": row[1], "deleted_at": row[2], **_entry_columns(_entry_row((row[0], *row[3:])))}
            if wanted != stored:
                assignments = ", ".join(f"{column} = ?" for column in wanted)
                conn.execute(f"UPDATE lore_entries SET {assignments}, updated_at = ? WHERE id = ?", (*wanted.values(), now, row[0]))
                self._note("lore_entries", "changed", [row[0]], owner=lorebook_id)
        dropped = [entry_id for entry_id, row in rows.items() if entry_id not in kept and row[2] is None]
        conn.executemany("UPDATE lore_entries SET deleted_at = ? WHERE id = ?", [(now, entry_id) for entry_id in dropped])
        self._note("lore_entries", "changed", dropped, owner=lorebook_id)

    # --- the trash (called by empty_trash inside its transaction) ---

    def _empty_bibles(self, conn: sqlite3.Connection, cutoff: float) -> None:
        """Removes for good the entries deleted before ``cutoff`` and the bibles no draft has
        used since before it (their entries go with them)."""
        doomed = conn.execute("SELECT id, lorebook_id FROM lore_entries WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                              (cutoff,)).fetchall()
        conn.executemany("DELETE FROM lore_entries WHERE id = ?", [(entry_id,) for entry_id, _ in doomed])
        for entry_id, lorebook_id in doomed:
            self._note("lore_entries", "removed", [entry_id], owner=lorebook_id)
        unused = [lorebook_id for (lorebook_id,) in conn.execute(
            "SELECT id FROM lorebooks WHERE coalesce(updated_at, 0) <= ? "
            "AND NOT EXISTS (SELECT 1 FROM documents WHERE documents.lorebook_id = lorebooks.id)", (cutoff,))]
        conn.executemany("DELETE FROM lorebooks WHERE id = ?", [(lorebook_id,) for lorebook_id in unused])
        self._note("lorebooks", "removed", unused)
