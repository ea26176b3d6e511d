"""The conversation store (app/core/store/): schema, tree, trash, export, damage, crashes.

Pure core code: no Qt, no model. The crash test runs tests/store_crash_child.py and kills it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from app.core.store import schema as store_schema
from app.core.store import (
    MIGRATIONS,
    Conversation,
    Message,
    SearchHit,
    Store,
    StoreError,
    title_from_text,
)

CRASH_CHILD = Path(__file__).with_name("store_crash_child.py")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "inkwell.db"  # the folder does not exist yet


@pytest.fixture
def store(db_path: Path):
    with Store(db_path) as opened:
        yield opened


def raw_query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def chain(
    store: Store, conversation_id: int, *texts: str, parent: int | None = None
) -> list[Message]:
    """Alternating user/assistant messages, each under the previous one."""
    added = []
    for index, text in enumerate(texts):
        message = store.add_message(conversation_id, ("user", "assistant")[index % 2], text, parent)
        added.append(message)
        parent = message.id
    return added


def contents(messages: list[Message]) -> list[str]:
    return [m.content for m in messages]


# --- schema and migrations -----------------------------------------------------------------


def test_fresh_database_is_current_and_in_wal_mode(db_path):
    with Store(db_path) as store:
        assert store.db_path == db_path
        assert store.recovery_report is None
        assert store._conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert store._conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert raw_query(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert raw_query(db_path, "PRAGMA journal_mode") == [("wal",)]


def test_version_0_database_with_data_is_upgraded(db_path):
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('kept')")
    conn.commit()
    conn.close()
    with Store(db_path) as store:
        conversation = store.create_conversation("After the upgrade")
        assert store.get_conversation(conversation.id).title == "After the upgrade"
    assert raw_query(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert raw_query(db_path, "SELECT body FROM notes") == [("kept",)]


def test_a_later_migration_upgrades_existing_data(db_path, monkeypatch):
    with Store(db_path) as store:
        conversation = store.create_conversation("Old")
        store.add_message(conversation.id, "user", "Kept through the upgrade", None)
    runs = []

    def add_pinned(conn: sqlite3.Connection) -> None:
        runs.append(1)
        conn.execute("ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")

    monkeypatch.setattr(store_schema, "MIGRATIONS", [*MIGRATIONS, add_pinned])
    for _ in range(2):  # the second open finds it current: the migration runs once
        with Store(db_path) as store:
            assert contents(store.path(conversation.id)) == ["Kept through the upgrade"]
    assert runs == [1]
    assert raw_query(db_path, "PRAGMA user_version") == [(len(MIGRATIONS) + 1,)]
    assert raw_query(db_path, "SELECT title, pinned FROM conversations") == [("Old", 0)]


def test_a_failing_migration_changes_nothing(db_path, monkeypatch):
    Store(db_path).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE bookmarks (id INTEGER PRIMARY KEY)")
        conn.execute("SELECT no_such_function()")

    monkeypatch.setattr(store_schema, "MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(StoreError, match="upgrade"):
        Store(db_path)
    assert raw_query(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert raw_query(db_path, "SELECT name FROM sqlite_master WHERE name = 'bookmarks'") == []


def test_database_from_a_newer_inkwell_is_refused_and_left_alone(db_path):
    with Store(db_path) as store:
        store.create_conversation("From the future")
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer version of Inkwell.*Update Inkwell"):
        Store(db_path)
    assert db_path.read_bytes() == before


def test_a_folder_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(StoreError, match="cannot create the folder"):
        Store(blocker / "inkwell.db")


def test_read_only_database_is_a_clear_error(store):
    conversation = store.create_conversation("Read me")
    store._conn.execute("PRAGMA query_only = ON")  # SQLite answers as for a read-only file
    with pytest.raises(StoreError, match="read-only"):
        store.rename_conversation(conversation.id, "Renamed")
    assert store.get_conversation(conversation.id).title == "Read me"


def test_text_sqlite_cannot_store_is_refused_with_a_store_error(store):
    """A lone surrogate (JSON can carry one: "\\ud800") cannot be encoded for SQLite."""
    conversation = store.create_conversation("Kept")
    with pytest.raises(StoreError, match="could not save the message"):
        store.add_message(conversation.id, "user", "half a pair: \ud800", None)
    data = store.export_json(conversation.id)
    data["title"] = "\ud800"
    with pytest.raises(StoreError, match="could not import the conversation"):
        store.import_json(data)
    assert [c.title for c in store.list_conversations()] == ["Kept"]
    assert store.path(conversation.id) == []


def test_closed_store_says_so(db_path):
    store = Store(db_path)
    store.close()
    store.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"):
        store.list_conversations()


# --- titles, list, search ------------------------------------------------------------------


CHINESE = "请帮我写一封求职信，申请里昂一家图书馆的图书管理员职位。"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Hello", "Hello"),
        ("\n  \n  Plan   my\ttrip  \nsecond line", "Plan my trip"),
        ("   \n\t", ""),
        (
            "Can you help me write a cover letter for a job as a librarian in Lyon?",
            "Can you help me write a cover letter for a job…",
        ),
        # No spaces to cut at: cut at the limit.
        (CHINESE * 3, (CHINESE * 2)[:47] + "…"),
        ("x" * 60, "x" * 47 + "…"),
    ],
)
def test_title_from_text(text, title):
    assert title_from_text(text) == title
    assert len(title_from_text(text)) <= 48


def test_first_user_message_titles_an_untitled_conversation(store):
    english = store.create_conversation()
    store.add_message(english.id, "system", "You are terse.", None)
    assert store.get_conversation(english.id).title == ""
    chain(
        store,
        english.id,
        "Summarise the French Revolution\nin three lines",
        "1789. Terror. Napoleon.",
        "Now the Russian one",
    )
    assert store.get_conversation(english.id).title == "Summarise the French Revolution"

    chinese = store.create_conversation()
    store.add_message(chinese.id, "user", "给我讲一个关于月亮的故事", None)
    assert store.get_conversation(chinese.id).title == "给我讲一个关于月亮的故事"

    named = store.create_conversation("My own title")
    store.add_message(named.id, "user", "Something else", None)
    assert store.get_conversation(named.id).title == "My own title"


def test_list_is_newest_updated_first(store):
    first = store.create_conversation("first")
    store.create_conversation("second")
    store.create_conversation("third")
    assert [c.title for c in store.list_conversations()] == ["third", "second", "first"]
    store.add_message(first.id, "user", "bump", None)
    assert [c.title for c in store.list_conversations()] == ["first", "third", "second"]
    assert store.get_conversation(first.id).updated_at > first.updated_at


def test_search_titles_and_messages_in_any_case_and_script(store):
    trip = store.create_conversation("Trip to Kyoto")
    chain(store, trip.id, "Where should I stay?", "Near Gion, which is lovely in the ÉTÉ season.")
    poem = store.create_conversation()
    chain(store, poem.id, "写一首诗", "床前明月光，疑是地上霜。举头望明月，低头思故乡。")
    hidden = store.create_conversation("Secret Kyoto plans")
    store.delete_conversation(hidden.id)
    gone = store.create_conversation("Deleted words")
    (message,) = chain(store, gone.id, "a deleted lighthouse")
    store.delete_message(message.id)

    assert store.search("kyoto") == [SearchHit(store.get_conversation(trip.id), "Trip to Kyoto")]
    (hit,) = store.search("GION")
    assert hit.conversation.id == trip.id and "Gion" in hit.snippet
    (hit,) = store.search("été")  # beyond ASCII case folding
    assert hit.conversation.id == trip.id and "ÉTÉ" in hit.snippet
    (hit,) = store.search("明月")
    assert (hit.conversation.id, hit.conversation.title) == (poem.id, "写一首诗")
    assert "明月" in hit.snippet
    assert store.search("lighthouse") == []
    assert store.search("no such words") == []
    assert [(h.conversation.id, h.snippet) for h in store.search("  ")] == [
        (gone.id, ""),
        (poem.id, ""),
        (trip.id, ""),
    ]


def test_search_snippet_is_a_short_excerpt_around_the_match(store):
    conversation = store.create_conversation("Essay")
    text = "word " * 100 + "needle in the haystack " + "more " * 100
    chain(store, conversation.id, text)
    (hit,) = store.search("NEEDLE")
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert "needle in the haystack" in hit.snippet
    assert len(hit.snippet) < 100


def test_rename_and_system_prompt(store):
    conversation = store.create_conversation("Draft")
    store.rename_conversation(conversation.id, "  Final\ntitle ")
    store.set_system_prompt(conversation.id, "You are a careful editor.", persona="Editor")
    updated = store.get_conversation(conversation.id)
    assert (updated.title, updated.system_prompt, updated.persona) == (
        "Final title",
        "You are a careful editor.",
        "Editor",
    )
    with pytest.raises(StoreError, match="does not exist"):
        store.rename_conversation(9999, "Nope")


# --- trash ----------------------------------------------------------------------------------


def test_trash_restore_and_empty(store):
    keep = store.create_conversation("keep")
    bin_ = store.create_conversation("bin")
    messages = chain(store, bin_.id, "hello", "hi")
    store.delete_conversation(bin_.id)
    assert [c.id for c in store.list_conversations()] == [keep.id]
    assert [c.id for c in store.trash()] == [bin_.id]
    assert store.get_conversation(bin_.id).deleted_at is not None

    store.restore_conversation(bin_.id)
    assert store.trash() == []
    assert contents(store.path(bin_.id)) == ["hello", "hi"]

    store.delete_conversation(bin_.id)
    assert store.empty_trash(older_than_s=30 * 24 * 3600) == 0  # deleted just now: kept
    assert store.empty_trash() == 1
    assert store.trash() == []
    for message in messages:
        with pytest.raises(StoreError):
            store.get_message(message.id)
    with pytest.raises(StoreError, match="does not exist"):
        store.get_conversation(bin_.id)
    assert [c.id for c in store.list_conversations()] == [keep.id]


# --- the message tree -----------------------------------------------------------------------


def test_regenerate_adds_assistant_siblings(store):
    conversation = store.create_conversation()
    question, first = chain(store, conversation.id, "Name a colour", "Red")
    second = store.add_message(conversation.id, "assistant", "Blue", question.id)
    assert contents(store.path(conversation.id)) == ["Name a colour", "Blue"]
    assert [m.id for m in store.siblings(first.id)] == [first.id, second.id]
    assert [m.id for m in store.siblings(second.id)] == [first.id, second.id]
    assert [m.id for m in store.siblings(question.id)] == [question.id]

    store.select_branch(first.id)
    assert contents(store.path(conversation.id)) == ["Name a colour", "Red"]
    assert store.get_conversation(conversation.id).current_leaf_id == first.id


def test_edit_and_resend_keeps_the_old_branch(store):
    conversation = store.create_conversation()
    hello, hi, old_question, old_answer = chain(
        store, conversation.id, "Hello", "Hi!", "What is 2+2?", "5"
    )
    new_question, new_answer = chain(
        store, conversation.id, "What is 2+2, exactly?", "4", parent=hi.id
    )
    assert contents(store.path(conversation.id)) == ["Hello", "Hi!", "What is 2+2, exactly?", "4"]
    assert [m.id for m in store.siblings(new_question.id)] == [old_question.id, new_question.id]

    store.select_branch(old_question.id)  # follows the newest child down to the old answer
    assert contents(store.path(conversation.id)) == ["Hello", "Hi!", "What is 2+2?", "5"]
    follow_up = store.add_message(conversation.id, "user", "Are you sure?", old_answer.id)
    store.select_branch(hi.id)  # newest leaf below "Hi!" is on the edited branch
    assert store.get_conversation(conversation.id).current_leaf_id == new_answer.id
    store.set_current_leaf(conversation.id, follow_up.id)
    assert contents(store.path(conversation.id))[-2:] == ["5", "Are you sure?"]
    store.set_current_leaf(conversation.id, None)
    assert store.path(conversation.id) == []

    first_edited = store.add_message(conversation.id, "user", "Hey", None)  # a new root
    assert contents(store.path(conversation.id)) == ["Hey"]
    assert [m.id for m in store.siblings(hello.id)] == [hello.id, first_edited.id]
    assert store.get_conversation(conversation.id).title == "Hello"


def test_delete_and_restore_message_move_the_current_leaf(store):
    conversation = store.create_conversation()
    u1, a1, u2, a2 = chain(store, conversation.id, "u1", "a1", "u2", "a2")

    store.delete_message(a2.id)  # the leaf itself: the path ends at its parent
    assert contents(store.path(conversation.id)) == ["u1", "a1", "u2"]
    assert store.get_message(a2.id).deleted_at is not None
    store.restore_message(a2.id)  # undo puts it back in view
    assert contents(store.path(conversation.id)) == ["u1", "a1", "u2", "a2"]

    store.delete_message(a1.id)  # mid-path: the path is cut at its nearest live ancestor
    assert contents(store.path(conversation.id)) == ["u1"]
    # Its child now hangs from u1: reachable, and a sibling of nothing else.
    assert [m.id for m in store.siblings(u2.id)] == [u2.id]
    store.select_branch(u1.id)
    assert contents(store.path(conversation.id)) == ["u1", "u2", "a2"]
    store.restore_message(a1.id)  # the path runs below it already: the leaf stays
    assert contents(store.path(conversation.id)) == ["u1", "a1", "u2", "a2"]

    other = store.add_message(conversation.id, "assistant", "a2 again", u2.id)
    store.delete_message(a2.id)  # not on the current path: the leaf stays
    assert store.get_conversation(conversation.id).current_leaf_id == other.id
    assert [m.id for m in store.siblings(other.id)] == [other.id]

    store.delete_message(u1.id)
    store.delete_message(a1.id)
    store.delete_message(u2.id)
    store.delete_message(other.id)
    assert store.get_conversation(conversation.id).current_leaf_id is None
    assert store.path(conversation.id) == []
    store.restore_message(u1.id)
    assert contents(store.path(conversation.id)) == ["u1"]
    with pytest.raises(StoreError, match="deleted"):
        store.select_branch(a1.id)


def with_alternatives(store: Store, conversation_id: int) -> list[tuple[Message, int, int]]:
    """What a conversation view needs, the long way: path(), then siblings() per message."""
    items = []
    for message in store.path(conversation_id):
        ids = [m.id for m in store.siblings(message.id)]
        items.append((message, ids.index(message.id), len(ids)))
    return items


def test_path_with_siblings_equals_path_and_siblings(store):
    """On a tree grown at random (replies, regenerations, edits, system messages, deletes,
    restores, branch switches), at every step."""
    rng = random.Random(11)
    conversation = store.create_conversation()
    live: list[Message] = []
    deleted: list[Message] = []
    assert store.path_with_siblings(conversation.id) == []
    for step in range(160):
        action = rng.random()
        if not live or action < 0.45:  # a reply under a visible message, or a new root
            parent = rng.choice([None, *live]) if live else None
            role = "user" if parent is None or parent.role != "user" else "assistant"
            if parent is None and rng.random() < 0.3:
                role = "system"
            live.append(store.add_message(conversation.id, role, f"m{step}", parent and parent.id))
        elif action < 0.65:  # regenerate or edit: a sibling of a visible message
            twin = rng.choice(live)
            live.append(store.add_message(conversation.id, twin.role, f"alt{step}", twin.parent_id))
        elif action < 0.78:
            gone = live.pop(rng.randrange(len(live)))
            store.delete_message(gone.id)
            deleted.append(gone)
        elif action < 0.86 and deleted:
            back = deleted.pop(rng.randrange(len(deleted)))
            store.restore_message(back.id)
            live.append(back)
        else:
            store.select_branch(rng.choice(live).id)
        expected = with_alternatives(store, conversation.id)
        assert [tuple(item) for item in store.path_with_siblings(conversation.id)] == expected
    assert any(count > 1 for _, _, count in expected), "the walk never made alternatives"
    assert deleted, "the walk never deleted a message"
    with pytest.raises(StoreError, match="does not exist"):
        store.path_with_siblings(9999)


def statements_run(store: Store, call) -> tuple[Any, list[str]]:
    """The result of ``call()`` and the SQL statements it ran."""
    seen: list[str] = []
    store._conn.set_trace_callback(seen.append)
    try:
        return call(), seen
    finally:
        store._conn.set_trace_callback(None)


def long_conversation(store: Store, length: int) -> Conversation:
    """``length`` messages on the path; each reply has an older alternative."""
    store._conn.execute("PRAGMA synchronous = OFF")  # only to build it faster
    conversation = store.create_conversation(f"{length} messages")
    parent = None
    for index in range(length):
        role = ("user", "assistant")[index % 2]
        if role == "assistant":
            store.add_message(conversation.id, role, f"draft {index}", parent)
        parent = store.add_message(conversation.id, role, f"message {index}", parent).id
    store._conn.execute("PRAGMA synchronous = FULL")
    return conversation


def test_path_with_siblings_takes_the_same_few_queries_however_long(store):
    short, long = long_conversation(store, 10), long_conversation(store, 200)
    _, few = statements_run(store, lambda: store.path_with_siblings(short.id))
    items, many = statements_run(store, lambda: store.path_with_siblings(long.id))
    assert len(many) == len(few) <= 3, many
    assert len(items) == 200
    assert [(m.content, index, count) for m, index, count in items[:3]] == [
        ("message 0", 0, 1),
        ("message 1", 1, 2),  # after its "draft 1"
        ("message 2", 0, 1),
    ]
    # What it replaces ran a few queries per message.
    expected, old_way = statements_run(store, lambda: with_alternatives(store, long.id))
    assert [tuple(item) for item in items] == expected
    assert len(old_way) > 2 * 200


def test_the_store_package_stays_in_small_modules():
    """One concern per module (app/core/store/__init__.py lists them), none over 800 lines,
    and the package ships in the wheel."""
    folder = Path(store_schema.__file__).parent
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.py")}
    assert {"schema.py", "conversations.py", "documents.py", "__init__.py"} <= sizes.keys()
    assert max(sizes.values()) <= 800, sizes
    pyproject = (folder.parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"app.core.store"' in pyproject


def test_messages_are_checked(store):
    conversation = store.create_conversation()
    other = store.create_conversation()
    (foreign,) = chain(store, other.id, "elsewhere")
    with pytest.raises(StoreError, match="another conversation"):
        store.add_message(conversation.id, "assistant", "x", foreign.id)
    with pytest.raises(StoreError, match="another conversation"):
        store.set_current_leaf(conversation.id, foreign.id)
    with pytest.raises(StoreError, match="role"):
        store.add_message(conversation.id, "robot", "x", None)
    with pytest.raises(StoreError, match="status"):
        store.add_message(conversation.id, "user", "x", None, status="done")
    with pytest.raises(StoreError, match="does not exist"):
        store.add_message(12345, "user", "x", None)
    with pytest.raises(StoreError, match="does not exist"):
        store.get_message(12345)
    assert store.path(conversation.id) == []


def test_update_message_and_stats(store):
    conversation = store.create_conversation()
    (question,) = chain(store, conversation.id, "Go")
    reply = store.add_message(conversation.id, "assistant", "", question.id, status="streaming")
    reply = store.update_message(reply.id, content="Once upon")
    assert (reply.content, reply.status, reply.stats) == ("Once upon", "streaming", None)
    reply = store.update_message(reply.id, status="length", stats={"tokens": 12, "tok_s": 31.5})
    assert (reply.content, reply.status) == ("Once upon", "length")
    assert reply.stats == {"tokens": 12, "tok_s": 31.5}
    assert hash(reply) == hash(store.get_message(reply.id))
    with pytest.raises(StoreError, match="statistics"):
        store.update_message(reply.id, stats={"bad": object()})


def test_streaming_message_becomes_interrupted_on_reopen(db_path):
    with Store(db_path) as store:
        conversation = store.create_conversation()
        (question,) = chain(store, conversation.id, "Tell me a story")
        reply = store.add_message(
            conversation.id, "assistant", "Once upon a", question.id, status="streaming"
        )
        cancelled = store.add_message(
            conversation.id, "assistant", "Once", question.id, status="cancelled"
        )
    with Store(db_path) as store:
        assert store.get_message(reply.id).status == "interrupted"
        assert store.get_message(reply.id).content == "Once upon a"
        assert store.get_message(cancelled.id).status == "cancelled"


def test_meta(store):
    assert store.get_meta("last_conversation_id") is None
    assert store.get_meta("last_conversation_id", "0") == "0"
    store.set_meta("last_conversation_id", "3")
    store.set_meta("last_conversation_id", "4")
    assert store.get_meta("last_conversation_id") == "4"


# --- export / import -------------------------------------------------------------------------


def tree_shape(export: dict[str, Any]) -> tuple[Any, ...]:
    """An export without its ids: each message with its parent's position in the list."""
    position = {m["id"]: index for index, m in enumerate(export["messages"])}
    messages = tuple(
        (position.get(m["parent_id"]), *(m[k] for k in ("role", "content", "status", "created_at")))
        + (json.dumps(m["stats"]),)
        for m in export["messages"]
    )
    keys = ("format", "version", "title", "system_prompt", "persona", "created_at")
    head = tuple(export[k] for k in keys)
    return head, messages, position.get(export["current_leaf_id"])


