"""GUI-side facade of the engine thread. Every method returns at once; results come as signals."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Qt, Signal

from app.core.generation import GenerationRequest, LoadParams, ModelInfo
from app.core.remote import RemoteEngine
from app.engine.worker import EngineWorker


class EngineHost(QObject):
    loading = Signal(str)  # path
    loaded = Signal(object)  # ModelInfo
    load_failed = Signal(object)  # message: str or Translatable
    chunk = Signal(int, str)
    finished = Signal(int, object)
    failed = Signal(int, object)  # request_id, message: str or Translatable
    job_done = Signal(int, object)
    job_failed = Signal(int, str)
    unloaded = Signal()

    # Internal: queued across to the worker's thread.
    _load_requested = Signal(str, object)
    _remote_requested = Signal(object, str)
    _generate_requested = Signal(object, object)
    _job_requested = Signal(int, object)
    _unload_requested = Signal()

    def __init__(self, parent: QObject | None = None, worker: EngineWorker | None = None) -> None:
        super().__init__(parent)
        self.model_info: ModelInfo | None = None
        self._cancel_events: dict[int, threading.Event] = {}
        self._job_ids = itertools.count(1)
        self._thread = QThread()
        self._thread.setObjectName("InkwellEngine")
        self._worker = worker or EngineWorker()
        self._worker.moveToThread(self._thread)
        # The model is released on the engine thread, the only one that may touch it.
        self._thread.finished.connect(self._worker.close, Qt.ConnectionType.DirectConnection)

        self._load_requested.connect(self._worker.load_model)
        self._remote_requested.connect(self._worker.connect_remote)
        self._generate_requested.connect(self._worker.generate)
        self._job_requested.connect(self._worker.run_job)
        self._unload_requested.connect(self._worker.unload)
        self._worker.unloaded.connect(self.unloaded)
        self._worker.loaded.connect(self._on_loaded)
        self._worker.load_failed.connect(self.load_failed)
        self._worker.chunk.connect(self.chunk)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._worker.job_done.connect(self.job_done)
        self._worker.job_failed.connect(self.job_failed)
        self._thread.start()

    # -- requests ------------------------------------------------------------------------

    def load_model(self, path: str, params: LoadParams = LoadParams()) -> None:
        self.cancel()
        self.model_info = None
        self.loading.emit(str(path))
        self._load_requested.emit(str(path), params)

    def connect_remote(self, engine: RemoteEngine, api_key: str = "") -> None:
        """Uses an OpenAI-compatible server instead of a local model; ``loaded`` or
        ``load_failed`` follows, as for a local model."""
        self.cancel()
        self.model_info = None
        self.loading.emit(engine.name)
        self._remote_requested.emit(engine, api_key)

    def unload_model(self) -> None:
        """Frees the model's memory; ``unloaded`` follows."""
        self.cancel()
        self.model_info = None
        self._unload_requested.emit()

    def generate(self, request: GenerationRequest) -> int:
        event = threading.Event()
        self._cancel_events[request.request_id] = event
        self._generate_requested.emit(request, event)
        return request.request_id

    def cancel(self, request_id: int | None = None) -> None:
        """Stops one request, or all. Set directly from this thread: a queued call would wait
        until the running generation had ended."""
        if request_id is None:
            for event in self._cancel_events.values():
                event.set()
        elif request_id in self._cancel_events:
            self._cancel_events[request_id].set()

    def run_on_engine(self, job: Callable) -> int:
        job_id = next(self._job_ids)
        self._job_requested.emit(job_id, job)
        return job_id

    @property
    def busy(self) -> bool:
        return bool(self._cancel_events)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        if not self._thread.isRunning():
            return
        self.cancel()
        self._thread.quit()
        self._thread.wait(timeout_ms)

    # -- results -------------------------------------------------------------------------

    def _on_loaded(self, info: ModelInfo) -> None:
        self.model_info = info
        self.loaded.emit(info)

    def _on_finished(self, request_id: int, stats) -> None:
        self._cancel_events.pop(request_id, None)
        self.finished.emit(request_id, stats)

    def _on_failed(self, request_id: int, message: object) -> None:
        self._cancel_events.pop(request_id, None)
        self.failed.emit(request_id, message)
