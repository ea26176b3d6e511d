"""The main window driven like a person would: typing, Enter, clicking Stop."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QPushButton, QTextBrowser

from tests.engine_watch import watch


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
    assert "2,048" in window.model_status.context_label.text()


def test_enter_sends_and_reply_streams_into_chat_view(qtbot, window):
    view, box, send, stop = widgets(window)
    window.preferences.max_tokens = 24
    qtbot.keyClicks(box, "What is the capital of France?")
    chunks = []
    events = watch(window.host)
    events.chunk.connect(chunks.append)
    with qtbot.waitSignal(events.finished, timeout=60_000):
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
    assert "tok/s" in window.chat.speed_label.text()
    assert [m.role for m in window.store.path(window.chat.conversation_id)] == ["user", "assistant"]


def test_shift_enter_adds_a_line_instead_of_sending(qtbot, window):
    _, box, _, _ = widgets(window)
    qtbot.keyClicks(box, "first line")
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(box, "second line")
    assert box.toPlainText() == "first line\nsecond line"
    assert window.chat.conversation_id is None


def test_stop_button_stops_a_reply(qtbot, window):
    view, box, send, stop = widgets(window)
    window.preferences.max_tokens = 1500
    qtbot.keyClicks(box, "Count from 1 to 1000, one number per line.")
    results = []
    events = watch(window.host)
    events.finished.connect(results.append)
    with qtbot.waitSignal(events.chunk, timeout=60_000):
        qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)
    assert results[0].finish_reason == "cancelled"
    assert results[0].generated_tokens < 1500
    assert "stopped by you" in view.toPlainText()
    assert send.isEnabled() and not stop.isEnabled()
    # The conversation goes on after a stop.
    window.preferences.max_tokens = 8
    qtbot.keyClicks(box, "Thanks")
    with qtbot.waitSignal(events.finished, timeout=60_000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert [m.role for m in window.store.path(window.chat.conversation_id)] == ["user", "assistant", "user", "assistant"]


def test_escape_stops_a_reply(qtbot, window):
    _, box, _, _ = widgets(window)
    window.preferences.max_tokens = 1500
    qtbot.keyClicks(box, "Write a long poem about rain.")
    results = []
    events = watch(window.host)
    events.finished.connect(results.append)
    with qtbot.waitSignal(events.chunk, timeout=60_000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)
    assert results[0].finish_reason == "cancelled"


def test_bad_model_shows_message_and_app_keeps_running(qtbot, make_window, app_paths, bad_model_files):
    window = make_window(app_paths, load=False)
    view, box, _, _ = widgets(window)
    with qtbot.waitSignal(window.host.load_failed, timeout=30_000):
        window.load_model(bad_model_files["truncated"])
    assert "incomplete" in view.toPlainText()
    assert window.model_label.text() == "No model"
    qtbot.keyClicks(box, "Hello?")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert "No model is loaded" in window.statusBar().currentMessage()
    assert box.toPlainText() == "Hello?"  # nothing the user wrote is lost


def test_a_model_that_cannot_be_loaded_leaves_the_one_in_use(qtbot, window, bad_model_files, starter_model,
                                                              unknown_architecture_model):
    """The model in use stays loaded, the window keeps showing it and says the new one could
    not be loaded; chatting goes on."""
    from dataclasses import replace

    view, box, send, _ = widgets(window)
    shown = window.model_label.text()
    assert "SmolLM2" in shown
    no_flash = replace(window.preferences.load_params, kv_cache_type="q8_0", flash_attention="off")
    attempts = [
        (bad_model_files["truncated"], window.preferences.load_params, "incomplete"),
        (starter_model, no_flash, "needs flash attention"),
        (unknown_architecture_model, window.preferences.load_params, "could not load"),  # llama.cpp refuses it
    ]
    for path, params, said in attempts:
        window.preferences.load_params = params
        with qtbot.waitSignal(window.host.load_failed, timeout=60_000):
            window.load_model(path)
        assert said in view.toPlainText()
        assert f"{shown} is still in use" in view.toPlainText()
        assert window.model_label.text() == shown and "2,048" in window.model_status.context_label.text()
        assert window.chat.chat_stack.currentWidget() is window.chat_view
        assert window.host.model_info.path == str(starter_model)
        assert send.isEnabled() and not window.reload_button.isVisible()
    window.preferences.max_tokens = 8
    qtbot.keyClicks(box, "Hello?")
    events = watch(window.host)
    with qtbot.waitSignal(events.finished, timeout=60_000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.toPlainText() == ""
    assert [m.role for m in window.store.path(window.chat.conversation_id)] == ["user", "assistant"]


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
    window.preferences.max_tokens = 8
    with qtbot.waitSignal(window.host.loaded, timeout=60_000):
        window.load_model(starter_model)
        assert not send.isEnabled()
        qtbot.keyClicks(box, "Hello?")
        qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter does not send either
        assert box.toPlainText() == "Hello?" and window.chat.conversation_id is None
        assert "No model is loaded" not in window.statusBar().currentMessage()
    assert send.isEnabled()
    events = watch(window.host)
    with qtbot.waitSignal(events.finished, timeout=60_000):
        qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    assert box.toPlainText() == "" and [m.role for m in window.store.path(window.chat.conversation_id)] == ["user", "assistant"]
    # A load that fails gives Send back too (the message says what went wrong).
    with qtbot.waitSignal(window.host.load_failed, timeout=30_000):
        window.load_model(bad_model_files["truncated"])
        assert not send.isEnabled()
    assert send.isEnabled()
