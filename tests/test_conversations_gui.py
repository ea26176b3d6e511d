"""Conversations through the window: saved as they happen, branches, alternatives, undo."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog

from app.core.store import Store
from app.ui.chat_view import action_href
from tests.engine_watch import watch


@pytest.fixture
def data_dir(app_paths):
    return app_paths


@pytest.fixture
def open_window(make_window):
    def make(paths, load=True, n_ctx=2048):
        window = make_window(paths, load, n_ctx)
        window.preferences.max_tokens = 12  # short replies keep the tests quick
        return window

    return make


def type_text(qtbot, widget, text):
    """ASCII as key presses; other text the way an input method (e.g. pinyin) commits it."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def send(qtbot, window, text):
    type_text(qtbot, window.chat_input, text)
    events = watch(window.host)
    with qtbot.waitSignal(events.finished, timeout=60_000):
        qtbot.keyClick(window.chat_input, Qt.Key.Key_Return)


def click_link(qtbot, window, href):
    view = window.chat_view
    point = view.anchor_point(href)
    assert point is not None, f"no link {href} in the conversation"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def list_titles(window):
    items = window.sidebar.list
    return [items.item(row).text() for row in range(items.count())]


def test_conversations_survive_a_restart(qtbot, open_window, data_dir):
    window = open_window(data_dir)
    send(qtbot, window, "Tell me about owls")
    first = window.chat.conversation_id
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.chat.conversation_id is None
    send(qtbot, window, "Tell me about rivers")
    assert list_titles(window) == ["Tell me about rivers", "Tell me about owls"]  # newest first

    # Switch back by clicking the older conversation in the list.
    owls = window.sidebar.item_for(first)
    qtbot.mouseClick(window.sidebar.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.sidebar.list.visualItemRect(owls).center())
    assert window.chat.conversation_id == first
    assert "Tell me about owls" in window.chat_view.toPlainText()
    window.close()

    again = open_window(data_dir, load=False)
    assert list_titles(again) == ["Tell me about rivers", "Tell me about owls"]
    assert again.chat.conversation_id == first  # the last open conversation
    assert "Tell me about owls" in again.chat_view.toPlainText()


