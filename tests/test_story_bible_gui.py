"""The story bible and the context inspector on the writing desk, driven through their widgets:
entries typed in and saved, called up by the draft, shown in the inspector and sent to the
real starter model exactly as shown; import, export, sharing, deleting with Undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLabel, QLineEdit, QListWidget, QPlainTextEdit, QTextEdit

from app.core.generation import GenerationStats
from app.core.lorebook import LoreEntry
from app.core.lorebook_formats import load_lorebook
from app.engine.backend import LlamaBackend
from tests.test_writing_gui import continue_and_wait

FIXTURES = Path(__file__).with_name("fixtures") / "lorebooks"
MARA = "Mara keeps the lighthouse on Gull Rock."


class RecordsPrompts(LlamaBackend):
    """The real model, which also keeps every prompt it was given to continue as text."""

    prompts: list[str] = []

    def tokenize_prompt(self, text: str) -> list[int]:
        self.prompts.append(text)
        return super().tokenize_prompt(text)


class PromptOnly(RecordsPrompts):
    """Lays the prompt out and tokenizes it as the engine does, then answers at once: the
    starter model writes Chinese slowly and badly, and only the prompt matters here."""

    def generate(self, request, emit, cancel, *args, **kwargs):
        self.request_tokens(request)
        emit("。")
        return GenerationStats(request.request_id, "stop")


@pytest.fixture
def desk_on(qtbot, make_window, app_paths):
    def make(load=True, backend=None):
        window = make_window(app_paths, load, 2048, backend=backend)
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        desk = window.writing_desk
        desk.length_chooser.setCurrentIndex(0)  # short continuations keep the tests quick
        desk.side_tabs.setCurrentWidget(desk.bible)
        return window, desk

    return make


def child(desk, kind, name):
    widget = desk.findChild(kind, name)
    assert widget is not None, name
    return widget


def type_chinese(widget, text: str) -> None:
    """Text committed by an input method, as Chinese is typed."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def add_entry(qtbot, desk, name: str, keys: str, content: str) -> None:
    qtbot.mouseClick(child(desk, object, "addEntryButton"), Qt.MouseButton.LeftButton)
    for field, text in (("entryName", name), ("entryKeys", keys), ("entryContent", content)):
        widget = child(desk, object, field)
        widget.setFocus()
        if text.isascii():
            qtbot.keyClicks(widget, text)
        else:
            type_chinese(widget, text)


def inspector_text(desk) -> str:
    return child(desk, QTextEdit, "contextInspector").toPlainText()


def open_inspector(qtbot, desk) -> None:
    desk.editor.setFocus()
    qtbot.keyClick(desk.editor, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert child(desk, QTextEdit, "contextInspector").isVisible()


def test_the_panels_widgets_are_named(desk_on):
    window, desk = desk_on(load=False)
    panel = child(desk, object, "storyBible")
    assert panel.accessibleName() == "Story bible"
    for name in ("entryList", "addEntryButton", "deleteEntryButton", "entryName", "entryKeys", "entryContent",
                 "entryEnabled", "entryAlwaysOn", "entryPriority", "entryPosition", "scanChars", "budgetPercent",
                 "recursionDepth", "importBibleButton", "exportBibleButton", "shareBibleButton", "contextInspector",
                 "inspectorButton"):
        widget = child(desk, object, name)
        assert widget.accessibleName(), name
    assert desk.findChild(object, "contextInspectorAction").shortcut().toString() == "Ctrl+I"


def test_an_entry_the_draft_mentions_is_shown_and_sent_exactly_as_shown(qtbot, desk_on):
    window, desk = desk_on(backend=RecordsPrompts)
    add_entry(qtbot, desk, "Mara", "Mara, the keeper", MARA)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "The fog came in before dawn. Nobody climbed the stairs, and")
    open_inspector(qtbot, desk)
    qtbot.waitUntil(lambda: "The prompt, exactly:" in inspector_text(desk), timeout=10_000)
    assert MARA not in inspector_text(desk)  # the draft does not mention her

    RecordsPrompts.prompts.clear()
    continue_and_wait(qtbot, desk)
    assert desk.last_context.text in RecordsPrompts.prompts
    assert not any(MARA in prompt for prompt in RecordsPrompts.prompts)
    qtbot.keyClick(desk.editor, Qt.Key.Key_Escape)

    qtbot.keyClicks(desk.editor, " then Mara came up with the lamp, and")
    qtbot.waitUntil(lambda: "Mara: “Mara” in the draft" in inspector_text(desk), timeout=10_000)
    shown = desk.inspector.context
    assert MARA in inspector_text(desk) and MARA in shown.text
    assert "Story bible: 1 of 1 entries called up" in inspector_text(desk)
    RecordsPrompts.prompts.clear()
    continue_and_wait(qtbot, desk)
    # What the engine continued is what the inspector showed, byte for byte.
    assert desk.last_context.text == shown.text
    assert shown.text in RecordsPrompts.prompts
    # The entry was saved as it was typed.
    (entry,) = desk.store.story_bible(desk.document_id).lorebook.entries
    assert (entry.name, entry.keys, entry.content) == ("Mara", ("Mara", "the keeper"), MARA)


