"""The Models page through its widgets: local models, fit labels, add, delete, download."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QListWidget, QMessageBox, QPushButton

from tests.fake_hub import REPO, FakeHub


@pytest.fixture
def models_window(qtbot, make_window, app_paths, monkeypatch, tmp_path):
    # Only this test's folders: no real Hugging Face cache, LM Studio or GPT4All folder.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    (app_paths.models_dir / "broken.gguf").write_text("this is not a model")
    window = make_window(app_paths)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.models_page
    assert window.mode_tabs.currentWidget() is page and page.objectName() == "modelsPage"
    qtbot.waitUntil(lambda: page.model_list.count() >= 2, timeout=20_000)
    return window, page


def rows(page):
    return [page.model_list.item(i).text() for i in range(page.model_list.count())]


def button(window, name):
    widget = window.findChild(QPushButton, name)
    assert widget is not None and widget.accessibleName(), name
    return widget


def test_local_models_with_fit_details_load_and_unload(qtbot, models_window):
    window, page = models_window
    starter = rows(page)[0]
    assert starter.startswith("SmolLM2-135M-Instruct.Q4_1") and "fits" in starter and "loaded" in starter
    page.model_list.setCurrentRow(0)
    details = page.details.text()
    assert "Architecture: llama" in details and "Q4_1" in details and "Chat template: yes" in details
    with qtbot.waitSignal(window.host.unloaded, timeout=10_000):
        qtbot.mouseClick(button(window, "unloadModelButton"), Qt.MouseButton.LeftButton)
    assert window.model_label.text() == "No model"
    with qtbot.waitSignal(window.host.loaded, timeout=60_000):
        qtbot.mouseClick(button(window, "loadModelButton"), Qt.MouseButton.LeftButton)
    assert window.model_label.text() == "SmolLM2-135M-Instruct.Q4_1"


def test_unusable_file_is_listed_with_its_reason_and_can_be_deleted(qtbot, models_window, app_paths, monkeypatch):
    window, page = models_window
    index = next(i for i, text in enumerate(rows(page)) if text.startswith("broken"))
    assert "cannot be used" in rows(page)[index]
    page.model_list.setCurrentRow(index)
    assert "not a GGUF" in page.details.text()
    assert not button(window, "loadModelButton").isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(button(window, "deleteModelButton"), Qt.MouseButton.LeftButton)
    assert not (app_paths.models_dir / "broken.gguf").exists()
    qtbot.waitUntil(lambda: not any(text.startswith("broken") for text in rows(page)), timeout=20_000)


def test_add_a_gguf_from_elsewhere_and_make_it_the_default(qtbot, models_window, no_template_model, app_paths, monkeypatch):
    window, page = models_window
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(no_template_model), ""))
    qtbot.mouseClick(button(window, "importModelButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(text.startswith("base-model") for text in rows(page)), timeout=20_000)
    index = next(i for i, text in enumerate(rows(page)) if text.startswith("base-model"))
    page.model_list.setCurrentRow(index)
    assert not button(window, "deleteModelButton").isEnabled()  # not in Inkwell's own folder
    qtbot.mouseClick(button(window, "defaultModelButton"), Qt.MouseButton.LeftButton)
    saved = json.loads((app_paths.config_dir / "settings.json").read_text())
    assert saved["models.default_path"] == str(no_template_model)
    assert window.default_model() == no_template_model


def test_download_cancel_and_resume_from_a_local_hub(qtbot, models_window, app_paths, monkeypatch):
    window, page = models_window
    with FakeHub() as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        hub.chunk_delay = 0.02  # slow enough to cancel midway
        qtbot.keyClicks(page.repo_input, REPO)
        qtbot.mouseClick(button(window, "listFilesButton"), Qt.MouseButton.LeftButton)
        remote = window.findChild(QListWidget, "remoteFileList")
        qtbot.waitUntil(lambda: remote.count() == 2, timeout=10_000)
        index = next(i for i in range(remote.count()) if remote.item(i).text().startswith("tiny-Q4_K_M.gguf"))
        remote.setCurrentRow(index)
        qtbot.mouseClick(button(window, "downloadFileButton"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.progress.value() > 0, timeout=10_000)
        qtbot.mouseClick(button(window, "cancelDownloadButton"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.runner is None, timeout=10_000)
        assert "resume" in page.progress_label.text()
        assert list(app_paths.models_dir.glob("*.part"))

        hub.chunk_delay = 0.0
        qtbot.mouseClick(button(window, "downloadFileButton"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.runner is None, timeout=20_000)
        target = app_paths.models_dir / "tiny-Q4_K_M.gguf"
        assert target.read_bytes() == hub.data("tiny-Q4_K_M.gguf")
        assert "verified" in page.progress_label.text()
        assert any((r or "").startswith("bytes=") and r != "bytes=0-" for r in hub.blob_ranges())  # it resumed


def test_a_newer_scan_or_closing_the_page_cancels_the_running_scan(qtbot, app_paths, monkeypatch, tmp_path):
    # A standalone page (no window, no model): only its scans are under test.
    import time

    import app.ui.models_page as models_page
    from app.core.library import discover
    from app.ui.models_page import ModelsPage, Scan

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    monkeypatch.setattr(models_page, "gpus", lambda: [])
    waiting = []

    def slow_discover(folders, starter=None, max_depth=6, cancelled=None):
        if not waiting:  # the first scan meets a folder that would take ages
            waiting.append(cancelled)
            deadline = time.monotonic() + 20
            while not cancelled() and time.monotonic() < deadline:
                time.sleep(0.01)
        return discover(folders, starter=starter, max_depth=max_depth, cancelled=cancelled)

    monkeypatch.setattr(models_page, "discover", slow_discover)
    page = ModelsPage(app_paths)
    qtbot.addWidget(page)
    first = page._scan
    qtbot.waitUntil(lambda: bool(waiting), timeout=10_000)
    results = []
    first.found.connect(lambda *found: results.append("stale"))
    page.refresh()  # the newer scan cancels the first, which stops and reports nothing
    assert first.cancelled.is_set() and page._scan is not first
    assert first in Scan._running  # kept alive until it has stopped
    qtbot.waitUntil(first.isFinished, timeout=5_000)
    qtbot.waitUntil(page._scan.isFinished, timeout=20_000)
    qtbot.wait(50)
    assert results == [] and page.model_list.count() >= 1  # the starter model, from the newer scan

    waiting.clear()
    page.refresh()
    third = page._scan
    qtbot.waitUntil(lambda: bool(waiting), timeout=10_000)
    page.close()  # closing the page cancels its scan too
    assert third.cancelled.is_set()
    qtbot.waitUntil(third.isFinished, timeout=5_000)
