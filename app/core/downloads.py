"""Download GGUF models from the Hugging Face Hub into Inkwell's models folder.

What a person gets: the list of a repository's models (``.gguf`` files, the
parts of a split model counted as one) with their size and quantization, a
download that fetches every part, reports bytes, speed and time left over all
of them, can be cancelled, resumes each part where it stopped (after a cancel,
a dropped connection or an app restart), and checks each part against the
Hub's SHA-256 before the model is offered. Every failure is a
:class:`DownloadError` whose message says what happened and what to do.

What huggingface_hub already does is left to it: the file list
(``HfApi.model_info(files_metadata=True)``: one request, with a timeout and no
retry loop, so an offline computer hears so at once), a file's metadata on
the Hub and where its bytes are (``get_hf_file_metadata``: the ``resolve``
request, its redirect, ``X-Linked-Etag`` / ``X-Linked-Size``), the Hub's
errors (``hf_raise_for_status`` and ``huggingface_hub.errors``: gated,
missing repository or file, refused token; turned into messages for a person
here), the token (``get_token``: ``HF_TOKEN``, then ``hf auth login``'s).
``HF_ENDPOINT`` (a mirror) is read when a request is made.

What is ours is the transfer itself. In huggingface_hub 2.4
``hf_hub_download`` downloads into a process-unique
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

This is the core layer: no Qt, no llama_cpp. Calls block; the UI runs them on
a worker thread and cancels through a :class:`threading.Event`.
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
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, ClassVar, Final
from urllib.parse import quote, unquote, urljoin, urlsplit

from app import __version__
from app.core.library import split_part
from app.core.translatable import QT_TRANSLATE_NOOP

__all__ = [
    "DEFAULT_ENDPOINT",
    "Download",
    "DownloadCancelled",
    "DownloadError",
    "ModelDownload",
    "Progress",
    "RemoteFile",
    "RemoteModel",
    "hub_endpoint",
    "hub_token",
    "list_gguf_files",
    "list_gguf_models",
    "parse_repo_ref",
    "quant_of",
    "remote_models",
]

DEFAULT_ENDPOINT: Final = "https://huggingface.co"
# Inkwell lists and downloads the default branch only; a URL naming another
# revision still gives its repository and file name (see parse_repo_ref).
REVISION: Final = "main"
USER_AGENT: Final = f"inkwell/{__version__}"

# Host names that are the Hub whatever HF_ENDPOINT says (pasted addresses).
HUB_HOSTS: Final = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})

_MAX_REDIRECTS: Final = 10
# Speed is measured over the last seconds, so that it follows the network
# now rather than the average since the start.
_SPEED_WINDOW_S: Final = 5.0
_HASH_CHUNK: Final = 4 << 20
_MEGABYTE: Final = 1_000_000

# "No space left" and "quota exceeded" read the same to a person.
_DISK_FULL: Final = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_SHA256_RE: Final = re.compile(r"[0-9a-f]{64}")
# The Hub's rules for an owner or a repository name.
_NAME_RE: Final = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?")
_REPO_EXAMPLE: Final = "bartowski/Llama-3.2-1B-Instruct-GGUF"


class DownloadError(Exception):
    """A listing or download that failed; the message is meant for a person.

    It says what went wrong and what to do, e.g. "Could not reach
    huggingface.co: check the network connection." Where a partial file was
    kept, the message says that the download will resume.
    """


class DownloadCancelled(DownloadError):
    """The download was cancelled; the partial file is kept for resuming."""


@dataclass(frozen=True)
class RemoteFile:
    """A ``.gguf`` file in a Hub repository.

    ``path`` is relative to the repository root (it may be in a folder);
    ``sha256`` is the Hub's checksum of the content (``None`` for a file not
    stored with LFS, which is then checked by size only); ``quant`` is the
    quantization read from the file name ("Q4_K_M", "IQ4_XS", "F16"...), or
    ``None`` when the name does not say.
    """

    path: str
    size: int
    sha256: str | None
    quant: str | None

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


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


# ---------------------------------------------------------------------------
# Configuration from the environment


def hub_endpoint(env: Mapping[str, str] = os.environ) -> str:
    """The Hub's address: ``HF_ENDPOINT`` if set (a mirror), else huggingface.co."""
    value = env.get("HF_ENDPOINT", "").strip().rstrip("/")
    return value or DEFAULT_ENDPOINT