def test_a_chinese_key_fires_on_traditional_text(qtbot, desk_on):
    window, desk = desk_on(backend=PromptOnly)
    add_entry(qtbot, desk, "Mara", "玛拉", "玛拉在海鸥岩上看守灯塔。")
    desk.editor.setFocus()
    type_chinese(desk.editor, "夜里，瑪拉走上了燈塔，")
    open_inspector(qtbot, desk)
    qtbot.waitUntil(lambda: "Mara: “玛拉” in the draft" in inspector_text(desk), timeout=10_000)
    RecordsPrompts.prompts.clear()
    continue_and_wait(qtbot, desk)
    assert desk.last_context.text in RecordsPrompts.prompts
    assert desk.last_context.text.startswith("玛拉在海鸥岩上看守灯塔。\n\n夜里，瑪拉走上了燈塔，")


def test_esc_while_the_prompt_is_being_laid_out_sends_nothing(qtbot, desk_on):
    from tests.engine_watch import watch

    window, desk = desk_on(backend=PromptOnly)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "The fog came in and")
    events = watch(window.host)
    desk.continue_at_cursor()
    assert desk.session.writing and desk.session.generation is None  # laid out on the engine thread first
    desk.escape()
    qtbot.waitUntil(lambda: desk.session is None, timeout=5000)
    qtbot.wait(200)
    assert events.generations == [] and not desk.editor.has_ghost
    assert desk.continue_button.isEnabled()


def test_without_a_model_the_inspector_still_names_the_entries_called_up(qtbot, desk_on):
    window, desk = desk_on(load=False)
    add_entry(qtbot, desk, "Mara", "Mara", MARA)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "Mara waited.")
    qtbot.mouseClick(child(desk, object, "inspectorButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Mara: “Mara” in the draft" in inspector_text(desk), timeout=5000)
    assert "No model is loaded" in inspector_text(desk)
    qtbot.mouseClick(child(desk, object, "inspectorButton"), Qt.MouseButton.LeftButton)
    assert not child(desk, QTextEdit, "contextInspector").isVisible()


def test_deleting_an_entry_can_be_undone(qtbot, desk_on):
    window, desk = desk_on(load=False)
    add_entry(qtbot, desk, "Mara", "Mara", MARA)
    add_entry(qtbot, desk, "Storm", "storm", "Storms come from the west.")
    entries = child(desk, QListWidget, "entryList")
    assert [entries.item(row).text() for row in range(entries.count())] == ["Mara", "Storm"]
    entries.setCurrentRow(0)
    assert child(desk, QLineEdit, "entryName").text() == "Mara"
    qtbot.mouseClick(child(desk, object, "deleteEntryButton"), Qt.MouseButton.LeftButton)
    assert [entries.item(row).text() for row in range(entries.count())] == ["Storm"]
    assert "Deleted the entry “Mara”." in window.undo_button.text()
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: entries.count() == 2, timeout=5000)
    assert [entries.item(row).text() for row in range(entries.count())] == ["Mara", "Storm"]


