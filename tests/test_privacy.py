"""Inkwell opens no network connection unless the user configured a remote engine or asked for
a download: a whole chat, continue and rewrite session on the local engine, with every way of
making a socket made to fail."""

import socket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QPushButton
from tests.test_rewrite_gui import rewrite_and_wait
from tests.test_writing_gui import continue_and_wait
from tests.engine_watch import watch


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    attempts: list[str] = []

    def refuse(what):
        def refused(*args, **kwargs):
            attempts.append(f"{what}{args[:2]}")
            raise NetworkUsed(f"Inkwell tried to use the network: {what}")
        return refused

    class RefusingSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse("socket.socket")(*args)

    monkeypatch.setattr(socket, "socket", RefusingSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    return attempts


def test_the_refusal_works(no_network):
    import urllib.request

    with pytest.raises(Exception):
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)
    assert no_network


def test_a_local_session_opens_no_connection(qtbot, no_network, make_window, app_paths):
    window = make_window(app_paths, n_ctx=1024)

    # Chat.
    window.preferences.max_tokens = 12
    box = window.findChild(QPlainTextEdit, "chatInput")
    qtbot.keyClicks(box, "Say hello.")
    events = watch(window.host)
    with qtbot.waitSignal(events.finished, timeout=60_000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert window.store.path(window.chat.conversation_id)[-1].content.strip()

    # Story continuation.
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    desk = window.writing_desk
    desk.length_chooser.setCurrentIndex(0)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "The lighthouse keeper climbed the stairs.")
    continue_and_wait(qtbot, desk)
    assert desk.editor.ghost_text.strip()
    qtbot.keyClick(desk.editor, Qt.Key.Key_Tab)

    # Style rewriting of the first sentence.
    cursor = desk.editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(len("The lighthouse keeper climbed the stairs."), cursor.MoveMode.KeepAnchor)
    desk.editor.setTextCursor(cursor)
    qtbot.mouseClick(window.findChild(QPushButton, "rewriteButton"), Qt.MouseButton.LeftButton)
    chooser = window.findChild(QComboBox, "styleChooser")
    chooser.setCurrentIndex(chooser.findText("Formal"))
    rewrite_and_wait(qtbot, window)
    assert window.rewrite_panel.job.alternatives

    assert no_network == []
