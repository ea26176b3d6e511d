"""For tests: everything an engine host's requests say, observed through ``host.started``.

The app listens to the handle each request returns; a test watches them all, to wait for a
reply to end or to read what streamed, without reaching into the window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class EngineWatch(QObject):
    started = Signal(object)  # Generation
    chunk = Signal(str)
    finished = Signal(object)  # GenerationStats
    failed = Signal(object)  # message

    def __init__(self, host) -> None:
        super().__init__()
        self.generations = []  # every request started since watching began
        host.started.connect(self._on_started)

    def _on_started(self, generation) -> None:
        self.generations.append(generation)
        generation.chunk.connect(self.chunk)
        generation.finished.connect(self.finished)
        generation.failed.connect(self.failed)
        self.started.emit(generation)


def watch(host) -> EngineWatch:
    """Starts watching ``host``'s requests (those started from now on)."""
    return EngineWatch(host)
