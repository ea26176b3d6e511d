"""The engine thread's QObject: owns the backend, runs one request at a time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from app.core.generation import GenerationRequest, GenerationStats, LoadParams
from app.engine.backend import EngineError, LlamaBackend

# One queued signal per interval keeps the GUI event loop free however fast the model is.
BATCH_INTERVAL_S = 0.030


class EngineWorker(QObject):
    loaded = Signal(object)  # ModelInfo
    load_failed = Signal(str)
    chunk = Signal(int, str)  # request_id, text
    finished = Signal(int, object)  # request_id, GenerationStats
    failed = Signal(int, str)  # request_id, message
    job_done = Signal(int, object)
    job_failed = Signal(int, str)
    unloaded = Signal()

    def __init__(self, backend_factory: Callable[[], LlamaBackend] = LlamaBackend) -> None:
        super().__init__()
        self._backend_factory = backend_factory
        self._backend: LlamaBackend | None = None

    @property
    def backend(self) -> LlamaBackend:
        # Created lazily so that llama.cpp is first touched on the engine thread.
        if self._backend is None:
            self._backend = self._backend_factory()
        return self._backend

    @Slot(str, object)
    def load_model(self, path: str, params: LoadParams) -> None:
        try:
            info = self.backend.load(path, params)
        except EngineError as error:
            self.load_failed.emit(str(error))
        except Exception as error:  # noqa: BLE001 - the app must survive any load failure
            self.load_failed.emit(f"The model could not be loaded: {error}")
        else:
            self.loaded.emit(info)

    @Slot(object, object)
    def generate(self, request: GenerationRequest, cancel: threading.Event) -> None:
        request_id = request.request_id
        if cancel.is_set():
            self.finished.emit(request_id, GenerationStats(request_id, "cancelled"))
            return
        pending: list[str] = []
        last_flush = 0.0

        def flush() -> None:
            nonlocal last_flush
            if pending:
                self.chunk.emit(request_id, "".join(pending))
                pending.clear()
            last_flush = time.monotonic()

        def emit(text: str) -> None:
            pending.append(text)
            if time.monotonic() - last_flush >= BATCH_INTERVAL_S:
                flush()

        try:
            stats = self.backend.generate(request, emit, cancel)
        except EngineError as error:
            flush()
            self.failed.emit(request_id, str(error))
        except Exception as error:  # noqa: BLE001 - every request ends with finished or failed
            flush()
            self.failed.emit(request_id, f"Generation failed: {error}")
        else:
            flush()
            self.finished.emit(request_id, stats)

    @Slot(int, object)
    def run_job(self, job_id: int, job: Callable[[LlamaBackend], object]) -> None:
        """Runs ``job(backend)`` on the engine thread (benchmarks, model facts)."""
        try:
            result = job(self.backend)
        except Exception as error:  # noqa: BLE001
            self.job_failed.emit(job_id, str(error))
        else:
            self.job_done.emit(job_id, result)

    @Slot()
    def unload(self) -> None:
        if self._backend is not None:
            self._backend.unload()
        self.unloaded.emit()

    @Slot()
    def close(self) -> None:
        if self._backend is not None:
            self._backend.unload()
