"""What the engine thread asks of whatever generates text: the local llama.cpp model
(backend.LlamaBackend) or an OpenAI-compatible server (remote.RemoteBackend).

Loading differs (a GGUF file and its parameters, or a connection), so it stays with each;
everything after it goes through this one protocol."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from app.core.generation import GenerationRequest, GenerationStats, ModelInfo


@runtime_checkable
class Backend(Protocol):
    info: ModelInfo | None  # what is loaded; None before a load

    def generate(self, request: GenerationRequest, emit: Callable[[str], None],
                 cancel: threading.Event) -> GenerationStats:
        """Streams the request's text to ``emit`` until it ends or ``cancel`` is set."""
        ...

    def report(self) -> object:
        """What this backend can use, in words (str or Translatable), for Settings."""
        ...

    def unload(self) -> None:
        """Gives the memory (or the connection) back."""
        ...
