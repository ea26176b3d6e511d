"""One window per data folder: a second start hands its request to the running window.

Two windows on one database would each save over the other's drafts and settings. So the
window holds a lock file in its data folder (:class:`QLockFile`, which notices a lock left by a
process that no longer runs, however it ended, and takes it over) and listens on a local
socket whose name is derived from the folder's path: a start that finds the lock taken sends
its request (a model to open) down that socket, waits for the answer and exits. Different
data folders (``--data-dir``) have different locks and names, and run side by side.

The command line's subcommands (``inkwell chat`` …) open no window and take no lock.
"""

from __future__ import annotations

import enum
import hashlib
import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

LOCK_FILE = "inkwell.lock"
ANSWER = b"ok\n"
MAX_REQUEST = 64 * 1024  # bytes: a request is one line of JSON, a path or two
WAIT_S = 10.0  # how long a second start waits for the running window to answer


class Outcome(enum.Enum):
    FIRST = "first"  # this start holds the folder: open the window
    HANDED_OVER = "handed over"  # the running window took the request: exit
    NO_ANSWER = "no answer"  # a live process holds the folder but does not answer


def server_name(data_dir: str | Path) -> str:
    """The local socket's name for a data folder: the same for every start on that folder."""
    folder = str(Path(data_dir).expanduser().resolve())
    return "inkwell-" + hashlib.sha256(folder.encode("utf-8")).hexdigest()[:24]


def no_answer_message(data_dir: str | Path) -> str:
    return QCoreApplication.translate(
        "SingleInstance",
        "Inkwell is already open on the data folder {folder}, but that window does not answer. "
        "Close it (or end its process), then start Inkwell again.",
    ).format(folder=str(data_dir))


class SingleInstance(QObject):
    """The data folder's lock and the socket later starts talk to."""

    requested = Signal(dict)  # what a later start asked for, e.g. {"model": "/path/x.gguf"}

    def __init__(self, data_dir: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.name = server_name(self.data_dir)
        self.lock = QLockFile(str(self.data_dir / LOCK_FILE))
        # Held for as long as the window is open: only a dead owner makes it stale, not age.
        self.lock.setStaleLockTime(0)
        self.server: QLocalServer | None = None

    def start(self, request: dict, wait_s: float = WAIT_S) -> Outcome:
        """Takes the folder (then listens for later starts), or hands ``request`` to the
        window that has it."""
        deadline = time.monotonic() + wait_s
        while True:
            if self.lock.tryLock(0):
                self._listen()
                return Outcome.FIRST
            if self.lock.error() != QLockFile.LockError.LockFailedError:
                # The folder cannot hold a lock (read-only, say): open anyway, as before; the
                # database says what is wrong with the folder.
                print(f"inkwell: cannot lock the data folder {self.data_dir}; "
                      "a second window on it would not be noticed", file=sys.stderr)
                return Outcome.FIRST
            sent = self._send(request, deadline)
            if sent is not None:
                return Outcome.HANDED_OVER if sent else Outcome.NO_ANSWER
            # Nobody listens: the owner died a moment ago (then the lock is stale and the next
            # try takes it), or the lock names a process that is alive but is no window (a
            # dead window's number, reused): a window listens the moment it takes the lock.
            if time.monotonic() >= deadline:
                if self.lock.removeStaleLockFile() and self.lock.tryLock(0):
                    print(f"inkwell: the lock in {self.data_dir} named a process that is not an Inkwell "
                          "window; it was taken over", file=sys.stderr)
                    self._listen()
                    return Outcome.FIRST
                return Outcome.NO_ANSWER
            time.sleep(0.1)

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.lock.isLocked():
            self.lock.unlock()

    # -- the second start ----------------------------------------------------------------

    def _send(self, request: dict, deadline: float) -> bool | None:
        """None: nobody listens; True: the window answered; False: it took the connection but
        gave no answer in time."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(1000):
            return None
        socket.write(json.dumps(request).encode("utf-8") + b"\n")
        deadline = max(deadline, time.monotonic() + 5)  # a window that is found gets time to answer
        answered = False
        while time.monotonic() < deadline:
            if socket.canReadLine():
                answered = bytes(socket.readLine().data()) == ANSWER
                break
            remaining = max(1, int((deadline - time.monotonic()) * 1000))
            socket.waitForBytesWritten(min(remaining, 100))
            if not socket.waitForReadyRead(min(remaining, 500)) and socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
                break
        socket.abort()
        return answered

    # -- the window's side ---------------------------------------------------------------

    def _listen(self) -> None:
        # A socket file left by a start that was killed would refuse the name; with the
        # lock held, whatever is there is stale.
        QLocalServer.removeServer(self.name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            print(f"inkwell: later starts cannot reach this window ({server.errorString()}); "
                  "they will wait and give up", file=sys.stderr)
            return
        server.newConnection.connect(self._on_connection)
        self.server = server

    def _on_connection(self) -> None:
        while self.server is not None and (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda socket=socket: self._read(socket))
            socket.disconnected.connect(socket.deleteLater)
            self._read(socket)  # what arrived before the connection was taken

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine(MAX_REQUEST).data())
            try:
                request = json.loads(line)
            except ValueError:
                request = None
            if not isinstance(request, dict):
                socket.abort()
                return
            socket.write(ANSWER)
            socket.flush()
            self.requested.emit(request)
        if socket.bytesAvailable() > MAX_REQUEST:
            socket.abort()
