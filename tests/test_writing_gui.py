"""The writing desk driven through its widgets with the real starter model."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton

from app.core.writing import count_words
from tests.engine_watch import watch

DRAFT = "The lighthouse keeper climbed the stairs for the last time. The lamp was cold, and"


@pytest.fixture
def data_dir(app_paths):
    return app_paths


@pytest.fixture
def open_desk(qtbot, make_window):
    def make(paths, n_ctx=2048, load=True):
        window = make_window(paths, load, n_ctx)
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        assert window.mode_tabs.currentWidget() is window.writing_desk
        desk = window.writing_desk
        desk.length_chooser.setCurrentIndex(0)  # short continuations keep the tests quick
        return window, desk

    return make


def continue_and_wait(qtbot, desk, key=Qt.Key.Key_Return):
    events = watch(desk.host)
    with qtbot.waitSignal(events.finished, timeout=120_000):
        qtbot.keyClick(desk.editor, key, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: desk.session is not None and not desk.session.writing, timeout=5000)


def test_named_widgets(open_desk, data_dir):
    window, desk = open_desk(data_dir, load=False)
    for name in ("editor", "continueButton", "retryButton", "documentList", "memoryEdit", "authorsNoteEdit", "wordCount"):
        widget = window.findChild(object, name)
        assert widget is not None, name
        if not name == "wordCount":
            assert widget.accessibleName(), name


def test_continue_accept_and_undo(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir)
    editor = desk.editor
    editor.setFocus()
    qtbot.keyClicks(editor, DRAFT)
    chunks = []
    events = watch(window.host)
    events.chunk.connect(chunks.append)
    continue_and_wait(qtbot, desk)
    ghost = editor.ghost_text
    assert ghost.strip()
    assert len(chunks) >= 1  # the ghost text grew as chunks arrived
    assert editor.toPlainText() == DRAFT  # not part of the draft yet
    assert window.findChild(QPushButton, "acceptButton").isEnabled()

    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == DRAFT + ghost
    assert not editor.has_ghost
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == DRAFT  # one undo step takes exactly the accepted text out
    revisions = desk.store.list_revisions(desk.document_id)
    assert revisions and revisions[0].reason == "before accepting a continuation"


def test_escape_discards_and_typing_discards(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir)
    editor = desk.editor
    editor.setFocus()
    qtbot.keyClicks(editor, DRAFT)
    continue_and_wait(qtbot, desk)
    assert editor.has_ghost
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.has_ghost and editor.toPlainText() == DRAFT

    continue_and_wait(qtbot, desk)
    assert editor.has_ghost
    qtbot.keyClicks(editor, " x")
    assert not editor.has_ghost
    assert editor.toPlainText() == DRAFT + " x"


def test_retry_gives_alternatives_to_flip(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir)
    editor = desk.editor
    editor.setFocus()
    qtbot.keyClicks(editor, DRAFT)
    continue_and_wait(qtbot, desk)
    first = editor.ghost_text
    events = watch(window.host)
    with qtbot.waitSignal(events.finished, timeout=120_000):
        qtbot.keyClick(editor, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not desk.session.writing, timeout=5000)
    assert len(desk.session.alternatives) == 2
    second = editor.ghost_text
    assert "2/2" in desk.alternative_label.text()
    qtbot.keyClick(editor, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert editor.ghost_text == first
    qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert editor.ghost_text == second
    assert editor.toPlainText() == DRAFT


def test_accept_word_by_word(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir)
    editor = desk.editor
    editor.setFocus()
    qtbot.keyClicks(editor, DRAFT)
    continue_and_wait(qtbot, desk)
    ghost = editor.ghost_text
    qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    added = editor.toPlainText()[len(DRAFT):]
    assert added and ghost.startswith(added)
    assert len(added.split()) == 1
    assert editor.ghost_text == ghost[len(added):] or not ghost[len(added):].strip()


def test_draft_memory_and_note_survive_a_restart(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir, load=False)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "Chapter one.")
    qtbot.keyClick(desk.editor, Qt.Key.Key_Return)
    qtbot.keyClick(desk.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(desk.editor, "It began with rain.")
    qtbot.keyClicks(desk.memory_edit, "Mara: a sailor.")
    qtbot.keyClicks(desk.note_edit, "The storm breaks.")
    qtbot.waitUntil(lambda: desk.store.get_document(desk.document_id).body.endswith("rain."), timeout=5000)
    window.close()  # saves at once, even within the autosave delay

    again, desk2 = open_desk(data_dir, load=False)
    assert desk2.editor.toPlainText() == "Chapter one.\n\nIt began with rain."
    assert desk2.memory_edit.toPlainText() == "Mara: a sailor."
    assert desk2.note_edit.toPlainText() == "The storm breaks."
    assert desk2.document_list.count() == 1
    assert desk2.document_list.item(0).text() == "Chapter one."


def test_cjk_word_count(qtbot, open_desk, data_dir):
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    window, desk = open_desk(data_dir, load=False)
    desk.editor.setFocus()
    event = QInputMethodEvent()
    event.setCommitString("我爱写作。Hello world")
    QApplication.sendEvent(desk.editor, event)
    assert desk.editor.toPlainText() == "我爱写作。Hello world"
    assert desk.word_count.text() == "6 words"
    desk.word_target.setValue(1000)
    assert desk.word_count.text() == "6 / 1,000 words"


def test_long_draft_continues_within_the_context(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir, n_ctx=512)
    paragraph = "The sea was grey and the wind came from the north. Mara counted the waves. " * 5
    draft = "\n\n".join(f"{index}. {paragraph}" for index in range(270))  # about 20,000 words
    assert count_words(draft) > 20_000
    desk.editor.setPlainText(draft)
    cursor = desk.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    desk.editor.setTextCursor(cursor)
    failures = []
    events = watch(window.host)
    events.failed.connect(failures.append)
    continue_and_wait(qtbot, desk)
    assert failures == []
    assert desk.editor.ghost_text.strip()
    assert "shaded start did not fit" in desk.context_info.text()
    assert desk.editor.extraSelections()


def test_revisions_can_be_browsed_and_restored(qtbot, open_desk, data_dir):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QListWidget

    window, desk = open_desk(data_dir)
    editor = desk.editor
    editor.setFocus()
    qtbot.keyClicks(editor, DRAFT)
    continue_and_wait(qtbot, desk)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    accepted = editor.toPlainText()
    assert accepted != DRAFT

    def choose_and_restore():
        dialog = QApplication.activeModalWidget()
        revisions = dialog.findChild(QListWidget, "revisionList")
        qtbot.mouseClick(revisions.viewport(), Qt.MouseButton.LeftButton,
                         pos=revisions.visualItemRect(revisions.item(0)).center())
        assert dialog.findChild(QPlainTextEdit, "revisionPreview").toPlainText() == DRAFT
        qtbot.mouseClick(dialog.findChild(QPushButton, "restoreRevisionButton"), Qt.MouseButton.LeftButton)

    QTimer.singleShot(100, choose_and_restore)
    qtbot.mouseClick(window.findChild(QPushButton, "revisionsButton"), Qt.MouseButton.LeftButton)
    assert editor.toPlainText() == DRAFT
    reasons = [r.reason for r in desk.store.list_revisions(desk.document_id)]
    assert reasons[0] == "before restore"  # the accepted text is kept too
    assert desk.store.list_revisions(desk.document_id)[0].body == accepted


def test_drafts_can_be_renamed_deleted_and_restored(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir, load=False)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "A first line")
    qtbot.mouseClick(window.findChild(QPushButton, "newDocumentButton"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(desk.editor, "Second draft")
    desk.save()
    desk.refresh_documents()
    titles = [desk.document_list.item(i).text() for i in range(desk.document_list.count())]
    assert titles == ["Second draft", "A first line"]

    desk.document_list.setFocus()
    desk.document_list.setCurrentRow(0)
    qtbot.keyClick(desk.document_list, Qt.Key.Key_F2)
    editor = QApplication.focusObject()
    editor.selectAll()
    qtbot.keyClicks(editor, "Chapter 2")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.document_list.item(0).text() == "Chapter 2", timeout=5000)

    document_id = desk.document_id
    desk.document_list.setFocus()
    qtbot.keyClick(desk.document_list, Qt.Key.Key_Delete)
    assert desk.document_list.count() == 1
    assert window.undo_button.isVisible()
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert desk.document_list.count() == 2
    assert desk.document_id == document_id
    assert desk.editor.toPlainText() == "Second draft"
