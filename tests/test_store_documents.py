"""Documents in the store (app/core/store/documents.py): drafts, autosave, revisions, trash, the
upgrade from version 1, how long revisions are kept, damage and crashes.

Pure core code: no Qt. The crash test runs tests/store_document_crash_child.py and kills it.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from app.core.store import (
    MIGRATIONS,
    Document,
    Revision,
    SearchHit,
    Store,
    StoreError,
    title_from_text,
)
from tests.test_store import (
    damaged_copies,
    garble_middle_fifth,
    kill_child_after,
    raw_query,
    statements_run,
)

CRASH_CHILD = Path(__file__).with_name("store_document_crash_child.py")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "inkwell.db"


@pytest.fixture
def store(db_path: Path):
    with Store(db_path) as opened:
        yield opened


def titles(documents: list[Document]) -> list[str]:
    return [d.title for d in documents]


# --- documents -------------------------------------------------------------------------------


def test_create_get_and_list_newest_updated_first(store):
    first = store.create_document("First", "Once upon a time")
    second = store.create_document("Second")
    third = store.create_document()
    assert isinstance(first, Document)
    assert (first.title, first.body, first.memory, first.authors_note) == (
        "First",
        "Once upon a time",
        "",
        "",
    )
    assert (first.settings, first.cursor, first.word_target) == ({}, 0, None)
    assert first.deleted_at is None
    assert first.created_at == first.updated_at
    assert store.get_document(first.id) == first
    assert [d.id for d in store.list_documents()] == [third.id, second.id, first.id]

    # Only a change to the text moves a document up, as for conversations.
    store.update_document(second.id, title="Renamed", cursor=0, settings={"a": 1}, word_target=5)
    assert [d.id for d in store.list_documents()] == [third.id, second.id, first.id]
    for change in ({"body": "more"}, {"memory": "A world"}, {"authors_note": "Be grim"}):
        store.update_document(first.id, **change)
        assert store.list_documents()[0].id == first.id
        store.update_document(third.id, body=f"bump {change}")
    assert store.get_document(first.id).updated_at > first.updated_at

    with pytest.raises(StoreError, match="Document 999 does not exist"):
        store.get_document(999)
    with pytest.raises(StoreError, match="does not exist"):
        store.update_document(999, body="x")
    assert store.list_conversations() == []  # documents are not conversations


def test_update_fields_round_trip_and_survive_reopening(db_path):
    settings = {"temperature": 0.8, "stop": ["\n\n", "。"], "model": {"name": "小模型"}}
    with Store(db_path) as store:
        document = store.create_document("Novel")
        updated = store.update_document(
            document.id,
            body="Chapter 1\n\nIt was a dark night.",
            memory="Mara is a lighthouse keeper.",
            authors_note="[Style: gothic]",
            settings=settings,
            cursor=12,
            word_target=50_000,
        )
        assert store.get_document(document.id) == updated
        assert hash(updated) == hash(store.get_document(document.id))  # settings left out

        # Left out: unchanged. word_target=None clears it; settings replace the whole object.
        updated = store.update_document(document.id, cursor=0)
        assert (updated.word_target, updated.settings, updated.memory) == (
            50_000,
            settings,
            "Mara is a lighthouse keeper.",
        )
        store.update_document(document.id, word_target=None, settings={"temperature": 1.1})

        for bad in (
            {"settings": ["not", "a", "dict"]},
            {"settings": {"bad": object()}},
            {"cursor": -1},
            {"cursor": True},
            {"word_target": 2.5},
        ):
            with pytest.raises(StoreError, match="settings|cursor|word target"):
                store.update_document(document.id, **bad)

    with Store(db_path) as store:
        reopened = store.get_document(document.id)
        assert (reopened.title, reopened.body) == ("Novel", "Chapter 1\n\nIt was a dark night.")
        assert (reopened.cursor, reopened.word_target) == (0, None)
        assert reopened.settings == {"temperature": 1.1}
        assert reopened.authors_note == "[Style: gothic]"


def test_an_autosave_that_changes_nothing_writes_nothing(store):
    document = store.update_document(store.create_document().id, body="Same", cursor=4)
    changes = store._conn.total_changes
    again = store.update_document(document.id, body="Same", cursor=4, word_target=None)
    assert store._conn.total_changes == changes
    assert again == document


def test_document_titles_follow_the_list_without_reading_the_text(store):
    first = store.create_document("First", "Once upon a time")
    second = store.create_document(body="Second line\nand more")
    third = store.create_document()
    store.update_document(first.id, body="x" * 100_000)  # written last: listed first
    store.delete_document(third.id)
    titles, statements = statements_run(store, store.document_titles)
    assert titles == [(first.id, "First"), (second.id, "Second line")]
    assert titles == [(d.id, d.title) for d in store.list_documents()]
    assert len(statements) == 1 and "body" not in statements[0]
    store.restore_document(third.id)
    assert [document_id for document_id, _ in store.document_titles()] == [
        d.id for d in store.list_documents()
    ]


# --- titles ------------------------------------------------------------------------------------


def test_title_follows_the_first_line_until_the_user_names_it(db_path):
    with Store(db_path) as store:
        document = store.create_document()
        assert document.title == ""
        document = store.update_document(document.id, body="\n  The   Lighthouse\nMara climbed.")
        assert document.title == "The Lighthouse"
        document = store.update_document(document.id, body="The Lamp Room\nMara climbed.")
        assert document.title == "The Lamp Room"
        # Other fields leave the title alone.
        assert store.update_document(document.id, memory="m").title == "The Lamp Room"

        named = store.update_document(document.id, title="  My\tNovel ")
        assert named.title == "My Novel"
        assert store.update_document(document.id, body="Prologue\n…").title == "My Novel"

        from_body = store.create_document(body="Draft opening line\nmore")
        assert from_body.title == "Draft opening line"
        titled = store.create_document(title="Given", body="Body line")
        assert store.update_document(titled.id, body="Other line").title == "Given"

    with Store(db_path) as store:  # who named it is saved too
        assert store.update_document(document.id, body="Act One").title == "My Novel"
        # An empty title hands it back to the body.
        assert store.update_document(document.id, title=" ").title == "Act One"
        assert store.update_document(document.id, body="Act Two").title == "Act Two"


def test_cjk_titles_from_the_body(store):
    moon = store.create_document(body="月亮的故事\n从前有一座山。")
    assert moon.title == "月亮的故事"
    long_line = "请帮我写一封求职信，申请里昂一家图书馆的图书管理员职位。" * 3
    japanese = store.update_document(store.create_document().id, body=long_line)
    assert japanese.title == title_from_text(long_line)
    assert len(japanese.title) == 48 and japanese.title.endswith("…")
    assert store.update_document(moon.id, title="月の物語").title == "月の物語"


def test_search_finds_conversations_only(store):
    store.create_document("Lighthouse notes", "The lighthouse keeper")
    conversation = store.create_conversation("About a lighthouse")
    assert store.search("lighthouse") == [
        SearchHit(store.get_conversation(conversation.id), "About a lighthouse")
    ]


# --- revisions ---------------------------------------------------------------------------------


def test_revisions_skip_repeats_and_list_newest_first(store):
    document = store.create_document(body="one")
    first = store.add_revision(document.id, "manual")
    assert isinstance(first, Revision)
    assert (first.document_id, first.body, first.reason) == (document.id, "one", "manual")
    assert store.add_revision(document.id, "manual") is None  # same body as the newest
    store.update_document(document.id, body="two")
    second = store.add_revision(document.id, "before generate")
    store.update_document(document.id, body="one")  # back to an older body: worth keeping
    third = store.add_revision(document.id, "manual")
    assert second is not None and third is not None
    assert store.list_revisions(document.id) == [third, second, first]
    assert store.get_revision(second.id) == second

    other = store.create_document(body="other")
    assert store.list_revisions(other.id) == []
    with pytest.raises(StoreError, match="Revision 999 does not exist"):
        store.get_revision(999)
    with pytest.raises(StoreError, match="does not exist"):
        store.list_revisions(999)
    with pytest.raises(StoreError, match="does not exist"):
        store.add_revision(999, "manual")


def test_autosave_adds_no_revisions(store):
    document = store.create_document()
    for length in range(1, 20):
        store.update_document(document.id, body="word " * length)
    assert store.list_revisions(document.id) == []


def test_restore_snapshots_the_current_body_first(store):
    document = store.create_document(body="Draft one\nThe start.")
    old = store.add_revision(document.id, "manual")
    store.update_document(document.id, body="Draft two\nA better start.", cursor=20)

    restored = store.restore_revision(document.id, old.id)
    assert restored.body == "Draft one\nThe start."
    assert restored.title == "Draft one"  # the title still follows the body
    assert store.get_document(document.id) == restored
    before, again_old = store.list_revisions(document.id)
    assert (before.body, before.reason) == ("Draft two\nA better start.", "before restore")
    assert again_old == old

    # Restoring it back: the body restored over is the newest revision's, not saved again.
    store.restore_revision(document.id, before.id)
    assert store.get_document(document.id).body == "Draft two\nA better start."
    assert len(store.list_revisions(document.id)) == 3
    assert store.list_revisions(document.id)[0].body == "Draft one\nThe start."


def test_restore_refuses_another_documents_revision_and_changes_nothing(store):
    mine = store.create_document(body="mine")
    theirs = store.create_document(body="theirs")
    revision = store.add_revision(theirs.id, "manual")
    store.update_document(mine.id, body="mine, edited")
    with pytest.raises(StoreError, match="belongs to another document"):
        store.restore_revision(mine.id, revision.id)
    assert store.get_document(mine.id).body == "mine, edited"
    assert store.list_revisions(mine.id) == []  # the snapshot was rolled back too
    with pytest.raises(StoreError, match="does not exist"):
        store.restore_revision(mine.id, 999)


def test_prune_keeps_the_newest(store):
    document = store.create_document()
    other = store.create_document(body="untouched")
    store.add_revision(other.id, "manual")
    for n in range(6):
        store.update_document(document.id, body=f"version {n}")
        store.add_revision(document.id, "manual")
    assert store.prune_revisions(document.id, keep=2) == 4
    assert [r.body for r in store.list_revisions(document.id)] == ["version 5", "version 4"]
    assert store.prune_revisions(document.id, keep=2) == 0
    assert store.prune_revisions(document.id) == 0  # the default keeps 200
    assert store.prune_revisions(document.id, keep=0) == 2
    assert store.list_revisions(document.id) == []
    assert len(store.list_revisions(other.id)) == 1
    with pytest.raises(StoreError, match="keep"):
        store.prune_revisions(document.id, keep=-1)


# --- how long revisions are kept ------------------------------------------------------------------

HOUR = 3600
DAY = 24 * HOUR
MIDNIGHT = 20_000 * DAY  # a UTC midnight (2024-10-04): hours and days are counted from the epoch


class Clock:
    """The store's clock, set by the test."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(MIDNIGHT)


