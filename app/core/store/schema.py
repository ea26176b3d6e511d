"""The database file: its schema and forward migrations, and what SQLite's errors mean to
a person.

The schema grows by forward migrations numbered with ``PRAGMA user_version``:
``MIGRATIONS[i]`` upgrades a database from version ``i`` to ``i + 1``, inside the
transaction that also sets the version, so an upgrade is all or nothing. Append a
function to add a version; never edit one that has shipped. A file whose version is
greater than ``len(MIGRATIONS)`` comes from a newer Inkwell and is refused untouched
(:func:`newer_error`) rather than misread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from app.core.store.records import StoreError
from app.core.translatable import QT_TRANSLATE_NOOP


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


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """Story bibles: a draft points at one (several drafts may share it), and a revision keeps
    the bible as it was."""
    for statement in (
        """CREATE TABLE lorebooks (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            scan_chars INTEGER NOT NULL DEFAULT 2000,
            recursion_depth INTEGER NOT NULL DEFAULT 0,
            budget_fraction REAL NOT NULL DEFAULT 0.25,
            created_at REAL,
            -- Its settings changed, or a draft stopped using it: a bible no draft uses is
            -- removed with the trash once this is old enough.
            updated_at REAL
        )""",
        """CREATE TABLE lore_entries (
            id INTEGER PRIMARY KEY,
            lorebook_id INTEGER NOT NULL REFERENCES lorebooks(id) ON DELETE CASCADE,
            sort_order INTEGER NOT NULL DEFAULT 0,  -- its place in the book
            name TEXT NOT NULL DEFAULT '',
            keys TEXT NOT NULL DEFAULT '[]',  -- JSON list of strings
            content TEXT NOT NULL DEFAULT '',
            enabled INTEGER NOT NULL DEFAULT 1,
            always_on INTEGER NOT NULL DEFAULT 0,
            priority INTEGER NOT NULL DEFAULT 100,
            position TEXT NOT NULL DEFAULT 'after_memory',
            secondary_keys TEXT NOT NULL DEFAULT '[]',  -- JSON list of strings
            secondary_logic TEXT NOT NULL DEFAULT 'and_any',
            created_at REAL,
            updated_at REAL,
            deleted_at REAL  -- set while it is deleted (and can still be brought back)
        )""",
        "CREATE INDEX lore_entries_by_lorebook ON lore_entries(lorebook_id)",
        "ALTER TABLE documents ADD COLUMN lorebook_id INTEGER REFERENCES lorebooks(id)",
        "CREATE INDEX documents_by_lorebook ON documents(lorebook_id)",
        # JSON: the story bible when the revision was taken; NULL: not kept with it.
        "ALTER TABLE revisions ADD COLUMN lorebook TEXT",
    ):
        conn.execute(statement)


# MIGRATIONS[i] upgrades a database from version i to i + 1, inside the transaction that
# also sets PRAGMA user_version, so an upgrade is all or nothing. Append; never edit.
# (Read through this module at run time: tests patch ``schema.MIGRATIONS``.)
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_0_to_1, _migrate_1_to_2, _migrate_2_to_3]


def migrate_step(conn: sqlite3.Connection, path: Path) -> bool:
    """Inside a write transaction: run the next migration the file needs. False when the
    file is current; raises newer_error when it is from a newer Inkwell."""
    # Read inside the transaction: another process may have just upgraded it.
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise newer_error(path)
    if version == len(MIGRATIONS):
        return False
    MIGRATIONS[version](conn)
    conn.execute(f"PRAGMA user_version = {version + 1}")
    return True


_NEWER = QT_TRANSLATE_NOOP(
    "Store", "The database {path} was written by a newer version of Inkwell. "
    "Update Inkwell to open it (the file was left as it is)."
)


def newer_error(path: Path) -> StoreError:
    return StoreError(_NEWER.format(path=str(path)))


# --- searching: SQLite's LIKE and lower() fold ASCII only -------------------------------------

FOLD_FUNCTION = "inkwell_fold"  # str.casefold for SQL, registered on every connection


def _fold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (the Store opens every transaction itself)."""
    # isolation_level=None: no implicit transactions; the Store's _transaction() makes them.
    conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    conn.create_function(FOLD_FUNCTION, 1, _fold, deterministic=True)
    return conn


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


def is_damage(error: sqlite3.Error) -> bool:
    return _primary_code(error) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def store_error(error: sqlite3.Error | UnicodeEncodeError, action: str, path: Path) -> StoreError:
    """The StoreError for a failed ``action`` ("save the message"), in words a person can act
    on: a full disk, a read-only or damaged file, another program holding it… (A
    UnicodeEncodeError is text SQLite cannot take: a lone surrogate, as JSON can hold.)"""
    code = _primary_code(error) if isinstance(error, sqlite3.Error) else None
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


class Damaged(Exception):
    """The database file is damaged or is not a database: recover what can be read."""


def open_checked(path: Path) -> sqlite3.Connection:
    """Open the file and check it. Raises Damaged for a damaged file or one that is not a
    database, StoreError for one from a newer Inkwell (left untouched) or one that cannot
    be opened."""
    action = QT_TRANSLATE_NOOP("Store", "open its database")
    try:
        conn = connect(path)
    except sqlite3.Error as error:
        raise store_error(error, action, path) from error
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise newer_error(path)
        if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            raise Damaged()
        return conn
    except BaseException as error:
        conn.close()
        if isinstance(error, sqlite3.Error):
            if is_damage(error):
                raise Damaged() from error
            raise store_error(error, action, path) from error
        raise


def configure(conn: sqlite3.Connection) -> None:
    """The settings every connection of the Store runs with."""
    # Where WAL cannot work (some network drives) SQLite keeps its rollback journal:
    # slower, but every transaction is just as atomic.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")  # fsync every commit: a save is a save
    conn.execute("PRAGMA foreign_keys = ON")
