"""Background work that is not the engine's: the one way Inkwell runs it off the GUI thread.

Scanning folders for models, asking the Hub for a repository's files, downloading a model and
asking a server for its models all block for a while; the window must keep responding. Each
goes through :class:`Tasks`, which guarantees three things:

* **A running worker stays alive until it ends.** Each task runs on a Python thread of its own
  (a hung network call cannot hold up a scan, as it could in a small shared thread pool) and
  the :class:`Task` object that relays its results is kept in a module-level set until it has
  delivered them, whatever happens to the widget that asked for it. (A ``QThread`` destroyed
  while it runs aborts the app: "QThread: Destroyed while thread is still running".)
* **The newest request of a kind wins.** Starting a task of a kind that is already running
  replaces the older one: its cancel flag is set, and its progress and result never reach
  the UI, even if it ends later than the newer one. A slow listing cannot overwrite a fast
  newer one, nor a stale scan a fresh one.
* **Cancellation where the work supports it.** ``Task.cancelled`` is a ``threading.Event``
  the work checks between steps (a scan between files, a download between reads);
  :meth:`Tasks.cancel` sets it. A cancelled (not replaced) task still reports how it ended,
  so a cancelled download can say "stopped; download again to resume".

When the widget that owns the tasks is destroyed, its running tasks are cancelled and
report nothing. Results reach the GUI thread through queued signals, never synchronously.

Why not superqt's ``create_worker`` (napari's workers): it runs on ``QThreadPool.globalInstance()``,
whose size is the number of cores; on a two-core laptop a download plus a server that does
not answer would leave a folder scan waiting in the queue. It also has no notion of a newer
request replacing an older one, which is most of what this module is for.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal

log = logging.getLogger(__name__)

# Tasks whose thread may still be running or whose results are on their way to the GUI
# thread: the only strong references some of them have.
_ALIVE: set["Task"] = set()
_ALIVE_LOCK = threading.Lock()


class Task(QObject):
    """One piece of background work. Made by :meth:`Tasks.start`; lives in the GUI thread.

    The work receives the task: it checks ``task.cancelled`` where it can stop, and calls
    ``task.report(value)`` (from its own thread) to send progress. ``progressed``,
    ``succeeded`` (the work's return value) and ``failed`` (the exception it raised) are
    emitted on the GUI thread, only while the task is current: not replaced by a newer task
    of its kind, and its owner not destroyed.
    """

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    ended = Signal()  # after succeeded or failed (also emitted only while current)

    _reported = Signal(object)  # from the worker thread
    _returned = Signal(bool, object)  # from the worker thread: (ok, value or exception)

    def __init__(self, kind: str, work: Callable[["Task"], Any], owner: "Tasks") -> None:
        super().__init__()  # no parent: it must outlive its owner while its thread runs
        self.kind = kind
        self.cancelled = threading.Event()
        self.replaced = False
        self.finished = False  # the work has returned or raised (set on the GUI thread)
        self._work = work
        self._owner = owner
        # Queued even though the signals are emitted from another thread anyway: delivery is
        # always a later turn of the event loop, so whoever started the task can connect first.
        self._reported.connect(self._on_reported, Qt.ConnectionType.QueuedConnection)
        self._returned.connect(self._on_returned, Qt.ConnectionType.QueuedConnection)

    # -- from any thread -------------------------------------------------------------------

    def cancel(self) -> None:
        """Asks the work to stop (it checks ``cancelled``); it still reports how it ended."""
        self.cancelled.set()

    def report(self, value: object) -> None:
        """Progress from the work; reaches ``progressed`` on the GUI thread."""
        if not self.replaced:  # a replaced task's progress would only be dropped on arrival
            self._reported.emit(value)

    # -- GUI thread ----------------------------------------------------------------------------

    @property
    def current(self) -> bool:
        """Whether what this task reports still reaches the UI."""
        return not self.replaced and self._owner.alive

    def _start(self) -> None:
        with _ALIVE_LOCK:
            _ALIVE.add(self)
        threading.Thread(target=self._run, name=f"Inkwell-{self.kind}", daemon=True).start()

    def _run(self) -> None:
        try:
            result = self._work(self)
        except BaseException as error:  # noqa: BLE001 - every ending is reported, exactly once
            ok, value = False, error
        else:
            ok, value = True, result
        self._returned.emit(ok, value)

    def _on_reported(self, value: object) -> None:
        if self.current and not self.finished:
            self.progressed.emit(value)

    def _on_returned(self, ok: bool, value: object) -> None:
        self.finished = True
        # Dropped on a later turn, not inside this slot: the object must not be deleted
        # while Qt is still delivering its event.
        QTimer.singleShot(0, functools.partial(_forget, self))
        if not self.current:
            return
        self._owner._ended(self)
        if ok:
            self.succeeded.emit(value)
        else:
            if not isinstance(value, self._owner.expected):
                log.error("Background task %r failed", self.kind, exc_info=value)
            self.failed.emit(value)
        self.ended.emit()


def _forget(task: Task) -> None:
    with _ALIVE_LOCK:
        _ALIVE.discard(task)


def running_tasks() -> int:
    """How many tasks are alive (running, or ended with results on their way): for the tests."""
    with _ALIVE_LOCK:
        return len(_ALIVE)


class Tasks:
    """The background tasks of one widget (a page, a dialog), at most one running per kind.

    ``expected``: the exception types the work raises for a person to read (a
    ``DownloadError``, a ``RemoteError``); others are also reported through ``failed``,
    and logged with their traceback as the bugs they are.
    """

    def __init__(self, owner: QObject, expected: tuple[type[BaseException], ...] = ()) -> None:
        self.expected = expected
        self._owner = owner
        self._current: dict[str, Task] = {}
        current = self._current  # not self: the closure must not keep the owner's wrapper alive

        def owner_gone() -> None:
            for task in list(current.values()):
                task.replaced = True
                task.cancel()
            current.clear()

        owner.destroyed.connect(owner_gone)

    @property
    def alive(self) -> bool:
        return shiboken6.isValid(self._owner)

    def start(
        self,
        kind: str,
        work: Callable[[Task], Any],
        *,
        succeeded: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        progressed: Callable[[Any], None] | None = None,
    ) -> Task:
        """Runs ``work(task)`` on a thread; a running task of the same kind is replaced
        (cancelled, and nothing it reports reaches the UI any more)."""
        self.replace(kind)
        task = Task(kind, work, self)
        for signal, slot in ((task.succeeded, succeeded), (task.failed, failed), (task.progressed, progressed)):
            if slot is not None:
                signal.connect(slot)
        self._current[kind] = task
        task._start()
        return task

    def current(self, kind: str) -> Task | None:
        """The running task of ``kind`` whose results will reach the UI, or None."""
        return self._current.get(kind)

    def running(self, kind: str) -> bool:
        return kind in self._current

    def cancel(self, kind: str) -> None:
        """Asks the running task of ``kind`` to stop; it still reports how it ended."""
        task = self._current.get(kind)
        if task is not None:
            task.cancel()

    def replace(self, kind: str) -> None:
        """Cancels the running task of ``kind`` and drops whatever it would report."""
        task = self._current.pop(kind, None)
        if task is not None:
            task.replaced = True
            task.cancel()

    def replace_all(self) -> None:
        for kind in list(self._current):
            self.replace(kind)

    def _ended(self, task: Task) -> None:
        if self._current.get(task.kind) is task:
            del self._current[task.kind]