def hub_token() -> str | None:
    """The access token to send, or ``None``: huggingface_hub's own lookup
    (``HF_TOKEN``, then the token saved by ``hf auth login``)."""
    from huggingface_hub import get_token

    try:
        return get_token() or None
    except Exception:  # noqa: BLE001 - a broken login must not stop anonymous downloads
        return None


# ---------------------------------------------------------------------------
# Names


def _check_repo_id(repo_id: str) -> None:
    owner, _, name = repo_id.partition("/")
    if not (
        _NAME_RE.fullmatch(owner)
        and _NAME_RE.fullmatch(name)
        and "--" not in repo_id
        and ".." not in repo_id
    ):
        raise ValueError(QT_TRANSLATE_NOOP(
            "Downloads", "'{repo}' is not a Hugging Face model repository: give it as owner/name "
            "(e.g. {example}) or paste its address from the Hub."
        ).format(repo=repo_id, example=_REPO_EXAMPLE))


def parse_repo_ref(text: str, *, endpoint: str | None = None) -> tuple[str, str | None]:
    """The repository id and, if the reference names one, the GGUF file in it.

    Accepts ``owner/name``, ``owner/name/path/file.gguf``, and Hub addresses
    (huggingface.co, hf.co or the ``HF_ENDPOINT`` host, with or without
    ``https://``): ``.../owner/name``, ``.../owner/name/tree/main``,
    ``.../owner/name/blob/main/file.gguf`` and ``.../resolve/main/file.gguf``.
    The revision in an address is ignored: Inkwell downloads from ``main``.
    Raises :class:`ValueError` with a message for a person otherwise.
    """
    ref = text.strip()
    generic = QT_TRANSLATE_NOOP(
        "Downloads", "'{text}' is not a Hugging Face model: give it as owner/name "
        "(e.g. {example}) or paste its address from the Hub."
    ).format(text=ref, example=_REPO_EXAMPLE)
    if not ref:
        raise ValueError(QT_TRANSLATE_NOOP(
            "Downloads", "Give a model repository as owner/name, e.g. {example}.").format(example=_REPO_EXAMPLE))
    hosts = set(HUB_HOSTS)
    own_host = urlsplit(endpoint or hub_endpoint()).netloc.lower()
    if own_host:
        hosts.add(own_host)
    if "://" not in ref and ref.split("/", 1)[0].lower() in hosts:
        ref = "https://" + ref  # "huggingface.co/owner/name" as typed in a browser

    is_url = "://" in ref
    if is_url:
        parts = urlsplit(ref)
        if parts.scheme.lower() not in ("http", "https") or parts.netloc.lower() not in hosts:
            raise ValueError(QT_TRANSLATE_NOOP(
                "Downloads", "'{text}' is not an address on the Hugging Face Hub.").format(text=text.strip()))
        segments = [unquote(s) for s in parts.path.split("/") if s]
    else:
        segments = [s for s in ref.split("/") if s]

    if segments and segments[0] == "datasets":
        raise ValueError(QT_TRANSLATE_NOOP(
            "Downloads", "'{text}' is a dataset, not a model: Inkwell downloads GGUF models.").format(text=text.strip()))
    if segments and segments[0] == "spaces":
        raise ValueError(QT_TRANSLATE_NOOP(
            "Downloads", "'{text}' is a Space, not a model: Inkwell downloads GGUF models.").format(text=text.strip()))
    if len(segments) < 2:
        raise ValueError(generic)
    repo_id = f"{segments[0]}/{segments[1]}"
    try:
        _check_repo_id(repo_id)
    except ValueError:
        raise ValueError(generic) from None

    rest = segments[2:]
    file: str | None = None
    if is_url:
        # /blob/<rev>/<path> is the page of a file, /resolve/<rev>/<path> its
        # content; anything else (/tree/main, /discussions...) names the repo.
        if len(rest) >= 3 and rest[0] in ("blob", "resolve", "raw"):
            file = "/".join(rest[2:])
    elif rest:
        file = "/".join(rest)
    if file is not None and not file.lower().endswith(".gguf"):
        raise ValueError(QT_TRANSLATE_NOOP(
            "Downloads", "'{file}' is not a GGUF model file: Inkwell runs .gguf files.").format(file=file))
    return repo_id, file


