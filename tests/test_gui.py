"""The main window driven like a person would: typing, Enter, clicking Stop."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QPushButton, QTextBrowser



@pytest.fixture
def window(make_window, app_paths):
    return make_window(app_paths)


def widgets(window):
    return (
        window.findChild(QTextBrowser, "chatView"),
        window.findChild(QPlainTextEdit, "chatInput"),
        window.findChild(QPushButton, "sendButton"),
        window.findChild(QPushButton, "stopButton"),
    )


def test_named_widgets_are_accessible(window):
    for widget in widgets(window):
        assert widget is not None
        assert widget.accessibleName()
    assert "SmolLM2" in window.model_label.text()
    assert "2,048" in window.context_label.text()


def test_enter_sends_and_reply_streams_into_chat_view(qtbot, window):
    view, box, send, stop = widgets(window)
    window.max_tokens = 24
    qtbot.keyClicks(box, "What is the capital of France?")
    chunks = []
    window.host.chunk.connect(lambda _rid, text: chunks.append(text))
    with qtbot.waitSignal(window.host.finished, timeout=60_000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
        assert box.toPlainText() == ""
        assert stop.isEnabled() and not send.isEnabled()
    reply = "".join(chunks).strip()
    assert reply
    text = view.toPlainText()
    assert "What is the capital of France?" in text
    assert reply.split()[0] in text
    assert "tok/s" in text  # the statistics line under the reply
    assert not stop.isEnabled() and send.isEnabled()
    assert "tok/s" in window.speed_label.text()
    assert [m.role for m in window.store.path(window.conversation_id)] == ["user", "assistant"]


def test_shift_enter_adds_a_line_instead_of_sending(qtbot, window):
    _, box, _, _ = widgets(window)
    qtbot.keyClicks(box, "first line")
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(box, "second line")
    assert box.toPlainText() == "first line\nsecond line"
    assert window.conversation_id is None


def test_stop_button_stops_a_reply(qtbot, window):
    view, box, send, stop = widgets(window)
    window.max_tokens = 1500
    qtbot.keyClicks(box, "Count from 1 to 1000, one number per line.")
    results = []
    window.host.finished.connect(lambda _rid, stats: results.append(stats))
    with qtbot.waitSignal(window.host.chunk, timeout=60_000):
        qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)
    assert results[0].finish_reason == "cancelled"
    assert results[0].generated_tokens < 1500
    assert "stopped by you" in view.toPlainText()
    assert send.isEnabled() and not stop.isEnabled()
    # The conversation goes on after a stop.
    window.max_tokens = 8
    qtbot.keyClicks(box, "Thanks")
    with qtbot.waitSignal(window.host.finished, timeout=60_000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert [m.role for m in window.store.path(window.conversation_id)] == ["user", "assistant", "user", "assistant"]


def test_escape_stops_a_reply(qtbot, window):
    _, box, _, _ = widgets(window)
    window.max_tokens = 1500
    qtbot.keyClicks(box, "Write a long poem about rain.")
    results = []
    window.host.finished.connect(lambda _rid, stats: results.append(stats))
    with qtbot.waitSignal(window.host.chunk, timeout=60_000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)
    assert results[0].finish_reason == "cancelled"


def test_bad_model_shows_message_and_app_keeps_running(qtbot, window, bad_model_files):
    view, box, _, _ = widgets(window)
    with qtbot.waitSignal(window.host.load_failed, timeout=30_000):
        window.load_model(bad_model_files["truncated"])
    assert "incomplete" in view.toPlainText()
    assert window.model_label.text() == "No model"
    qtbot.keyClicks(box, "Hello?")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert "No model is loaded" in window.statusBar().currentMessage()
    assert box.toPlainText() == "Hello?"  # nothing the user wrote is lost


def test_model_without_template_is_announced(qtbot, window, no_template_model):
    view, _, _, _ = widgets(window)
    with qtbot.waitSignal(window.host.loaded, timeout=60_000):
        window.load_model(no_template_model)
    assert "has no chat template" in view.toPlainText()
    assert window.model_label.text() == "base-model"


def test_send_waits_while_the_model_loads(qtbot, make_window, app_paths, starter_model, bad_model_files):
    window = make_window(app_paths, load=False)
    view, box, send, _ = widgets(window)
    assert send.isEnabled()
    window.max_tokens = 8
    with qtbot.waitSignal(window.host.loaded, timeout=60_000):
        window.load_model(starter_model)
        assert not send.isEnabled()
        qtbot.keyClicks(box, "Hello?")
        qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter does not send either
        assert box.toPlainText() == "Hello?" and window.conversation_id is None
        assert "No model is loaded" not in window.statusBar().currentMessage()
    assert send.isEnabled()
    with qtbot.waitSignal(window.host.finished, timeout=60_000):
        qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    assert box.toPlainText() == "" and [m.role for m in window.store.path(window.conversation_id)] == ["user", "assistant"]
    # A load that fails gives Send back too (the message says what went wrong).
    with qtbot.waitSignal(window.host.load_failed, timeout=30_000):
        window.load_model(bad_model_files["truncated"])
        assert not send.isEnabled()
    assert send.isEnabled()
