"""Every write of the store on a full disk: a StoreError that says so (never a bare
sqlite3 error), nothing half saved, nothing announced; and the same write works once
there is space again.

Two ways to fill the disk. SQLite's own: ``PRAGMA max_page_count`` freezes the file at its
size (as in tests/test_store.py), so any write that needs a new page fails with SQLITE_FULL;
only big writes are sure to need one. And, for every write, the error SQLite gives when
the disk fills at the commit (where WAL frames are written) or at the first change (when
its cache spills): the connection is wrapped so that statement fails with SQLITE_FULL.

Pure core code: no Qt.
"""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.core.lorebook import LoreEntry
from app.core.store import Change, Store, StoreError

FULL = "disk is full.*nothing was saved"
BIG = "word " * 50_000  # 250 kB: needs new pages


class Ids:
    """The rows a write acts on, made before the disk fills."""

    def __init__(self, store: Store) -> None:
        self.conversation = store.create_conversation("Chat")
        self.question = store.add_message(self.conversation.id, "user", "Hello", None)
        self.reply = store.add_message(self.conversation.id, "assistant", "Hi", self.question.id)
        self.other = store.add_message(self.conversation.id, "assistant", "Hey", self.question.id)
        self.deleted = store.add_message(self.conversation.id, "assistant", "Gone", self.question.id)
        store.delete_message(self.deleted.id)
        store.select_branch(self.reply.id)
        self.binned = store.create_conversation("In the trash")
        store.delete_conversation(self.binned.id)
        self.document = store.create_document(body="Draft one")
        self.bible = store.create_story_bible(self.document.id)
        self.entry, self.deleted_entry = store.add_lore_entries(
            self.bible.id, [LoreEntry(name="Mara", keys="Mara"), LoreEntry(name="Storm")])
        self.revision = store.add_revision(self.document.id, "manual")
        store.delete_lore_entry(self.deleted_entry.id)
        self.other_document = store.create_document(body="Chapter two")
        store.update_document(self.document.id, body="Draft two")
        store.add_revision(self.document.id, "manual")
        store.update_document(self.document.id, body="Draft three")
        self.binned_document = store.create_document(body="Old")
        store.delete_document(self.binned_document.id)
        self.export = store.export_json(self.conversation.id)
        self.export_file = store.db_path.with_name("export.json")
        store.export_to_file(self.conversation.id, self.export_file, "json")


# Every public method that writes, with a call that changes something. A write that
# cannot grow the file (a delete, a branch switch) only fails on the commit here.
WRITES: dict[str, Callable[[Store, Ids], Any]] = {
    "create_conversation": lambda s, i: s.create_conversation("New"),
    "rename_conversation": lambda s, i: s.rename_conversation(i.conversation.id, "Renamed"),
    "set_system_prompt": lambda s, i: s.set_system_prompt(i.conversation.id, "Be brief."),
    "delete_conversation": lambda s, i: s.delete_conversation(i.conversation.id),
    "restore_conversation": lambda s, i: s.restore_conversation(i.binned.id),
    "add_message": lambda s, i: s.add_message(i.conversation.id, "assistant", "Hey", i.question.id),
    "update_message": lambda s, i: s.update_message(i.reply.id, content="Hi there"),
    "delete_message": lambda s, i: s.delete_message(i.reply.id),
    "restore_message": lambda s, i: s.restore_message(i.deleted.id),
    "select_branch": lambda s, i: s.select_branch(i.other.id),
    "set_current_leaf": lambda s, i: s.set_current_leaf(i.conversation.id, i.question.id),
    "import_json": lambda s, i: s.import_json(i.export),
    "import_file": lambda s, i: s.import_file(i.export_file),
    "create_document": lambda s, i: s.create_document(body="New"),
    "update_document": lambda s, i: s.update_document(i.document.id, body="Draft four"),
    "delete_document": lambda s, i: s.delete_document(i.document.id),
    "restore_document": lambda s, i: s.restore_document(i.binned_document.id),
    "add_revision": lambda s, i: s.add_revision(i.document.id, "manual"),
    "restore_revision": lambda s, i: s.restore_revision(i.document.id, i.revision.id),
    "prune_revisions": lambda s, i: s.prune_revisions(i.document.id, keep=1),
    "empty_trash": lambda s, i: s.empty_trash(),
    "set_meta": lambda s, i: s.set_meta("last_conversation_id", "7"),
    "create_story_bible": lambda s, i: s.create_story_bible(i.other_document.id),
    "update_story_bible": lambda s, i: s.update_story_bible(i.bible.id, scan_chars=500),
    "share_story_bible": lambda s, i: s.share_story_bible(i.other_document.id, i.document.id),
    "use_story_bible": lambda s, i: s.use_story_bible(i.document.id, None),
    "add_lore_entries": lambda s, i: s.add_lore_entries(i.bible.id, [LoreEntry(name="Gull"), LoreEntry(name="Rock")]),
    "add_lore_entry": lambda s, i: s.add_lore_entry(i.bible.id, LoreEntry(name="Gull")),
    "update_lore_entry": lambda s, i: s.update_lore_entry(replace(i.entry, content="The keeper.")),
    "delete_lore_entry": lambda s, i: s.delete_lore_entry(i.entry.id),
    "restore_lore_entry": lambda s, i: s.restore_lore_entry(i.deleted_entry.id),
}

# Every public method that only reads, or manages the Store object itself.
NOT_WRITES = {
    "close", "subscribe", "get_conversation", "list_conversations", "search", "trash",
    "get_message", "path", "siblings", "path_with_siblings", "export_json", "export_markdown",
    "get_document", "list_documents", "documents_trash", "list_revisions", "get_revision",
    "get_meta", "story_bible", "get_story_bible", "document_titles",
    "export_to_file",  # writes a file of its own, not the database
}

