"""First run, keyboard shortcuts and light/dark themes, through the window."""

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QTableWidget

from app.ui.chat_view import MessageItem
from app.ui.settings_dialog import widget_name
from app.ui.theme import apply_theme, is_dark


def test_without_a_model_the_welcome_page_offers_ways_to_start(qtbot, make_window, app_paths, bad_model_files):
    window = make_window(app_paths, load=False)
    with qtbot.waitSignal(window.host.load_failed, timeout=30_000):
        window.load_model(bad_model_files["not_gguf"])
    assert window.chat.chat_stack.currentWidget() is window.chat.welcome
    assert "not a GGUF" in window.chat.welcome.message.text()
    starter = window.findChild(QPushButton, "useStarterButton")
    assert starter.isEnabled() and starter.accessibleName()
    with qtbot.waitSignal(window.host.loaded, timeout=60_000):
        qtbot.mouseClick(starter, Qt.MouseButton.LeftButton)
    assert window.chat.chat_stack.currentWidget() is window.chat_view
    qtbot.mouseClick(window.findChild(QPushButton, "browseCatalogButton"), Qt.MouseButton.LeftButton)
    assert window.mode_tabs.currentWidget() is window.models_page


def test_unloading_shows_the_welcome_page(qtbot, make_window, app_paths):
    window = make_window(app_paths)
    with qtbot.waitSignal(window.host.unloaded, timeout=10_000):
        window.model_session.unload()
    assert window.chat.chat_stack.currentWidget() is window.chat.welcome


def test_keyboard_shortcuts_window_lists_the_actions(qtbot, make_window, app_paths):
    window = make_window(app_paths, load=False)
    seen = []

    def read_and_close():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, read_and_close)
            return
        table = dialog.findChild(QTableWidget, "shortcutsTable")
        seen.extend(table.item(row, 0).text() + " = " + table.item(row, 1).text() for row in range(table.rowCount()))
        dialog.reject()

    QTimer.singleShot(50, read_and_close)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert "Ctrl+N = New conversation" in seen
    assert "Ctrl+, = Settings…" in seen
    assert any(row.startswith("Ctrl+Return") or row.startswith("Ctrl+Enter") for row in seen)


def test_dark_theme_from_settings_keeps_the_conversation_readable(qtbot, make_window, app_paths):
    window = make_window(app_paths, load=False)
    light = window.grab().toImage()

    def choose_dark():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, choose_dark)
            return
        theme = dialog.findChild(QComboBox, widget_name("ui.theme"))
        theme.setCurrentIndex(theme.findData("dark"))
        qtbot.mouseClick(dialog.findChild(QPushButton, "settingsOkButton"), Qt.MouseButton.LeftButton)

    try:
        QTimer.singleShot(50, choose_dark)
        qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
        assert is_dark()
        dark = window.grab().toImage()
        assert not light.isNull() and not dark.isNull()
        assert light != dark
        window.chat_view.show_messages([MessageItem(1, "assistant", "```python\nprint('hi')\n```")])
        html = window.chat_view.toHtml()
        assert "#2c2e33" in html  # the dark code background
    finally:
        apply_theme("light")  # the palette is application-wide