def test_regenerate_keeps_alternatives_and_arrows_flip(qtbot, open_window, data_dir):
    window = open_window(data_dir)
    send(qtbot, window, "Name a colour")
    first_reply = window.store.path(window.chat.conversation_id)[-1]
    events = watch(window.host)
    with qtbot.waitSignal(events.finished, timeout=60_000):
        click_link(qtbot, window, action_href("regenerate", first_reply.id))
    path = window.store.path(window.chat.conversation_id)
    second_reply = path[-1]
    assert second_reply.id != first_reply.id and second_reply.parent_id == first_reply.parent_id
    assert "2/2" in window.chat_view.toPlainText()

    window.chat_view.setFocus()
    qtbot.keyClick(window.chat_view, Qt.Key.Key_Left)
    assert window.store.path(window.chat.conversation_id)[-1].id == first_reply.id
    assert "1/2" in window.chat_view.toPlainText()
    qtbot.keyClick(window.chat_view, Qt.Key.Key_Right)
    assert window.store.path(window.chat.conversation_id)[-1].id == second_reply.id

    # Ctrl+R regenerates the last reply as a third alternative.
    events = watch(window.host)
    with qtbot.waitSignal(events.finished, timeout=60_000):
        qtbot.keyClick(window.chat_input, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert "3/3" in window.chat_view.toPlainText()


def test_edit_and_resend_keeps_the_old_branch(qtbot, open_window, data_dir):
    window = open_window(data_dir)
    send(qtbot, window, "Write about cats")
    original = window.store.path(window.chat.conversation_id)
    click_link(qtbot, window, action_href("edit", original[0].id))
    assert window.chat_input.toPlainText() == "Write about cats"
    assert window.chat.edit_banner.isVisible()
    window.chat_input.selectAll()
    send(qtbot, window, "Write about dogs")
    branch = window.store.path(window.chat.conversation_id)
    assert branch[0].content == "Write about dogs"
    assert branch[0].parent_id == original[0].parent_id
    assert "Write about cats" not in window.chat_view.toPlainText()
    assert "2/2" in window.chat_view.toPlainText()

    click_link(qtbot, window, action_href("previous", branch[0].id))
    restored = window.store.path(window.chat.conversation_id)
    assert [m.id for m in restored] == [m.id for m in original]
    assert "Write about cats" in window.chat_view.toPlainText()


def test_delete_conversation_can_be_undone(qtbot, open_window, data_dir):
    window = open_window(data_dir)
    send(qtbot, window, "Keep me safe")
    conversation_id = window.chat.conversation_id
    window.sidebar.list.setFocus()
    window.sidebar.list.setCurrentItem(window.sidebar.item_for(conversation_id))
    qtbot.keyClick(window.sidebar.list, Qt.Key.Key_Delete)
    assert list_titles(window) == []
    assert window.undo_button.isVisible()
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert list_titles(window) == ["Keep me safe"]
    assert window.chat.conversation_id == conversation_id
    assert "Keep me safe" in window.chat_view.toPlainText()


def test_rename_and_search(qtbot, open_window, data_dir):
    window = open_window(data_dir)
    send(qtbot, window, "Recipe for bread")
    qtbot.keyClick(window.chat_input, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    send(qtbot, window, "写一首关于春天的诗")
    assert list_titles(window)[0] == "写一首关于春天的诗"

    window.sidebar.list.setFocus()
    qtbot.keyClick(window.sidebar.list, Qt.Key.Key_F2)
    editor = QGuiApplication.focusObject()
    editor.selectAll()
    qtbot.keyClicks(editor, "Spring poem")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: list_titles(window)[0] == "Spring poem", timeout=5000)
    assert window.store.get_conversation(window.chat.conversation_id).title == "Spring poem"

    qtbot.keyClicks(window.sidebar.search, "bread")
    assert list_titles(window) == ["Recipe for bread"]
    window.sidebar.search.clear()
    type_text(qtbot, window.sidebar.search, "春天")  # message text, not the title any more
    assert list_titles(window) == ["Spring poem"]


def test_interrupted_reply_is_shown_after_restart(qtbot, open_window, data_dir):
    store = Store(data_dir.data_dir / "inkwell.db")
    conversation = store.create_conversation()
    question = store.add_message(conversation.id, "user", "Tell me a long story", None)
    store.add_message(conversation.id, "assistant", "Once upon a time", question.id, status="streaming")
    store.set_meta("last_conversation_id", str(conversation.id))
    store.close()  # as if the app had been killed mid-reply

    window = open_window(data_dir)
    text = window.chat_view.toPlainText()
    assert "Once upon a time" in text
    assert "This reply was interrupted before it finished" in text
    reply = window.store.path(conversation.id)[-1]
    assert reply.status == "interrupted"
    events = watch(window.host)
    with qtbot.waitSignal(events.finished, timeout=60_000):
        click_link(qtbot, window, action_href("continue", reply.id))
    continued = window.store.get_message(reply.id)
    assert continued.content.startswith("Once upon a time") and len(continued.content) > len("Once upon a time")


def test_persona_sets_the_system_prompt(qtbot, open_window, data_dir):
    window = open_window(data_dir)
    chooser = window.chat.persona_bar.chooser
    index = chooser.findText("Think step by step")
    assert index >= 0
    chooser.setFocus()
    chooser.setCurrentIndex(index)
    chooser.activated.emit(index)
    assert "step by step" in window.chat.persona_bar.prompt_edit.toPlainText()
    send(qtbot, window, "What is 12 times 3?")
    conversation = window.store.get_conversation(window.chat.conversation_id)
    assert conversation.persona == "Think step by step"
    assert "step by step" in conversation.system_prompt


def test_save_persona(qtbot, open_window, data_dir, monkeypatch):
    window = open_window(data_dir, load=False)
    qtbot.mouseClick(window.chat.persona_bar.prompt_button, Qt.MouseButton.LeftButton)
    assert window.chat.persona_bar.prompt_edit.isVisible()
    qtbot.keyClicks(window.chat.persona_bar.prompt_edit, "Answer like a sailor.")
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Sailor", True))
    qtbot.mouseClick(window.chat.persona_bar.save_button, Qt.MouseButton.LeftButton)
    assert window.chat.persona_bar.chooser.currentText() == "Sailor"
    saved = json.loads((data_dir.config_dir / "personas.json").read_text())
    assert saved == [{"name": "Sailor", "system_prompt": "Answer like a sailor."}]


EXPORT = {
    "format": "inkwell-conversation",
    "version": 1,
    "title": "Shell help",
    "system_prompt": "",
    "persona": "",
    "created_at": 1.0,
    "updated_at": 2.0,
    "current_leaf_id": 2,
    "messages": [
        {"id": 1, "parent_id": None, "role": "user", "content": "How do I list files?", "status": "complete",
         "stats": None, "created_at": 1.0},
        {"id": 2, "parent_id": 1, "role": "assistant",
         "content": "<think>The user wants ls.</think>Use:\n\n```sh\nls -la\n```", "status": "complete",
         "stats": None, "created_at": 2.0},
    ],
}


def test_import_export_copy_code_and_reasoning(qtbot, open_window, data_dir, tmp_path, monkeypatch):
    window = open_window(data_dir, load=False)
    source = tmp_path / "in.json"
    source.write_text(json.dumps(EXPORT))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(source), ""))
    window.findChild(QAction, "importAction").trigger()
    assert list_titles(window) == ["Shell help"]
    text = window.chat_view.toPlainText()
    assert "ls -la" in text
    assert "Reasoning" in text and "The user wants ls." not in text  # folded

    reply_id = window.store.path(window.chat.conversation_id)[-1].id
    click_link(qtbot, window, action_href("copy-code", reply_id, 0))
    assert QGuiApplication.clipboard().text() == "ls -la"
    click_link(qtbot, window, action_href("reasoning", reply_id))
    assert "The user wants ls." in window.chat_view.toPlainText()

    target = tmp_path / "out.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    window.findChild(QAction, "exportMarkdownAction").trigger()
    markdown = target.read_text()
    assert "# Shell help" in markdown and "How do I list files?" in markdown and "ls -la" in markdown

    target_json = tmp_path / "out.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target_json), ""))
    window.findChild(QAction, "exportJsonAction").trigger()
    exported = json.loads(target_json.read_text())
    assert [m["content"] for m in exported["messages"]] == [m["content"] for m in EXPORT["messages"]]


