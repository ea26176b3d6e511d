"""Instant resume through the window: continue a long draft, close Inkwell, open it again on
the same data folder, continue at the same place: the prompt is restored, not evaluated."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.core.generation import LoadParams
from app.core.state_cache import FOLDER_NAME, disk_usage
from app.engine.host import EngineHost
from app.ui.main_window import MainWindow
from app.ui.services import Services
from tests.engine_watch import watch

PARAGRAPH = ("The sea was grey and the wind came from the north. Mara counted the waves from the "
             "gallery and wrote each one down in the keeper's log, as he had taught her. ")
DRAFT = "\n\n".join(f"{index}. {PARAGRAPH}" for index in range(12)) + "\n\nThat night the lamp"


def open_window(qtbot, paths, starter_model) -> MainWindow:
    """The window as `inkwell` opens it: its engine keeps saved state in the cache folder."""
    host = EngineHost(state_dir=paths.cache_dir / FOLDER_NAME)
    window = MainWindow(Services.start(paths, host, LoadParams(n_ctx=2048)))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    with qtbot.waitSignal(host.loaded, timeout=60_000):
        window.load_model(starter_model)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.mode_tabs.currentWidget() is window.writing_desk
    window.writing_desk.length_chooser.setCurrentIndex(0)  # short continuations keep it quick
    return window


def continue_draft(qtbot, window):
    desk = window.writing_desk
    events = watch(window.host)
    with qtbot.waitSignal(events.finished, timeout=300_000) as finished:
        qtbot.keyClick(desk.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: desk.session is not None and not desk.session.writing, timeout=5000)
    return finished.args[0]


def test_after_a_restart_continue_on_a_long_draft_restores_its_prompt(qtbot, app_paths, starter_model):
    window = open_window(qtbot, app_paths, starter_model)
    desk = window.writing_desk
    desk.editor.setPlainText(DRAFT)
    cursor = desk.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    desk.editor.setTextCursor(cursor)
    desk.editor.setFocus()
    first = continue_draft(qtbot, window)
    assert first.prompt_tokens > 300 and first.cached_tokens < 5
    qtbot.keyClick(desk.editor, Qt.Key.Key_Escape)  # the proposal is dropped: the draft stays as it was
    window.close()  # Inkwell closes: the draft is saved, and so is the model's state of it
    assert disk_usage(app_paths.cache_dir / FOLDER_NAME) > 0

    again_window = open_window(qtbot, app_paths, starter_model)
    again_desk = again_window.writing_desk
    assert again_desk.editor.toPlainText() == DRAFT  # the draft reopened, cursor where it was
    again_desk.editor.setFocus()
    again = continue_draft(qtbot, again_window)
    assert again.prompt_tokens == first.prompt_tokens
    assert again.cached_tokens == again.prompt_tokens  # restored from disk, not evaluated
    again_window.close()