def test_entries_are_saved_as_typed_and_come_back_after_a_restart(qtbot, desk_on):
    window, desk = desk_on(load=False)
    add_entry(qtbot, desk, "Gull Rock", "Gull Rock", "A bare island.")
    child(desk, object, "entryAlwaysOn").click()
    child(desk, object, "entryPriority").setValue(250)
    position = child(desk, object, "entryPosition")
    position.setCurrentIndex(position.findData("authors_note"))
    child(desk, object, "scanChars").setValue(600)
    document_id = desk.document_id  # adding the entry started a draft
    assert document_id is not None
    qtbot.waitUntil(lambda: desk.store.story_bible(document_id).lorebook.entries[0].priority == 250, timeout=5000)
    window.close()

    again, desk2 = desk_on(load=False)
    assert desk2.document_id == document_id
    (entry,) = desk2.store.story_bible(document_id).lorebook.entries
    assert entry == LoreEntry(id=entry.id, name="Gull Rock", keys="Gull Rock", content="A bare island.",
                              always_on=True, priority=250, position="authors_note")
    assert child(desk2, QLineEdit, "entryName").text() == "Gull Rock"
    assert child(desk2, object, "scanChars").value() == 600


def test_a_lorebook_is_imported_through_the_import_button(qtbot, desk_on, monkeypatch):
    window, desk = desk_on(load=False)
    fixture = FIXTURES / "sillytavern.json"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(fixture), ""))
    qtbot.mouseClick(child(desk, object, "importBibleButton"), Qt.MouseButton.LeftButton)
    entries = child(desk, QListWidget, "entryList")
    book, notes = load_lorebook(fixture)
    assert entries.count() == len(book.entries) == 4
    stored = desk.store.story_bible(desk.document_id).lorebook
    assert [entry.content for entry in stored.entries] == [entry.content for entry in book.entries]
    # What the import left out is said to the writer.
    shown = child(desk, QLabel, "bibleNotes")
    assert shown.isVisible() and "regular expressions" in shown.text() and len(notes) >= 1
    assert "Imported 4 entries from sillytavern.json." in window.undo_button.text()
    # Editing an imported entry keeps what the panel does not show (its secondary keys).
    row = [entry.name for entry in book.entries].index("玛拉（中文）")
    entries.setCurrentRow(row)
    assert child(desk, QLineEdit, "entryName").text() == "玛拉（中文）"
    content = child(desk, QPlainTextEdit, "entryContent")
    content.setFocus()
    content.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(content, " More.")
    desk.bible.flush()
    edited = desk.store.story_bible(desk.document_id).lorebook.entries[row]
    assert edited.content.endswith(" More.") and edited.secondary_keys == ("灯塔",) == book.entries[row].secondary_keys
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: entries.count() == 0, timeout=5000)


def test_an_unreadable_file_is_said_and_changes_nothing(qtbot, desk_on, monkeypatch, tmp_path):
    window, desk = desk_on(load=False)
    bad = tmp_path / "notes.json"
    bad.write_text("{not json", encoding="utf-8")
    messages = []
    desk.message.connect(messages.append)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(bad), ""))
    qtbot.mouseClick(child(desk, object, "importBibleButton"), Qt.MouseButton.LeftButton)
    assert messages and "notes.json" in messages[0]
    assert child(desk, QListWidget, "entryList").count() == 0


def test_the_bible_is_exported_to_sillytavern(qtbot, desk_on, monkeypatch, tmp_path):
    window, desk = desk_on(load=False)
    add_entry(qtbot, desk, "Mara", "Mara, 玛拉", MARA)
    target = tmp_path / "bible.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    qtbot.mouseClick(child(desk, object, "exportBibleButton"), Qt.MouseButton.LeftButton)
    book, notes = load_lorebook(target)
    assert notes == []
    (entry,) = book.entries
    assert (entry.name, entry.keys, entry.content) == ("Mara", ("Mara", "玛拉"), MARA)


