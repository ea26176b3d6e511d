"""Handles the engine host gives back, one per request: whoever asked listens to its own
handle, so nobody filters a broadcast by request id and a stale request reaches no one."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal


class _Handle(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.ended = False  # its one closing signal has been emitted
        self._listening: list[tuple[object, Callable]] = []

    def _listen(self, pairs) -> None:
        for signal, slot in pairs:
            if slot is not None:
                signal.connect(slot)
                self._listening.append((signal, slot))

    def _stop_listening(self) -> None:
        listening, self._listening = self._listening, []
        for signal, slot in listening:
            signal.disconnect(slot)


class Generation(_Handle):
    """One generation request. It ends with exactly one ``finished`` (reason stop, length,
    cancelled or interrupted) or one ``failed``; its text arrives before that, in batches.

    A request that asks for ``alternatives`` (or is a ``branch``) also gets ``tokens``: lists
    of app.core.alternatives.TokenChoice, in order, each emitted after the ``chunk`` that
    holds their text; joined, their texts are the reply's text."""

    chunk = Signal(str)
    tokens = Signal(object)  # list[TokenChoice]
    finished = Signal(object)  # GenerationStats
    failed = Signal(object)  # message: str or Translatable

    def __init__(self, request_id: int, cancel_event: threading.Event) -> None:
        super().__init__()
        self.request_id = request_id
        self._cancel_event = cancel_event

    def listen(self, chunk: Callable[[str], None] | None = None, finished: Callable[[object], None] | None = None,
               failed: Callable[[object], None] | None = None,
               tokens: Callable[[list], None] | None = None) -> Generation:
        """Connects the asker's slots; ``abandon()`` disconnects them again."""
        self._listen(((self.chunk, chunk), (self.tokens, tokens), (self.finished, finished), (self.failed, failed)))
        return self

    def cancel(self) -> None:
        """Stops the request; ``finished`` (cancelled) follows. Set directly from the GUI
        thread: a queued call would wait until the running generation had ended."""
        self._cancel_event.set()

    def abandon(self) -> None:
        """Cancels, and disconnects what ``listen()`` connected: a newer request replaced this
        one, and nothing more of it may reach the asker. Observers connected directly still
        see it end."""
        self.cancel()
        self._stop_listening()


class EngineJob(_Handle):
    """A function run on the engine thread (``EngineHost.run_on_engine``): it ends with
    exactly one ``done`` (its result) or one ``failed`` (a message)."""

    done = Signal(object)
    failed = Signal(object)  # message: str or Translatable

    def listen(self, done: Callable[[object], None] | None = None,
               failed: Callable[[object], None] | None = None) -> EngineJob:
        self._listen(((self.done, done), (self.failed, failed)))
        return self
