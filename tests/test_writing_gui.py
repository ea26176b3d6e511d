"""The writing desk driven through its widgets with the real starter model."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QListWidget, QPlainTextEdit, QPushButton

from app.core.generation import GenerationStats
from app.core.writing import DEFAULT_MODE, count_words
from app.engine.backend import LlamaBackend
from tests.engine_watch import watch

DRAFT = "The lighthouse keeper climbed the stairs for the last time. The lamp was cold, and"


@pytest.fixture
def data_dir(app_paths):
    return app_paths


@pytest.fixture
def open_desk(qtbot, make_window):
    def make(paths, n_ctx=2048, load=True, backend=None):
        window = make_window(paths, load, n_ctx, backend=backend)
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
    qtbot.waitUntil(lambda: listed_titles(desk) == ["Second draft", "A first line"], timeout=5000)

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
    qtbot.waitUntil(lambda: desk.document_list.count() == 1, timeout=5000)
    assert window.undo_button.isVisible()
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.document_list.count() == 2, timeout=5000)
    assert current_id(desk) == document_id
    assert desk.document_id == document_id
    assert desk.editor.toPlainText() == "Second draft"


def listed_titles(desk) -> list[str]:
    return [desk.document_list.item(i).text() for i in range(desk.document_list.count())]


def current_id(desk):
    item = desk.document_list.currentItem()
    return item.data(Qt.ItemDataRole.UserRole) if item is not None and item.isSelected() else None


def click_document(qtbot, desk, row: int) -> None:
    documents = desk.document_list
    qtbot.mouseClick(documents.viewport(), Qt.MouseButton.LeftButton,
                     pos=documents.visualItemRect(documents.item(row)).center())


def choose_style(qtbot, desk, style: str) -> None:
    """Picks a prompt style as the writer does: the chooser focused, arrow keys."""
    chooser = desk.window().findChild(QComboBox, "modeChooser")
    chooser.setFocus()
    key = Qt.Key.Key_Down if chooser.findData(style) > chooser.currentIndex() else Qt.Key.Key_Up
    while chooser.currentData() != style:
        qtbot.keyClick(chooser, key)


# --- the junction of draft and continuation ------------------------------------------------


class InstructReplies(LlamaBackend):
    """The real model for loading; continuations as the starter model wrote them when asked
    to continue the story: a chat reply, which never starts with a space."""

    REPLIES = {"stairs": "The story has been completed, and", "wal": "king home.", "他走了": "很久。"}

    def generate(self, request, emit, cancel, on_tokens=None):
        draft = request.continuation.draft
        emit(next(reply for end, reply in self.REPLIES.items() if draft.endswith(end)))
        return GenerationStats(request.request_id, "stop")


@pytest.mark.parametrize(
    ("draft", "accepted"),
    [
        ("The keeper climbed the stairs", "The keeper climbed the stairs The story has been completed, and"),
        ("She was wal", "She was walking home."),
        ("他走了", "他走了很久。"),
    ],
)
def test_tab_puts_a_space_only_between_two_words(qtbot, open_desk, data_dir, draft, accepted):
    window, desk = open_desk(data_dir, backend=InstructReplies)
    editor = desk.editor
    editor.setFocus()
    if draft.isascii():
        qtbot.keyClicks(editor, draft)
    else:  # typed through an input method, as Chinese is
        from PySide6.QtGui import QInputMethodEvent

        event = QInputMethodEvent()
        event.setCommitString(draft)
        QApplication.sendEvent(editor, event)
    continue_and_wait(qtbot, desk)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == accepted
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == draft  # the space goes out with the continuation


def test_the_next_word_brings_its_space(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir, backend=InstructReplies)
    editor = desk.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "The keeper climbed the stairs")
    continue_and_wait(qtbot, desk)
    qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "The keeper climbed the stairs The"
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "The keeper climbed the stairs The story has been completed, and"


# --- the prompt style, per draft -----------------------------------------------------------


class RecordsStyles(LlamaBackend):
    """The real model for loading; each continuation records the prompt style it was asked in."""

    styles: list[str] = []

    def generate(self, request, emit, cancel, on_tokens=None):
        self.styles.append(request.continuation.mode)
        emit(" and on.")
        return GenerationStats(request.request_id, "stop")


def test_prompt_style_is_kept_with_each_draft(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir, backend=RecordsStyles)
    chooser = window.findChild(QComboBox, "modeChooser")
    assert chooser.currentData() == DEFAULT_MODE and chooser.isEnabled()
    other = "instruct" if DEFAULT_MODE == "plain" else "plain"

    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "First draft")
    choose_style(qtbot, desk, other)
    qtbot.mouseClick(window.findChild(QPushButton, "newDocumentButton"), Qt.MouseButton.LeftButton)
    assert chooser.currentData() == DEFAULT_MODE  # a new draft starts with the default
    qtbot.keyClicks(desk.editor, "Second draft")
    qtbot.waitUntil(lambda: listed_titles(desk) == ["Second draft", "First draft"], timeout=5000)

    click_document(qtbot, desk, 1)
    assert desk.editor.toPlainText() == "First draft"
    assert chooser.currentData() == other
    # The continuation asks in the draft's style.
    RecordsStyles.styles.clear()
    continue_and_wait(qtbot, desk)
    assert RecordsStyles.styles == [other]
    click_document(qtbot, desk, 0)
    assert chooser.currentData() == DEFAULT_MODE
    window.close()

    again, desk2 = open_desk(data_dir)
    click_document(qtbot, desk2, listed_titles(desk2).index("First draft"))
    assert again.findChild(QComboBox, "modeChooser").currentData() == other


def test_a_model_without_template_shows_plain_but_keeps_the_drafts_choice(qtbot, open_desk, data_dir, no_template_model):
    window, desk = open_desk(data_dir)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "A draft")
    choose_style(qtbot, desk, "instruct")
    chooser = window.findChild(QComboBox, "modeChooser")
    with qtbot.waitSignal(window.host.loaded, timeout=60_000):
        window.load_model(no_template_model)
    assert chooser.currentData() == "plain" and not chooser.isEnabled()
    assert desk.store.get_document(desk.document_id).settings == {"prompt_style": "instruct"}


# --- the document list -------------------------------------------------------------------


def test_the_open_draft_is_selected_after_a_restart(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir, load=False)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "Older draft")
    qtbot.mouseClick(window.findChild(QPushButton, "newDocumentButton"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(desk.editor, "Newer draft")
    qtbot.waitUntil(lambda: listed_titles(desk) == ["Newer draft", "Older draft"], timeout=5000)
    click_document(qtbot, desk, 1)
    older = desk.document_id
    assert desk.editor.toPlainText() == "Older draft" and current_id(desk) == older
    window.close()

    again, desk2 = open_desk(data_dir, load=False)
    assert desk2.editor.toPlainText() == "Older draft"
    assert current_id(desk2) == older
    assert [item.text() for item in desk2.document_list.selectedItems()] == ["Older draft"]


def test_the_only_draft_is_selected_after_a_restart(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir, load=False)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "Only draft")
    window.close()
    again, desk2 = open_desk(data_dir, load=False)
    assert current_id(desk2) == desk2.document_id is not None


def test_saving_text_leaves_the_list_alone(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir, load=False)
    store = desk.store
    for index in range(200):
        store.create_document(f"Draft {index:03}", f"Text {index}")
    qtbot.waitUntil(lambda: desk.document_list.count() == 200, timeout=5000)
    documents = window.findChild(QListWidget, "documentList")
    documents.scrollToItem(documents.item(100))
    click_document(qtbot, desk, 100)
    chosen = desk.document_id
    assert desk.editor.toPlainText() == "Text 99"
    scroll = documents.verticalScrollBar().value()
    assert scroll > 0
    item = documents.item(100)
    cursor = desk.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    desk.editor.setTextCursor(cursor)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, " and more")
    qtbot.waitUntil(lambda: store.get_document(chosen).body == "Text 99 and more", timeout=5000)
    qtbot.wait(50)
    # The very same item, still selected, still scrolled to: the list was not rebuilt,
    # though the store now lists this draft first.
    assert documents.item(100) is item and item.text() == "Draft 099"
    assert current_id(desk) == chosen
    assert documents.verticalScrollBar().value() == scroll
    assert store.document_titles()[0] == (chosen, "Draft 099")


def test_the_list_follows_the_store(qtbot, open_desk, data_dir):
    window, desk = open_desk(data_dir, load=False)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "Mine")
    qtbot.waitUntil(lambda: listed_titles(desk) == ["Mine"], timeout=5000)
    mine = desk.document_id
    store = desk.store
    # Drafts added, renamed, deleted and restored elsewhere in the app show up by themselves.
    other = store.create_document("From elsewhere")
    qtbot.waitUntil(lambda: listed_titles(desk) == ["From elsewhere", "Mine"], timeout=5000)
    store.update_document(other.id, title="Renamed elsewhere")
    qtbot.waitUntil(lambda: listed_titles(desk) == ["Renamed elsewhere", "Mine"], timeout=5000)
    store.delete_document(other.id)
    qtbot.waitUntil(lambda: listed_titles(desk) == ["Mine"], timeout=5000)
    store.restore_document(other.id)
    qtbot.waitUntil(lambda: len(listed_titles(desk)) == 2, timeout=5000)
    assert current_id(desk) == mine
    # A title that follows the first line changes as the writer types it.
    qtbot.keyClicks(desk.editor, ", all mine")
    qtbot.waitUntil(lambda: "Mine, all mine" in listed_titles(desk), timeout=5000)
    assert current_id(desk) == mine
