"""Documents (a writer's drafts) and their revisions.

The editor autosaves with :meth:`update_document` (about once a second: one small
transaction, only what changed). Snapshots of the body and of the draft's story bible
("revisions"; the bible's part is in lorebooks.py) are taken only when asked (:meth:`add_revision`: before each accepted continuation, every ten minutes while the
writer types, before a restore), never by autosave, so the history stays a list of
meaningful versions rather than one per keystroke. A document without a title of its own is
titled by its body's first line, and keeps following it until the user names it; that
choice is the ``title_by_user`` column (not in :class:`Document`: it only decides what
autosave does to the title). Naming it "" hands the title back to the body.

Revisions are thinned whenever :meth:`add_revision` adds one, so a long-lived draft does
not keep every version forever (:func:`revisions_to_thin`): every revision of the last day
is kept; older ones, the newest of each hour; older than a week, the newest of each day;
and always the newest revision of all. Hours and days are UTC, counted from the epoch.
There is no way to pin a revision: the schema has no such flag.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from app.core.store.lorebooks import _LorebookStore
from app.core.store.records import (
    _DOCUMENT_ROW_COLUMNS,
    _DOCUMENT_TEXT_COLUMNS,
    _DOCUMENTS,
    _NOUNS,
    _SELECT_REVISIONS,
    _UNCHANGED,
    Document,
    Revision,
    StoreError,
    _check_count,
    _encode_object,
    decode_lorebook,
    _insert,
    _is_number,
    _Unchanged,
    title_from_text,
)
from app.core.translatable import QT_TRANSLATE_NOOP

HOUR_S = 3600
DAY_S = 24 * HOUR_S
KEEP_ALL_S = DAY_S  # every revision whose hour ended less than this ago is kept
KEEP_HOURLY_S = 7 * DAY_S  # then the newest of each hour; past this, the newest of each day


def revisions_to_thin(revisions: Iterable[tuple[int, float | None]], now: float) -> list[int]:
    """The ids of the revisions the retention policy drops at ``now``, from one document's
    revisions given as (id, created_at).

    A revision's age is counted from the end of its hour (or day), so a whole hour or day
    changes tier at once: applied after each new revision, the result is the same as
    applied once over the whole history. "Newest" is the greatest id, as in the list (a
    clock can go back). A revision without a usable date is kept."""
    revisions = list(revisions)
    if not revisions:
        return []
    newest = max(revision_id for revision_id, _ in revisions)
    keeper: dict[tuple[int, int], int] = {}  # (bucket size, bucket number) → the id kept
    thinned: list[tuple[tuple[int, int], int]] = []
    for revision_id, created in revisions:
        if not _is_number(created):
            continue
        assert created is not None
        hour = math.floor(created / HOUR_S)
        if (hour + 1) * HOUR_S > now - KEEP_ALL_S:
            continue  # still within the last day: kept
        day = math.floor(created / DAY_S)
        old = (day + 1) * DAY_S <= now - KEEP_HOURLY_S
        bucket = (DAY_S, day) if old else (HOUR_S, hour)
        keeper[bucket] = max(keeper.get(bucket, revision_id), revision_id)
        thinned.append((bucket, revision_id))
    return sorted(
        revision_id
        for bucket, revision_id in thinned
        if revision_id != keeper[bucket] and revision_id != newest
    )


def _revision_from_row(row: tuple) -> Revision:
    *values, lorebook = row
    return Revision(*values, lorebook=decode_lorebook(lorebook))


class _DocumentStore(_LorebookStore):
    """The document half of :class:`app.core.store.Store`, with the drafts' story bibles."""

    @staticmethod
    def _revision(conn: sqlite3.Connection, revision_id: int) -> Revision:
        row = conn.execute(f"{_SELECT_REVISIONS} WHERE id = ?", (revision_id,)).fetchone()
        if row is None:
            raise StoreError(
                f"Revision {revision_id} does not exist (it may have been pruned, or its "
                "document emptied from the trash)."
            )
        return _revision_from_row(row)

    # --- documents ---

    def create_document(self, title: str = "", body: str = "") -> Document:
        """A new document. Without a title, it is titled by its body's first line."""
        title = " ".join(title.split())
        now = self._clock()
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save the new document")) as conn:
            document_id = _insert(conn, "documents", {
                "title": title or title_from_text(body),
                "body": body,
                "created_at": now,
                "updated_at": now,
                "title_by_user": int(bool(title)),
            })
            self._note("documents", "added", [document_id])
            return _DOCUMENTS.fetch(conn, document_id)

    def get_document(self, document_id: int) -> Document:
        """Any document, including one in the trash."""
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the document")) as conn:
            return _DOCUMENTS.fetch(conn, document_id)

    def list_documents(self) -> list[Document]:
        """Documents not in the trash, most recently updated (their text) first."""
        return self._listed(_DOCUMENTS, in_trash=False)

    def document_titles(self) -> list[tuple[int, str]]:
        """(id, title) of each document not in the trash, in the order of
        :meth:`list_documents`, without reading any text: what a list of drafts shows,
        cheap enough to read again after every save."""
        action = QT_TRANSLATE_NOOP("Store", "read the {noun}s").format(noun=_NOUNS["document"])
        with self._reading(action) as conn:
            rows = conn.execute(
                "SELECT id, title FROM documents WHERE deleted_at IS NULL "
                "ORDER BY updated_at DESC, id DESC"
            )
            return [(document_id, title) for document_id, title in rows]

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
        every second; what did not actually change is not written (nor announced).

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

    def _change_document(
        self,
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
                differing["updated_at"] = self._clock()
            assignments = ", ".join(f"{column} = ?" for column in differing)
            sql = f"UPDATE documents SET {assignments} WHERE id = ?"
            conn.execute(sql, (*differing.values(), document_id))
            self._note("documents", "changed", [document_id])
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
        already holds this body: asking twice does not fill the history with copies.

        A revision added also thins the document's older revisions (see the module
        docstring), in the same transaction; at most once per clock hour per document, as
        that is when the policy's answer can change."""
        now = self._clock()
        hour = math.floor(now / HOUR_S)
        with self._transaction(QT_TRANSLATE_NOOP("Store", "save a revision")) as conn:
            revision = self._snapshot(conn, _DOCUMENTS.fetch(conn, document_id), reason, now)
            thin = revision is not None and self._thinned_hour.get(document_id) != hour
            if thin:
                self._thin_revisions(conn, document_id, now)
        if thin:  # only once it is committed
            self._thinned_hour[document_id] = hour
        return revision

    def _snapshot(
        self, conn: sqlite3.Connection, document: Document, reason: str, now: float
    ) -> Revision | None:
        bible = self._bible_snapshot(conn, document.lorebook_id)
        newest = conn.execute(
            "SELECT body, lorebook FROM revisions WHERE document_id = ? ORDER BY id DESC LIMIT 1",
            (document.id,),
        ).fetchone()
        if newest is not None and tuple(newest) == (document.body, bible):
            return None
        revision_id = _insert(conn, "revisions", {
            "document_id": document.id,
            "body": document.body,
            "reason": reason,
            "created_at": now,
            "lorebook": bible,
        })
        self._note("revisions", "added", [revision_id], owner=document.id)
        return self._revision(conn, revision_id)

    def _thin_revisions(self, conn: sqlite3.Connection, document_id: int, now: float) -> None:
        dated = conn.execute(
            "SELECT id, created_at FROM revisions WHERE document_id = ?", (document_id,)
        ).fetchall()
        self._delete_revisions(conn, document_id, revisions_to_thin(dated, now))

    def _delete_revisions(self, conn: sqlite3.Connection, document_id: int, ids: list[int]) -> int:
        conn.executemany("DELETE FROM revisions WHERE id = ?", [(i,) for i in ids])
        self._note("revisions", "removed", ids, owner=document_id)
        return len(ids)

    def list_revisions(self, document_id: int) -> list[Revision]:
        """A document's revisions, newest first."""
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the revisions")) as conn:
            _DOCUMENTS.fetch(conn, document_id)
            # By id, not by date: a newer revision has a greater id (max + 1), while a
            # clock can go back.
            rows = conn.execute(
                f"{_SELECT_REVISIONS} WHERE document_id = ? ORDER BY id DESC", (document_id,)
            )
            return [_revision_from_row(row) for row in rows]

    def get_revision(self, revision_id: int) -> Revision:
        with self._reading(QT_TRANSLATE_NOOP("Store", "read the revision")) as conn:
            return self._revision(conn, revision_id)

    def restore_revision(self, document_id: int, revision_id: int) -> Document:
        """Put a revision's body back, and its story bible when it kept one (into the bible
        the draft uses now: see lorebooks.py). What it replaces is snapshotted first (reason
        "before restore"), in the same transaction, so a restore can itself be undone."""
        now = self._clock()
        with self._transaction(QT_TRANSLATE_NOOP("Store", "restore the revision")) as conn:
            document = _DOCUMENTS.fetch(conn, document_id)
            revision = self._revision(conn, revision_id)
            if revision.document_id != document_id:
                raise StoreError(f"Revision {revision_id} belongs to another document.")
            self._snapshot(conn, document, "before restore", now)
            if revision.lorebook is not None:
                self._put_back(conn, document_id, revision.lorebook)
            return self._change_document(conn, document_id, {}, body=revision.body)

    def prune_revisions(self, document_id: int, keep: int = 200) -> int:
        """Delete for good all but the newest ``keep`` revisions; how many were deleted."""
        keep = _check_count(keep, "number of revisions to keep")
        with self._transaction(QT_TRANSLATE_NOOP("Store", "prune the revisions")) as conn:
            _DOCUMENTS.fetch(conn, document_id)
            doomed = [
                revision_id for (revision_id,) in conn.execute(
                    "SELECT id FROM revisions WHERE document_id = ? ORDER BY id DESC LIMIT -1 OFFSET ?",
                    (document_id, keep),
                )
            ]
            return self._delete_revisions(conn, document_id, doomed)