def test_bad_import_is_reported(qtbot, open_window, data_dir, tmp_path, monkeypatch):
    window = open_window(data_dir, load=False)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(bad), ""))
    window.findChild(QAction, "importAction").trigger()
    assert list_titles(window) == []
    assert "not an Inkwell conversation" in window.chat_view.toPlainText()


def test_context_meter_shows_use_after_a_reply(qtbot, open_window, data_dir):
    window = open_window(data_dir)
    meter = window.chat.context_meter
    assert meter.objectName() == "contextMeter" and meter.accessibleName()
    send(qtbot, window, "Hello there")
    assert meter.maximum() == 2048
    assert 0 < meter.value() < 2048
    assert "of 2,048 tokens" in meter.toolTip()


def test_delete_message_can_be_undone(qtbot, open_window, data_dir):
    window = open_window(data_dir)
    send(qtbot, window, "First question")
    reply = window.store.path(window.chat.conversation_id)[-1]
    click_link(qtbot, window, action_href("delete", reply.id))
    assert [m.role for m in window.store.path(window.chat.conversation_id)] == ["user"]
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert [m.id for m in window.store.path(window.chat.conversation_id)][-1] == reply.id


def test_messages_left_out_of_the_context_are_marked(qtbot, open_window, data_dir):
    store = Store(data_dir.data_dir / "inkwell.db")
    conversation = store.create_conversation(title="Long talk")
    parent = None
    for index in range(8):
        role = "user" if index % 2 == 0 else "assistant"
        parent = store.add_message(conversation.id, role, f"Message {index}. " + "words and more words " * 40,
                                   parent).id
    store.set_meta("last_conversation_id", str(conversation.id))
    store.close()

    window = open_window(data_dir, n_ctx=512)  # a small context keeps the prompt quick to evaluate
    assert "not in the model's context" not in window.chat_view.toPlainText()
    send(qtbot, window, "Thanks!")
    reply = window.store.path(conversation.id)[-1]
    dropped = reply.stats["dropped_messages"]
    assert dropped > 0
    assert window.chat_view.toPlainText().count("not in the model's context") == dropped
    assert "left out" in window.chat.context_meter.toolTip()


def test_the_list_follows_the_store_and_a_saved_reply_leaves_it_alone(qtbot, open_window, data_dir):
    """Conversations added, renamed or deleted anywhere (here straight in the store) show in the
    list at once; a reply being saved does not rebuild it (a rename being typed survives)."""
    window = open_window(data_dir)
    send(qtbot, window, "First things first")
    first = window.chat.conversation_id
    other = window.store.create_conversation(title="Written elsewhere")
    assert list_titles(window) == ["Written elsewhere", "First things first"]
    window.store.rename_conversation(other.id, "Renamed elsewhere")
    assert list_titles(window)[0] == "Renamed elsewhere"
    window.store.delete_conversation(other.id)
    assert list_titles(window) == ["First things first"]

    item = window.sidebar.item_for(first)
    rebuilt = []
    window.sidebar.list.model().modelReset.connect(lambda: rebuilt.append(True))
    window.sidebar.list.model().rowsRemoved.connect(lambda *_: rebuilt.append(True))
    window.store.update_message(window.store.path(first)[-1].id, content="A reply saved again")
    assert rebuilt == [] and window.sidebar.item_for(first) is item
