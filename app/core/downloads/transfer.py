"""Downloading a model's files from the Hub: resumed, verified, cancellable.

In huggingface_hub 2.4 ``hf_hub_download`` downloads into a process-unique
``<etag>.<random>.incomplete`` file and deletes that file whenever the
download fails (``file_download._download_to_tmp_and_move``), so a cancel, a
network drop or an app restart starts over from byte 0; it only retries
within one call. It also reports progress through tqdm only, has no cancel,
and stores files in its own cache layout. So the bytes come from the address
the Hub redirects to (a CDN that honours ``Range``, for Xet-backed
repositories too) with the standard library, resumed and verified here.

Resume state lives next to the destination file: ``<name>.part`` holds the
bytes received so far (its size is the resume offset) and ``<name>.part.json``
says which file they belong to (repo, path, size, sha256, etag). A part whose
record does not match the file being downloaded is thrown away rather than
trusted. The SHA-256 of the whole file is checked before the part is renamed
into place, so a part damaged by, say, a power cut cannot become a model file.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import json
import math
import os
import re
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Final
from urllib.parse import quote, urljoin

from app import __version__
from app.core.downloads.hub import (
    REVISION,
    DownloadCancelled,
    DownloadError,
    http_get,
    hub_endpoint,
    hub_failure,
    hub_token,
    origin,
    transfer_refused,
)
from app.core.downloads.listing import SHA256_RE, RemoteFile, RemoteModel
from app.core.downloads.references import check_repo_id
from app.core.paths import sync_folder
from app.core.translatable import QT_TRANSLATE_NOOP

# Speed is measured over the last seconds, so that it follows the network
# now rather than the average since the start.
_SPEED_WINDOW_S: Final = 5.0
_HASH_CHUNK: Final = 4 << 20
_MEGABYTE: Final = 1_000_000

# "No space left" and "quota exceeded" read the same to a person.
_DISK_FULL: Final = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})


@dataclass(frozen=True)
class Progress:
    """Where a download stands.

    ``done`` counts the bytes on disk, including those of an earlier attempt
    that this one resumes; it goes back to 0 only if the download has to
    start over (the server ignored the resume request). ``bytes_per_second``
    is the recent speed (0.0 until measured); ``seconds_left`` is ``None``
    until a speed is known. For a split model (:class:`ModelDownload`) the
    figures are over all its parts, and ``part`` says which of the ``parts``
    is being downloaded.
    """

    done: int
    total: int
    bytes_per_second: float
    seconds_left: float | None
    part: int = 1
    parts: int = 1

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


def _free_bytes(folder: Path) -> int:
    """Free space where the download is written (a seam for the tests)."""
    return shutil.disk_usage(folder).free


def _write_all(file: BinaryIO, data: bytes) -> None:
    """Writes all of ``data`` to an unbuffered file (raw writes may be partial)."""
    view = memoryview(data)
    while view:
        written = file.write(view)
        if not written:
            raise OSError(errno.EIO, "the file accepted no bytes")
        view = view[written:]


def _megabytes(count: int) -> str:
    return f"{max(1, math.ceil(count / _MEGABYTE)):,}"


def _normalize_etag(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"') or None


_CONTENT_RANGE_RE: Final = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


class _SpeedMeter:
    """Recent transfer speed, from (time, bytes) samples over a sliding window."""

    def __init__(self, done: int, window: float = _SPEED_WINDOW_S) -> None:
        self._window = window
        self._samples: deque[tuple[float, int]] = deque([(time.monotonic(), done)])

    def add(self, done: int) -> float:
        now = time.monotonic()
        self._samples.append((now, done))
        # Keep one sample older than the window so the span covers all of it.
        while len(self._samples) > 2 and now - self._samples[1][0] >= self._window:
            self._samples.popleft()
        start, first = self._samples[0]
        elapsed = now - start
        return (done - first) / elapsed if elapsed > 0 else 0.0


# Destination files being written in this process: a second Download of the
# same file would append to the same part.
_ACTIVE: set[Path] = set()
_ACTIVE_LOCK = threading.Lock()


class Download:
    """One GGUF file from the Hub into ``dest_dir``, resumable.

    Construct it with a :class:`RemoteFile` from :func:`list_gguf_files` (its
    size and SHA-256 are what the download is checked against), then call
    :meth:`run` on a worker thread. A failed or cancelled run keeps the
    partial file; running a new ``Download`` of the same file later, even
    after a restart, resumes it.
    """

    # Progress is reported at most this often (and at the start and the end):
    # at full speed a read returns every few milliseconds.
    progress_interval: ClassVar[float] = 0.1

    def __init__(
        self,
        repo_id: str,
        remote: RemoteFile,
        dest_dir: Path,
        *,
        endpoint: str | None = None,
        token: str | None = None,
        chunk_size: int = 1 << 20,
        timeout: float = 30,
    ) -> None:
        check_repo_id(repo_id)
        name = remote.name
        # Files are flattened into the models folder: the name alone must be safe there.
        if not name or name.startswith(".") or "\\" in name or name != name.strip():
            raise ValueError(QT_TRANSLATE_NOOP(
                "Downloads", "'{path}' cannot be saved as a model file name.").format(path=remote.path))
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        self.repo_id = repo_id
        self.remote = remote
        self.dest_dir = Path(dest_dir)
        self.endpoint = (endpoint or hub_endpoint()).rstrip("/")
        self._token = token if token is not None else hub_token()
        self.chunk_size = chunk_size
        self.timeout = timeout
        self._etag: str | None = None  # the Hub's ETag of the file, kept in the sidecar

    @property
    def dest_path(self) -> Path:
        return self.dest_dir / self.remote.name

    @property
    def partial_path(self) -> Path:
        return self.dest_dir / f"{self.remote.name}.part"

    @property
    def sidecar_path(self) -> Path:
        return self.dest_dir / f"{self.remote.name}.part.json"

    @property
    def url(self) -> str:
        return f"{self.endpoint}/{quote(self.repo_id)}/resolve/{REVISION}/{quote(self.remote.path)}"

    def run(
        self,
        progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Path:
        """Downloads (or finishes) the file and returns its path, once verified.

        Raises :class:`DownloadCancelled` when ``cancel`` is set (checked
        between reads) and :class:`DownloadError` otherwise; both keep the
        partial file unless it is known to be bad.
        """
        cancel = cancel or threading.Event()
        dest = self.dest_path.resolve()
        with _ACTIVE_LOCK:
            if dest in _ACTIVE:
                raise DownloadError(QT_TRANSLATE_NOOP(
                    "Downloads", "'{name}' is already being downloaded.").format(name=self.remote.name))
            _ACTIVE.add(dest)
        try:
            return self._run(progress, cancel)
        finally:
            with _ACTIVE_LOCK:
                _ACTIVE.discard(dest)

    # -- steps ---------------------------------------------------------------

    def _run(self, progress: Callable[[Progress], None] | None, cancel: threading.Event) -> Path:
        try:
            self.dest_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "Could not create the folder {folder}: {error}."
            ).format(folder=str(self.dest_dir), error=error.strerror or str(error))) from error
        if self._already_downloaded(cancel):
            return self.dest_path

        offset = self._resume_offset()
        total = self.remote.size
        if progress is not None:
            progress(Progress(offset, total, 0.0, None))
        hasher = self._hash_part(offset, cancel)
        if offset < total:
            self._check_space(total - offset)
            response, offset, hasher = self._open(offset, hasher)
            try:
                self._stream(response, offset, hasher, progress, cancel)
            finally:
                response.close()
        self._finish(hasher)
        return self.dest_path

    def _already_downloaded(self, cancel: threading.Event) -> bool:
        """True if the destination already holds this very file (checked by hash)."""
        dest = self.dest_path
        try:
            if not dest.is_file() or dest.stat().st_size != self.remote.size:
                return False
        except OSError:
            return False
        expected = self.remote.sha256
        if expected is not None and self._hash_file(dest, self.remote.size, cancel).hexdigest() != expected:
            return False  # another file by that name: the download replaces it at the end
        self._discard_part()
        return True

    def _resume_offset(self) -> int:
        """Bytes of a valid part to resume from (0: start afresh)."""
        part = self.partial_path
        try:
            size = part.stat().st_size if part.is_file() else 0
        except OSError:
            size = 0
        record = self._read_sidecar()
        if size and record is not None and self._same_file(record) and size <= self.remote.size:
            self._etag = record.get("etag") if isinstance(record.get("etag"), str) else None
            return size
        # No part, a part of something else (or of an older version of this
        # file), or one without its record (the record is written first, so
        # ours always have one): useless, removed. The new part is created
        # once the server has answered well (_start_part), so that a failure
        # before the first byte (offline, 404, gated) leaves nothing behind.
        self._etag = None
        self._discard_part()
        return 0

    def _same_file(self, record: dict[str, Any]) -> bool:
        return (
            record.get("version") == 1
            and record.get("repo") == self.repo_id
            and record.get("path") == self.remote.path
            and record.get("size") == self.remote.size
            and record.get("sha256") == self.remote.sha256
        )

    def _hash_part(self, offset: int, cancel: threading.Event) -> "hashlib._Hash":
        # hashlib objects cannot be saved, so a resumed download hashes the bytes it already has.
        if offset == 0:
            return hashlib.sha256()
        return self._hash_file(self.partial_path, offset, cancel)

    def _hash_file(self, path: Path, length: int, cancel: threading.Event) -> "hashlib._Hash":
        hasher = hashlib.sha256()
        try:
            with path.open("rb") as file:
                left = length
                while left > 0:
                    if cancel.is_set():
                        raise self._cancelled()
                    block = file.read(min(_HASH_CHUNK, left))
                    if not block:
                        break
                    hasher.update(block)
                    left -= len(block)
        except OSError as error:
            raise DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "Could not read {path}: {error}.").format(path=str(path), error=error.strerror or str(error))) from error
        return hasher

    def _check_space(self, needed: int) -> None:
        try:
            free = _free_bytes(self.dest_dir)
        except OSError:
            return  # unknown: let the writes tell
        if free < needed:
            raise self._disk_full(needed)

    def _open(self, offset: int, hasher: "hashlib._Hash") -> tuple[http.client.HTTPResponse, int, "hashlib._Hash"]:
        """The response to stream from, and the offset and hash state it continues.

        Asks the Hub first (:meth:`_metadata`): whether the file is still the
        one listed, and where its bytes are. Starts over (offset 0, empty part)
        when resuming is not possible: the file changed on the Hub, the server
        ignored ``Range`` (200 instead of 206: appending its body would corrupt
        the file) or refused it (416).
        """
        metadata = self._metadata()
        if self._check_metadata(metadata, resuming=offset > 0):
            offset, hasher = 0, hashlib.sha256()
        url = urljoin(self.url, metadata.location)
        # The token goes to the Hub only (a small file's bytes come from the Hub itself).
        token = self._token if origin(url) == origin(self.url) else None
        for _ in range(3):
            headers = {"Range": f"bytes={offset}-"} if offset else {}
            response = http_get(url, token=token, timeout=self.timeout, headers=headers)
            try:
                status = response.status
                if status == 200:
                    # The whole file from byte 0, asked for or not (a server
                    # that ignores Range): take it from the start.
                    self._check_length(response.headers)
                    self._start_part()
                    return response, 0, hashlib.sha256()
                if status == 206 and offset and self._content_range_ok(response.headers, offset):
                    self._write_sidecar()  # with the etag just seen
                    return response, offset, hasher
                if status not in (206, 416) or not offset:
                    raise transfer_refused(status)
                # A 206 for the wrong bytes, or a 416: start over.
            except BaseException:
                response.close()
                raise
            response.close()
            offset, hasher = 0, hashlib.sha256()
        raise DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "The download server keeps sending the wrong part of '{name}': try again later."
        ).format(name=self.remote.name))

    def _metadata(self) -> Any:
        """huggingface_hub's ``HfFileMetadata`` of the file: etag, size and where the bytes are."""
        from huggingface_hub import get_hf_file_metadata

        try:
            return get_hf_file_metadata(
                self.url, token=self._token or False, timeout=self.timeout, endpoint=self.endpoint,
                library_name="inkwell", library_version=__version__,
            )
        except Exception as error:  # noqa: BLE001 - every failure becomes a message (hub_failure)
            raise hub_failure(
                error, endpoint=self.endpoint, repo_id=self.repo_id, file=self.remote.path, token=self._token
            ) from error

    def _check_metadata(self, metadata: Any, *, resuming: bool) -> bool:
        """Compares the Hub's description of the file with the listing's; True to start over.

        For an LFS file the Hub's etag is its SHA-256: one that differs from
        the listing means the file was replaced since it was listed, and
        downloading would only fail the checksum at the end. An etag that
        differs from the one the part was downloaded with (a small file has
        no SHA-256 to compare) means the part is of another version.
        """
        etag = _normalize_etag(metadata.etag)
        other_sha256 = (
            self.remote.sha256 is not None
            and etag is not None
            and SHA256_RE.fullmatch(etag) is not None
            and etag != self.remote.sha256
        )
        other_size = metadata.size is not None and metadata.size != self.remote.size
        if other_sha256 or other_size:
            raise self._changed()
        restart = resuming and self._etag is not None and etag is not None and etag != self._etag
        if etag is not None:
            self._etag = etag
        return restart

    def _content_range_ok(self, headers: Message, offset: int) -> bool:
        match = _CONTENT_RANGE_RE.fullmatch((headers.get("Content-Range") or "").strip())
        if match is None or int(match.group(1)) != offset:
            return False
        return match.group(3) == "*" or int(match.group(3)) == self.remote.size

    def _check_length(self, headers: Message) -> None:
        length = headers.get("Content-Length")
        if length is not None and length.strip().isdigit() and int(length) != self.remote.size:
            # The Hub's own description matched (_check_metadata): most likely a
            # network's sign-in page answering in place of the download server.
            raise DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "The server sent {received} bytes for '{name}' instead of "
                "{expected}: if this network has a sign-in page, sign in; otherwise "
                "reload the list of files and try again."
            ).format(received=f"{int(length):,}", name=self.remote.name, expected=f"{self.remote.size:,}"))

    def _stream(
        self,
        response: http.client.HTTPResponse,
        offset: int,
        hasher: "hashlib._Hash",
        progress: Callable[[Progress], None] | None,
        cancel: threading.Event,
    ) -> None:
        total = self.remote.size
        done = offset
        meter = _SpeedMeter(done)
        speed = 0.0
        last_report = time.monotonic()

        def report() -> None:
            if progress is not None:
                left = (total - done) / speed if speed > 0 else (0.0 if done >= total else None)
                progress(Progress(done, total, speed, left))

        report()
        try:
            # Unbuffered: what write() returns is in the file, so after any
            # failure the part's size is exactly the bytes received.
            file = self.partial_path.open("r+b", buffering=0)
        except OSError as error:
            raise self._write_error(self.partial_path, error) from error
        with file:
            try:
                self._file_op(file.seek, offset, left=total - offset)
                self._file_op(file.truncate, left=total - offset)
                while done < total:
                    if cancel.is_set():
                        raise self._cancelled()
                    try:
                        # read1: at most one socket read, so a slow link still
                        # reports progress and notices a cancel promptly.
                        chunk = response.read1(min(self.chunk_size, total - done))
                    except (OSError, http.client.HTTPException) as error:
                        raise self._interrupted(str(error) or type(error).__name__) from error
                    if not chunk:
                        # http.client returns b"" when the server closes early.
                        raise self._interrupted(QT_TRANSLATE_NOOP("Downloads", "the server closed the connection"))
                    self._file_op(_write_all, file, chunk, left=total - done)
                    hasher.update(chunk)
                    done += len(chunk)
                    speed = meter.add(done)
                    now = time.monotonic()
                    if now - last_report >= self.progress_interval:
                        last_report = now
                        report()
                # Written back now: a full disk may only show here.
                self._file_op(os.fsync, file.fileno(), left=0)
            except DownloadError:
                # The part is kept for resuming: make it last.
                try:
                    os.fsync(file.fileno())
                except OSError:
                    pass
                raise
        report()

    def _file_op(self, operation: Callable[..., object], *args: Any, left: int) -> None:
        """Runs an operation on the part; an OSError becomes a DownloadError
        (``left``: the bytes still to write, for the disk-full message)."""
        try:
            operation(*args)
        except OSError as error:
            if error.errno in _DISK_FULL:
                raise self._disk_full(max(left, _MEGABYTE)) from error
            raise self._write_error(self.partial_path, error) from error

    def _finish(self, hasher: "hashlib._Hash") -> None:
        """Verifies the part and renames it into place (atomic on one file system)."""
        if not self.partial_path.exists():
            self._start_part()  # an empty file: nothing was requested
        if self.remote.sha256 is not None and hasher.hexdigest() != self.remote.sha256:
            self._discard_part()
            raise DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "'{name}' did not match the Hub's SHA-256; the file was removed, download it again."
            ).format(name=self.remote.name))
        try:
            os.replace(self.partial_path, self.dest_path)
        except OSError as error:
            raise DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "Could not save {path} ({error}): if that model is open, "
                "close it and try again; the download is kept."
            ).format(path=str(self.dest_path), error=error.strerror or str(error))) from error
        self.sidecar_path.unlink(missing_ok=True)
        sync_folder(self.dest_dir)

    # -- resume state ----------------------------------------------------------

    def _read_sidecar(self) -> dict[str, Any] | None:
        try:
            record = json.loads(self.sidecar_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    def _write_sidecar(self) -> None:
        record = {
            "version": 1,
            "repo": self.repo_id,
            "path": self.remote.path,
            "size": self.remote.size,
            "sha256": self.remote.sha256,
            "etag": self._etag,
        }
        temporary = self.sidecar_path.with_name(self.sidecar_path.name + ".tmp")
        try:
            temporary.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
            os.replace(temporary, self.sidecar_path)
        except OSError as error:
            raise self._write_error(self.sidecar_path, error) from error

    def _start_part(self) -> None:
        """An empty part and its record; the record first, so a part always has one."""
        self._write_sidecar()
        self._truncate_part()

    def _truncate_part(self) -> None:
        try:
            with self.partial_path.open("wb"):
                pass
        except OSError as error:
            raise self._write_error(self.partial_path, error) from error

    def _discard_part(self) -> None:
        for path in (self.partial_path, self.sidecar_path):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass

    # -- messages ------------------------------------------------------------------

    def _cancelled(self) -> DownloadCancelled:
        return DownloadCancelled(QT_TRANSLATE_NOOP(
            "Downloads", "The download of '{name}' was cancelled; it will resume where it stopped."
        ).format(name=self.remote.name))

    def _interrupted(self, reason: str) -> DownloadError:
        return DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "The download of '{name}' was interrupted ({reason}); "
            "it will resume where it stopped when you try again."
        ).format(name=self.remote.name, reason=reason))

    def _changed(self) -> DownloadError:
        return DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "'{path}' has changed on the Hub since its list was loaded: "
            "reload the list of files and download it again."
        ).format(path=self.remote.path))

    def _disk_full(self, needed: int) -> DownloadError:
        try:
            free = _free_bytes(self.dest_dir)
        except OSError:
            free = 0
        return DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "The disk is full: {megabytes} MB more are needed to download "
            "'{name}' into {folder}. Free some space and try again; "
            "what is downloaded so far is kept."
        ).format(megabytes=_megabytes(needed - free), name=self.remote.name, folder=str(self.dest_dir)))

    def _write_error(self, path: Path, error: OSError) -> DownloadError:
        if error.errno in _DISK_FULL:
            return self._disk_full(self.remote.size)
        return DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "Could not write {path}: {error}.").format(path=str(path), error=error.strerror or str(error)))


