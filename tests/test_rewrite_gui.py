"""Style rewriting through the window, with the real starter model."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QComboBox, QDockWidget, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTextBrowser

from app.core.generation import GenerationStats, SamplerSettings
from app.engine.backend import LlamaBackend
from tests.engine_watch import watch


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
    events = watch(window.host)
    with qtbot.waitSignal(events.finished, timeout=120_000):
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


class SomeRewritesStall(LlamaBackend):
    """The real model, except that the requests numbered in ``STALLING`` write a little, wait
    to be stopped, and write more after the stop (as a reply already on its way does)."""

    STALLING = (1, 3)

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def generate(self, request, emit, cancel, on_tokens=None):
        self.calls += 1
        if self.calls not in self.STALLING:
            return super().generate(request, emit, cancel)
        emit("OLD REWRITE ")
        cancel.wait(5)
        emit("LATE OLD TEXT")
        return GenerationStats(request.request_id, "cancelled" if cancel.is_set() else "length")


def test_enter_in_the_instruction_box_replaces_the_running_rewrite(qtbot, make_window, app_paths):
    window = make_window(app_paths, n_ctx=1024, backend=SomeRewritesStall)
    host = window.host
    panel = window.rewrite_panel
    events = watch(host)
    ends = []
    events.finished.connect(ends.append)
    diff = panel_widget(window, QTextBrowser, "rewriteDiff")
    source = panel_widget(window, QPlainTextEdit, "rewriteSource")
    instruction = panel_widget(window, QLineEdit, "rewriteInstruction")

    def replaced_while_running(start_button: str, edit) -> None:
        """Starts a rewrite that stalls, then ``edit``s and presses Enter in the instruction box."""
        before = len(events.generations)
        with qtbot.waitSignal(events.chunk, timeout=10_000):
            qtbot.mouseClick(panel_widget(window, QPushButton, start_button), Qt.MouseButton.LeftButton)
        assert panel.rewriting and "OLD REWRITE" in diff.toPlainText()
        edit()
        qtbot.keyClick(instruction, Qt.Key.Key_Return)
        assert len(events.generations) == before + 2  # the new rewrite started at once
        qtbot.waitUntil(lambda: len(ends) == before + 2 and not panel.rewriting, timeout=120_000)
        assert ends[before].finish_reason == "cancelled"  # the running one was stopped
        assert ends[before + 1].finish_reason in ("stop", "length")
        shown = diff.toPlainText() + panel.job.raw + "".join(panel.job.alternatives)
        assert "OLD REWRITE" not in shown and "LATE OLD TEXT" not in shown

    # Pasted text, changed while the model rewrites it: the new passage replaces the old one.
    qtbot.keyClick(window.chat_input, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(source, "i think this are good idea")
    replaced_while_running("startRewriteButton", lambda: qtbot.keyClicks(source, " and we do it tomorow"))
    assert panel.job.passage == "i think this are good idea and we do it tomorow"
    assert len(panel.job.alternatives) == 1 and panel.job.alternatives[0].strip()

    # Retry, then a new instruction while it runs: the earlier alternative stays, the stopped one goes.
    replaced_while_running("retryRewriteButton", lambda: qtbot.keyClicks(instruction, "be polite"))
    assert len(panel.job.alternatives) == 2 and all(a.strip() for a in panel.job.alternatives)
    window.close()


# --- What the panel says about a doubtful rewrite -----------------------------------------------

COMMENTARY = "The passage is in Chinese, but it is written in English, so there is nothing to correct."
WITH_SCAFFOLDING = "Assistant: Rewrite: <passage> I think this is a good idea.\n</text>\n\nText after (do not rewrite):"
LOOPING = "I think this is a good idea. " * 4 + "I think"


class ScriptedRewrites(LlamaBackend):
    """The real model loaded, but each rewrite answered with the next of ``REPLIES`` (text
    and finish reason): the bad answers small models give, on cue."""

    REPLIES = [
        (COMMENTARY, "stop"),
        (WITH_SCAFFOLDING, "stop"),
        (LOOPING, "length"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.replies = list(self.REPLIES)

    def generate(self, request, emit, cancel, on_tokens=None):
        text, reason = self.replies.pop(0)
        emit(text)
        return GenerationStats(request.request_id, reason)


def test_a_doubtful_rewrite_is_said_and_offered_for_retry(qtbot, make_window, app_paths):
    window = make_window(app_paths, n_ctx=1024, backend=ScriptedRewrites)
    events = watch(window.host)
    qtbot.keyClick(window.chat_input, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(panel_widget(window, QPlainTextEdit, "rewriteSource"), "i think this are good idea")
    chooser = panel_widget(window, QComboBox, "styleChooser")
    chooser.setCurrentIndex(chooser.findText("Fix grammar only"))
    notice = panel_widget(window, QLabel, "rewriteNotice")
    diff = panel_widget(window, QTextBrowser, "rewriteDiff")
    accept = panel_widget(window, QPushButton, "acceptRewriteButton")
    retry = panel_widget(window, QPushButton, "retryRewriteButton")
    assert not notice.isVisible()

    # Words about the passage: said above the diff; Retry, not Accept, is what Enter presses.
    rewrite_and_wait(qtbot, window)
    assert notice.isVisible() and "wrote about the passage instead of rewriting it" in notice.text()
    assert "The passage is in Chinese" in diff.toPlainText()
    assert accept.isEnabled() and not accept.isDefault()
    assert retry.isDefault() and retry.hasFocus()
    with qtbot.waitSignal(events.finished, timeout=30_000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.rewrite_panel.rewriting, timeout=5000)

    # The prompt's markers are cleaned away; a clean rewrite is Accept's again.
    assert window.rewrite_panel.job.alternatives[1] == "I think this is a good idea."
    for marker in ("Assistant", "Rewrite:", "<passage>", "</text>", "do not rewrite"):
        assert marker not in diff.toPlainText()
    assert not notice.isVisible()
    assert accept.isDefault() and accept.hasFocus() and not retry.isDefault()
    qtbot.mouseClick(panel_widget(window, QPushButton, "rewritePreviousButton"), Qt.MouseButton.LeftButton)
    assert "wrote about the passage" in notice.text() and retry.isDefault()
    qtbot.mouseClick(panel_widget(window, QPushButton, "rewriteNextButton"), Qt.MouseButton.LeftButton)
    assert not notice.isVisible() and accept.isDefault()

    # The same sentence over and over until the length limit.
    rewrite_and_wait(qtbot, window, "retryRewriteButton")
    assert "repeats itself" in notice.text() and "length limit" in notice.text()
    assert retry.isDefault() and not accept.isDefault() and retry.hasFocus()
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)  # accepting it anyway is the writer's choice
    assert QGuiApplication.clipboard().text() == LOOPING.strip()


def test_rewriting_with_a_base_model_suggests_an_instruct_model(qtbot, make_window, app_paths, no_template_model):
    window = make_window(app_paths, load=False, n_ctx=1024)
    with qtbot.waitSignal(window.host.loaded, timeout=60_000):
        window.load_model(no_template_model)
    qtbot.keyClick(window.chat_input, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(panel_widget(window, QPlainTextEdit, "rewriteSource"), "i think this are good idea")
    rewrite_and_wait(qtbot, window)
    notice = panel_widget(window, QLabel, "rewriteNotice")
    name = window.host.model_info.name
    assert notice.isVisible()
    assert f"{name} is a base model" in notice.text() and "instruct model" in notice.text()
    assert window.rewrite_panel.minimumSizeHint().width() < MAX_PANEL_WIDTH  # the notice wraps


# --- Layout -----------------------------------------------------------------------------------

# The panel sits in a dock beside the text: it must fit next to the writing desk on a laptop.
MAX_PANEL_WIDTH = 360


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_rewrite_panel_stays_narrow(qtbot, make_window, app_paths, language):
    from app.ui.i18n import install_language

    long_name = "My very long style for letters to the housing association"
    (app_paths.config_dir / "styles.json").write_text(
        json.dumps([{"name": long_name, "instruction": "Rewrite it politely."}]), encoding="utf-8")
    assert install_language(language, app_paths.cache_dir) == language
    try:
        window = make_window(app_paths, load=False)
    finally:
        install_language("en", app_paths.cache_dir)
    panel = window.rewrite_panel
    chooser = panel_widget(window, QComboBox, "styleChooser")
    assert chooser.findData(long_name) != -1
    assert panel.minimumSizeHint().width() < MAX_PANEL_WIDTH

    width = window.width()
    qtbot.keyClick(window.chat_input, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(window.rewrite_dock.isVisible)
    QApplication.processEvents()
    assert window.width() - width < MAX_PANEL_WIDTH  # opening the panel widens the window by no more


def test_the_diff_is_the_same_with_and_without_speculative_drafting(qtbot, window):
    # Greedy, so that the two rewrites can be compared; drafting must not change a word.
    window.rewrite_panel.sampler_for = lambda: SamplerSettings(temperature=0.0, repeat_penalty=1.1, seed=1)
    qtbot.keyClick(window.chat_input, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(panel_widget(window, QPlainTextEdit, "rewriteSource"),
                    "The keeper have lived alone on the island for twelve year. He climb the stairs every morning.")
    chooser = panel_widget(window, QComboBox, "styleChooser")
    chooser.setCurrentIndex(chooser.findText("Fix grammar only"))
    diff = panel_widget(window, QTextBrowser, "rewriteDiff")
    shown, drafted = {}, {}
    for speculative in (False, True):
        settings = window.preferences.settings.copy()
        settings.set("engine.speculative", speculative)
        window.preferences.apply(settings)
        # From an empty cache both times: a prompt read in other batches differs in its last bits.
        reset = window.host.run_on_engine(lambda backend: backend.llm.reset())
        qtbot.waitUntil(lambda: reset.ended, timeout=10_000)
        events = watch(window.host)
        with qtbot.waitSignal(events.finished, timeout=120_000) as finished:
            qtbot.mouseClick(panel_widget(window, QPushButton, "startRewriteButton"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.rewrite_panel.rewriting, timeout=5000)
        shown[speculative] = diff.toPlainText()
        drafted[speculative] = finished.args[0].drafted_tokens
    assert shown[True] == shown[False] and shown[True].strip()
    assert drafted[False] == 0 and drafted[True] > 0
