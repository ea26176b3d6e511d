"""Story bibles in the store (app/core/store/lorebooks.py): entries saved and read back, drafts
sharing a bible, deleting with undo, the bible inside revisions, the upgrade from version 2,
the trash and damage.

Pure core code: no Qt.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core.lorebook import LoreEntry, Lorebook
from app.core.store import MIGRATIONS, Change, Store, StoreError
from tests.test_store import damaged_copies, garble_middle_fifth, raw_query


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "inkwell.db"


@pytest.fixture
def store(db_path: Path):
    with Store(db_path) as opened:
        yield opened


MARA = LoreEntry(name="Mara", keys="玛拉, Mara, the keeper", content="Mara keeps the lighthouse on Gull Rock.",
                 priority=200, position="before_memory", secondary_keys="lamp，灯塔", secondary_logic="not_any")
STORM = LoreEntry(name="Storm", keys=("storm",), content="Storms come from the west.", enabled=False,
                  always_on=True, position="authors_note")


def without_ids(entries) -> list[LoreEntry]:
    return [LoreEntry(**{**entry.__dict__, "id": None}) for entry in entries]


def test_entries_round_trip_with_every_field_and_survive_reopening(db_path):
    with Store(db_path) as store:
        draft = store.create_document(body="Once")
        assert store.story_bible(draft.id) is None  # none until the draft needs one
        bible = store.create_story_bible(draft.id)
        assert store.create_story_bible(draft.id) == bible  # asking again gives the same one
        assert bible.lorebook == Lorebook() and bible.document_ids == (draft.id,)
        assert store.get_document(draft.id).lorebook_id == bible.id
        mara, storm = store.add_lore_entries(bible.id, [MARA, STORM])
        assert mara.id is not None and storm.id is not None and mara.id != storm.id
        store.update_story_bible(bible.id, name="Gull Rock", scan_chars=500, budget_fraction=0.5, recursion_depth=2)
    with Store(db_path) as store:
        bible = store.story_bible(draft.id)
        book = bible.lorebook
        assert book.entries == (mara, storm)
        assert without_ids(book.entries) == [MARA, STORM]
        assert book.entries[0].keys == ("玛拉", "Mara", "the keeper")
        assert book.entries[0].secondary_keys == ("lamp", "灯塔")
        assert (book.name, book.scan_chars, book.budget_fraction, book.recursion_depth) == ("Gull Rock", 500, 0.5, 2)


def test_an_update_writes_only_what_changed(store):
    heard: list[Change] = []
    draft = store.create_document()
    bible = store.create_story_bible(draft.id)
    entry = store.add_lore_entry(bible.id, MARA)
    store.subscribe(heard.append)
    store.update_lore_entry(entry)  # an autosave of an unchanged entry
    store.update_story_bible(bible.id, scan_chars=bible.lorebook.scan_chars)
    assert heard == []
    changed = LoreEntry(**{**entry.__dict__, "content": "Mara left the lighthouse."})
    assert store.update_lore_entry(changed) == changed
    assert heard == [Change("lore_entries", "changed", (entry.id,), (bible.id,))]
    assert store.story_bible(draft.id).lorebook.entries == (changed,)
    with pytest.raises(StoreError, match="never saved"):
        store.update_lore_entry(MARA)
    with pytest.raises(StoreError, match="entry 999 does not exist"):
        store.update_lore_entry(LoreEntry(id=999))


def test_settings_out_of_range_are_refused_and_change_nothing(store):
    draft = store.create_document()
    bible = store.create_story_bible(draft.id)
    with pytest.raises(StoreError, match="100 to 100,000 characters"):
        store.update_story_bible(bible.id, scan_chars=5)
    with pytest.raises(StoreError, match="more than 0 and at most 1"):
        store.update_story_bible(bible.id, budget_fraction=0)
    with pytest.raises(StoreError, match="no setting"):
        store.update_story_bible(bible.id, colour="red")
    assert store.get_story_bible(bible.id).lorebook == Lorebook()


def test_a_deleted_entry_comes_back_with_undo_and_goes_for_good_with_the_trash(store, db_path):
    now = [1000.0]
    with Store(db_path.with_name("timed.db"), clock=lambda: now[0]) as timed:
        draft = timed.create_document()
        bible = timed.create_story_bible(draft.id)
        mara, storm = timed.add_lore_entries(bible.id, [MARA, STORM])
        timed.delete_lore_entry(mara.id)
        assert timed.story_bible(draft.id).lorebook.entries == (storm,)
        timed.restore_lore_entry(mara.id)
        assert timed.story_bible(draft.id).lorebook.entries == (mara, storm)  # back in its place

        timed.delete_lore_entry(mara.id)
        now[0] += 100
        heard: list[Change] = []
        timed.subscribe(heard.append)
        timed.empty_trash(older_than_s=200)
        assert heard == []  # deleted too recently
        timed.empty_trash(older_than_s=50)
        assert heard == [Change("lore_entries", "removed", (mara.id,), (bible.id,))]
        with pytest.raises(StoreError, match="does not exist"):
            timed.restore_lore_entry(mara.id)
        assert timed.story_bible(draft.id).lorebook.entries == (storm,)


def test_drafts_share_a_bible_and_sharing_can_be_undone(store):
    one = store.create_document(body="Chapter one")
    two = store.create_document(body="Chapter two")
    own = store.create_story_bible(two.id)
    store.add_lore_entry(own.id, STORM)
    shared = store.share_story_bible(two.id, one.id)  # one had no bible: it gets one
    assert shared.id != own.id and shared.document_ids == (one.id, two.id)
    assert store.story_bible(one.id) == store.story_bible(two.id) == shared
    mara = store.add_lore_entry(shared.id, MARA)
    assert store.story_bible(one.id).lorebook.entries == store.story_bible(two.id).lorebook.entries == (mara,)

    store.use_story_bible(two.id, own.id)  # undo: two has its own bible again, untouched
    assert without_ids(store.story_bible(two.id).lorebook.entries) == [STORM]
    assert store.story_bible(one.id).document_ids == (one.id,)
    store.delete_document(one.id)
    assert store.get_story_bible(shared.id).document_ids == ()  # drafts in the trash are not listed
    with pytest.raises(StoreError, match="Story bible 999 does not exist"):
        store.use_story_bible(two.id, 999)


def test_a_bible_no_draft_uses_is_emptied_with_the_trash_once_old_enough(db_path):
    now = [1000.0]
    with Store(db_path, clock=lambda: now[0]) as store:
        one, two = store.create_document(), store.create_document()
        own = store.create_story_bible(two.id)
        store.add_lore_entry(own.id, STORM)
        shared = store.share_story_bible(two.id, one.id)
        now[0] += 10
        store.empty_trash(older_than_s=60)
        assert store.get_story_bible(own.id)  # left only 10 s ago: kept, for an undo
        now[0] += 100
        heard: list[Change] = []
        store.subscribe(heard.append)
        store.empty_trash(older_than_s=60)
        assert heard == [Change("lorebooks", "removed", (own.id,), ())]
        with pytest.raises(StoreError, match="does not exist"):
            store.get_story_bible(own.id)
        assert raw_query(db_path, "SELECT count(*) FROM lore_entries") == [(0,)]
        assert store.get_story_bible(shared.id).document_ids == (one.id, two.id)


def test_revisions_keep_the_bible_and_restoring_puts_it_back(store):
    draft = store.create_document(body="The tide rose.")
    bible = store.create_story_bible(draft.id)
    mara, storm = store.add_lore_entries(bible.id, [MARA, STORM])
    first = store.add_revision(draft.id, "manual")
    assert first.lorebook.entries == (mara, storm)
    assert store.add_revision(draft.id, "manual") is None  # nothing changed
    store.update_story_bible(bible.id, scan_chars=300)
    second = store.add_revision(draft.id, "manual")
    assert second is not None and second.body == first.body  # the bible alone changed

    # Since then: Mara rewritten, Storm deleted, a new entry, other settings.
    store.update_lore_entry(LoreEntry(**{**mara.__dict__, "content": "Mara is gone."}))
    store.delete_lore_entry(storm.id)
    later = store.add_lore_entry(bible.id, LoreEntry(name="Gull", keys="gull", content="Gulls cry."))
    store.update_document(draft.id, body="The tide fell.")
    store.restore_revision(draft.id, first.id)
    restored = store.story_bible(draft.id).lorebook
    assert restored.entries == (mara, storm)  # the same rows, as they were
    assert restored.scan_chars == 2000
    assert store.get_document(draft.id).body == "The tide rose."

    # The restore kept what it replaced: restoring that undoes the restore.
    before = store.list_revisions(draft.id)[0]
    assert before.reason == "before restore"
    assert [entry.content for entry in before.lorebook.entries] == ["Mara is gone.", later.content]
    store.restore_revision(draft.id, before.id)
    assert store.story_bible(draft.id).lorebook == before.lorebook
    assert store.get_document(draft.id).body == "The tide fell."


def test_restoring_brings_back_entries_gone_for_good_and_a_revision_without_a_bible_leaves_it(db_path):
    now = [1000.0]
    with Store(db_path, clock=lambda: now[0]) as store:
        draft = store.create_document(body="Before the bible")
        plain = store.add_revision(draft.id, "manual")
        assert plain.lorebook is None
        bible = store.create_story_bible(draft.id)
        mara = store.add_lore_entry(bible.id, MARA)
        store.update_document(draft.id, body="With the bible")
        kept = store.add_revision(draft.id, "manual")
        store.delete_lore_entry(mara.id)
        now[0] += 100
        store.empty_trash(older_than_s=10)  # Mara is gone for good
        store.restore_revision(draft.id, kept.id)
        (back,) = store.story_bible(draft.id).lorebook.entries
        assert without_ids([back]) == [MARA]
        assert raw_query(db_path, "SELECT count(*) FROM lore_entries") == [(1,)]  # written anew
        store.restore_revision(draft.id, plain.id)  # no bible kept: the bible stays as it is
        assert store.get_document(draft.id).body == "Before the bible"
        assert store.story_bible(draft.id).lorebook.entries == (back,)


def test_version_2_database_is_upgraded_with_its_drafts_and_revisions(db_path):
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN")
    MIGRATIONS[0](conn)
    MIGRATIONS[1](conn)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO documents (id, title, body, created_at, updated_at) VALUES (1, 'Old', '从前', 1.0, 1.0)")
    conn.execute("INSERT INTO revisions (id, document_id, body, reason, created_at) VALUES (1, 1, '从', 'manual', 1.0)")
    conn.execute("COMMIT")
    conn.close()

    with Store(db_path) as store:
        assert raw_query(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)] == [(3,)]
        document = store.get_document(1)
        assert (document.body, document.lorebook_id) == ("从前", None)
        (revision,) = store.list_revisions(1)
        assert (revision.body, revision.lorebook) == ("从", None)
        bible = store.create_story_bible(1)
        store.add_lore_entry(bible.id, MARA)
        store.restore_revision(1, revision.id)  # an old revision leaves the bible alone
        assert without_ids(store.story_bible(1).lorebook.entries) == [MARA]
    assert raw_query(db_path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_query(db_path, "PRAGMA foreign_key_check") == []


def test_damaged_database_recovers_bibles_entries_and_the_bibles_in_revisions(db_path):
    with Store(db_path) as store:
        for i in range(30):
            store.create_conversation(f"Conversation {i}")
            for j in range(5):
                store.add_message(i + 1, "user", f"{i}/{j} " * 80, None)
            draft = store.create_document(body=f"Draft {i} " * 50)
            bible = store.create_story_bible(draft.id)
            store.update_story_bible(bible.id, scan_chars=1000 + i)
            store.add_lore_entries(bible.id, [LoreEntry(name=f"Entry {i}.{n}", keys=f"key{i}, 钥匙{n}", content=f"{i}.{n} " * 40)
                                              for n in range(4)])
            store.add_revision(draft.id, "manual")
    garble_middle_fifth(db_path)

    with Store(db_path) as store:
        assert store.recovery_report is not None and damaged_copies(db_path)
        assert store._conn.execute("PRAGMA foreign_key_check").fetchall() == []
        bibles = [store.story_bible(document.id) for document in store.list_documents()]
        recovered = [bible for bible in bibles if bible is not None]
        assert recovered, "no story bible survived"
        for bible in recovered:
            i = bible.lorebook.scan_chars - 1000
            assert 0 <= i < 30
            for entry in bible.lorebook.entries:
                n = int(entry.name.rsplit(".", 1)[1])
                assert entry.name == f"Entry {i}.{n}" and entry.keys == (f"key{i}", f"钥匙{n}")
                assert entry.content == f"{i}.{n} " * 40
        revisions = [revision for document in store.list_documents() for revision in store.list_revisions(document.id)]
        assert any(revision.lorebook is not None and len(revision.lorebook.entries) == 4 for revision in revisions)
