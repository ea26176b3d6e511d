"""The Models page says how much disk the saved model state takes, and Clear frees it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from app.core.state_cache import file_name


def test_the_models_page_shows_the_saved_state_and_clear_frees_it(qtbot, make_window, app_paths):
    window = make_window(app_paths, load=False)
    folder = app_paths.cache_dir / "state"
    folder.mkdir()
    window.host.state_dir = folder
    for session in ("document:1", "conversation:2"):
        (folder / file_name(session)).write_bytes(b"\0" * 3_000_000)
    (folder / "notes.txt").write_text("not a state file")

    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    label = window.models_page.findChild(QLabel, "savedStateLabel")
    button = window.models_page.findChild(QPushButton, "clearSavedStateButton")
    assert "6 MB" in label.text() and button.isEnabled()

    with qtbot.waitSignal(window.statusBar().messageChanged, timeout=10_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "0 MB" in label.text(), timeout=10_000)
    assert not button.isEnabled()
    assert sorted(path.name for path in folder.iterdir()) == ["notes.txt"]
