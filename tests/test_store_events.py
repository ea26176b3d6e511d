"""Change notifications of the store (app/core/store/events.py): what each committed write
announces, that a rolled-back write announces nothing, and how subscribers come and go.

Pure core code: no Qt.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from app.core.store import Change, Store, StoreError


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "inkwell.db") as opened:
        yield opened


@pytest.fixture
def heard(store: Store) -> list[Change]:
    changes: list[Change] = []
    store.subscribe(changes.append)
    return changes


def take(heard: list[Change]) -> list[tuple]:
    """What was heard since the last take, as plain tuples; the list is emptied."""
    found = [(c.kind, c.action, c.ids, c.owner_ids) for c in heard]
    heard.clear()
    return found


def test_conversation_and_message_writes_announce_what_they_changed(store, heard):
    conversation = store.create_conversation("Chat")
    c = conversation.id
    assert take(heard) == [("conversations", "added", (c,), ())]

    question = store.add_message(c, "user", "Hello", None)
    q = question.id
    assert take(heard) == [
        ("messages", "added", (q,), (c,)),
        ("conversations", "changed", (c,), ()),  # its leaf and date moved
    ]
    reply = store.add_message(c, "assistant", "", q, status="streaming")
    r = reply.id
    heard.clear()

    store.update_message(r, content="Hi")
    assert take(heard) == [("messages", "changed", (r,), (c,)), ("conversations", "changed", (c,), ())]
    store.update_message(r)  # nothing to change: nothing written, nothing said
    assert take(heard) == []

    for write in (store.delete_message, store.restore_message):
        write(r)
        assert take(heard) == [("messages", "changed", (r,), (c,)), ("conversations", "changed", (c,), ())]
    store.restore_message(r)  # not deleted: nothing to do
    assert take(heard) == []

    store.select_branch(q)
    assert take(heard) == [("conversations", "changed", (c,), ())]
    store.set_current_leaf(c, r)
    assert take(heard) == [("conversations", "changed", (c,), ())]

    store.rename_conversation(c, "Renamed")
    store.set_system_prompt(c, "Be brief.")
    store.delete_conversation(c)
    store.restore_conversation(c)
    assert take(heard) == [("conversations", "changed", (c,), ())] * 4

    store.set_meta("last_conversation_id", str(c))  # app state: not announced
    assert take(heard) == []


def test_import_announces_the_conversation_and_all_its_messages(store, heard):
    original = store.create_conversation("Original")
    first = store.add_message(original.id, "user", "One", None)
    store.add_message(original.id, "assistant", "Two", first.id)
    store.add_message(original.id, "assistant", "Two again", first.id)
    heard.clear()

    imported = store.import_json(store.export_json(original.id))
    new_ids = tuple(m["id"] for m in store.export_json(imported.id)["messages"])
    assert len(new_ids) == 3
    assert take(heard) == [
        ("conversations", "added", (imported.id,), ()),
        ("messages", "added", new_ids, (imported.id,)),
    ]


def test_document_writes_announce_what_they_changed(store, heard):
    document = store.create_document(body="one")
    d = document.id
    assert take(heard) == [("documents", "added", (d,), ())]

    store.update_document(d, body="one", cursor=0)  # an autosave that changes nothing
    assert take(heard) == []
    store.update_document(d, body="two")
    assert take(heard) == [("documents", "changed", (d,), ())]

    first = store.add_revision(d, "manual")
    assert take(heard) == [("revisions", "added", (first.id,), (d,))]
    assert store.add_revision(d, "manual") is None  # same body: nothing added
    assert take(heard) == []

    store.update_document(d, body="three")
    heard.clear()
    store.restore_revision(d, first.id)
    (snapshot, _) = store.list_revisions(d)
    assert take(heard) == [
        ("revisions", "added", (snapshot.id,), (d,)),  # "before restore"
        ("documents", "changed", (d,), ()),
    ]

    assert store.prune_revisions(d, keep=1) == 1
    assert take(heard) == [("revisions", "removed", (first.id,), (d,))]
    assert store.prune_revisions(d, keep=1) == 0
    assert take(heard) == []

    store.delete_document(d)
    store.restore_document(d)
    assert take(heard) == [("documents", "changed", (d,), ())] * 2


def test_story_bible_writes_announce_what_they_changed(store, heard):
    from app.core.lorebook import LoreEntry

    one, two = store.create_document(body="one"), store.create_document(body="two")
    heard.clear()
    bible = store.create_story_bible(one.id)
    b = bible.id
    assert take(heard) == [("lorebooks", "added", (b,), ()), ("documents", "changed", (one.id,), ())]
    first, second = store.add_lore_entries(b, [LoreEntry(name="Mara"), LoreEntry(name="Storm")])
    assert take(heard) == [("lore_entries", "added", (first.id, second.id), (b,))]
    store.update_lore_entry(LoreEntry(id=first.id, name="Mara", content="The keeper."))
    store.delete_lore_entry(second.id)
    store.restore_lore_entry(second.id)
    assert take(heard) == [("lore_entries", "changed", (first.id,), (b,)), ("lore_entries", "changed", (second.id,), (b,)),
                           ("lore_entries", "changed", (second.id,), (b,))]
    store.update_story_bible(b, budget_fraction=0.5)
    assert take(heard) == [("lorebooks", "changed", (b,), ())]
    store.share_story_bible(two.id, one.id)
    assert take(heard) == [("documents", "changed", (two.id,), ())]
    store.share_story_bible(two.id, one.id)  # already shared: nothing changes
    assert take(heard) == []

    revision = store.add_revision(one.id, "manual")
    store.delete_lore_entry(first.id)
    store.update_story_bible(b, budget_fraction=0.25)
    heard.clear()
    store.restore_revision(one.id, revision.id)
    (snapshot, _) = store.list_revisions(one.id)
    assert take(heard) == [
        ("revisions", "added", (snapshot.id,), (one.id,)),  # "before restore"
        ("lorebooks", "changed", (b,), ()),
        ("lore_entries", "changed", (first.id,), (b,)),
    ]


def test_emptying_the_trash_announces_what_it_removed_for_good(store, heard):
    kept = store.create_conversation("kept")
    gone = [store.create_conversation(f"gone {i}") for i in range(2)]
    store.add_message(gone[0].id, "user", "with a message", None)
    draft = store.create_document(body="draft")
    store.add_revision(draft.id, "manual")
    for conversation in gone:
        store.delete_conversation(conversation.id)
    store.delete_document(draft.id)
    heard.clear()

    assert store.empty_trash(older_than_s=3600) == 0
    assert take(heard) == []
    assert store.empty_trash() == 3
    # Their messages and revisions go with them, unannounced.
    assert take(heard) == [
        ("conversations", "removed", tuple(sorted(c.id for c in gone)), ()),
        ("documents", "removed", (draft.id,), ()),
    ]
    assert [c.id for c in store.list_conversations()] == [kept.id]


def test_a_rolled_back_write_announces_nothing(store, heard):
    conversation = store.create_conversation()
    other = store.create_conversation()
    foreign = store.add_message(other.id, "user", "elsewhere", None)
    mine = store.create_document(body="mine")
    theirs = store.create_document(body="theirs")
    revision = store.add_revision(theirs.id, "manual")
    store.update_document(mine.id, body="mine, edited")
    heard.clear()

    with pytest.raises(StoreError, match="another conversation"):
        store.add_message(conversation.id, "assistant", "x", foreign.id)
    # The snapshot of "mine" is noted, then the whole write is rolled back.
    with pytest.raises(StoreError, match="belongs to another document"):
        store.restore_revision(mine.id, revision.id)
    with pytest.raises(StoreError, match="does not exist"):
        store.rename_conversation(9999, "Nope")
    with pytest.raises(StoreError, match="does not exist"):
        store.add_revision(9999, "manual")
    assert take(heard) == []
    store.delete_message(foreign.id)
    heard.clear()
    with pytest.raises(StoreError, match="deleted"):
        store.select_branch(foreign.id)
    assert take(heard) == []
    assert store.list_revisions(mine.id) == []


def test_subscribers_hear_after_the_commit_and_may_use_the_store(store):
    on_disk: list[int] = []
    titles: list[str] = []

    def check_on_disk(change: Change) -> None:
        # Another connection sees it: the write is committed before anyone hears of it.
        conn = sqlite3.connect(store.db_path)
        try:
            on_disk.append(conn.execute("SELECT count(*) FROM conversations").fetchone()[0])
        finally:
            conn.close()

    def title_untitled(change: Change) -> None:
        # Reading and writing from a subscriber works: no transaction is open any more.
        if change.kind == "conversations" and change.action == "added":
            for conversation_id in change.ids:
                if not store.get_conversation(conversation_id).title:
                    store.rename_conversation(conversation_id, "Untitled")
        elif change.kind == "conversations":
            titles.append(store.get_conversation(change.ids[0]).title)

    store.subscribe(check_on_disk)
    store.subscribe(title_untitled)
    conversation = store.create_conversation()
    assert store.get_conversation(conversation.id).title == "Untitled"
    assert titles == ["Untitled"]  # the rename, heard while the create was being announced
    assert on_disk == [1, 1]  # the create, then the nested rename


def test_unsubscribe_and_a_failing_subscriber(store):
    calls: list[str] = []
    unsubscribe_first = store.subscribe(lambda change: calls.append("first"))

    def broken(change: Change) -> None:
        calls.append("broken")
        raise RuntimeError("a bug in a subscriber")

    unsubscribe_broken = store.subscribe(broken)
    store.subscribe(lambda change: calls.append("last"))

    # The write is committed; every subscriber is called; then the bug surfaces.
    with pytest.raises(RuntimeError, match="a bug in a subscriber"):
        store.create_conversation("Kept")
    assert calls == ["first", "broken", "last"]
    assert [c.title for c in store.list_conversations()] == ["Kept"]

    unsubscribe_broken()
    unsubscribe_broken()  # a second call does nothing
    unsubscribe_first()
    calls.clear()
    store.create_conversation()
    assert calls == ["last"]

    with pytest.raises(TypeError, match="callable"):
        store.subscribe("not a function")  # type: ignore[arg-type]


def test_a_subscriber_that_unsubscribes_while_hearing_is_not_called_again(store):
    heard: list[Change] = []
    unsubscribe = None

    def once(change: Change) -> None:
        heard.append(change)
        assert unsubscribe is not None
        unsubscribe()

    unsubscribe = store.subscribe(once)
    conversation = store.create_conversation()
    store.add_message(conversation.id, "user", "Two changes in one write", None)
    assert len(heard) == 1


def test_a_change_is_a_small_immutable_value(store, heard):
    store.create_conversation()
    (change,) = heard
    assert change == Change("conversations", "added", change.ids)
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.ids = ()  # type: ignore[misc]
    assert {change: 1}[change] == 1  # hashable: usable as a key or in a set