class ModelDownload:
    """A model from the Hub into ``dest_dir``: its one file, or every part of a split model.

    The parts are downloaded one after the other, each a :class:`Download`
    (so each resumes and is verified on its own); progress is reported over
    all of them. :meth:`run` returns the path of the first part, the one to
    hand llama.cpp, once every part is in place.
    """

    def __init__(self, repo_id: str, model: RemoteModel, dest_dir: Path, **options: Any) -> None:
        self.repo_id = repo_id
        self.model = model
        self.downloads = [Download(repo_id, part, dest_dir, **options) for part in model.parts]

    @property
    def dest_path(self) -> Path:
        return self.downloads[0].dest_path

    def run(
        self,
        progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Path:
        """Downloads (or finishes) every part; raises as :meth:`Download.run` does."""
        if self.model.missing:
            raise DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "'{name}' is split into {count} files, but the repository '{repo}' lacks part(s) "
                "{missing}: it cannot be downloaded complete."
            ).format(name=self.model.name, count=self.model.count, repo=self.repo_id,
                     missing=", ".join(str(i) for i in self.model.missing)))
        cancel = cancel or threading.Event()
        total = self.model.size
        before = 0  # bytes of the parts already done
        count = len(self.downloads)
        for number, download in enumerate(self.downloads, start=1):
            def relay(step: Progress, before: int = before, number: int = number) -> None:
                if progress is None:
                    return
                done = before + step.done
                speed = step.bytes_per_second
                left = (total - done) / speed if speed > 0 else (0.0 if done >= total else None)
                progress(Progress(done, total, speed, left, number, count))

            download.run(progress=relay, cancel=cancel)
            before += download.remote.size
        return self.dest_path
