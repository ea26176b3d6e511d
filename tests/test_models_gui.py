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
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
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
        qtbot.waitUntil(lambda: not page.downloading, timeout=10_000)
        assert "resume" in page.progress_label.text()
        assert list(app_paths.models_dir.glob("*.part"))

        hub.chunk_delay = 0.0
        qtbot.mouseClick(button(window, "downloadFileButton"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not page.downloading, timeout=20_000)
        target = app_paths.models_dir / "tiny-Q4_K_M.gguf"
        assert target.read_bytes() == hub.data("tiny-Q4_K_M.gguf")
        assert "verified" in page.progress_label.text()
        assert any((r or "").startswith("bytes=") and r != "bytes=0-" for r in hub.blob_ranges())  # it resumed


def test_a_newer_scan_or_closing_the_page_cancels_the_running_scan(qtbot, app_paths, monkeypatch, tmp_path):
    # A standalone page (no window, no model): only its scans are under test.
    import time

    import app.ui.models_page as models_page
    from app.core.library import discover
    from app.ui.models_page import ModelsPage

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
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
    first = page.tasks.current("scan")
    qtbot.waitUntil(lambda: bool(waiting), timeout=10_000)
    results = []
    first.succeeded.connect(lambda found: results.append("stale"))
    page.refresh()  # the newer scan cancels the first, which stops and reports nothing
    second = page.tasks.current("scan")
    assert first.cancelled.is_set() and first.replaced and second is not first
    qtbot.waitUntil(lambda: first.finished, timeout=5_000)
    qtbot.waitUntil(lambda: second.finished, timeout=20_000)
    qtbot.wait(50)
    assert results == [] and page.model_list.count() >= 1  # the starter model, from the newer scan

    waiting.clear()
    page.refresh()
    third = page.tasks.current("scan")
    qtbot.waitUntil(lambda: bool(waiting), timeout=10_000)
    page.close()  # closing the page cancels its scan too
    assert third.cancelled.is_set() and not third.current
    qtbot.waitUntil(lambda: third.finished, timeout=5_000)


# -- one background primitive, stale results, split models, one default ------------------------


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """Only this test's folders and no GPU query: no real Hugging Face cache, LM Studio or GPT4All
    folder, no nvidia-smi."""
    import huggingface_hub.constants

    import app.ui.models_page as models_page

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(models_page, "gpus", lambda: [])


@pytest.fixture
def page(qtbot, app_paths, isolated):
    """A Models page on its own (no window, no model loaded), its first scan done."""
    from app.ui.models_page import ModelsPage

    widget = ModelsPage(app_paths)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model_list.count() >= 1, timeout=20_000)
    return widget


def click(qtbot, page, name):
    widget = page.findChild(QPushButton, name)
    assert widget is not None and widget.isVisible(), name
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_refresh_clicked_twice_quickly_and_again_while_scanning(qtbot, page, monkeypatch):
    import threading
    import time

    import app.ui.models_page as models_page
    from app.core.library import discover

    release = threading.Event()
    started = []

    def slow_discover(folders, starter=None, max_depth=6, cancelled=None):
        started.append(1)
        deadline = time.monotonic() + 10
        while not release.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)  # ignores the cancel on purpose: a scan that cannot stop at once
        return discover(folders, starter=starter, max_depth=max_depth, cancelled=cancelled)

    monkeypatch.setattr(models_page, "discover", slow_discover)
    scans = []
    shown = page._on_scanned
    monkeypatch.setattr(page, "_on_scanned", lambda *found: (scans.append(found), shown(*found)))
    click(qtbot, page, "refreshModelsButton")
    click(qtbot, page, "refreshModelsButton")
    qtbot.waitUntil(lambda: len(started) == 2, timeout=10_000)
    import gc

    gc.collect()  # nothing but the primitive keeps the replaced scans alive
    click(qtbot, page, "refreshModelsButton")
    qtbot.waitUntil(lambda: len(started) == 3, timeout=10_000)
    gc.collect()
    release.set()
    qtbot.waitUntil(lambda: len(scans) == 1, timeout=20_000)
    qtbot.wait(300)
    assert len(scans) == 1  # only the newest scan reached the page
    assert page.model_list.count() >= 1


def test_a_slow_listing_cannot_overwrite_a_newer_one(qtbot, page, app_paths, monkeypatch):
    from tests.fake_hub import OTHER_REPO

    remote = page.findChild(QListWidget, "remoteFileList")
    with FakeHub() as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        hub.listing_delay[REPO] = 1.5
        qtbot.keyClicks(page.repo_input, REPO)
        click(qtbot, page, "listFilesButton")
        page.repo_input.clear()
        qtbot.keyClicks(page.repo_input, OTHER_REPO)
        click(qtbot, page, "listFilesButton")
        qtbot.waitUntil(lambda: remote.count() == 1, timeout=10_000)
        qtbot.waitUntil(lambda: hub.listings_answered.count(REPO) == 1, timeout=10_000)  # the slow one came back
        qtbot.wait(300)
        assert [remote.item(i).text().split()[0] for i in range(remote.count())] == ["other-Q5_K_M.gguf"]
        assert OTHER_REPO in page.progress_label.text()
        remote.setCurrentRow(0)
        click(qtbot, page, "downloadFileButton")
        qtbot.waitUntil(lambda: "verified" in page.progress_label.text(), timeout=20_000)
    assert (app_paths.models_dir / "other-Q5_K_M.gguf").read_bytes() == hub.data("other-Q5_K_M.gguf", OTHER_REPO)
    resolved = [r.path for r in hub.logged("hub") if "/resolve/" in r.path]
    assert resolved and all(path.startswith(f"/{OTHER_REPO}/") for path in resolved)