def test_a_draft_shares_another_drafts_bible_and_undo_gives_its_own_back(qtbot, desk_on, monkeypatch):
    from app.ui.story_bible import ShareDialog

    window, desk = desk_on(load=False)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "Chapter one")
    add_entry(qtbot, desk, "Mara", "Mara", MARA)
    first = desk.document_id
    qtbot.mouseClick(desk.new_button, Qt.MouseButton.LeftButton)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "Chapter two")
    add_entry(qtbot, desk, "Storm", "storm", "Storms come from the west.")
    second = desk.document_id
    entries = child(desk, QListWidget, "entryList")

    def pick_first(dialog: ShareDialog) -> QDialog.DialogCode:
        drafts = dialog.findChild(QListWidget, "shareDraftList")
        assert [drafts.item(row).text() for row in range(drafts.count())] == ["Chapter one"]
        drafts.setCurrentRow(0)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ShareDialog, "exec", pick_first)
    qtbot.mouseClick(child(desk, object, "shareBibleButton"), Qt.MouseButton.LeftButton)
    assert [entries.item(row).text() for row in range(entries.count())] == ["Mara"]
    assert child(desk, QLabel, "bibleSharing").text() == "Shared with 1 other drafts."
    assert desk.store.story_bible(first) == desk.store.story_bible(second)
    # An entry added here is the other chapter's too.
    add_entry(qtbot, desk, "Gull Rock", "Gull Rock", "A bare island.")
    assert len(desk.store.story_bible(first).lorebook.entries) == 2
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)  # the last offer: the sharing
    qtbot.waitUntil(lambda: [entries.item(row).text() for row in range(entries.count())] == ["Storm"], timeout=5000)


def test_restoring_a_revision_brings_its_entries_back_into_the_panel(qtbot, desk_on):
    window, desk = desk_on(load=False)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, "A draft")
    add_entry(qtbot, desk, "Mara", "Mara", MARA)
    desk.save()
    desk.snapshot("manual")
    (revision,) = desk.store.list_revisions(desk.document_id)
    qtbot.mouseClick(child(desk, object, "deleteEntryButton"), Qt.MouseButton.LeftButton)
    entries = child(desk, QListWidget, "entryList")
    assert entries.count() == 0
    desk.store.restore_revision(desk.document_id, revision.id)  # as the Revisions dialog does
    qtbot.waitUntil(lambda: entries.count() == 1, timeout=5000)
    assert child(desk, QPlainTextEdit, "entryContent").toPlainText() == MARA


# --- the inspector follows typing without holding it up ------------------------------------


class QueuedEngine:
    """A host whose engine jobs wait until the test answers them, in any order."""

    def __init__(self, info) -> None:
        from app.engine.generation import EngineJob

        self.model_info = info
        self.jobs: list = []
        self._make = EngineJob

    def run_on_engine(self, job):
        handle = self._make()
        self.jobs.append((job, handle))
        return handle


def test_the_inspector_waits_for_a_pause_and_shows_only_the_newest_answer(qtbot):
    from app.core.generation import ModelInfo
    from app.core.writing import ContinuationInput
    from app.ui.context_inspector import FOLLOW_DELAY_MS, ContextFollower, ContextInspector
    from tests.test_writing_context import Local

    info = ModelInfo(path="m.gguf", name="m", architecture="llama", n_ctx=1024, n_ctx_train=1024,
                     has_chat_template=True, gpu_layers=0, total_layers=1, gpu_offload_supported=False)
    engine = QueuedEngine(info)
    inspector = ContextInspector()
    qtbot.addWidget(inspector)
    inspector.show()
    drafts = iter(["Older draft", "Newer draft"])
    follower = ContextFollower(engine, inspector, lambda: ContinuationInput(next(drafts)))
    for _ in range(5):  # typing: each key restarts the wait
        follower.schedule()
        qtbot.wait(FOLLOW_DELAY_MS // 4)
    assert engine.jobs == []
    qtbot.waitUntil(lambda: len(engine.jobs) == 1, timeout=FOLLOW_DELAY_MS * 3)
    follower.refresh()  # the writer typed again before the first answer came
    (older, older_handle), (newer, newer_handle) = engine.jobs
    newer_handle.done.emit(newer(Local()))
    assert "Newer draft" in inspector.text()
    older_handle.done.emit(older(Local()))  # late: dropped
    assert "Newer draft" in inspector.text() and "Older draft" not in inspector.text()