# The writes that carry text, made big enough to need new pages.
BIG_WRITES: dict[str, Callable[[Store, Ids], Any]] = {
    "create_conversation": lambda s, i: s.create_conversation(system_prompt=BIG),
    "rename_conversation": lambda s, i: s.rename_conversation(i.conversation.id, BIG),
    "set_system_prompt": lambda s, i: s.set_system_prompt(i.conversation.id, BIG),
    "add_message": lambda s, i: s.add_message(i.conversation.id, "assistant", BIG, i.question.id),
    "update_message": lambda s, i: s.update_message(i.reply.id, content=BIG),
    "import_json": lambda s, i: s.import_json({**i.export, "system_prompt": BIG}),
    "create_document": lambda s, i: s.create_document(body=BIG),
    "update_document": lambda s, i: s.update_document(i.document.id, memory=BIG),
    "set_meta": lambda s, i: s.set_meta("notes", BIG),
    "add_lore_entry": lambda s, i: s.add_lore_entry(i.bible.id, LoreEntry(name="Big", content=BIG)),
    "update_lore_entry": lambda s, i: s.update_lore_entry(replace(i.entry, content=BIG)),
}


def test_every_public_method_is_listed_here():
    """A new write must be added to WRITES, so that it is tested on a full disk."""
    public = {name for name, _ in inspect.getmembers(Store, inspect.isfunction) if not name.startswith("_")}
    assert public == WRITES.keys() | NOT_WRITES


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "inkwell.db") as opened:
        yield opened


def everything(store: Store) -> list[str]:
    """The whole database as SQL, to compare before and after."""
    return list(store._connection().iterdump())


class FullDiskConnection:
    """A connection whose disk fills at the statement ``fails_at`` picks: the error is the
    one SQLite raises for a full disk."""

    def __init__(self, conn: sqlite3.Connection, fails_at: Callable[[str], bool]) -> None:
        self._conn = conn
        self._fails_at = fails_at

    def _check(self, sql: str) -> None:
        if self._fails_at(sql.strip().upper()):
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = 13  # type: ignore[attr-defined] - SQLITE_FULL
            error.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
            raise error

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self._conn.executemany(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


FAILS_AT = {
    "commit": lambda sql: sql == "COMMIT",
    "first change": lambda sql: sql.startswith(("INSERT", "UPDATE", "DELETE")),
}


def check_refused_then_done(store: Store, ids: Ids, write: Callable[[Store, Ids], Any],
                            fill: Callable[[], None], empty: Callable[[], None],
                            announced: bool = True) -> None:
    heard: list[Change] = []
    store.subscribe(heard.append)
    before = everything(store)
    fill()
    try:
        with pytest.raises(StoreError, match=FULL) as raised:
            write(store, ids)
        assert isinstance(raised.value.__cause__, sqlite3.OperationalError)
        assert not store._connection().in_transaction
    finally:
        empty()
    assert everything(store) == before, "a write on a full disk left part of itself behind"
    assert heard == [], "a write that was rolled back was announced"
    write(store, ids)  # space again: the same write works
    assert everything(store) != before
    assert bool(heard) == announced, "a committed write was not announced"


@pytest.mark.parametrize("fails_at", sorted(FAILS_AT))
@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_reports_a_full_disk(store, name, fails_at):
    ids = Ids(store)
    real = store._conn

    def fill() -> None:
        store._conn = FullDiskConnection(real, FAILS_AT[fails_at])  # type: ignore[assignment]

    def empty() -> None:
        store._conn = real

    check_refused_then_done(store, ids, WRITES[name], fill, empty, announced=name != "set_meta")


@pytest.mark.parametrize("name", sorted(BIG_WRITES))
def test_big_writes_on_a_database_that_cannot_grow(store, name):
    ids = Ids(store)
    conn = store._conn
    assert conn is not None
    conn.execute("VACUUM")  # no free pages left inside the file either

    def fill() -> None:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: a full disk

    def empty() -> None:
        conn.execute("PRAGMA max_page_count = 1073741823")

    check_refused_then_done(store, ids, BIG_WRITES[name], fill, empty, announced=name != "set_meta")


def test_a_revision_of_a_big_draft_on_a_full_disk(store):
    """add_revision and restore_revision copy the body: a big one needs new pages."""
    document = store.create_document(body=BIG)
    old = store.add_revision(document.id, "manual")
    store.update_document(document.id, body=BIG + "more")
    store._conn.execute("VACUUM")  # the old body's pages are free: give them back
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")
    for write in (lambda: store.add_revision(document.id, "manual"),
                  lambda: store.restore_revision(document.id, old.id)):
        with pytest.raises(StoreError, match=FULL):
            write()
    assert store.list_revisions(document.id) == [old]
    assert store.get_document(document.id).body == BIG + "more"


def test_opening_on_a_full_disk_is_a_store_error(tmp_path, monkeypatch):
    """Opening writes too (it marks interrupted replies): a full disk then is reported."""
    db_path = tmp_path / "inkwell.db"
    with Store(db_path) as store:
        conversation = store.create_conversation()
        question = store.add_message(conversation.id, "user", "Go", None)
        store.add_message(conversation.id, "assistant", "Once", question.id, status="streaming")
    from app.core.store import schema

    connect = schema.connect
    monkeypatch.setattr(
        schema, "connect", lambda path: FullDiskConnection(connect(path), FAILS_AT["first change"])
    )
    with pytest.raises(StoreError, match="could not open its database; nothing was saved"):
        Store(db_path)
    monkeypatch.undo()
    with Store(db_path) as store:  # space again
        assert [m.status for m in store.path(conversation.id)] == ["complete", "interrupted"]