def branched_conversation(store: Store) -> Conversation:
    """Regenerated and edited branches, stats, an unfinished reply, and a deleted message
    whose child is exported under the deleted message's parent."""
    conversation = store.create_conversation(
        system_prompt="You are kind.\n\nBe brief.", persona="Friend"
    )
    _, hi, question, answer = chain(store, conversation.id, "Hello 你好", "Hi!", "Joke?", "No.")
    add = store.add_message
    add(conversation.id, "assistant", "Why did the chicken…", question.id, status="interrupted")
    edited = add(conversation.id, "user", "A joke, please?", hi.id)
    doomed = add(conversation.id, "assistant", "Deleted reply", edited.id)
    add(conversation.id, "user", "Hangs from the edit", doomed.id)
    add(conversation.id, "assistant", "Knock", edited.id, status="cancelled", stats={"tokens": 3})
    store.delete_message(doomed.id)
    store.select_branch(answer.id)
    return store.get_conversation(conversation.id)


def test_export_import_round_trip(store):
    original = branched_conversation(store)
    exported = store.export_json(original.id)
    assert exported["format"] == "inkwell-conversation" and exported["version"] == 1
    assert "Deleted reply" not in [m["content"] for m in exported["messages"]]

    imported = store.import_json(json.loads(json.dumps(exported)))  # as read back from a file
    assert imported.id != original.id
    assert (imported.title, imported.system_prompt, imported.persona) == (
        original.title,
        original.system_prompt,
        original.persona,
    )
    again = store.export_json(imported.id)
    assert tree_shape(again) == tree_shape(exported)
    assert {m["id"] for m in again["messages"]}.isdisjoint(m["id"] for m in exported["messages"])
    assert contents(store.path(imported.id)) == contents(store.path(original.id))
    assert store.list_conversations()[0].id == imported.id


