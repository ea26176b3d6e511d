"""GUI-side facade of the engine thread. Every method returns at once; results come as signals:
model loading on the host, each request's on the handle it returns."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Qt, Signal

from app.core.generation import GenerationRequest, LoadParams, ModelInfo, next_request_id
from app.core.remote import RemoteEngine
from app.core.state_cache import clear_folder, disk_usage
from app.engine.generation import EngineJob, Generation
from app.engine.worker import EngineWorker


class EngineHost(QObject):
    loading = Signal(str)  # path
    loaded = Signal(object)  # ModelInfo
    # message: str or Translatable. ``model_info`` then describes the model still loaded (the
    # previous one stays when a new one cannot be loaded), or is None.
    load_failed = Signal(object)
    started = Signal(object)  # Generation: for observers; the asker listens to what generate() returns
    unloaded = Signal()

    # Internal: queued across to the worker's thread.
    _load_requested = Signal(str, object)
    _remote_requested = Signal(object, str)
    _generate_requested = Signal(object, object)
    _job_requested = Signal(int, object)
    _unload_requested = Signal()

    def __init__(self, parent: QObject | None = None, worker: EngineWorker | None = None,
                 state_dir: str | Path | None = None) -> None:
        super().__init__(parent)
        self.model_info: ModelInfo | None = None
        # Where each draft's and conversation's saved model state goes (app/engine/resume.py),
        # for loads whose parameters name no folder; None: none is kept.
        self.state_dir = Path(state_dir) if state_dir else None
        # Requests and jobs not yet ended, by id; each is forgotten at its one closing signal.
        self._generations: dict[int, Generation] = {}
        self._jobs: dict[int, EngineJob] = {}
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
        self._worker.load_failed.connect(self._on_load_failed)
        self._worker.chunk.connect(self._on_chunk)
        self._worker.tokens.connect(self._on_tokens)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._worker.job_done.connect(self._on_job_done)
        self._worker.job_failed.connect(self._on_job_failed)
        self._thread.start()

    # -- requests ------------------------------------------------------------------------

    def load_model(self, path: str, params: LoadParams = LoadParams()) -> None:
        if self.state_dir is not None and not params.saved_state_dir:
            params = replace(params, saved_state_dir=str(self.state_dir))
        self.cancel_all()
        self.model_info = None
        self.loading.emit(str(path))
        self._load_requested.emit(str(path), params)

    def connect_remote(self, engine: RemoteEngine, api_key: str = "") -> None:
        """Uses an OpenAI-compatible server instead of a local model; ``loaded`` or
        ``load_failed`` follows, as for a local model."""
        self.cancel_all()
        self.model_info = None
        self.loading.emit(engine.name)
        self._remote_requested.emit(engine, api_key)

    def unload_model(self) -> None:
        """Frees the model's memory; ``unloaded`` follows."""
        self.cancel_all()
        self.model_info = None
        self._unload_requested.emit()

    def generate(self, request: GenerationRequest) -> Generation:
        """Queues ``request``; its text and its one ``finished`` or ``failed`` come on the
        returned handle only."""
        if request.request_id in self._generations:
            request = replace(request, request_id=next_request_id())  # the same request sent twice
        event = threading.Event()
        generation = Generation(request.request_id, event)
        self._generations[request.request_id] = generation
        self.started.emit(generation)
        self._generate_requested.emit(request, event)
        return generation

    def cancel_all(self) -> None:
        """Stops every request not yet ended (loading, unloading, quitting, Ctrl+C)."""
        for generation in list(self._generations.values()):
            generation.cancel()

    def run_on_engine(self, job: Callable) -> EngineJob:
        """Runs ``job(backend)`` on the engine thread; its result comes on the returned
        handle's ``done``, or its failure on ``failed``."""
        job_id = next(self._job_ids)
        handle = EngineJob()
        self._jobs[job_id] = handle
        self._job_requested.emit(job_id, job)
        return handle

    def clear_saved_state(self) -> EngineJob:
        """Forgets every saved model state, in memory and on disk (Settings → Clear); the
        job's result is the bytes freed on disk."""
        worker, folder = self._worker, self.state_dir

        def clear(_backend) -> int:
            local = worker.local_backend
            freed = local.clear_saved_state() if hasattr(local, "clear_saved_state") else 0
            return freed + (clear_folder(folder) if folder is not None else 0)

        return self.run_on_engine(clear)

    def saved_state_bytes(self) -> int:
        """The disk space saved model state takes now (for the Models page)."""
        return disk_usage(self.state_dir) if self.state_dir is not None else 0

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        if not self._thread.isRunning():
            return
        self.cancel_all()
        self._thread.quit()
        self._thread.wait(timeout_ms)

    # -- results -------------------------------------------------------------------------

    def _on_loaded(self, info: ModelInfo) -> None:
        self.model_info = info
        self.loaded.emit(info)

    def _on_load_failed(self, message: object, still_loaded: ModelInfo | None) -> None:
        self.model_info = still_loaded
        self.load_failed.emit(message)

    def _on_chunk(self, request_id: int, text: str) -> None:
        generation = self._generations.get(request_id)
        if generation is not None:
            generation.chunk.emit(text)

    def _on_tokens(self, request_id: int, choices: list) -> None:
        generation = self._generations.get(request_id)
        if generation is not None:
            generation.tokens.emit(choices)

    def _on_finished(self, request_id: int, stats) -> None:
        self._end(self._generations, request_id, "finished", stats)

    def _on_failed(self, request_id: int, message: object) -> None:
        self._end(self._generations, request_id, "failed", message)

    def _on_job_done(self, job_id: int, result: object) -> None:
        self._end(self._jobs, job_id, "done", result)

    def _on_job_failed(self, job_id: int, message: object) -> None:
        self._end(self._jobs, job_id, "failed", message)

    @staticmethod
    def _end(handles: dict, key: int, signal: str, value: object) -> None:
        """The one end of a request or job: its handle is forgotten, then told."""
        handle = handles.pop(key, None)
        if handle is not None:
            handle.ended = True
            getattr(handle, signal).emit(value)