# Quantization names as llama.cpp and the big GGUF publishers write them in
# file names, longest alternatives first. Bounded by anything but a letter or
# digit: "-", ".", "_" all occur ("model.Q4_K_M.gguf", "model-q8_0.gguf").
_QUANT_RE: Final = re.compile(
    r"(?<![A-Za-z0-9])("
    r"IQ[1-4]_(?:XXS|XS|NL|S|M)"
    r"|Q[2-8]_K(?:_(?:XL|S|M|L))?"
    r"|Q[4-8]_[01](?:_[48]_[48])?"
    r"|TQ[12]_0"
    r"|MXFP4(?:_MOE)?"
    r"|BF16|FP16|F16|FP32|F32"
    r")(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_QUANT_ALIASES: Final = {"FP16": "F16", "FP32": "F32"}


def quant_of(file_name: str) -> str | None:
    """The quantization named in a GGUF file name ("Q4_K_M", "IQ4_XS", "BF16"...), or ``None``.

    The last match wins: the quantization comes after the model's own name,
    which may contain look-alikes.
    """
    stem = PurePosixPath(file_name).name
    matches = _QUANT_RE.findall(stem)
    if not matches:
        return None
    quant = matches[-1].upper()
    return _QUANT_ALIASES.get(quant, quant)


# ---------------------------------------------------------------------------
# HTTP


class _PassErrorsThrough(urllib.request.HTTPErrorProcessor):
    """Hands every response back as it is, 3xx and 4xx included.

    We follow redirects ourselves, because urllib would forward the
    ``Authorization`` header to whatever host a redirect points at.
    """

    def http_response(self, request: urllib.request.Request, response: Any) -> Any:
        return response

    https_response = http_response


_OPENER: Final = urllib.request.build_opener(_PassErrorsThrough)
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _get(
    url: str, *, token: str | None, timeout: float, headers: Mapping[str, str] | None = None
) -> http.client.HTTPResponse:
    """GET ``url`` following redirects; the token goes to ``url``'s origin only.

    Returns the final (non-redirect) response, whatever its status. Raises
    :class:`DownloadError` when the server cannot be reached.
    """
    first_origin = _origin(url)
    for _ in range(_MAX_REDIRECTS + 1):
        request = urllib.request.Request(url, method="GET")
        request.add_header("User-Agent", USER_AGENT)
        # A compressed body would make byte offsets (Range, Content-Length) meaningless.
        request.add_header("Accept-Encoding", "identity")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        if token and _origin(url) == first_origin:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            response = _OPENER.open(request, timeout=timeout)
        except (OSError, http.client.HTTPException) as error:
            raise _unreachable(url, error) from error
        if response.status not in _REDIRECTS:
            return response
        location = response.headers.get("Location")
        response.close()
        if not location:
            raise DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "{host} sent a redirect without a target: try again later.").format(host=_host(url)))
        url = urljoin(url, location)
    raise DownloadError(QT_TRANSLATE_NOOP(
        "Downloads", "{host} redirected too many times: try again later.").format(host=_host(url)))


def _unreachable(url: str, error: BaseException) -> DownloadError:
    reason: object = error.reason if isinstance(error, urllib.error.URLError) else error
    host = _host(url)
    if isinstance(reason, ssl.SSLError):
        return DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "Could not make a secure connection to {host} ({error}): "
            "a proxy or antivirus program may be intercepting HTTPS."
        ).format(host=host, error=str(reason)))
    if isinstance(reason, TimeoutError):
        detail: str = QT_TRANSLATE_NOOP("Downloads", "it did not answer in time")
    else:
        detail = str(reason) or type(reason).__name__
    return DownloadError(QT_TRANSLATE_NOOP(
        "Downloads", "Could not reach {host}: check the network connection ({detail}).").format(host=host, detail=detail))


def _transfer_refused(status: int) -> DownloadError:
    """A failed answer from the server that sends a file's bytes (the Hub's CDN, mostly)."""
    if status >= 500 or status == 429:
        return DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "The download server is busy (HTTP {status}): try again in a few minutes."
        ).format(status=status))
    return DownloadError(QT_TRANSLATE_NOOP(
        "Downloads", "The download server refused the file (HTTP {status}): try again; "
        "if it keeps failing, the file may have changed on the Hub."
    ).format(status=status))