def test_import_accepts_children_listed_before_parents(store):
    exported = store.export_json(branched_conversation(store).id)
    exported["messages"].reverse()
    imported = store.import_json(exported)
    assert contents(store.path(imported.id)) == ["Hello 你好", "Hi!", "Joke?", "No."]


def valid_export() -> dict[str, Any]:
    return {
        "format": "inkwell-conversation",
        "version": 1,
        "title": "T",
        "system_prompt": "",
        "persona": "",
        "created_at": 1.0,
        "updated_at": 2.0,
        "current_leaf_id": 2,
        "messages": [
            {
                "id": 1,
                "parent_id": None,
                "role": "user",
                "content": "a",
                "status": "complete",
                "stats": None,
                "created_at": 1.0,
            },
            {
                "id": 2,
                "parent_id": 1,
                "role": "assistant",
                "content": "b",
                "status": "streaming",
                "stats": {},
                "created_at": 1.5,
            },
        ],
    }


def broken(change) -> dict[str, Any]:
    data = valid_export()
    change(data)
    return data


def broken_message(index: int, **changes: Any) -> dict[str, Any]:
    return broken(lambda data: data["messages"][index].update(changes))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2, 3], "not an Inkwell conversation export"),
        ("just text", "not an Inkwell conversation export"),
        ({"format": "chatgpt", "messages": []}, "not an Inkwell conversation export"),
        (broken(lambda d: d.update(version=2)), "newer Inkwell"),
        (broken(lambda d: d.pop("title")), '"title" is missing'),
        (broken(lambda d: d.update(created_at="yesterday")), '"created_at" should be a number'),
        (broken(lambda d: d.update(messages={})), '"messages" should be a list'),
        (broken(lambda d: d["messages"][1].pop("content")), r'"messages\[1\].content" is missing'),
        (broken_message(0, id=True), r'"messages\[0\].id" should be a whole number'),
        (broken_message(1, role="bot"), r'"messages\[1\].role" should be one of'),
        (broken_message(1, parent_id=7), "refers to message 7, which is not in the file"),
        (broken_message(1, id=1), "two messages have the id 1"),
        (broken_message(0, parent_id=2), "loop"),
        (broken(lambda d: d.update(current_leaf_id=9)), '"current_leaf_id" refers to message 9'),
    ],
)
def test_import_rejects_bad_input(store, data, message):
    with pytest.raises(StoreError, match=message):
        store.import_json(data)
    assert store.list_conversations() == []


