"""The Writing tab's own model: opening the tab loads it, going back to Chat loads the chat's
model again, and the Models page changes nothing. Real windows, real loads (a copy of the
starter model stands in for the writing model)."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt

from app.core.settings import Settings


def choose_writing_model(window, path) -> None:
    settings: Settings = window.preferences.settings.copy()
    settings.set("models.writing_path", str(path))
    window.apply_settings(settings)


def test_the_writing_tab_loads_its_model_and_chat_gets_its_own_back(qtbot, make_window, app_paths, starter_model, tmp_path):
    writer = tmp_path / "writer.gguf"
    shutil.copy(starter_model, writer)
    window = make_window(app_paths)
    choose_writing_model(window, writer)

    with qtbot.waitSignal(window.host.loaded, timeout=60_000):
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.host.model_info.path == str(writer)
    assert window.model_label.text() == window.host.model_info.name

    with qtbot.waitSignal(window.host.loaded, timeout=60_000):
        qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.host.model_info.path == str(starter_model)

    loads = []
    window.host.loading.connect(loads.append)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # the Models page
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(200)
    assert loads == [] and window.host.model_info.path == str(starter_model)


def test_without_a_writing_model_the_tab_keeps_the_chat_model(qtbot, make_window, app_paths, starter_model):
    window = make_window(app_paths)
    choose_writing_model(window, "")
    loads = []
    window.host.loading.connect(loads.append)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.mode_tabs.currentWidget() is window.writing_desk
    qtbot.wait(200)
    assert loads == [] and window.host.model_info.path == str(starter_model)