def _hub_failure(
    error: Exception, *, endpoint: str, repo_id: str, file: str | None, token: str | None
) -> DownloadError:
    """What huggingface_hub raised, as a message for a person: what went wrong and what to do.

    huggingface_hub reads the Hub's ``X-Error-Code`` (``hf_raise_for_status``):
    it raises :class:`~huggingface_hub.errors.GatedRepoError` for a license not
    accepted, :class:`~huggingface_hub.errors.RepositoryNotFoundError` for a
    missing repository (the Hub answers 401 for one when no token is sent, so
    as not to reveal private ones), and so on. Network failures come from its
    HTTP library (httpx2). Anything else is returned as it reads.
    """
    import httpx2
    from huggingface_hub import errors

    page = f"{endpoint}/{repo_id}"
    if isinstance(error, errors.GatedRepoError):  # a RepositoryNotFoundError too: first
        if token:
            return DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "The model repository '{repo}' is gated and the account of HF_TOKEN has no access "
                "yet: accept its license on the Hub ({page}) with that account, then try again."
            ).format(repo=repo_id, page=page))
        return DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "The model repository '{repo}' is gated: accept its license on the Hub ({page}) "
            "and set HF_TOKEN to an access token of your account."
        ).format(repo=repo_id, page=page))
    http_status = error.response.status_code if isinstance(error, errors.HfHubHTTPError) else None
    if isinstance(error, errors.RepositoryNotFoundError) or (http_status == 404 and file is None):
        if token:
            return DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "There is no model repository '{repo}' on the Hub (or it is private)."
            ).format(repo=repo_id))
        return DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "There is no model repository '{repo}' on the Hub (or it is private: "
            "set HF_TOKEN to reach your private repositories)."
        ).format(repo=repo_id))
    if isinstance(error, errors.RemoteEntryNotFoundError) or http_status == 404:
        return DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "'{file}' is not in the model repository '{repo}': it may have been renamed or "
            "removed; reload the list of files."
        ).format(file=file, repo=repo_id))
    if isinstance(error, errors.RevisionNotFoundError):
        return DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "The model repository '{repo}' has no '{revision}' branch.").format(repo=repo_id, revision=REVISION))
    if isinstance(error, errors.HfHubHTTPError):
        status = error.response.status_code
        detail = error.server_message or error.response.headers.get("X-Error-Message", "")
        if status == 401:
            if token:
                return DownloadError(QT_TRANSLATE_NOOP(
                    "Downloads", "The Hub refused the access token in HF_TOKEN ({detail}): it is invalid "
                    "or expired; create a new one at {address}."
                ).format(detail=detail or "HTTP 401", address=f"{endpoint}/settings/tokens"))
            return DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "The model repository '{repo}' is gated or private: accept its license on the Hub "
                "({page}) and set HF_TOKEN to an access token of your account."
            ).format(repo=repo_id, page=page))
        if status == 403:
            return DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "The Hub refused access to '{repo}' ({detail}). If it is gated, accept "
                "its license on the Hub ({page}) and set HF_TOKEN to an access token of that account."
            ).format(repo=repo_id, detail=detail or "HTTP 403", page=page))
        if status == 429:
            return DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "The Hub is limiting requests from this network: wait a few minutes and try again."))
        if status >= 500:
            return DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "The Hub has a problem right now (HTTP {status}): try again in a few minutes."
            ).format(status=status))
        if detail:
            return DownloadError(QT_TRANSLATE_NOOP(
                "Downloads", "The Hub answered HTTP {status}: {detail}.").format(status=status, detail=detail))
        return DownloadError(QT_TRANSLATE_NOOP("Downloads", "The Hub answered HTTP {status}.").format(status=status))
    if isinstance(error, httpx2.TimeoutException):
        return _unreachable(endpoint, TimeoutError(str(error)))
    if isinstance(error, (httpx2.TransportError, errors.OfflineModeIsEnabled)):
        cause = error.__cause__ or error.__context__
        return _unreachable(endpoint, cause if isinstance(cause, ssl.SSLError) else error)
    if isinstance(error, (ValueError, httpx2.DecodingError)):  # not JSON, or not what model_info expects
        return DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "{host} sent a list of files Inkwell does not understand: is HF_ENDPOINT right?"
        ).format(host=_host(endpoint)))
    return DownloadError(str(error) or type(error).__name__)


def _hf_api(endpoint: str, token: str | None) -> Any:
    from huggingface_hub import HfApi

    # token=False: none at all (None would make huggingface_hub look for one again).
    return HfApi(endpoint=endpoint, token=token or False, library_name="inkwell", library_version=__version__)


# ---------------------------------------------------------------------------
# Listing