@pytest.fixture
def timed_store(db_path: Path, clock: Clock):
    with Store(db_path, clock=clock) as opened:
        yield opened


def revise(store: Store, clock: Clock, document_id: int, at: float) -> Revision:
    """At time ``at``, change the body and keep a revision (as accepting a continuation does)."""
    clock.now = at
    store.update_document(document_id, body=f"written at {at}")
    revision = store.add_revision(document_id, "before accepting a continuation")
    assert revision is not None and revision.created_at == at
    return revision


def test_revisions_are_thinned_by_age(timed_store, clock):
    """Every revision of the last day; then the newest of each hour; after a week, the
    newest of each day; always the newest."""
    now = MIDNIGHT + 40 * DAY + 12 * HOUR  # noon
    document = timed_store.create_document()
    plan = {
        "a month ago": now - 30 * DAY,  # alone on its day: kept
        "10 days ago, morning": now - 10 * DAY - 3 * HOUR,  # same day as the next: dropped
        "10 days ago, evening": now - 10 * DAY + 5 * HOUR,
        "3 days ago, 14:05": now - 3 * DAY + 2 * HOUR + 5 * 60,  # same hour as the next: dropped
        "3 days ago, 14:55": now - 3 * DAY + 2 * HOUR + 55 * 60,
        "3 days ago, 15:10": now - 3 * DAY + 3 * HOUR + 10 * 60,  # the next hour: kept
        "2 hours ago": now - 2 * HOUR,  # the last day: all kept
        "2 hours ago, again": now - 2 * HOUR + 60,
        "now": now,
    }
    made = {name: revise(timed_store, clock, document.id, at).id for name, at in plan.items()}
    kept = {made[name]: name for name in plan}
    survivors = [kept[r.id] for r in timed_store.list_revisions(document.id)]
    assert survivors == [
        "now",
        "2 hours ago, again",
        "2 hours ago",
        "3 days ago, 15:10",
        "3 days ago, 14:55",
        "10 days ago, evening",
        "a month ago",
    ]


