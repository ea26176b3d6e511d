"""Saved model state: the KV cache of each draft and conversation, kept so that coming back to
it (also after a restart) does not evaluate its whole prompt again.

A saved state is llama.cpp's raw bytes for one sequence plus our own list of the tokens it
holds. It is valid only for the model file and the settings it was made with, so each one
carries a ``StateKey``; a state whose key differs from the one in use is never restored.

States live in memory first (an LRU within a byte budget) and are written to disk by a
background thread (an LRU of files within a size budget, never more than a fraction of the
free disk). A file that is truncated, corrupt, of another format or made for another key is
removed when it is found. Nothing here raises to its caller because of the disk: a full or
read-only disk means states are not kept, with a note in the log.

Pure Python: no Qt, no llama_cpp (the engine hands in bytes and token lists).
"""

from __future__ import annotations

import array
import hashlib
import json
import logging
import os
import queue
import shutil
import struct
import sys
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

MAGIC = b"INKWKV\r\n"  # \r\n: a file mangled by a text-mode copy is caught at once
FORMAT_VERSION = 1
SUFFIX = ".kvstate"
FOLDER_NAME = "model-state"  # under the cache folder
HEADER_HASH_LIMIT = 16 * 1024 * 1024  # bytes of a GGUF's header hashed into the key
DEFAULT_DISK_BUDGET_MB = 4096
DEFAULT_MEMORY_BUDGET = 512 * 1024 * 1024
DISK_FRACTION = 0.25  # of the free disk (counting what the cache holds) at most
STALE_TEMPORARY_S = 3600  # a temporary file this old was left by a process that died

_HEAD = struct.Struct("<8sII")  # magic, format version, length of the key's JSON
_COUNT = struct.Struct("<I")  # tokens
_LENGTH = struct.Struct("<Q")  # state bytes
_CHECK = struct.Struct("<I")  # CRC-32 of everything before it
_READ_CHUNK = 8 * 1024 * 1024
WRITE_CHUNK = 4 * 1024 * 1024
# A write waits for the engine to be between requests, but not longer than this in all.
MAX_WRITE_DELAY_S = 30.0


class CacheFileError(ValueError):
    """A state file that cannot be used: the reason, for the log."""


@dataclass(frozen=True)
class ModelFingerprint:
    """Which model file: its size, modification time and a hash of its GGUF header."""

    size: int
    mtime_ns: int
    header_sha256: str

    @classmethod
    def of(cls, path: str | os.PathLike, header_length: int = HEADER_HASH_LIMIT) -> ModelFingerprint:
        """Reads at most ``header_length`` bytes (give the GGUF's data offset: the header ends
        there) and at most HEADER_HASH_LIMIT. OSError when the file cannot be read."""
        stat = os.stat(path)
        digest = hashlib.sha256()
        remaining = max(0, min(header_length or HEADER_HASH_LIMIT, HEADER_HASH_LIMIT))
        with open(path, "rb") as file:
            while remaining:
                block = file.read(min(remaining, 1024 * 1024))
                if not block:
                    break
                digest.update(block)
                remaining -= len(block)
        return cls(stat.st_size, stat.st_mtime_ns, digest.hexdigest())


@dataclass(frozen=True)
class StateKey:
    """Everything that decides whether a saved state fits the model as it is loaded now."""

    model: ModelFingerprint
    n_ctx: int
    kv_type: str
    flash_attention: bool
    gpu_layers: int
    state_format: str  # llama.cpp's state format version (and the library's)

    def as_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.as_json().encode()).hexdigest()


@dataclass(frozen=True, eq=False)
class SavedState:
    """One session's state: the tokens the KV cache holds, in order, and llama.cpp's bytes."""

    session: str
    tokens: array.array  # of "i" (int32)
    state: bytes | bytearray = field(repr=False)

    @classmethod
    def of(cls, session: str, tokens: Sequence[int], state: bytes | bytearray) -> SavedState:
        return cls(session, tokens if isinstance(tokens, array.array) else array.array("i", tokens), state)

    @property
    def nbytes(self) -> int:
        return len(self.state) + self.tokens.itemsize * len(self.tokens)

    def same_tokens(self, tokens: Sequence[int]) -> bool:
        return len(tokens) == len(self.tokens) and all(a == b for a, b in zip(self.tokens, tokens))


def file_name(session: str) -> str:
    """One file per session, whatever the key: a state made for another key is replaced."""
    return hashlib.sha256(session.encode("utf-8")).hexdigest()[:32] + SUFFIX


def _key_document(key: StateKey, session: str) -> bytes:
    return json.dumps({"key": json.loads(key.as_json()), "session": session},
                      sort_keys=True, separators=(",", ":")).encode("utf-8")


