"""Token alternatives on the writing desk: Ctrl+Shift+A or Alt+click on a word the model wrote
(its ghost text, or the continuation last accepted) shows what else it might have written
there; picking one cuts the text there and the model carries on from the token picked, as
new ghost text. Real window, real starter model (and a fake remote server)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QListWidget, QPushButton

from app.core.generation import SamplerSettings
from app.core.remote import RemoteEngine
from app.ui.alternatives_popup import shown_token
from tests.engine_watch import watch
from tests.openai_servers import FakeOpenAI
from tests.test_writing_gui import DRAFT, continue_and_wait

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
ROW = re.compile(r"^(.*)    ([\d.]+)%(  ✓)?$")


@pytest.fixture
def open_desk(qtbot, make_window):
    def make(paths, load=True, seed=11):
        window = make_window(paths, load)
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        desk = window.writing_desk
        desk.length_chooser.addItem("16 tokens", 16)  # few tokens keep the tests quick
        desk.length_chooser.setCurrentIndex(desk.length_chooser.count() - 1)
        desk.sampler_for = lambda: SamplerSettings(seed=seed)  # the same words every run
        return window, desk

    return make


def rows(popup: QListWidget) -> list[tuple[str, float, bool]]:
    """The popup's candidates: (text as shown, share in %, whether the model chose it)."""
    found = []
    for row in range(popup.count()):
        match = ROW.match(popup.item(row).text())
        assert match, popup.item(row).text()
        found.append((match.group(1), float(match.group(2)), bool(match.group(3))))
    return found


def runner_up(tokens, first=1):
    """A token of the proposal (not its first) that the model chose as its most likely, with
    a word as its second candidate."""
    for index, token in enumerate(tokens[first:], first):
        candidates = token.alternatives
        if (len(candidates) >= 2 and candidates[0].token_id == token.token_id and token.text.strip()
                and candidates[1].text.strip().isalpha()):
            return index, token
    raise AssertionError(f"no token with a word as runner-up in {[t.text for t in tokens]}")


def ask_at_cursor(qtbot, desk, position: int) -> None:
    cursor = desk.editor.textCursor()
    cursor.setPosition(position)
    desk.editor.setTextCursor(cursor)
    qtbot.keyClick(desk.editor, Qt.Key.Key_A, CTRL_SHIFT)


def alt_click_ghost(qtbot, editor, offset: int) -> None:
    """Alt+click on character ``offset`` of the ghost text."""
    bottom_left = editor.ghost_point(offset)
    point = bottom_left + QPoint(2, -editor.fontMetrics().height() // 2)
    assert editor.spot_at(point) == (-1, offset)
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier, point)


