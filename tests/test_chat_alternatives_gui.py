"""Token alternatives in the chat: Ctrl+Shift+A (or Alt+click) on a word of a reply shows what
else the model might have written there; picking one makes a new alternative reply, the same
up to that word, that carries on from the token picked. Real window, real starter model."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QListWidget

from tests.engine_watch import watch


def send(qtbot, window, text):
    qtbot.keyClicks(window.chat_input, text)
    with qtbot.waitSignal(window.chat.session.reply_finished, timeout=60_000):
        qtbot.keyClick(window.chat_input, Qt.Key.Key_Return)


def put_cursor_on(window, text: str) -> int:
    """Puts the conversation's cursor inside the first place of the reply that shows ``text``."""
    document = window.chat_view.document()
    reply = document.find("Assistant", 0, QTextDocument.FindFlag.FindCaseSensitively)
    found = document.find(text, reply.selectionEnd(), QTextDocument.FindFlag.FindCaseSensitively)
    assert not found.isNull(), text
    cursor = QTextCursor(window.chat_view.document())
    cursor.setPosition(found.selectionStart() + 1)
    window.chat_view.setTextCursor(cursor)
    window.chat_view.setFocus()
    return cursor.position()


def test_pick_another_word_and_the_reply_branches_there(qtbot, make_window, app_paths):
    window = make_window(app_paths)
    window.preferences.max_tokens = 16
    send(qtbot, window, "Name three animals that live in the sea.")
    conversation = window.chat.conversation_id
    first = window.store.path(conversation)[-1]
    words = first.content.split()
    assert len(words) >= 3, first.content
    word = words[2]
    kept_text = first.content[: first.content.index(word, len(words[0]) + len(words[1]))]

    put_cursor_on(window, word)
    qtbot.keyClick(window.chat_view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    popup = window.chat.findChild(QListWidget, "alternativesPopup")
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert popup.count() >= 2
    shares = [float(re.search(r"([\d.]+)%", popup.item(row).text()).group(1)) for row in range(popup.count())]
    assert all(0 <= share <= 100 for share in shares) and sum(shares) <= 100.5
    assert sum("✓" in popup.item(row).text() for row in range(popup.count())) == 1  # what the model chose

    events = watch(window.host)
    ended = []
    events.finished.connect(ended.append)
    with qtbot.waitSignal(window.chat.session.reply_finished, timeout=60_000):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    stats = ended[-1]
    assert stats.prompt_tokens - stats.cached_tokens == 1  # only the new token was evaluated
    second = window.store.path(conversation)[-1]
    assert second.id != first.id and second.parent_id == first.parent_id
    assert [m.id for m in window.store.siblings(second.id)] == [first.id, second.id]
    # The same up to the word's token, something else from there.
    shared = len(kept_text.rstrip())
    assert second.content[:shared] == first.content[:shared]
    assert second.content != first.content
    assert "2/2" in window.chat_view.toPlainText()


def test_a_reply_from_before_a_restart_says_why_there_is_nothing_to_show(qtbot, make_window, app_paths):
    window = make_window(app_paths)
    window.preferences.max_tokens = 8
    send(qtbot, window, "Say hello.")
    reply = window.store.path(window.chat.conversation_id)[-1]
    window.close()

    again = make_window(app_paths)
    said = []
    again.statusBar().messageChanged.connect(said.append)
    put_cursor_on(again, reply.content.split()[0])
    qtbot.keyClick(again.chat_view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    QApplication.processEvents()
    assert not again.chat.findChild(QListWidget, "alternativesPopup").isVisible()
    assert any("Alternatives are kept" in text for text in said)