def _little_endian(tokens: array.array) -> bytes:
    if sys.byteorder == "little":
        return tokens.tobytes()
    swapped = array.array("i", tokens)
    swapped.byteswap()
    return swapped.tobytes()


def _body(key: StateKey, saved: SavedState) -> list[bytes | bytearray | memoryview]:
    """The file's parts before its checksum: magic, format version, key (JSON, with the
    session), token count and tokens (int32), state length and bytes."""
    document = _key_document(key, saved.session)
    return [
        _HEAD.pack(MAGIC, FORMAT_VERSION, len(document)), document,
        _COUNT.pack(len(saved.tokens)), _little_endian(saved.tokens),
        _LENGTH.pack(len(saved.state)), memoryview(saved.state),
    ]


def encode(key: StateKey, saved: SavedState) -> list[bytes | bytearray | memoryview]:
    """The file's parts in order, without joining them (a state is often hundreds of MB),
    ending with a CRC-32 of all the others."""
    parts = _body(key, saved)
    check = 0
    for part in parts:
        check = zlib.crc32(part, check)
    return [*parts, _CHECK.pack(check)]


def write_file(path: Path, key: StateKey, saved: SavedState, pause: Callable[[], None] | None = None) -> int:
    """Writes atomically (a temporary file renamed over ``path``); the bytes written. Raises
    OSError; the temporary file is removed then. ``pause`` is called before every chunk of
    WRITE_CHUNK bytes (to wait while the engine is busy). No fsync: a file cut short by a
    power cut fails its check and is removed when it is next read."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    size = check = 0
    try:
        with open(temporary, "wb") as file:
            for part in _body(key, saved):
                view = memoryview(part).cast("B")
                for start in range(0, len(view), WRITE_CHUNK):
                    if pause is not None:
                        pause()
                    chunk = view[start: start + WRITE_CHUNK]
                    check = zlib.crc32(chunk, check)
                    file.write(chunk)
                    size += len(chunk)
            size += file.write(_CHECK.pack(check))
        os.replace(temporary, path)
    except BaseException:
        try:
            temporary.unlink()
        except OSError:
            pass
        raise
    return size


def read_file(path: Path, key: StateKey, session: str) -> SavedState:
    """The state in ``path`` when it is whole and made for ``key`` and ``session``; raises
    CacheFileError saying why not (OSError when it cannot be read at all)."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size

        def take(count: int) -> bytes:
            data = file.read(count)
            if len(data) != count:
                raise CacheFileError("truncated")
            return data

        head = take(_HEAD.size)
        magic, version, document_length = _HEAD.unpack(head)
        if magic != MAGIC:
            raise CacheFileError("not an Inkwell state file")
        if version != FORMAT_VERSION:
            raise CacheFileError(f"format version {version}, not {FORMAT_VERSION}")
        if _HEAD.size + document_length > size:
            raise CacheFileError("truncated")
        document = take(document_length)
        if document != _key_document(key, session):
            raise CacheFileError("made for another model, setting or session")
        count_bytes = take(_COUNT.size)
        (count,) = _COUNT.unpack(count_bytes)
        fixed = _HEAD.size + document_length + _COUNT.size + 4 * count + _LENGTH.size + _CHECK.size
        if fixed > size:
            raise CacheFileError("truncated")
        token_bytes = take(4 * count)
        length_bytes = take(_LENGTH.size)
        (length,) = _LENGTH.unpack(length_bytes)
        if fixed + length != size:
            raise CacheFileError("truncated" if fixed + length > size else "longer than it says")
        check = 0
        for part in (head, document, count_bytes, token_bytes, length_bytes):
            check = zlib.crc32(part, check)
        state = bytearray(length)
        view = memoryview(state)
        done = 0
        while done < length:
            got = file.readinto(view[done: done + _READ_CHUNK])
            if not got:
                raise CacheFileError("truncated")
            check = zlib.crc32(view[done: done + got], check)
            done += got
        (stored,) = _CHECK.unpack(take(_CHECK.size))
        if stored != check:
            raise CacheFileError("checksum mismatch")
    tokens = array.array("i")
    tokens.frombytes(token_bytes)
    if sys.byteorder != "little":
        tokens.byteswap()
    return SavedState(session, tokens, state)


def state_files(folder: Path) -> list[Path]:
    try:
        return [path for path in folder.iterdir() if path.name.endswith(SUFFIX)]
    except OSError:
        return []


def disk_usage(folder: Path) -> int:
    """Bytes the saved states take in ``folder`` (for the Models page)."""
    total = 0
    for path in state_files(folder):
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total