def reactivate(qtbot, window) -> None:
    """The offscreen platform does not give activation back to the window when a popup
    closes, as a desktop does; shortcuts need it."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def pick_and_wait(qtbot, window, desk, pick) -> object:
    """Picks a candidate with ``pick()``; returns the statistics of the branch it starts."""
    events = watch(window.host)
    ended = []
    events.finished.connect(ended.append)
    with qtbot.waitSignal(events.finished, timeout=120_000):
        pick()
    qtbot.waitUntil(lambda: desk.session is not None and not desk.session.writing, timeout=5000)
    reactivate(qtbot, window)
    return ended[-1]


def test_a_word_of_the_accepted_text_branches_there_and_undo_brings_it_back(qtbot, open_desk, app_paths):
    window, desk = open_desk(app_paths)
    editor = desk.editor
    editor.setFocus()
    qtbot.keyClicks(editor, DRAFT)
    continue_and_wait(qtbot, desk)
    proposal = desk.session.proposal
    ghost = editor.ghost_text
    lead = len(ghost) - len(proposal.text)
    assert "".join(token.text for token in proposal.tokens) == proposal.text
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == DRAFT + ghost and not editor.has_ghost

    # Writing elsewhere (before it) keeps what is known of the accepted text.
    cursor = editor.textCursor()
    cursor.setPosition(0)
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "Night. ")
    draft = "Night. " + DRAFT
    index, token = runner_up(proposal.tokens)
    at = len(draft) + lead + token.start
    ask_at_cursor(qtbot, desk, at + (1 if len(token.text) > 1 else 0))
    popup = desk.findChild(QListWidget, "alternativesPopup")
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    shown = rows(popup)
    assert len(shown) >= 2
    shares = [share for _, share, _ in shown]
    assert all(0 < share <= 100 for share in shares) and shares == sorted(shares, reverse=True)
    assert [chosen for _, _, chosen in shown] == [True] + [False] * (len(shown) - 1)
    assert shown[0][0] == shown_token(token.text)

    picked = token.alternatives[1]

    def pick():
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)

    stats = pick_and_wait(qtbot, window, desk, pick)
    assert stats.prompt_tokens - stats.cached_tokens == 1  # only the new token was evaluated
    assert editor.toPlainText() == draft + ghost[: lead + token.start]  # the text before it unchanged
    assert editor.ghost_text.startswith(picked.text)
    assert editor.ghost_position == at

    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == draft + ghost and not editor.has_ghost  # one undo step
    # The text brought back still has its alternatives: Alt+click on the word.
    point = editor.position_point(at + 1) + QPoint(2, -editor.fontMetrics().height() // 2)
    assert editor.spot_at(point) == (at + 1, -1)
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier, point)
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert rows(popup)[0][0] == shown_token(token.text)
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert not popup.isVisible()


def test_alt_click_on_the_ghost_text_makes_another_proposal(qtbot, open_desk, app_paths):
    window, desk = open_desk(app_paths, seed=5)
    editor = desk.editor
    editor.setFocus()
    qtbot.keyClicks(editor, DRAFT)
    continue_and_wait(qtbot, desk)
    proposal = desk.session.proposal
    ghost = editor.ghost_text
    lead = len(ghost) - len(proposal.text)
    index, token = runner_up(proposal.tokens)

    alt_click_ghost(qtbot, editor, lead + token.start + (1 if len(token.text) > 1 else 0))
    popup = desk.findChild(QListWidget, "alternativesPopup")
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert editor.has_ghost and editor.ghost_text == ghost  # Alt+click keeps the proposal
    shown = rows(popup)
    assert shown[0] == (shown_token(token.text), pytest.approx(round(token.p * 100, 1)), True)

    picked = token.alternatives[1]
    second = popup.visualItemRect(popup.item(1)).center()
    stats = pick_and_wait(qtbot, window, desk, lambda: qtbot.mouseClick(
        popup.viewport(), Qt.MouseButton.LeftButton, pos=second))
    assert stats.prompt_tokens - stats.cached_tokens == 1  # only the new token was evaluated
    assert editor.toPlainText() == DRAFT
    assert editor.ghost_text.startswith(ghost[: lead + token.start] + picked.text)
    assert len(desk.session.alternatives) == 2 and "2/2" in desk.alternative_label.text()
    qtbot.keyClick(editor, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert editor.ghost_text == ghost  # the first proposal is still there


def test_chinese_characters_split_across_tokens_show_whole(qtbot, open_desk, app_paths):
    window, desk = open_desk(app_paths, seed=3)
    editor = desk.editor
    editor.setFocus()
    event = QInputMethodEvent()
    event.setCommitString("从前有一座山，山里有一座庙。庙里有一个老和尚，")
    QApplication.sendEvent(editor, event)
    continue_and_wait(qtbot, desk)
    proposal = desk.session.proposal
    ghost = editor.ghost_text
    assert "\ufffd" not in ghost  # a character cut off at the length limit is left out
    lead = len(ghost) - len(proposal.text)
    tokens = proposal.tokens
    # A character whose bytes came in two tokens, with other whole characters it might have been.
    split = next(index for index in range(1, len(tokens))
                 if not tokens[index - 1].text and len(tokens[index].text) == 1 and "\u4e00" <= tokens[index].text <= "\u9fff"
                 and sum(len(a.text) == 1 and "\u4e00" <= a.text <= "\u9fff" for a in tokens[index].alternatives) >= 2)
    token = tokens[split]
    popup = desk.findChild(QListWidget, "alternativesPopup")

    # Where the model weighed starting a character it would finish in the next token, the
    # candidate says so rather than showing a lone U+FFFD.
    weighed = next(t for t in tokens if t.text and any(a.text == "\ufffd" for a in t.alternatives))
    alt_click_ghost(qtbot, editor, lead + weighed.start)
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    shown = rows(popup)
    assert "(part of a character)" in [text for text, _, _ in shown]
    assert not any(text and not text.strip("\ufffd") for text, _, _ in shown)
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert not popup.isVisible()

    alt_click_ghost(qtbot, editor, lead + token.start)
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    shown = rows(popup)
    assert not any(text and not text.strip("\ufffd") for text, _, _ in shown)  # no lone U+FFFD
    assert [text for text, _, chosen in shown if chosen] == [token.text]
    row, other = next((row, text) for row, (text, _, chosen) in enumerate(shown)
                      if not chosen and len(text) == 1 and "\u4e00" <= text <= "\u9fff")

    target = popup.visualItemRect(popup.item(row)).center()
    stats = pick_and_wait(qtbot, window, desk, lambda: qtbot.mouseClick(
        popup.viewport(), Qt.MouseButton.LeftButton, pos=target))
    assert stats.prompt_tokens - stats.cached_tokens == 1
    assert editor.ghost_text.startswith(ghost[: lead + token.start] + other)


def test_tint_shades_the_unlikely_words(qtbot, open_desk, app_paths):
    window, desk = open_desk(app_paths)
    button = window.findChild(QPushButton, "tintProbabilitiesButton")
    assert button.accessibleName() and button.isCheckable()
    assert desk.tint_action.isCheckable() and not desk.tint_action.isChecked()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert desk.tint_action.isChecked()

    editor = desk.editor
    editor.setFocus()
    qtbot.keyClicks(editor, DRAFT)
    continue_and_wait(qtbot, desk)
    unlikely = [token for token in desk.session.proposal.tokens if token.text and token.p < 0.5]
    assert unlikely
    layout = editor.document().findBlock(editor.ghost_position).layout()
    tinted = [r for r in layout.formats() if r.format.background().style() != Qt.BrushStyle.NoBrush]
    assert len(tinted) == len(unlikely)
    # The least likely word is shaded the most.
    least = min(unlikely, key=lambda token: token.p)
    most = max(unlikely, key=lambda token: token.p)
    alpha = {r.start: r.format.background().color().alpha() for r in tinted}
    start = layout.preeditAreaPosition() + len(editor.ghost_text) - len(desk.session.proposal.text)
    assert alpha[start + least.start] >= alpha[start + most.start]

    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    shaded = [s for s in editor.extraSelections() if s.format.background().style() != Qt.BrushStyle.NoBrush]
    assert len(shaded) == len(unlikely)
    # Typing inside the accepted text ends what is known of it.
    cursor = editor.textCursor()
    cursor.setPosition(len(DRAFT) + 3)
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "x")
    qtbot.waitUntil(lambda: not editor.extraSelections(), timeout=2000)

    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(editor.extraSelections()) == len(unlikely), timeout=2000)
    desk.tint_action.setChecked(False)
    assert not button.isChecked() and not editor.extraSelections()


def test_each_draft_keeps_its_accepted_continuation(qtbot, open_desk, app_paths):
    window, desk = open_desk(app_paths)
    editor = desk.editor
    editor.setFocus()
    qtbot.keyClicks(editor, DRAFT)
    continue_and_wait(qtbot, desk)
    first_draft = desk.document_id
    lead = len(editor.ghost_text) - len(desk.session.proposal.text)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    popup = desk.findChild(QListWidget, "alternativesPopup")

    qtbot.mouseClick(window.findChild(QPushButton, "newDocumentButton"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor, "Another story.")
    ask_at_cursor(qtbot, desk, 2)
    assert not popup.isVisible()
    documents = desk.document_list
    documents.setCurrentItem(next(documents.item(row) for row in range(documents.count())
                                  if documents.item(row).data(Qt.ItemDataRole.UserRole) == first_draft))
    assert desk.document_id == first_draft and editor.toPlainText().startswith(DRAFT)
    editor.setFocus()
    ask_at_cursor(qtbot, desk, len(DRAFT) + lead + 1)
    qtbot.waitUntil(popup.isVisible, timeout=2000)


def test_the_writers_own_words_have_none(qtbot, open_desk, app_paths):
    window, desk = open_desk(app_paths, load=False)
    said = []
    desk.message.connect(said.append)
    desk.editor.setFocus()
    qtbot.keyClicks(desk.editor, DRAFT)
    ask_at_cursor(qtbot, desk, 5)
    QApplication.processEvents()
    assert not desk.findChild(QListWidget, "alternativesPopup").isVisible()
    assert any("Alternatives are kept for the text the model wrote in this session" in text for text in said)


def test_a_remote_engine_without_probabilities_says_so(qtbot, open_desk, app_paths):
    fake = FakeOpenAI()
    try:
        window, desk = open_desk(app_paths, load=False)
        with qtbot.waitSignal(window.host.loaded, timeout=30_000):
            window.host.connect_remote(RemoteEngine("fake", fake.url))
        said = []
        desk.message.connect(said.append)
        editor = desk.editor
        editor.setFocus()
        qtbot.keyClicks(editor, "The lighthouse keeper climbed the stairs.")

        # A server that sends them: the candidates show, but a branch needs the local engine.
        continue_and_wait(qtbot, desk)
        popup = desk.findChild(QListWidget, "alternativesPopup")
        ask_at_cursor(qtbot, desk, editor.ghost_position)  # the proposal starts at the cursor
        qtbot.waitUntil(popup.isVisible, timeout=2000)
        assert [(text, share) for text, share, _ in rows(popup)] == [("Once", 50.0), ("·other", 25.0), ("·else", 12.5)]
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        assert "cannot carry the text on" in said[-1]
        assert editor.has_ghost
        reactivate(qtbot, window)

        # One that does not: nothing to show, and the status bar says why.
        fake.logprobs = False
        continue_and_wait(qtbot, desk)
        assert editor.ghost_text.strip()
        ask_at_cursor(qtbot, desk, editor.ghost_position)
        assert not popup.isVisible() and "does not send token probabilities" in said[-1]
        qtbot.keyClick(editor, Qt.Key.Key_Tab)
        ask_at_cursor(qtbot, desk, editor.textCursor().position() - 2)
        assert not popup.isVisible() and "does not send token probabilities" in said[-1]
    finally:
        fake.close()