def split_catalog_entry():
    from app.core.library import CatalogEntry
    from tests.fake_hub import SPLIT_PARTS, SPLIT_REPO

    return CatalogEntry(
        id="split", name="Split test model", repo=SPLIT_REPO, file=SPLIT_PARTS[0], quant="Q4_K_M",
        size_bytes=200_000, parameters="1B", context_length=2048, license="mit", languages=("en",),
        good_for="tests", chat_template=False)


def test_catalog_download_of_a_split_model_fetches_every_part(qtbot, app_paths, isolated, monkeypatch):
    import app.ui.models_page as models_page
    from app.ui.models_page import ModelsPage
    from tests.fake_hub import SPLIT_PARTS, SPLIT_REPO

    monkeypatch.setattr(models_page, "load_catalog", lambda: [split_catalog_entry()])
    page = ModelsPage(app_paths)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model_list.count() >= 1, timeout=20_000)
    seen = []
    with FakeHub() as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        page.catalog_list.setCurrentRow(0)
        monkeypatch.setattr(page.progress, "setValue", lambda value, real=page.progress.setValue: (seen.append(value), real(value)))
        click(qtbot, page, "downloadButton")
        qtbot.waitUntil(lambda: "verified" in page.progress_label.text(), timeout=20_000)
    for part in SPLIT_PARTS:
        assert (app_paths.models_dir / part).read_bytes() == hub.data(part, SPLIT_REPO)
    assert seen and max(seen) == 1000 and 0 < min(v for v in seen if v) < 1000  # one bar over both parts
    assert seen == sorted(seen)
    # The library lists the parts as one usable model.
    qtbot.waitUntil(lambda: any(page.model_list.item(i).text().startswith("split-Q4_K_M")
                                for i in range(page.model_list.count())), timeout=20_000)
    names = [page.model_list.item(i).text() for i in range(page.model_list.count())]
    assert sum(text.startswith("split-Q4_K_M") for text in names) == 1
    index = next(i for i, text in enumerate(names) if text.startswith("split-Q4_K_M"))
    assert "cannot be used" not in names[index]
    page.model_list.setCurrentRow(index)
    assert "in 2 parts" in page.details.text()


def test_hub_listing_shows_a_split_model_once_and_downloads_every_part(qtbot, page, app_paths, monkeypatch):
    from tests.fake_hub import SPLIT_PARTS, SPLIT_REPO

    remote = page.findChild(QListWidget, "remoteFileList")
    with FakeHub() as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        qtbot.keyClicks(page.repo_input, SPLIT_REPO)
        click(qtbot, page, "listFilesButton")
        qtbot.waitUntil(lambda: remote.count() >= 1, timeout=10_000)
        qtbot.wait(100)
        assert remote.count() == 1 and "2 parts" in remote.item(0).text()
        remote.setCurrentRow(0)
        click(qtbot, page, "downloadFileButton")
        qtbot.waitUntil(lambda: "verified" in page.progress_label.text(), timeout=20_000)
    for part in SPLIT_PARTS:
        assert (app_paths.models_dir / part).read_bytes() == hub.data(part, SPLIT_REPO)


def test_only_one_default_local_or_remote(qtbot, models_window, app_paths):
    from app.core.remote import EngineList, RemoteEngine

    window, page = models_window
    EngineList(app_paths.config_dir).put(RemoteEngine("Box", "http://127.0.0.1:9/v1"))
    page.remote_engines.refresh()
    engines = window.findChild(QListWidget, "remoteEngineList")
    engines.setCurrentRow(0)
    page.model_list.setCurrentRow(0)  # the starter model
    qtbot.mouseClick(button(window, "defaultModelButton"), Qt.MouseButton.LeftButton)
    assert "default" in rows(page)[0] and "default" not in engines.item(0).text()

    qtbot.mouseClick(button(window, "defaultRemoteButton"), Qt.MouseButton.LeftButton)
    assert window.preferences.settings.get("models.default_path") == "remote:Box"
    assert not any("default" in text for text in rows(page))
    assert "default" in engines.item(0).text()

    page.model_list.setCurrentRow(0)
    qtbot.mouseClick(button(window, "defaultModelButton"), Qt.MouseButton.LeftButton)
    assert "default" in rows(page)[0] and "default" not in engines.item(0).text()
