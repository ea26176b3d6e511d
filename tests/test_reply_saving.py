"""A streaming reply is saved at least every couple of seconds, even when the stream stalls."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QPushButton

from app.core.generation import GenerationStats
from app.engine.backend import LlamaBackend
from app.ui.chat_session import SAVE_INTERVAL_S
from tests.engine_watch import watch


class StallingBackend(LlamaBackend):
    """The real model for loading; a reply that sends its first words, then stalls until it
    is stopped (a swapping machine, a slow GPU, a server that pauses)."""

    def generate(self, request, emit, cancel, on_tokens=None):
        emit("The first words of the reply")
        cancel.wait(30)
        return GenerationStats(request.request_id, "cancelled")


def saved_reply(database) -> str:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        row = connection.execute("SELECT content FROM messages WHERE role = 'assistant' ORDER BY id DESC").fetchone()
    return row[0] if row else ""


def test_what_arrived_is_saved_while_the_stream_stalls(qtbot, make_window, app_paths):
    window = make_window(app_paths, n_ctx=1024, backend=StallingBackend)
    host = window.host
    qtbot.keyClicks(window.findChild(QPlainTextEdit, "chatInput"), "Hello")
    events = watch(host)
    with qtbot.waitSignal(events.chunk, timeout=10_000):
        qtbot.mouseClick(window.findChild(QPushButton, "sendButton"), Qt.MouseButton.LeftButton)
    # Nothing more arrives; what did arrive reaches the database within the interval.
    database = app_paths.data_dir / "inkwell.db"
    qtbot.waitUntil(lambda: saved_reply(database) == "The first words of the reply",
                    timeout=int(SAVE_INTERVAL_S * 1000) + 1500)
    with qtbot.waitSignal(events.finished, timeout=10_000):
        qtbot.mouseClick(window.findChild(QPushButton, "stopButton"), Qt.MouseButton.LeftButton)
    window.close()
