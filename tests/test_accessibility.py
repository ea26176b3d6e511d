"""Every interactive widget has a name for screen readers (and for these tests)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTextBrowser,
)

INTERACTIVE = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QListWidget, QPlainTextEdit, QTextBrowser)


def test_every_interactive_widget_has_an_accessible_name(make_window, app_paths):
    window = make_window(app_paths, load=False)
    unnamed = []
    for kind in INTERACTIVE:
        for widget in window.findChildren(kind):
            if widget.objectName().startswith("qt_") or (type(widget).__module__.startswith("PySide6") and not widget.objectName()):
                continue  # Qt's own parts (the menu bar's overflow button, a spin box's line edit…)
            if not widget.accessibleName():
                unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert unnamed == []


def tab_stops(root, start) -> list[str]:
    """The named widgets under ``root`` that Tab visits from ``start``, in order."""
    names, widget = [], start
    for _ in range(300):
        widget = widget.nextInFocusChain()
        if widget is start:
            break
        if (root.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus and not widget.objectName().startswith("qt_")):
            names.append(widget.objectName())
    return names


def test_tab_moves_through_the_chat_in_reading_order(qtbot, make_window, app_paths):
    window = make_window(app_paths, load=False)
    qtbot.mouseClick(window.chat.persona_bar.prompt_button, Qt.MouseButton.LeftButton)
    chat = [name for name in tab_stops(window, window) if name in {
        "conversationSearch", "newConversationButton", "conversationList", "personaChooser",
        "systemPromptButton", "systemPromptEdit", "savePersonaButton", "chatView", "chatInput", "sendButton"}]
    assert chat == ["conversationSearch", "newConversationButton", "conversationList", "personaChooser",
                    "systemPromptButton", "systemPromptEdit", "savePersonaButton", "chatView", "chatInput", "sendButton"]
    # And the real key: from the message box, Tab goes to Send.
    window.chat_input.setFocus()
    qtbot.keyClick(window.chat_input, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: window.focusWidget() is window.chat.send_button, timeout=2000)


def test_tab_moves_through_the_models_page_and_settings_in_reading_order(make_window, app_paths):
    from app.ui.settings_dialog import SettingsDialog

    window = make_window(app_paths, load=False)
    window.mode_tabs.setCurrentWidget(window.models_page)
    stops = tab_stops(window.models_page, window)
    assert stops.index("modelList") < stops.index("loadModelButton") < stops.index("catalogList") \
        < stops.index("downloadButton") < stops.index("repoInput") < stops.index("listFilesButton") \
        < stops.index("remoteFileList") < stops.index("downloadFileButton")
    dialog = SettingsDialog(window.preferences.settings, ["Chat (balanced)"], "", window)
    dialog.show()
    stops = tab_stops(dialog, dialog)
    assert stops[0] == "settingsTabs" and stops[-2:] == ["settingsOkButton", "settingsCancelButton"]
    assert stops.index("setting_engine_context_length") < stops.index("setting_engine_threads") \
        < stops.index("setting_engine_gpu_offload")
    dialog.close()
