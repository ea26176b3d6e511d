"""The engine thread's QObject: owns the backend, runs one request at a time."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.core.crash import note_activity
from app.core.generation import GenerationRequest, GenerationStats, LoadParams, ModelInfo
from app.core.translatable import QT_TRANSLATE_NOOP, message_of
from app.core.remote import RemoteEngine, RemoteError
from app.engine import llama_build
from app.engine.backend import EngineError, LlamaBackend
from app.engine.protocol import Backend
from app.engine.remote import RemoteBackend

log = logging.getLogger(__name__)

# One queued signal per interval keeps the GUI event loop free however fast the model is.
BATCH_INTERVAL_S = 0.030
# After a request, the engine waits this long for the next before it keeps the state of the
# draft or conversation it holds: a request already queued goes first.
IDLE_SAVE_MS = 1500


class EngineWorker(QObject):
    # Failures carry objects, not str: a Translatable message must reach the interface whole.
    loaded = Signal(object)  # ModelInfo
    # message, and the ModelInfo of the model still loaded (the previous one), or None
    load_failed = Signal(object, object)
    chunk = Signal(int, str)  # request_id, text
    tokens = Signal(int, object)  # request_id, list[TokenChoice] whose text came in earlier chunks
    finished = Signal(int, object)  # request_id, GenerationStats
    failed = Signal(int, object)  # request_id, message
    job_done = Signal(int, object)  # job_id, result
    job_failed = Signal(int, object)  # job_id, message
    unloaded = Signal()

    def __init__(self, backend_factory: Callable[[], LlamaBackend] = LlamaBackend) -> None:
        super().__init__()
        self._backend_factory = backend_factory
        self._backend: LlamaBackend | None = None
        self._remote: RemoteBackend | None = None  # in use instead of the local model when set
        # A child, so that it moves to the engine thread with the worker.
        self._idle_save = QTimer(self)
        self._idle_save.setSingleShot(True)
        self._idle_save.setInterval(IDLE_SAVE_MS)
        self._idle_save.timeout.connect(self._save_state)

    @property
    def model_info(self) -> ModelInfo | None:
        """The model in use (a remote engine's, or the local one's), or None."""
        if self._remote is not None:
            return self._remote.info
        return getattr(self._backend, "info", None)

    @property
    def local_backend(self) -> LlamaBackend | None:
        """The local model's backend, even while a remote engine is in use; None before the first use."""
        return self._backend

    @property
    def backend(self) -> Backend:
        if self._remote is not None:
            return self._remote
        # Created lazily so that llama.cpp is first touched on the engine thread.
        if self._backend is None:
            self._backend = self._backend_factory()
            note_activity(build=llama_build.build_description(), system_info=llama_build.system_info())
        return self._backend

    @Slot(object, str)
    def connect_remote(self, engine: RemoteEngine, api_key: str) -> None:
        remote = RemoteBackend(engine, api_key)
        try:
            info = remote.load()
        except RemoteError as error:
            self.load_failed.emit(message_of(error), self.model_info)
            return
        except Exception as error:  # noqa: BLE001 - the app must survive any server
            self.load_failed.emit(QT_TRANSLATE_NOOP("Engine", "The model could not be loaded: {error}").format(
                error=message_of(error)), self.model_info)
            return
        # The local model's memory is given back while a server does the work.
        if self._backend is not None:
            self._backend.unload()
        self._remote = remote
        self.loaded.emit(info)

    @Slot(str, object)
    def load_model(self, path: str, params: LoadParams) -> None:
        """Loads a GGUF in place of the model in use. When it cannot be loaded, the model in
        use stays (the backend loads it again if it had to let it go first)."""
        # For the report of a native crash: the file's name only, never what the user wrote.
        note_activity(activity="loading", model=os.path.basename(path), n_ctx=params.n_ctx,
                      gpu_offload=str(params.gpu_offload))
        remote, self._remote = self._remote, None  # self.backend is the local one while loading
        try:
            info = self.backend.load(path, params)
        except Exception as error:  # noqa: BLE001 - the app must survive any load failure
            self._remote = remote
            message = message_of(error) if isinstance(error, EngineError) else QT_TRANSLATE_NOOP(
                "Engine", "The model could not be loaded: {error}").format(error=message_of(error))
            note_activity(activity="idle")
            self.load_failed.emit(message, self.model_info)
        else:
            note_activity(activity="idle", n_ctx=info.n_ctx, gpu_layers=info.gpu_layers)
            self.loaded.emit(info)

    @Slot(object, object)
    def generate(self, request: GenerationRequest, cancel: threading.Event) -> None:
        request_id = request.request_id
        if cancel.is_set():
            self.finished.emit(request_id, GenerationStats(request_id, "cancelled"))
            return
        pending: list[str] = []
        pending_tokens: list = []
        last_flush = 0.0

        def flush() -> None:
            nonlocal last_flush
            if pending:
                self.chunk.emit(request_id, "".join(pending))
                pending.clear()
            if pending_tokens:  # after the text they belong to
                self.tokens.emit(request_id, pending_tokens.copy())
                pending_tokens.clear()
            last_flush = time.monotonic()

        def emit(text: str) -> None:
            pending.append(text)
            if time.monotonic() - last_flush >= BATCH_INTERVAL_S:
                flush()

        def emit_tokens(choices: list) -> None:
            pending_tokens.extend(choices)

        note_activity(activity="chat" if request.messages else "continuation" if request.continuation else "prompt")
        self._idle_save.stop()
        try:
            if request.alternatives > 0 or request.branch is not None:
                stats = self.backend.generate(request, emit, cancel, on_tokens=emit_tokens)
            else:
                stats = self.backend.generate(request, emit, cancel)
        except (EngineError, RemoteError) as error:
            flush()
            self.failed.emit(request_id, message_of(error))
        except Exception as error:  # noqa: BLE001 - every request ends with finished or failed
            flush()
            self.failed.emit(request_id, QT_TRANSLATE_NOOP("Engine", "Generation failed: {error}").format(
                error=message_of(error)))
        else:
            flush()
            self.finished.emit(request_id, stats)
        finally:
            note_activity(activity="idle")
            if request.cache_key:
                self._idle_save.start()

    def _save_state(self) -> None:
        """Between requests: the local model keeps the state of the draft or conversation it
        holds (app/engine/resume.py)."""
        save = getattr(self._backend, "save_state", None)
        if self._remote is not None or save is None:
            return
        try:
            save()
        except Exception:  # noqa: BLE001 - saved state is an optimisation: never a failure
            log.exception("The model state could not be kept.")

    @Slot(int, object)
    def run_job(self, job_id: int, job: Callable[[Backend], object]) -> None:
        """Runs ``job(backend)`` on the engine thread (benchmarks, model facts)."""
        try:
            result = job(self.backend)
        except Exception as error:  # noqa: BLE001
            self.job_failed.emit(job_id, message_of(error))
        else:
            self.job_done.emit(job_id, result)

    @Slot()
    def unload(self) -> None:
        self._remote = None
        if self._backend is not None:
            self._backend.unload()
        self.unloaded.emit()

    @Slot()
    def close(self) -> None:
        self._idle_save.stop()  # on the engine thread, where it runs; unloading keeps the state
        if self._backend is not None:
            self._backend.unload()
