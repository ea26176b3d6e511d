"""The window says so when fewer layers than planned reached the GPU, and only then: it decides
by the engine's flag, not by looking for an English word in a translatable note."""

from dataclasses import replace

from PySide6.QtWidgets import QTextBrowser

from app.core.generation import ModelInfo
from app.core.translatable import QT_TRANSLATE_NOOP

PLANNED = ModelInfo(path="/models/m.gguf", name="m", architecture="llama", n_ctx=4096, n_ctx_train=8192,
                    has_chat_template=True, gpu_layers=16, total_layers=32, gpu_offload_supported=True,
                    backend="CUDA", gpu_name="GPU", gpu_bytes=1_000_000_000,
                    offload_note=QT_TRANSLATE_NOOP("Engine", "16 of 32 layers fit: an earlier try failed to find more room."))


def shown_after_load(make_window, app_paths, info: ModelInfo) -> str:
    window = make_window(app_paths, load=False)
    window.host.loaded.emit(info)  # the engine's answer, as the engine thread sends it
    return window.findChild(QTextBrowser, "chatView").toPlainText()


def test_a_planned_offload_is_not_announced_whatever_its_words(make_window, app_paths):
    assert "16 of 32 layers fit" not in shown_after_load(make_window, app_paths, PLANNED)


def test_a_fall_back_to_fewer_layers_is_announced(make_window, app_paths):
    fell_back = replace(PLANNED, offload_fell_back=True, offload_note=QT_TRANSLATE_NOOP(
        "Engine", "Loading with {layers} layers on the GPU failed ({error}); loaded with {fewer} instead."
    ).format(layers=32, error="out of memory", fewer=16))
    assert "loaded with 16 instead" in shown_after_load(make_window, app_paths, fell_back)