def test_import_of_a_streaming_reply_marks_it_interrupted(store):
    imported = store.import_json(valid_export())
    path = store.path(imported.id)
    assert [(m.content, m.status) for m in path] == [("a", "complete"), ("b", "interrupted")]


def test_export_markdown(store):
    conversation = store.create_conversation("Jokes", system_prompt="You are kind.\n\nBe brief.")
    question, reply = chain(store, conversation.id, "Tell me a joke", "Why did the")
    store.update_message(reply.id, status="interrupted")
    assert store.export_markdown(conversation.id) == (
        "# Jokes\n\n"
        "> You are kind.\n>\n> Be brief.\n\n"
        "### You\n\nTell me a joke\n\n"
        "### Assistant\n\nWhy did the\n\n*This reply was interrupted before it finished (Inkwell closed, or the connection to the engine dropped).*\n"
    )
    store.add_message(conversation.id, "assistant", "Knock", question.id, status="cancelled")
    assert store.export_markdown(conversation.id).endswith(
        "### Assistant\n\nKnock\n\n*This reply was stopped before it finished.*\n"
    )
    untitled = store.create_conversation()
    assert store.export_markdown(untitled.id) == "# Untitled conversation\n"


# --- damage ----------------------------------------------------------------------------------


def fill(store: Store, conversations: int = 30, messages: int = 20) -> None:
    for i in range(conversations):
        conversation = store.create_conversation(f"Conversation {i}")
        texts = [f"{i}/{j} " + "lorem ipsum dolor sit amet " * 12 for j in range(messages)]
        chain(store, conversation.id, *texts)


