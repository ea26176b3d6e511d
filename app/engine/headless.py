"""Running the engine thread without a window: blocking calls that spin an event loop, for
the command line, the benchmark and the tests."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from app.core.generation import GenerationRequest, GenerationStats, LoadParams, ModelInfo
from app.engine.generation import Generation
from app.engine.host import EngineHost


class EngineFailure(Exception):
    pass


class HeadlessEngine:
    """The GUI's engine host and thread, driven by blocking calls that spin an event loop."""

    def __init__(self) -> None:
        self.app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
        self.host = EngineHost()
        self.generation: Generation | None = None  # the request being generated

    def _wait(self, start: Callable[[Callable[[bool, object], None]], None]):
        """Calls ``start(done)`` and spins an event loop until ``done(ok, value)``: returns the
        value, or raises EngineFailure with it."""
        loop = QEventLoop()
        outcome: list[tuple[bool, object]] = []

        def done(ok: bool, value: object) -> None:
            outcome.append((ok, value))
            loop.quit()

        start(done)
        if not outcome:
            loop.exec()
        ok, value = outcome[0]
        if not ok:
            raise EngineFailure(value)
        return value

    def load(self, path: str, params: LoadParams) -> ModelInfo:
        return self._load(lambda: self.host.load_model(path, params))

    def connect(self, engine, api_key: str = "") -> ModelInfo:
        """Uses a remote engine (an OpenAI-compatible server) instead of a local model."""
        return self._load(lambda: self.host.connect_remote(engine, api_key))

    def _load(self, load: Callable[[], None]) -> ModelInfo:
        host = self.host

        def start(done):
            host.loaded.connect(lambda info: done(True, info))
            host.load_failed.connect(lambda message: done(False, message))
            load()

        try:
            return self._wait(start)
        finally:
            host.loaded.disconnect()
            host.load_failed.disconnect()

    def generate(self, request: GenerationRequest, on_text: Callable[[str], None] | None = None,
                 on_tokens: Callable[[list], None] | None = None) -> GenerationStats:
        """Streams ``request``'s text to ``on_text`` (and its TokenChoices to ``on_tokens``,
        when it asks for alternatives) and returns its statistics; ``cancel()`` (from
        ``on_text``, or Ctrl+C) stops it."""

        def start(done):
            self.generation = self.host.generate(request).listen(
                on_text, lambda stats: done(True, stats), lambda message: done(False, message), on_tokens)

        try:
            return self._wait(start)
        finally:
            self.generation = None

    def cancel(self) -> None:
        """Stops the request being generated, if any."""
        if self.generation is not None:
            self.generation.cancel()

    def run(self, job: Callable):
        """Runs ``job(backend)`` on the engine thread and returns its result."""

        def start(done):
            self.host.run_on_engine(job).listen(lambda result: done(True, result), lambda message: done(False, message))

        return self._wait(start)

    def stop_on_interrupt(self) -> list[bool]:
        """Ctrl+C cancels the running request instead of killing the process mid-write.
        Returns a list that becomes non-empty once Ctrl+C was pressed."""
        interrupted: list[bool] = []

        def on_sigint(_signum, _frame) -> None:
            interrupted.append(True)
            self.host.cancel_all()

        signal.signal(signal.SIGINT, on_sigint)
        # Python runs signal handlers only between bytecodes: wake it while Qt waits.
        self._signal_timer = QTimer()
        self._signal_timer.timeout.connect(lambda: None)
        self._signal_timer.start(100)
        return interrupted

    def close(self) -> None:
        self.host.shutdown()
