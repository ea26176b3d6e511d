"""What every part of the Store stands on: opening the file, transactions, errors, change
notifications, and the trash that conversations and documents share.

Every change is one transaction (``BEGIN IMMEDIATE … COMMIT``, :meth:`_StoreBase._transaction`)
in WAL mode with ``synchronous=FULL``: when a method returns, its change is on disk. Every
SQLite error, a full disk included, leaves a method as a :class:`StoreError` whose message
says what could not be done and what to do about it.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from app.core.store import recovery, schema
from app.core.store.events import ChangeAction, ChangeKind, Subscriber, _Pending, _Subscribers
from app.core.store.records import _NOUNS, _TRASHABLE, StoreError, _Listed, _Row
from app.core.translatable import QT_TRANSLATE_NOOP

Clock = Callable[[], float]
_Self = TypeVar("_Self", bound="_StoreBase")


class _StoreBase:
    """The connection and its transactions; see app/core/store/__init__.py for the whole."""

    def __init__(self, path: str | os.PathLike[str], *, clock: Clock = time.time) -> None:
        # The file is ``db_path``: ``path`` is the method that returns a conversation's path.
        self.db_path = Path(path)
        self.recovery_report: str | None = None
        self._conn: sqlite3.Connection | None = None
        self._clock = clock  # seconds since the epoch; tests pass their own
        self._subscribers = _Subscribers()
        self._pending: _Pending | None = None  # the open transaction's changes
        # Per document, the clock hour (since the epoch) its revisions were last thinned in
        # (documents.py): the retention policy's answer only changes on the hour.
        self._thinned_hour: dict[int, int] = {}
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
            conn = schema.open_checked(self.db_path)
        except schema.Damaged:
            damaged_copy = recovery.move_aside(self.db_path)
            with self._sqlite_errors(QT_TRANSLATE_NOOP("Store", "open its database")):
                conn = schema.connect(self.db_path)
        self._conn = conn
        try:
            with self._sqlite_errors(QT_TRANSLATE_NOOP("Store", "open its database")):
                schema.configure(conn)
            while True:
                with self._transaction(QT_TRANSLATE_NOOP("Store", "upgrade its database")) as conn:
                    if not schema.migrate_step(conn, self.db_path):
                        break
            if damaged_copy is not None:
                self.recovery_report = recovery.recover_from(
                    damaged_copy, self._transaction, self._clock()
                )
            with self._transaction(QT_TRANSLATE_NOOP("Store", "open its database")) as conn:
                # A reply cut by a crash shows as cut. Also proves at once that the file can
                # be written.
                conn.execute(
                    "UPDATE messages SET status = 'interrupted', updated_at = ? "
                    "WHERE status = 'streaming'",
                    (self._clock(),),
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

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- change notifications ---

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(change)`` after each committed write, with one
        :class:`~app.core.store.events.Change` per kind of row and of change it made (see
        app/core/store/events.py). Returns the function that unsubscribes it."""
        return self._subscribers.add(callback)

    def _note(
        self, kind: ChangeKind, action: ChangeAction, ids: Iterable[int], owner: int | None = None
    ) -> None:
        """Inside a transaction: what it changed, announced once it commits."""
        assert self._pending is not None, "a change noted outside a transaction"
        self._pending.note(kind, action, ids, owner)

    # --- transactions and errors ---

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(QT_TRANSLATE_NOOP("Store", "The conversation store is closed."))
        return self._conn

    @contextmanager
    def _sqlite_errors(self, action: str) -> Iterator[None]:
        """Every error from SQLite, as a StoreError in words for a person."""
        try:
            yield
        except (sqlite3.Error, UnicodeEncodeError) as error:
            raise schema.store_error(error, action, self.db_path) from error

    @contextmanager
    def _reading(self, action: str) -> Iterator[sqlite3.Connection]:
        with self._sqlite_errors(action):
            yield self._connection()

    @contextmanager
    def _transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """One write: all of it is committed, or (on any exception) none of it. What it
        noted (:meth:`_note`) is announced to the subscribers after the commit."""
        conn = self._connection()
        pending = _Pending()
        with self._sqlite_errors(action):
            # IMMEDIATE takes the write lock up front, so a busy database fails here, not
            # halfway through the change.
            conn.execute("BEGIN IMMEDIATE")
            self._pending = pending
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
            finally:
                self._pending = None
        self._subscribers.deliver(pending.changes())

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
            self._note(kind.table, "changed", [row_id])  # type: ignore[arg-type]

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
            (self._clock(),),
        )

    def _restore_from_trash(self, kind: _Listed[Any], row_id: int) -> None:
        self._update_row(kind, QT_TRANSLATE_NOOP("Store", "restore the {noun}").format(noun=_NOUNS[kind.noun]), row_id, "deleted_at = NULL", ())

    def empty_trash(self, older_than_s: float = 0) -> int:
        """Delete for good the conversations and documents in the trash for at least
        ``older_than_s`` seconds, with their messages and revisions, and the story bible
        entries deleted as long ago and the bibles no draft has used for as long. Returns how
        many conversations and documents, together."""
        cutoff = self._clock() - older_than_s
        emptied = 0
        with self._transaction(QT_TRANSLATE_NOOP("Store", "empty the trash")) as conn:
            for kind in _TRASHABLE:
                doomed = [
                    row_id for (row_id,) in conn.execute(
                        f"SELECT id FROM {kind.table} "
                        "WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                        (cutoff,),
                    )
                ]
                # Messages and revisions follow by ON DELETE CASCADE.
                conn.executemany(f"DELETE FROM {kind.table} WHERE id = ?", [(i,) for i in doomed])
                self._note(kind.table, "removed", doomed)  # type: ignore[arg-type]
                emptied += len(doomed)
            self._empty_bibles(conn, cutoff)
        return emptied

    def _empty_bibles(self, conn: sqlite3.Connection, cutoff: float) -> None:
        """Inside empty_trash: story bibles' deleted entries and unused bibles (lorebooks.py)."""

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
