"""Steady typing is saved while it goes on, not only when the writer pauses."""

import sqlite3
import time

import pytest
from PySide6.QtCore import Qt


@pytest.fixture
def desk(qtbot, make_window, app_paths):
    window = make_window(app_paths, load=False)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.mode_tabs.currentWidget() is window.writing_desk
    window.writing_desk.editor.setFocus()
    return window.writing_desk


def stored_bodies(database) -> list[str]:
    """What a restart would find: read through a connection of its own, not the window's."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT body FROM documents WHERE deleted_at IS NULL")]
    finally:
        connection.close()


def test_steady_typing_is_saved_at_least_every_second(qtbot, desk, app_paths):
    database = app_paths.data_dir / "inkwell.db"
    text = "The tide came in while she slept, "  # 34 keys, one every 100 ms: ~3.4 s, no pause
    typed, seen = "", []
    start = time.monotonic()
    for character in text:
        qtbot.keyClicks(desk.editor, character)
        typed += character
        qtbot.wait(100)  # steady typing: never the 0.7 s pause that the idle save waits for
        seen.append((time.monotonic() - start, typed, stored_bodies(database)))
    assert desk.editor.toPlainText() == text
    # Never a pause long enough for the idle save alone (so the test means what it says).
    assert time.monotonic() - start < len(text) * 0.7
    saved = [(elapsed, typed, bodies[0]) for elapsed, typed, bodies in seen if bodies and bodies[0]]
    assert saved, "nothing was saved while typing went on"
    assert saved[0][0] < 2.0  # the first save came within about a second of the first key
    # Every stored body is something that was on the screen, and it keeps up with the typing.
    assert all(typed.startswith(body) for _, typed, body in saved)
    assert len({body for _, _, body in saved}) >= 2
    final_typed, final_body = seen[-1][1], seen[-1][2][0]
    assert len(final_typed) - len(final_body) <= 15  # at most ~1.5 s of typing not yet on disk