def list_gguf_files(
    repo_id: str, *, endpoint: str | None = None, token: str | None = None, timeout: float = 15
) -> list[RemoteFile]:
    """The ``.gguf`` files of a model repository (all folders), sorted by path.

    Asks ``HfApi.model_info(files_metadata=True)``: every file with its size,
    and the SHA-256 of LFS files. ``token`` defaults to :func:`hub_token`
    (``""``: none). Raises :class:`DownloadError`; :class:`ValueError` for a
    malformed ``repo_id``.
    """
    _check_repo_id(repo_id)
    base = (endpoint or hub_endpoint()).rstrip("/")
    token = token if token is not None else hub_token()
    try:
        info = _hf_api(base, token).model_info(repo_id, revision=REVISION, files_metadata=True, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - every failure becomes a message (_hub_failure)
        raise _hub_failure(error, endpoint=base, repo_id=repo_id, file=None, token=token) from error
    files = []
    for sibling in info.siblings or ():
        path, size = sibling.rfilename, sibling.size
        if not isinstance(path, str) or not path.lower().endswith(".gguf"):
            continue
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            continue
        oid = sibling.lfs.sha256 if sibling.lfs is not None else None
        sha256 = oid.lower() if isinstance(oid, str) and _SHA256_RE.fullmatch(oid.lower()) else None
        files.append(RemoteFile(path=path, size=size, sha256=sha256, quant=quant_of(path)))
    return sorted(files, key=lambda f: f.path.lower())


@dataclass(frozen=True)
class RemoteModel:
    """A model in a Hub repository: one ``.gguf`` file, or the parts of a split one.

    ``parts`` are sorted by part number; ``count`` is how many parts the
    names say there are (1 for a single file). A repository that lacks some
    parts gives a model with ``missing`` part numbers, which cannot be
    downloaded complete.
    """

    parts: tuple[RemoteFile, ...]
    count: int = 1

    @property
    def path(self) -> str:
        """The path of the first part (what a catalog entry names)."""
        return self.parts[0].path

    @property
    def name(self) -> str:
        """The file name without ``.gguf`` and without a ``-00001-of-00003`` suffix."""
        split = split_part(self.parts[0].name)
        if split is not None:
            return split[0]
        name = self.parts[0].name
        return name[:-5] if name.lower().endswith(".gguf") else name

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)

    @property
    def quant(self) -> str | None:
        return self.parts[0].quant

    @property
    def missing(self) -> tuple[int, ...]:
        present = {split[1] for part in self.parts if (split := split_part(part.path)) is not None}
        return tuple(i for i in range(1, self.count + 1) if i not in present) if self.count > 1 else ()

    def has(self, path: str) -> bool:
        """Whether ``path`` (a file in the repository) is this model or one of its parts."""
        return any(part.path == path for part in self.parts)


def remote_models(files: list[RemoteFile]) -> list[RemoteModel]:
    """``files`` as models: the parts of a split model (llama.cpp's
    ``-00001-of-00003`` naming, per folder) grouped into one, sorted by path."""
    groups: dict[tuple[str, str, int], dict[int, RemoteFile]] = {}
    models: list[RemoteModel] = []
    for remote in files:
        split = split_part(remote.path)
        if split is None:
            models.append(RemoteModel((remote,)))
            continue
        stem, index, count = split
        folder = PurePosixPath(remote.path).parent.as_posix()
        groups.setdefault((folder, stem.lower(), count), {})[index] = remote
    for (_, _, count), by_index in groups.items():
        models.append(RemoteModel(tuple(by_index[i] for i in sorted(by_index)), count))
    return sorted(models, key=lambda m: m.path.lower())


def list_gguf_models(
    repo_id: str, *, endpoint: str | None = None, token: str | None = None, timeout: float = 15
) -> list[RemoteModel]:
    """The GGUF models of a repository: :func:`list_gguf_files`, split parts grouped."""
    return remote_models(list_gguf_files(repo_id, endpoint=endpoint, token=token, timeout=timeout))


# ---------------------------------------------------------------------------
# Downloading


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
        _check_repo_id(repo_id)
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
        token = self._token if _origin(url) == _origin(self.url) else None
        for _ in range(3):
            headers = {"Range": f"bytes={offset}-"} if offset else {}
            response = _get(url, token=token, timeout=self.timeout, headers=headers)
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
                    raise _transfer_refused(status)
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
        except Exception as error:  # noqa: BLE001 - every failure becomes a message (_hub_failure)
            raise _hub_failure(
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
            and _SHA256_RE.fullmatch(etag) is not None
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
        _sync_folder(self.dest_dir)

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


def _sync_folder(folder: Path) -> None:
    """Makes a rename in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
