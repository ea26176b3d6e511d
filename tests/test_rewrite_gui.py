"""Style rewriting through the window, with the real starter model."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QDockWidget, QPlainTextEdit, QPushButton, QTextBrowser


FIRST = "The morning was quiet."
SECOND = "The cat sat on the mat and looked at the rain."


@pytest.fixture
def window(make_window, app_paths):
    return make_window(app_paths, n_ctx=1024)


def panel_widget(window, cls, name):
    widget = window.findChild(cls, name)
    assert widget is not None and widget.accessibleName(), name
    return widget


def rewrite_and_wait(qtbot, window, button_name="startRewriteButton"):
    button = panel_widget(window, QPushButton, button_name)
    with qtbot.waitSignal(window.host.finished, timeout=120_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.rewrite_panel.rewriting, timeout=5000)


def test_rewrite_a_selection_in_the_draft(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    editor = window.writing_desk.editor
    editor.setFocus()
    qtbot.keyClicks(editor, FIRST)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, SECOND)
    qtbot.keyClick(editor, Qt.Key.Key_Home, Qt.KeyboardModifier.ShiftModifier)  # select the second line
    assert editor.textCursor().selectedText() == SECOND

    qtbot.mouseClick(panel_widget(window, QPushButton, "rewriteButton"), Qt.MouseButton.LeftButton)
    assert window.findChild(QDockWidget, "rewriteDock").isVisible()
    assert panel_widget(window, QPlainTextEdit, "rewriteSource").toPlainText() == SECOND
    chooser = panel_widget(window, QComboBox, "styleChooser")
    chooser.setCurrentIndex(chooser.findText("Formal"))
    rewrite_and_wait(qtbot, window)
    diff = panel_widget(window, QTextBrowser, "rewriteDiff")
    rewrite = window.rewrite_panel.job.alternatives[0]
    assert rewrite.strip() and diff.toPlainText().strip()

    rewrite_and_wait(qtbot, window, "retryRewriteButton")  # a second alternative
    assert len(window.rewrite_panel.job.alternatives) == 2
    assert window.rewrite_panel.alternative_label.text() == "2/2"
    qtbot.mouseClick(panel_widget(window, QPushButton, "rewritePreviousButton"), Qt.MouseButton.LeftButton)
    assert window.rewrite_panel.job.shown == 0

    qtbot.mouseClick(panel_widget(window, QPushButton, "acceptRewriteButton"), Qt.MouseButton.LeftButton)
    assert editor.toPlainText() == FIRST + "\n" + rewrite  # only the selection was replaced
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == FIRST + "\n" + SECOND  # one undo step restores the original
    reasons = [r.reason for r in window.store.list_revisions(window.writing_desk.document_id)]
    assert "before a rewrite" in reasons


def test_rewrite_pasted_text_copies_the_result(qtbot, window):
    qtbot.keyClick(window.chat_input, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    source = panel_widget(window, QPlainTextEdit, "rewriteSource")
    assert window.rewrite_dock.isVisible() and source.toPlainText() == ""
    qtbot.keyClicks(source, "i think this are good idea")
    chooser = panel_widget(window, QComboBox, "styleChooser")
    chooser.setCurrentIndex(chooser.findText("Fix grammar only"))
    rewrite_and_wait(qtbot, window)
    accept = panel_widget(window, QPushButton, "acceptRewriteButton")
    assert accept.text() == "Copy"
    rewrite = window.rewrite_panel.job.alternatives[0]
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == rewrite


def test_rewrite_the_message_box_selection(qtbot, window):
    box = window.chat_input
    qtbot.keyClicks(box, "hey can u send me the file asap")
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    rewrite_and_wait(qtbot, window)
    rewrite = window.rewrite_panel.job.alternatives[0]
    qtbot.mouseClick(panel_widget(window, QPushButton, "acceptRewriteButton"), Qt.MouseButton.LeftButton)
    assert box.toPlainText() == rewrite


def test_too_long_selection_gets_a_message(qtbot, window):
    box = window.chat_input
    box.setPlainText("A long sentence about nothing in particular. " * 200)
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.mouseClick(panel_widget(window, QPushButton, "startRewriteButton"), Qt.MouseButton.LeftButton)
    assert "too long to rewrite" in window.statusBar().currentMessage()
    assert not window.rewrite_panel.rewriting


def test_save_an_instruction_as_a_style(qtbot, make_window, app_paths, monkeypatch):
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    window = make_window(app_paths, load=False)
    qtbot.keyClick(window.chat_input, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    chooser = panel_widget(window, QComboBox, "styleChooser")
    chooser.setCurrentIndex(chooser.findText("Concise"))
    qtbot.keyClicks(panel_widget(window, QLineEdit, "rewriteInstruction"), "keep the names")
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Short with names", True))
    qtbot.mouseClick(panel_widget(window, QPushButton, "saveStyleButton"), Qt.MouseButton.LeftButton)
    assert chooser.currentText() == "Short with names"
    saved = json.loads((app_paths.config_dir / "styles.json").read_text())
    assert saved[0]["name"] == "Short with names"
    concise = window.rewrite_panel.styles["Concise"].instruction
    assert saved[0]["instruction"] == f"{concise} Also: keep the names"
