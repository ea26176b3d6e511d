"""Remote engines through the window: added in the Models page, used for chat, stopped, and
a server that dies mid-reply, against llama-cpp-python's server on loopback."""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QListWidget, QMenu, QPlainTextEdit, QPushButton

from app.core.remote import EngineList, RemoteEngine
from tests.openai_servers import API_KEY, MODEL_ALIAS, LlamaServer, free_port
from tests.test_rewrite_gui import rewrite_and_wait
from tests.test_writing_gui import continue_and_wait
from tests.engine_watch import watch


@pytest.fixture
def server(starter_model, tmp_path):
    server = LlamaServer(starter_model, tmp_path / "server.log")
    yield server
    server.stop()


def fill_engine_dialog(qtbot, name, url, key, done):
    """Types into the modal engine dialog the way a person would, fetches the model list and saves."""
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.objectName() == "remoteEngineDialog"
    qtbot.keyClicks(dialog.findChild(QLineEdit, "remoteNameEdit"), name)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "remoteUrlEdit"), url)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "remoteKeyEdit"), key)
    combo = dialog.findChild(QComboBox, "remoteModelCombo")
    qtbot.mouseClick(dialog.findChild(QPushButton, "fetchModelsButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: combo.count() > 0, timeout=20_000)
    done.append(combo.currentText())
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveRemoteButton"), Qt.MouseButton.LeftButton)


def reactivate(qtbot, window):
    """The offscreen platform does not give activation back to the window when a dialog
    closes, as a desktop does; window shortcuts need it."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def add_and_connect(qtbot, window, server, name="Team server"):
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    chosen: list[str] = []
    QTimer.singleShot(0, lambda: fill_engine_dialog(qtbot, name, server.url, API_KEY, chosen))
    qtbot.mouseClick(window.findChild(QPushButton, "addRemoteButton"), Qt.MouseButton.LeftButton)
    assert chosen == [MODEL_ALIAS]
    reactivate(qtbot, window)
    engines = window.findChild(QListWidget, "remoteEngineList")
    assert name in engines.currentItem().text()
    with qtbot.waitSignal(window.host.loaded, timeout=30_000) as loaded:
        qtbot.mouseClick(window.findChild(QPushButton, "connectRemoteButton"), Qt.MouseButton.LeftButton)
    assert loaded.args[0].remote_engine == name
    return loaded.args[0]


def send(qtbot, window, text):
    box = window.findChild(QPlainTextEdit, "chatInput")
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    box.setFocus()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_add_an_engine_and_chat_through_it(qtbot, make_window, app_paths, server):
    window = make_window(app_paths, load=False)
    info = add_and_connect(qtbot, window, server)
    assert info.name == MODEL_ALIAS
    assert "Team server" in window.model_label.text()
    saved = EngineList(app_paths.config_dir).find("Team server")
    assert saved.model == MODEL_ALIAS and saved.base_url == server.url
    assert API_KEY not in (app_paths.config_dir / "remote_engines.json").read_text()

    window.preferences.max_tokens = 12
    events = watch(window.host)
    with qtbot.waitSignal(events.finished, timeout=60_000):
        send(qtbot, window, "Name a colour.")
    reply = window.store.path(window.chat.conversation_id)[-1]
    assert reply.role == "assistant" and reply.content.strip() and reply.status in ("complete", "length")
    assert reply.content.strip().split()[0] in window.findChild(object, "chatView").toPlainText()

    # Story continuation and rewriting go through the same server.
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    desk = window.writing_desk
    desk.length_chooser.setCurrentIndex(0)
    desk.editor.setFocus()
    first = "The lighthouse keeper climbed the stairs."
    qtbot.keyClicks(desk.editor, first)
    continue_and_wait(qtbot, desk)
    assert desk.editor.ghost_text.strip()
    qtbot.keyClick(desk.editor, Qt.Key.Key_Escape)
    qtbot.keyClick(desk.editor, Qt.Key.Key_Home, Qt.KeyboardModifier.ShiftModifier)
    qtbot.mouseClick(window.findChild(QPushButton, "rewriteButton"), Qt.MouseButton.LeftButton)
    chooser = window.findChild(QComboBox, "styleChooser")
    chooser.setCurrentIndex(chooser.findText("Formal"))
    rewrite_and_wait(qtbot, window)
    assert window.rewrite_panel.job.alternatives and window.rewrite_panel.job.passage == first


def test_stop_and_a_server_that_dies_mid_reply(qtbot, make_window, app_paths, server):
    window = make_window(app_paths, load=False)
    add_and_connect(qtbot, window, server)
    window.preferences.max_tokens = 1500
    stop = window.findChild(QPushButton, "stopButton")
    chunks: list[str] = []
    events = watch(window.host)
    events.chunk.connect(chunks.append)
    with qtbot.waitSignal(events.finished, timeout=60_000) as finished:
        send(qtbot, window, "Tell me a very long story about the sea.")
        qtbot.waitUntil(lambda: len(chunks) > 0, timeout=30_000)
        qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    assert finished.args[0].finish_reason == "cancelled"
    assert window.store.path(window.chat.conversation_id)[-1].status == "cancelled"

    chunks.clear()
    with qtbot.waitSignal(events.finished, timeout=60_000) as finished:
        send(qtbot, window, "Another long story, please.")
        qtbot.waitUntil(lambda: len(chunks) > 0, timeout=30_000)
        server.kill()
    assert finished.args[0].finish_reason == "interrupted"
    reply = window.store.path(window.chat.conversation_id)[-1]
    assert reply.status == "interrupted" and reply.content  # what arrived is kept
    view_text = window.findChild(object, "chatView").toPlainText()
    assert "· interrupted" in view_text  # the reply's footer
    assert "closed before the reply ended" in view_text and "What arrived is kept" in view_text

    # Retrying is one click; with the server gone it says so instead of hanging.
    with qtbot.waitSignal(events.failed, timeout=30_000) as failed:
        window.chat.session.regenerate(reply.id)
    assert "Nothing answers" in str(failed.args[0])


def test_a_wrong_key_says_so_and_the_window_keeps_working(qtbot, make_window, app_paths, server):
    window = make_window(app_paths, load=False)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    chosen: list[str] = []
    QTimer.singleShot(0, lambda: fill_engine_dialog(qtbot, "Wrong key", server.url, API_KEY, chosen))
    qtbot.mouseClick(window.findChild(QPushButton, "addRemoteButton"), Qt.MouseButton.LeftButton)
    window.models_page.remote_engines.keys.set("Wrong key", "not-the-key")
    with qtbot.waitSignal(window.host.load_failed, timeout=30_000) as failed:
        qtbot.mouseClick(window.findChild(QPushButton, "connectRemoteButton"), Qt.MouseButton.LeftButton)
    assert "refused the API key (401)" in str(failed.args[0])
    assert window.host.model_info is None



def test_the_file_menu_lists_engines_and_a_failed_connection_is_retried_in_one_click(qtbot, make_window, app_paths):
    EngineList(app_paths.config_dir).put(RemoteEngine("Box", f"http://127.0.0.1:{free_port()}/v1"))
    window = make_window(app_paths, load=False)
    menu = window.findChild(QMenu, "remoteEngineMenu")
    menu.aboutToShow.emit()
    names = [a.text() for a in menu.actions() if a.text()]
    assert names[0] == "Box" and len(names) == 2  # the engine, then "Add or edit…"
    with qtbot.waitSignal(window.host.load_failed, timeout=30_000) as failed:
        menu.actions()[0].trigger()
    assert "Nothing answers" in str(failed.args[0])
    reload_button = window.findChild(QPushButton, "reloadButton")
    assert reload_button.isVisible()
    with qtbot.waitSignal(window.host.load_failed, timeout=30_000):
        qtbot.mouseClick(reload_button, Qt.MouseButton.LeftButton)
    menu.actions()[-1].trigger()
    assert window.mode_tabs.currentWidget() is window.models_page


def test_a_remote_engine_can_be_the_default(qtbot, make_window, app_paths):
    EngineList(app_paths.config_dir).put(RemoteEngine("Box", "http://127.0.0.1:9/v1"))
    window = make_window(app_paths, load=False)
    engines = window.findChild(QListWidget, "remoteEngineList")
    engines.setCurrentRow(0)
    qtbot.mouseClick(window.findChild(QPushButton, "defaultRemoteButton"), Qt.MouseButton.LeftButton)
    assert window.preferences.settings.get("models.default_path") == "remote:Box"
    assert window.default_model() == "remote:Box"  # what `inkwell` opens at start
    EngineList(app_paths.config_dir).remove("Box")
    assert window.default_model() is None  # a removed engine falls back to the starter model


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_fetch_models_in_the_dialog_then_close_it_while_the_server_is_silent(qtbot, qapp):
    """Asking a server for its models runs in the background; a dialog closed and deleted while
    the server is silent neither crashes nor hears the late answer."""
    import shiboken6

    from app.ui.remote_engines import RemoteEngineDialog
    from app.ui.tasks import running_tasks
    from tests.openai_servers import FakeOpenAI

    fake = FakeOpenAI()
    before = running_tasks()
    dialog = RemoteEngineDialog(None, "", set(), False)
    try:
        dialog.show()
        qtbot.keyClicks(dialog.findChild(QLineEdit, "remoteUrlEdit"), fake.url)
        fetch = dialog.findChild(QPushButton, "fetchModelsButton")
        combo = dialog.findChild(QComboBox, "remoteModelCombo")
        qtbot.mouseClick(fetch, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: combo.count() == 1, timeout=10_000)
        assert combo.currentText() == "fake-model" and fetch.isEnabled()

        fake.hang = True
        dialog.timeout_spin.setValue(1)
        qtbot.mouseClick(fetch, Qt.MouseButton.LeftButton)
        assert not fetch.isEnabled() and "Asking" in dialog.status.text()
        dialog.reject()
        shiboken6.delete(dialog)
        qtbot.waitUntil(lambda: running_tasks() == before, timeout=10_000)  # the request timed out
        qtbot.wait(50)
    finally:
        if shiboken6.isValid(dialog):
            shiboken6.delete(dialog)
        fake.close()
