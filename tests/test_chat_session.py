"""The chat flow without a window: a ChatSession with the starter model, a real engine host and
a store of the test's own."""

from __future__ import annotations

import pytest

from app.core.generation import LoadParams
from app.core.samplers import builtin_presets, find_preset
from app.core.store import Store
from app.engine.host import EngineHost
from app.ui.chat_session import ChatSession


@pytest.fixture
def session(qtbot, tmp_path, starter_model):
    host = EngineHost()
    store = Store(tmp_path / "inkwell.db")
    preset = find_preset(builtin_presets(), "Chat (balanced)")
    settings = {"max_tokens": 8}
    chat = ChatSession(store, host, lambda: (preset, settings["max_tokens"]))
    chat.settings = settings  # the tests change the reply length
    with qtbot.waitSignal(host.loaded, timeout=60_000):
        host.load_model(str(starter_model), LoadParams(n_ctx=1024))
    yield chat
    host.shutdown()
    store.close()


def replies(chat: ChatSession):
    return [m for m in chat.store.path(chat.conversation_id) if m.role == "assistant"]


def test_send_saves_the_message_and_the_complete_reply(qtbot, session):
    streamed = []
    session.reply_text.connect(streamed.append)
    generating = []
    session.generating_changed.connect(generating.append)
    with qtbot.waitSignal(session.reply_finished, timeout=60_000):
        assert session.send("Say hello.")
    assert generating == [True, False]
    assert session.streaming is None
    path = session.store.path(session.conversation_id)
    assert [m.role for m in path] == ["user", "assistant"]
    assert path[0].content == "Say hello."
    reply = path[1]
    assert reply.status in ("complete", "length")
    assert reply.content and reply.content == "".join(streamed)
    assert reply.stats["generated_tokens"] > 0


def test_nothing_is_sent_while_a_reply_is_written(qtbot, session):
    session.settings["max_tokens"] = 400
    said = []
    session.status.connect(lambda text, _ms: said.append(text))
    with qtbot.waitSignal(session.reply_text, timeout=60_000):
        assert session.send("Tell me a long story.")
    assert not session.send("Another message")
    assert said
    with qtbot.waitSignal(session.reply_finished, timeout=60_000):
        session.stop()
    assert [m.role for m in session.store.path(session.conversation_id)] == ["user", "assistant"]


def test_stop_keeps_what_arrived_as_cancelled_and_continue_goes_on(qtbot, session):
    session.settings["max_tokens"] = 400
    with qtbot.waitSignal(session.reply_text, timeout=60_000):
        session.send("Tell me a long story about a lighthouse.")
    with qtbot.waitSignal(session.reply_finished, timeout=60_000) as finished:
        session.stop()
    assert finished.args[0].finish_reason == "cancelled"
    [reply] = replies(session)
    assert reply.status == "cancelled" and reply.content
    session.settings["max_tokens"] = 4
    with qtbot.waitSignal(session.reply_finished, timeout=60_000):
        session.continue_last()
    [continued] = replies(session)
    assert continued.id == reply.id
    assert continued.content.startswith(reply.content)
    assert continued.status in ("complete", "length")


def test_regenerate_adds_a_second_alternative_and_flip_goes_back(qtbot, session):
    with qtbot.waitSignal(session.reply_finished, timeout=60_000):
        session.send("Name a colour.")
    [first] = replies(session)
    with qtbot.waitSignal(session.reply_finished, timeout=60_000):
        session.regenerate_last()
    [second] = replies(session)
    assert second.id != first.id
    assert [m.id for m in session.store.siblings(second.id)] == [first.id, second.id]
    changed = []
    session.conversation_changed.connect(changed.append)
    session.flip_last(-1)
    assert changed == [session.conversation_id]
    assert replies(session)[0].id == first.id


def test_edit_sends_a_new_branch_and_delete_can_be_undone(qtbot, session):
    with qtbot.waitSignal(session.reply_finished, timeout=60_000):
        session.send("Hello")
    user = session.store.path(session.conversation_id)[0]
    edits = []
    session.editing_changed.connect(edits.append)
    session.edit_message(user.id)
    assert edits[-1].id == user.id
    with qtbot.waitSignal(session.reply_finished, timeout=60_000):
        session.send("Hello again")
    assert edits[-1] is None and session.editing is None
    edited = session.store.path(session.conversation_id)[0]
    assert edited.content == "Hello again"
    assert [m.id for m in session.store.siblings(edited.id)] == [user.id, edited.id]

    offered = []
    session.undo_offered.connect(lambda text, undo: offered.append(undo))
    reply = replies(session)[0]
    session.delete_message(reply.id)
    assert replies(session) == []
    offered[0]()
    assert [m.id for m in replies(session)] == [reply.id]


def test_sending_waits_for_a_model(qtbot, tmp_path):
    host = EngineHost()
    store = Store(tmp_path / "inkwell.db")
    chat = ChatSession(store, host, lambda: (builtin_presets()[0], 8))
    said = []
    chat.status.connect(lambda text, _ms: said.append(text))
    assert not chat.send("Hello")
    assert said and chat.conversation_id is None
    host.shutdown()
    store.close()


def test_deleting_the_open_conversation_starts_a_new_one_and_undo_reopens_it(qtbot, session):
    with qtbot.waitSignal(session.reply_finished, timeout=60_000):
        session.send("Remember the lighthouse.")
    conversation_id = session.conversation_id
    opened, offers = [], []
    session.opened.connect(opened.append)
    session.undo_offered.connect(lambda text, undo: offers.append((text, undo)))
    session.delete_conversation(conversation_id)
    assert session.conversation_id is None and opened == [None]
    assert session.store.list_conversations() == []
    text, undo = offers[0]
    assert "Remember the lighthouse." in text
    undo()
    assert session.conversation_id == conversation_id
    assert [c.id for c in session.store.list_conversations()] == [conversation_id]
    assert opened[-1].id == conversation_id


def test_open_last_reopens_the_conversation_open_at_the_end(qtbot, session, tmp_path):
    with qtbot.waitSignal(session.reply_finished, timeout=60_000):
        session.send("Where were we?")
    kept = session.conversation_id
    other = ChatSession(session.store, session.host, session.chat_settings)
    other.open_last()
    assert other.conversation_id == kept
    session.store.delete_conversation(kept)
    third = ChatSession(session.store, session.host, session.chat_settings)
    third.open_last()  # a conversation in the trash is not reopened
    assert third.conversation_id is None


def test_a_full_disk_is_said_and_nothing_starts(qtbot, session, monkeypatch):
    """Regenerate, flip and continue write before the engine starts: a StoreError there is a
    problem to show, not an exception out of a Qt slot, and no reply is left half started."""
    from app.core.store import StoreError

    with qtbot.waitSignal(session.reply_finished, timeout=60_000):
        session.send("Name a colour.")
    with qtbot.waitSignal(session.reply_finished, timeout=60_000):
        session.regenerate_last()
    reply = replies(session)[-1]
    problems = []
    session.problem.connect(problems.append)

    def full(*_args, **_kwargs):
        raise StoreError("The disk is full; nothing was saved.")

    for name in ("set_current_leaf", "select_branch", "add_message", "update_message"):
        monkeypatch.setattr(session.store, name, full)
    session.regenerate(reply.id)
    session.flip(reply.id, -1)
    session.continue_reply(reply.id)
    assert session.streaming is None
    assert problems == ["The disk is full; nothing was saved."] * 3