def readable_before_first_error(path: Path) -> int:
    """How many messages a plain scan of the damaged file reads before it fails."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    count = 0
    try:
        for _ in conn.execute("SELECT rowid, content FROM messages"):
            count += 1
    except sqlite3.DatabaseError:
        pass
    finally:
        conn.close()
    return count


def damaged_copies(db_path: Path) -> list[Path]:
    found = db_path.parent.glob(f"{db_path.name}.damaged-*")
    return sorted(p for p in found if not p.name.endswith(("-wal", "-shm")))


def garble_middle_fifth(db_path: Path) -> bytes:
    """Overwrite the middle fifth of a closed database's pages with noise; the file after."""
    pages = db_path.stat().st_size // 4096
    garbage = random.Random(7)
    with db_path.open("r+b") as file:
        for page in range(pages * 2 // 5, pages * 3 // 5):
            file.seek(page * 4096)
            file.write(garbage.randbytes(4096))
    return db_path.read_bytes()


def test_damaged_database_is_moved_aside_and_recovered(db_path):
    with Store(db_path) as store:
        fill(store)
    damaged = garble_middle_fifth(db_path)

    with Store(db_path) as store:
        report = store.recovery_report
        assert report is not None and report.startswith("Inkwell's database was damaged.")
        (copy,) = damaged_copies(db_path)
        assert str(copy) in report
        assert copy.read_bytes() == damaged  # kept exactly as found
        assert copy.name.startswith("inkwell.db.damaged-")

        conversations = store.list_conversations()
        recovered = sum(len(store.path(c.id)) for c in conversations)
        counts = f"{len(conversations)} conversations and {recovered} messages"
        assert f"{counts} were recovered" in report
        assert 0 < recovered < 600
        assert len(conversations) > 0
        # The rowid walk reads past the damage that stops a plain scan.
        assert recovered > readable_before_first_error(copy)
        assert store._conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert store._conn.execute("PRAGMA foreign_key_check").fetchall() == []
        store.add_message(store.create_conversation().id, "user", "Still works", None)

    with Store(db_path) as store:  # the repaired file opens cleanly next time
        assert store.recovery_report is None


def test_a_file_that_is_not_a_database_is_replaced_by_a_fresh_one(db_path):
    db_path.parent.mkdir(parents=True)
    junk = random.Random(3).randbytes(64 * 1024)
    db_path.write_bytes(junk)
    with Store(db_path) as store:
        assert store.recovery_report is not None
        assert "nothing could be recovered" in store.recovery_report
        assert store.list_conversations() == []
        assert store.create_conversation("Fresh start").title == "Fresh start"
    (copy,) = damaged_copies(db_path)
    assert copy.read_bytes() == junk
    assert raw_query(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]


# --- a full disk ------------------------------------------------------------------------------


def test_disk_full_is_reported_and_nothing_half_saved(store):
    conversation = store.create_conversation("Long")
    (question,) = chain(store, conversation.id, "Write a lot")
    before = store.get_conversation(conversation.id)
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: a full disk

    with pytest.raises(StoreError, match="disk is full.*nothing was saved"):
        store.add_message(conversation.id, "assistant", "word " * 50_000, question.id)
    assert store.get_conversation(conversation.id) == before  # no leaf or date moved
    assert contents(store.path(conversation.id)) == ["Write a lot"]
    assert [c.id for c in store.list_conversations()] == [conversation.id]

    store._conn.execute("PRAGMA max_page_count = 1073741823")  # space again
    store.add_message(conversation.id, "assistant", "word " * 50_000, question.id)
    assert len(store.path(conversation.id)) == 2


# --- crash safety -----------------------------------------------------------------------------

CRASH_RUNS = 25
CRASH_SEED = 20240611


class ChildRun:
    """What one killed child reported as committed."""

    def __init__(self) -> None:
        self.conversations: set[int] = set()
        self.messages: dict[int, tuple[int, str]] = {}  # id → (length, status), last reported


def kill_child_after(script: Path, db_path: Path, delay_s: float, *args: str) -> list[str]:
    """Start a writer child, let it write for ``delay_s`` after its first report, SIGKILL
    it; the whole lines it printed (each a promise that a write was committed)."""
    child = subprocess.Popen(
        [sys.executable, str(script), str(db_path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:  # drains the pipe so the child never blocks on a full one
        assert child.stdout is not None
        for line in child.stdout:
            if line.endswith("\n"):  # a line cut by the kill promises nothing
                lines.append(line)
            started.set()
        started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert started.wait(30), "the crash child did not start"
        time.sleep(delay_s)
    finally:
        child.kill()
        child.wait(10)
        reader.join(10)
    stderr = child.stderr.read() if child.stderr else ""
    assert child.returncode == (-signal.SIGKILL if os.name == "posix" else 1), stderr
    assert lines, stderr
    return lines


def run_child_and_kill(db_path: Path, delay_s: float, seen: ChildRun, *args: str) -> None:
    """Kill tests/store_crash_child.py after ``delay_s`` and add what it reported to ``seen``."""
    for line in kill_child_after(CRASH_CHILD, db_path, delay_s, *args):
        kind, *values = line.split()
        if kind == "conv":
            seen.conversations.add(int(values[0]))
        else:
            seen.messages[int(values[0])] = (int(values[1]), values[2])


def check_after_crash(db_path: Path, seen: ChildRun) -> None:
    """Everything reported is there, the file is sound, nothing is left 'streaming'."""
    assert raw_query(db_path, "PRAGMA integrity_check") == [("ok",)]
    with Store(db_path) as store:
        assert store.recovery_report is None
        stored: dict[int, Message] = {}
        for conversation_id in seen.conversations:
            store.get_conversation(conversation_id)
            # The child chains every message under the previous one: all are on the path.
            stored.update((m.id, m) for m in store.path(conversation_id))
        for message_id, (length, status) in seen.messages.items():
            assert message_id in stored, f"message {message_id} was reported saved but is gone"
            message = stored[message_id]
            assert len(message.content) >= length, f"message {message_id} lost text it had saved"
            expected = ("interrupted", "complete") if status == "streaming" else (status,)
            assert message.status in expected, f"message {message_id} is {message.status!r}"
    assert raw_query(db_path, "SELECT count(*) FROM messages WHERE status = 'streaming'") == [(0,)]


def test_killed_writer_never_loses_a_committed_write(tmp_path):
    db_path = tmp_path / "inkwell.db"
    rng = random.Random(CRASH_SEED)
    seen = ChildRun()
    for _ in range(CRASH_RUNS):  # about 10 s: each run lives at most 0.6 s after it starts
        run_child_and_kill(db_path, rng.uniform(0.05, 0.6), seen)
        check_after_crash(db_path, seen)
    assert len(seen.conversations) == CRASH_RUNS
    # The kills hit both between replies and in the middle of streaming ones.
    assert sum(status == "complete" for _, status in seen.messages.values()) > CRASH_RUNS
    interrupted = raw_query(db_path, "SELECT count(*) FROM messages WHERE status = 'interrupted'")
    assert interrupted[0][0] >= CRASH_RUNS // 2


def test_crash_check_notices_writes_reported_before_they_are_committed(tmp_path):
    """The check above can fail: a child that reports before it writes is caught."""
    db_path = tmp_path / "inkwell.db"
    rng = random.Random(CRASH_SEED)
    seen = ChildRun()
    for _ in range(5):
        run_child_and_kill(db_path, rng.uniform(0.05, 0.6), seen, "--print-before-commit")
        try:
            check_after_crash(db_path, seen)
        except AssertionError as error:
            assert "lost text" in str(error)
            return
    pytest.fail("five kills of a child that reports before writing went unnoticed")