def clear_folder(folder: Path) -> int:
    """Removes every state file (and leftover temporary file) in ``folder``; the bytes freed."""
    freed = 0
    try:
        entries = list(folder.iterdir())
    except OSError:
        return 0
    for path in entries:
        if path.name.endswith(SUFFIX) or (SUFFIX + "." in path.name and path.name.endswith(".tmp")):
            try:
                size = path.stat().st_size
                path.unlink()
                freed += size
            except OSError:
                pass
    return freed


def free_disk_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


class StateCache:
    """Saved states by (key, session): an LRU in memory within ``memory_budget`` bytes, and
    files in ``folder`` written by one background thread, evicted oldest-used first to stay
    within ``disk_budget`` bytes and ``disk_fraction`` of the free disk.

    ``put`` and ``get`` are called from one thread (the engine's); the writer thread only
    writes and removes files. ``free_space`` tells the free bytes of the folder's disk (a
    parameter so that tests can pretend a disk is small)."""

    def __init__(
        self,
        folder: Path,
        *,
        disk_budget: int = DEFAULT_DISK_BUDGET_MB * 1024 * 1024,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        disk_fraction: float = DISK_FRACTION,
        free_space: Callable[[Path], int | None] = free_disk_bytes,
    ) -> None:
        self.folder = Path(folder)
        self.disk_budget = max(0, int(disk_budget))
        self.memory_budget = max(0, int(memory_budget))
        self.disk_fraction = disk_fraction
        self._free_space = free_space
        self._memory: OrderedDict[tuple[str, str], SavedState] = OrderedDict()
        self._memory_bytes = 0
        self._lock = threading.Lock()
        # Writes not finished yet, by file name: the newest state of each session only.
        self._pending: dict[str, tuple[StateKey, SavedState]] = {}
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._writer: threading.Thread | None = None
        self._cleared = 0  # counts clear(); a write that began before one removes its file
        # Set while the engine is between requests: files are written then, so that writing
        # never takes the cores from a prompt being read.
        self._quiet = threading.Event()
        self._quiet.set()
        self.notes: list[str] = []  # what went wrong with the disk, newest last (also logged)
        self._remove_stale_temporaries()

    # -- in memory -----------------------------------------------------------------------

    def put(self, key: StateKey, saved: SavedState, persist: bool = True) -> None:
        """Keeps ``saved`` in memory and, with ``persist``, has it written to disk soon."""
        with self._lock:
            self._remember(key, saved)
            if persist and self.disk_budget > 0:
                name = file_name(saved.session)
                self._pending[name] = (key, saved)
                self._start_writer()
                self._queue.put(name)

    def _remember(self, key: StateKey, saved: SavedState) -> None:
        slot = (key.digest, saved.session)
        old = self._memory.pop(slot, None)
        if old is not None:
            self._memory_bytes -= old.nbytes
        if saved.nbytes > self.memory_budget:
            return  # bigger than the whole budget: on disk only
        self._memory[slot] = saved
        self._memory_bytes += saved.nbytes
        while self._memory_bytes > self.memory_budget and self._memory:
            _, evicted = self._memory.popitem(last=False)
            self._memory_bytes -= evicted.nbytes

    def get(self, key: StateKey, session: str) -> SavedState | None:
        """The newest state of ``session`` made for ``key``: from memory, from a write still
        under way, or from its file (which is removed when it cannot be used)."""
        slot = (key.digest, session)
        name = file_name(session)
        with self._lock:
            saved = self._memory.get(slot)
            if saved is not None:
                self._memory.move_to_end(slot)
                self._touch(self.folder / name)
                return saved
            pending = self._pending.get(name)
            if pending is not None and pending[0] == key:
                return pending[1]
        path = self.folder / name
        if not path.exists():
            return None
        try:
            saved = read_file(path, key, session)
        except CacheFileError as error:
            log.info("Saved model state %s not used (%s); removed.", path.name, error)
            self._remove(path)
            return None
        except OSError as error:
            log.info("Saved model state %s could not be read (%s).", path.name, error)
            return None
        with self._lock:
            if name in self._pending:  # a newer state came while the file was read
                return self._pending[name][1] if self._pending[name][0] == key else None
            self._remember(key, saved)
        self._touch(path)
        return saved

    def forget(self, session: str) -> None:
        """Drops ``session``'s state everywhere (a draft or conversation that was deleted)."""
        name = file_name(session)
        with self._lock:
            for slot in [slot for slot in self._memory if slot[1] == session]:
                self._memory_bytes -= self._memory.pop(slot).nbytes
            self._pending.pop(name, None)
        self._remove(self.folder / name)

    def busy(self) -> None:
        """The engine started a request: writes wait (MAX_WRITE_DELAY_S at most)."""
        self._quiet.clear()

    def idle(self) -> None:
        """The engine is between requests: writes go on."""
        self._quiet.set()

    def in_memory(self, key: StateKey, session: str) -> bool:
        """Whether ``get`` would find the state without reading its file."""
        with self._lock:
            return (key.digest, session) in self._memory or (
                file_name(session) in self._pending and self._pending[file_name(session)][0] == key)

    @property
    def memory_bytes(self) -> int:
        return self._memory_bytes

    def disk_usage(self) -> int:
        return disk_usage(self.folder)

    def clear(self) -> int:
        """Forgets every state, in memory and on disk; the bytes freed on disk."""
        with self._lock:
            self._memory.clear()
            self._memory_bytes = 0
            self._pending.clear()
            self._cleared += 1
        return clear_folder(self.folder)

    # -- on disk -------------------------------------------------------------------------

    def flush(self, timeout: float | None = None) -> bool:
        """Waits until every state handed to ``put`` is written (or given up); False when
        ``timeout`` seconds passed first. Writes no longer wait for the engine to be idle."""
        self.idle()
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                if not self._pending:
                    return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def close(self, timeout: float | None = 30.0) -> bool:
        """Writes what is pending (up to ``timeout`` seconds) and stops the writer."""
        done = self.flush(timeout)
        writer = self._writer
        if writer is not None:
            self._queue.put(None)
            writer.join(timeout=1.0 if done else 0.0)
            self._writer = None
        return done

    def _start_writer(self) -> None:
        if self._writer is None or not self._writer.is_alive():
            self._writer = threading.Thread(target=self._write_loop, name="InkwellStateWriter", daemon=True)
            self._writer.start()

    def _write_loop(self) -> None:
        while True:
            name = self._queue.get()
            if name is None:
                return
            with self._lock:
                item = self._pending.get(name)
                cleared = self._cleared
            if item is None:
                continue  # written already with a later request for the same session
            key, saved = item
            try:
                self._write(name, key, saved)
            except Exception as error:  # noqa: BLE001 - the writer must outlive any failure
                self._note(f"Saved model state {name} not written: {error}")
            with self._lock:
                if self._pending.get(name) is item:
                    del self._pending[name]
                lost = cleared != self._cleared
            if lost:
                self._remove(self.folder / name)

    def _write(self, name: str, key: StateKey, saved: SavedState) -> None:
        path = self.folder / name
        need = _HEAD.size + len(_key_document(key, saved.session)) + _COUNT.size + 4 * len(saved.tokens) \
            + _LENGTH.size + len(saved.state) + _CHECK.size
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self._note(f"The folder for saved model state cannot be made ({error}); states are not kept on disk.")
            return
        files = []
        for other in state_files(self.folder):
            try:
                stat = other.stat()
            except OSError:
                continue
            if other.name != name:
                files.append((stat.st_mtime_ns, stat.st_size, other))
        used = sum(size for _, size, _ in files)
        free = self._free_space(self.folder)
        allowed = self.disk_budget
        if free is not None:
            old = path.stat().st_size if path.exists() else 0
            allowed = min(allowed, int((free + used + old) * self.disk_fraction))
        if need > allowed:
            self._note(f"The saved model state of {saved.session or 'a prompt'} ({need / 1e6:.0f} MB) is larger "
                       f"than the room allowed for saved state ({allowed / 1e6:.0f} MB); it is kept in memory only.")
            self._remove(path)  # an older state of the session would be restored in its place
            return
        files.sort()
        while files and used + need > allowed:
            _, size, oldest = files.pop(0)
            if self._remove(oldest):
                used -= size
        deadline = time.monotonic() + MAX_WRITE_DELAY_S

        def wait_for_quiet() -> None:
            self._quiet.wait(max(0.0, deadline - time.monotonic()))

        try:
            write_file(path, key, saved, pause=wait_for_quiet)
        except OSError as error:
            self._remove(path)
            self._note(f"The saved model state of {saved.session or 'a prompt'} was not written "
                       f"({error.strerror or error}); it is kept in memory only.")

    def _note(self, text: str) -> None:
        log.warning(text)
        self.notes.append(text)
        del self.notes[:-20]

    @staticmethod
    def _remove(path: Path) -> bool:
        try:
            path.unlink()
            return True
        except FileNotFoundError:
            return False
        except OSError as error:
            log.info("Saved model state %s could not be removed (%s).", path.name, error)
            return False

    @staticmethod
    def _touch(path: Path) -> None:
        """Marks a file as just used: eviction goes by modification time."""
        try:
            os.utime(path)
        except OSError:
            pass

    def _remove_stale_temporaries(self) -> None:
        now = time.time()
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for path in entries:
            if path.name.endswith(".tmp") and SUFFIX + "." in path.name:
                try:
                    if now - path.stat().st_mtime > STALE_TEMPORARY_S:
                        path.unlink()
                except OSError:
                    pass