def kept_by_policy(created: dict[int, float], now: float) -> set[int]:
    """The policy written out plainly, over every revision ever made."""
    buckets: dict[tuple[str, int], int] = {}
    recent = set()
    for revision_id, at in created.items():
        hour, day = int(at // HOUR), int(at // DAY)
        if (hour + 1) * HOUR > now - DAY:  # its hour ended less than a day ago
            recent.add(revision_id)
        elif (day + 1) * DAY <= now - 7 * DAY:  # its day ended more than a week ago
            buckets[("day", day)] = max(buckets.get(("day", day), 0), revision_id)
        else:
            buckets[("hour", hour)] = max(buckets.get(("hour", hour), 0), revision_id)
    return recent | set(buckets.values()) | {max(created)}


def test_thinning_as_revisions_are_added_matches_the_policy_over_the_whole_history(
    timed_store, clock
):
    timed_store._conn.execute("PRAGMA synchronous = OFF")  # only to run faster
    rng = random.Random(5)
    document = timed_store.create_document()
    other = timed_store.create_document(body="untouched")
    untouched = revise(timed_store, clock, other.id, MIDNIGHT)
    created: dict[int, float] = {}
    for day in range(12):
        for start_hour in (9, 20):  # two writing sessions a day, a revision every few minutes
            at = MIDNIGHT + day * DAY + start_hour * HOUR
            for _ in range(rng.randrange(5, 25)):
                at += rng.uniform(60, 15 * 60)
                created[revise(timed_store, clock, document.id, at).id] = at
                stored = {r.id for r in timed_store.list_revisions(document.id)}
                assert stored == kept_by_policy(created, at)

    now = clock.now
    stored = timed_store.list_revisions(document.id)
    assert len(stored) < len(created) / 2
    ages = [now - r.created_at for r in stored]
    assert all(created[r.id] == r.created_at for r in stored)
    assert sum(age < DAY for age in ages) == sum(now - at < DAY for at in created.values())
    hours = [int(r.created_at // HOUR) for r, age in zip(stored, ages) if DAY + HOUR < age < 7 * DAY]
    days = [int(r.created_at // DAY) for r, age in zip(stored, ages) if age > 8 * DAY]
    assert hours and len(hours) == len(set(hours))
    assert days and len(days) == len(set(days))
    assert timed_store.list_revisions(other.id) == [untouched]  # another document's history


def test_thinning_reads_the_dates_at_most_once_an_hour(timed_store, clock):
    document = timed_store.create_document()
    reads_dates = "SELECT id, created_at FROM revisions"

    def statements(at: float) -> list[str]:
        return statements_run(timed_store, lambda: revise(timed_store, clock, document.id, at))[1]

    start = MIDNIGHT + 10 * HOUR
    assert any(reads_dates in sql for sql in statements(start))
    for minutes in (10, 30, 59):  # the same hour: the policy's answer cannot have changed
        assert not any(reads_dates in sql for sql in statements(start + minutes * 60))
    assert any(reads_dates in sql for sql in statements(start + HOUR))
    assert timed_store.add_revision(document.id, "same body") is None


# --- trash -------------------------------------------------------------------------------------


def test_documents_trash_restore_and_empty_with_their_revisions(store):
    keep = store.create_document("keep")
    bin_ = store.create_document("bin", "text")
    revision = store.add_revision(bin_.id, "manual")
    conversation = store.create_conversation("chat")

    store.delete_document(bin_.id)
    deleted_at = store.get_document(bin_.id).deleted_at
    assert deleted_at is not None
    store.delete_document(bin_.id)  # a second delete keeps the first date
    assert store.get_document(bin_.id).deleted_at == deleted_at
    assert [d.id for d in store.list_documents()] == [keep.id]
    assert [d.id for d in store.documents_trash()] == [bin_.id]
    assert store.trash() == []  # the conversations' trash is its own

    store.restore_document(bin_.id)
    assert store.documents_trash() == []
    assert [d.id for d in store.list_documents()] == [bin_.id, keep.id]

    store.delete_document(bin_.id)
    store.delete_conversation(conversation.id)
    assert store.empty_trash(older_than_s=30 * 24 * 3600) == 0  # deleted just now: kept
    assert store.empty_trash() == 2  # the document and the conversation
    assert store.documents_trash() == [] and store.trash() == []
    with pytest.raises(StoreError, match="does not exist"):
        store.get_document(bin_.id)
    with pytest.raises(StoreError, match="does not exist"):
        store.get_revision(revision.id)
    assert raw_query(store.db_path, "SELECT count(*) FROM revisions") == [(0,)]
    assert [d.id for d in store.list_documents()] == [keep.id]
    with pytest.raises(StoreError, match="Document 999 does not exist"):
        store.delete_document(999)
    with pytest.raises(StoreError, match="does not exist"):
        store.restore_document(999)


# --- the upgrade from version 1 ------------------------------------------------------------------


def test_version_1_database_with_a_conversation_is_upgraded(db_path):
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN")
    MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at, current_leaf_id) "
        "VALUES (1, 'Old chat', 1.0, 2.0, 2)"
    )
    conn.execute(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, created_at, "
        "updated_at) VALUES (1, 1, NULL, 'user', 'Hi', 1.0, 1.0), "
        "(2, 1, 1, 'assistant', 'Hello 你好', 2.0, 2.0)"
    )
    conn.execute("INSERT INTO meta VALUES ('last_conversation', '1')")
    conn.execute("COMMIT")
    conn.close()

    with Store(db_path) as store:
        assert raw_query(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
        conversation = store.get_conversation(1)
        assert (conversation.title, conversation.updated_at) == ("Old chat", 2.0)
        assert [m.content for m in store.path(1)] == ["Hi", "Hello 你好"]
        assert store.get_meta("last_conversation") == "1"
        document = store.create_document(body="First draft")
        assert store.add_revision(document.id, "manual") is not None
        assert store.list_documents() == [store.get_document(document.id)]
    assert raw_query(db_path, "PRAGMA integrity_check") == [("ok",)]


# --- damage ------------------------------------------------------------------------------------


def document_body(i: int) -> str:
    return f"Chapter {i}\n" + f"{i}: the sea, 海, the lamp. " * 40


def fill_with_documents(store: Store, count: int = 30) -> None:
    """Conversations and documents made in turn, so their pages are mixed through the file.
    Even documents are named by the user, odd ones titled by their body."""
    for i in range(count):
        conversation = store.create_conversation(f"Conversation {i}")
        parent = None
        for j in range(10):
            role = ("user", "assistant")[j % 2]
            parent = store.add_message(conversation.id, role, f"{i}/{j} " * 60, parent).id
        document = store.create_document(f"Named {i}" if i % 2 == 0 else "")
        for n in range(3):
            store.update_document(document.id, body=f"{n}. {document_body(i)}")
            store.add_revision(document.id, f"revision {n}")
        store.update_document(document.id, body=document_body(i), cursor=i, settings={"i": i})


def test_damaged_database_recovers_documents_and_their_revisions(db_path):
    with Store(db_path) as store:
        fill_with_documents(store)
        orphaned = store.create_document(body="Lost")
        store.add_revision(orphaned.id, "manual")
    # A document row lost to the damage: its revisions have nothing to belong to.
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM documents WHERE id = ?", (orphaned.id,))  # foreign keys are off
    conn.commit()
    conn.close()
    garble_middle_fifth(db_path)

    with Store(db_path) as store:
        report = store.recovery_report
        (copy,) = damaged_copies(db_path)
        assert report is not None and str(copy) in report
        documents = store.list_documents()
        revisions = [r for d in documents for r in store.list_revisions(d.id)]
        counts = f"as were {len(documents)} documents and {len(revisions)} revisions."
        assert report.endswith(counts)
        assert 0 < len(documents) < 30
        assert 0 < len(revisions) < 90
        assert store._conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert store._conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert raw_query(db_path, "SELECT count(*) FROM revisions WHERE body = 'Lost'") == [(0,)]

        for document in documents:
            i = document.cursor
            assert (document.body, document.settings) == (document_body(i), {"i": i})
            expected = f"Named {i}" if i % 2 == 0 else f"Chapter {i}"
            assert document.title == expected
            # Who named it survives too: only body-titled documents follow the new body.
            after = store.update_document(document.id, body="Epilogue\n")
            assert after.title == (expected if i % 2 == 0 else "Epilogue")
        number = {d.id: d.cursor for d in documents}
        for revision in revisions:
            n = int(revision.reason.removeprefix("revision "))
            assert revision.body == f"{n}. {document_body(number[revision.document_id])}"

    with Store(db_path) as store:
        assert store.recovery_report is None


# --- crash safety ------------------------------------------------------------------------------

CRASH_RUNS = 10
CRASH_SEED = 20240612
PIECE_LENGTH = len("The words keep coming, 文字不断. ")  # the child's PIECE


class DocumentRun:
    """What the killed children reported as committed."""

    def __init__(self) -> None:
        self.bodies: dict[int, int] = {}  # document id → length of the last body reported
        self.revisions: dict[int, int] = {}  # revision id → length of its body

    def add(self, lines: list[str]) -> None:
        for line in lines:
            kind, row_id, *length = line.split()
            if kind == "doc":
                self.bodies.setdefault(int(row_id), 0)
            elif kind == "body":
                self.bodies[int(row_id)] = int(length[0])
            else:
                self.revisions[int(row_id)] = int(length[0])


def check_documents_after_crash(db_path: Path, seen: DocumentRun) -> None:
    """Every reported save is there, whole: body, cursor and title from one transaction."""
    assert raw_query(db_path, "PRAGMA integrity_check") == [("ok",)]
    with Store(db_path) as store:
        assert store.recovery_report is None
        for document_id, length in seen.bodies.items():
            document = store.get_document(document_id)
            assert len(document.body) >= length, f"document {document_id} lost text it had saved"
            assert len(document.body) % PIECE_LENGTH == 0, "a save was written in part"
            assert document.cursor == len(document.body), "the cursor and body came apart"
            assert document.title == title_from_text(document.body)
        for revision_id, length in seen.revisions.items():
            assert len(store.get_revision(revision_id).body) == length


def test_killed_autosave_never_loses_a_committed_save(tmp_path):
    db_path = tmp_path / "inkwell.db"
    rng = random.Random(CRASH_SEED)
    seen = DocumentRun()
    for _ in range(CRASH_RUNS):  # each run lives at most 0.6 s after its first save
        seen.add(kill_child_after(CRASH_CHILD, db_path, rng.uniform(0.05, 0.6)))
        check_documents_after_crash(db_path, seen)
    assert len(seen.bodies) == CRASH_RUNS
    assert seen.revisions, "no kill came late enough to see a revision"


def test_crash_check_notices_saves_reported_before_they_are_committed(tmp_path):
    """The check above can fail: a child that reports before it writes is caught."""
    db_path = tmp_path / "inkwell.db"
    rng = random.Random(CRASH_SEED)
    seen = DocumentRun()
    for _ in range(5):
        delay = rng.uniform(0.05, 0.6)
        seen.add(kill_child_after(CRASH_CHILD, db_path, delay, "--print-before-commit"))
        try:
            check_documents_after_crash(db_path, seen)
        except AssertionError as error:
            assert "lost text" in str(error)
            return
    pytest.fail("five kills of a child that reports before writing went unnoticed")
