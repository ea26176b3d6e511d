"""A fake Hugging Face Hub on 127.0.0.1 for the download tests: no internet.

Two threaded HTTP servers on free local ports share one state:

* the "hub" (``FakeHub.url``, used as the endpoint) serves the model info
  API ``/api/models/{repo}[/revision/main]`` (``?blobs=true`` adds each
  file's size and LFS SHA-256, as ``HfApi.model_info(files_metadata=True)``
  asks), the tree API ``/api/models/{repo}/tree/main`` (paged with ``Link``
  headers when ``page_size`` is set) and ``/{repo}/resolve/main/{path}``
  (GET and HEAD), which answers like huggingface.co: a 302 to the CDN for
  LFS files, with ``X-Linked-Etag`` (the SHA-256), ``X-Linked-Size``,
  ``ETag`` and ``X-Repo-Commit``; the bytes for small files; ``X-Error-Code``
  RepoNotFound / EntryNotFound / GatedRepo errors;
* the "cdn" (another origin, as on the Hub) serves ``/blobs/{sha256}`` with
  ``Range`` support (206 + ``Content-Range``, 416 past the end).

Switches for the tests: ``drop_after`` (close the connection after that many
body bytes, once), ``ignore_range`` (answer 200 with the whole file),
``corrupt`` (same size, wrong bytes), ``chunk_delay`` (sleep per chunk sent),
``fail_status`` (answer the next resolve with that status, once),
``missing_repo_status`` (404, or 401 as the real Hub answers anonymous
callers), ``listing_delay`` (seconds to wait before answering a listing of
a repo, per repo). Every request is logged in ``requests``.

``SPLIT_REPO`` holds a model split in two parts (llama.cpp's
``-00001-of-00002`` naming), the first part a valid GGUF header.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

REPO = "inkwell-test/Tiny-GGUF"
OTHER_REPO = "inkwell-test/Other-GGUF"
GATED_REPO = "inkwell-test/Gated-GGUF"
SPLIT_REPO = "inkwell-test/Split-GGUF"
SPLIT_PARTS = ("split-Q4_K_M-00001-of-00002.gguf", "split-Q4_K_M-00002-of-00002.gguf")
TOKEN = "hf_fake_token_for_tests"  # the one token that opens the gated repo
COMMIT = "0123456789abcdef0123456789abcdef01234567"
# Files at least this big are "LFS" files: redirected to the CDN, with a SHA-256.
LFS_THRESHOLD = 1024


def blob(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def git_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def split_first_part() -> bytes:
    """The first part of a two-part split model: a small valid GGUF that says it is part 1 of 2."""
    from tests.gguf_fixtures import F32, build_gguf

    metadata = {
        "general.architecture": "llama",
        "llama.context_length": 2048,
        "llama.block_count": 2,
        "llama.embedding_length": 64,
        "llama.attention.head_count": 4,
        "llama.attention.head_count_kv": 2,
        "split.no": 0,
        "split.count": 2,
        "split.tensors.count": 4,
    }
    tensors = [("token_embd.weight", [64, 32], F32), ("blk.0.attn_q.weight", [64, 64], F32)]
    return build_gguf(metadata, tensors)


@dataclass(frozen=True)
class LoggedRequest:
    server: str  # "hub" or "cdn"
    path: str
    headers: dict[str, str]  # names in lower case
    method: str = "GET"

    @property
    def range(self) -> str | None:
        return self.headers.get("range")

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")


class FakeHub:
    def __init__(self) -> None:
        self.repos: dict[str, dict[str, bytes]] = {
            REPO: {
                "README.md": b"# Tiny GGUF\n\nNot a real model.\n",
                "tiny-Q4_K_M.gguf": blob(300_000, 1),
                "Q8_0/tiny-Q8_0.gguf": blob(200_000, 2),
            },
            OTHER_REPO: {"other-Q5_K_M.gguf": blob(120_000, 4)},
            GATED_REPO: {"gated-IQ4_XS.gguf": blob(50_000, 3)},
            SPLIT_REPO: {SPLIT_PARTS[0]: split_first_part(), SPLIT_PARTS[1]: blob(150_000, 5)},
        }
        self.gated = {GATED_REPO}
        self.drop_after: int | None = None
        self.ignore_range = False
        self.corrupt = False
        self.chunk_delay = 0.0
        self.chunk_size = 16 * 1024
        self.page_size: int | None = None
        self.fail_status: int | None = None
        self.missing_repo_status = 404
        self.listing_delay: dict[str, float] = {}
        self.listings_answered: list[str] = []  # the repos whose listing was sent, in order
        self.requests: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> FakeHub:
        for role in ("hub", "cdn"):
            handler = type(f"{role.title()}Handler", (_Handler,), {"fake": self, "role": role})
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stopping.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._servers[0].server_address[1]}"

    @property
    def cdn_url(self) -> str:
        return f"http://127.0.0.1:{self._servers[1].server_address[1]}"

    # -- helpers for the tests -------------------------------------------------------

    def data(self, path: str, repo: str = REPO) -> bytes:
        return self.repos[repo][path]

    def logged(self, server: str) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.requests if r.server == server]

    def blob_ranges(self) -> list[str | None]:
        """The Range header of each CDN request, in order (None: none sent)."""
        return [r.range for r in self.logged("cdn")]

    def _log(self, server: str, path: str, headers: dict[str, str], method: str = "GET") -> None:
        with self._lock:
            self.requests.append(LoggedRequest(server, path, headers, method))

    def _take(self, name: str) -> object:
        """A one-shot switch: its value, then reset to None."""
        with self._lock:
            value = getattr(self, name)
            setattr(self, name, None)
            return value

    def _find_blob(self, digest: str) -> bytes | None:
        for files in self.repos.values():
            for data in files.values():
                if sha256(data) == digest:
                    return data
        return None


class _Handler(BaseHTTPRequestHandler):
    fake: FakeHub
    role: str

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet test output
        pass

    head = False  # answering a HEAD request: headers only

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.head = self.command == "HEAD"
        parts = urlsplit(self.path)
        self.fake._log(self.role, parts.path, {k.lower(): v for k, v in self.headers.items()}, self.command)
        try:
            if self.role == "cdn":
                self._cdn(parts.path)
            else:
                self._hub(parts.path, parse_qs(parts.query))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (a cancelled download)

    # -- the Hub -------------------------------------------------------------------

    def _hub(self, path: str, query: dict[str, list[str]]) -> None:
        info = re.fullmatch(r"/api/models/([^/]+/[^/]+)(?:/revision/main)?", path)
        if info:
            return self._model_info(unquote(info.group(1)), query)
        tree = re.fullmatch(r"/api/models/([^/]+/[^/]+)/tree/main", path)
        if tree:
            return self._tree(unquote(tree.group(1)), query)
        resolve = re.fullmatch(r"/([^/]+/[^/]+)/resolve/main/(.+)", path)
        if resolve:
            return self._resolve(unquote(resolve.group(1)), unquote(resolve.group(2)))
        self._error(404, "")

    def _wait_for_listing(self, repo: str) -> None:
        delay = self.fake.listing_delay.get(repo, 0.0)
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and not self.fake._stopping.is_set():
            time.sleep(0.01)

    def _listed(self, repo: str) -> None:
        with self.fake._lock:
            self.fake.listings_answered.append(repo)

    def _model_info(self, repo: str, query: dict[str, list[str]]) -> None:
        self._wait_for_listing(repo)
        files = self.fake.repos.get(repo)
        if files is None:
            return self._error(self.fake.missing_repo_status, "RepoNotFound")
        blobs = query.get("blobs", ["false"])[0] == "true"
        siblings: list[dict[str, object]] = []
        for file_path, data in sorted(files.items()):
            sibling: dict[str, object] = {"rfilename": file_path}
            if blobs:
                sibling.update(size=len(data), blobId=git_oid(data))
                if len(data) >= LFS_THRESHOLD:
                    sibling["lfs"] = {"sha256": sha256(data), "size": len(data), "pointerSize": 134}
            siblings.append(sibling)
        body = json.dumps({
            "_id": "0" * 24, "id": repo, "modelId": repo, "sha": COMMIT, "private": False,
            "gated": "auto" if repo in self.fake.gated else False, "siblings": siblings,
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self._listed(repo)

    def _tree(self, repo: str, query: dict[str, list[str]]) -> None:
        self._wait_for_listing(repo)
        files = self.fake.repos.get(repo)
        if files is None:
            return self._error(self.fake.missing_repo_status, "RepoNotFound")
        recursive = query.get("recursive", ["false"])[0] == "true"
        entries: list[dict[str, object]] = []
        folders = sorted({p.rsplit("/", 1)[0] for p in files if "/" in p})
        for folder in folders:
            entries.append({"type": "directory", "oid": git_oid(folder.encode()), "size": 0, "path": folder})
        for file_path, data in sorted(files.items()):
            if "/" in file_path and not recursive:
                continue
            entry: dict[str, object] = {"type": "file", "oid": git_oid(data), "size": len(data), "path": file_path}
            if len(data) >= LFS_THRESHOLD:
                entry["lfs"] = {"oid": sha256(data), "size": len(data), "pointerSize": 134}
            entries.append(entry)
        start = int(query.get("cursor", ["0"])[0])
        page_size = self.fake.page_size or len(entries) or 1
        page = entries[start : start + page_size]
        body = json.dumps(page).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if start + page_size < len(entries):
            # Relative on purpose: the client must resolve it against the page's URL.
            self.send_header(
                "Link", f'</api/models/{quote(repo)}/tree/main?recursive=true&cursor={start + page_size}>; rel="next"'
            )
        self.end_headers()
        self.wfile.write(body)
        self._listed(repo)

    def _resolve(self, repo: str, file_path: str) -> None:
        status = self.fake._take("fail_status")
        if status is not None:
            return self._error(int(status), "")  # type: ignore[call-overload]
        files = self.fake.repos.get(repo)
        if files is None:
            return self._error(self.fake.missing_repo_status, "RepoNotFound")
        if repo in self.fake.gated:
            authorization = self.headers.get("Authorization")
            if authorization is None:
                return self._error(401, "GatedRepo")
            if authorization != f"Bearer {TOKEN}":
                return self._error(403, "GatedRepo")
        data = files.get(file_path)
        if data is None:
            return self._error(404, "EntryNotFound")
        if len(data) < LFS_THRESHOLD:
            return self._send_bytes(data, git_oid(data))
        digest = sha256(data)
        self.send_response(302)
        self.send_header("Location", f"{self.fake.cdn_url}/blobs/{digest}?signature=fake")
        self.send_header("ETag", f'"{digest}"')
        self.send_header("X-Linked-Etag", f'"{digest}"')
        self.send_header("X-Linked-Size", str(len(data)))
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _error(self, status: int, code: str) -> None:
        body = json.dumps({"error": code or "error"}).encode()
        self.send_response(status)
        if code:
            self.send_header("X-Error-Code", code)
            self.send_header("X-Error-Message", code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not self.head:
            self.wfile.write(body)

    # -- the CDN -------------------------------------------------------------------

    def _cdn(self, path: str) -> None:
        match = re.fullmatch(r"/blobs/([0-9a-f]{64})", path)
        data = self.fake._find_blob(match.group(1)) if match else None
        if data is None:
            return self._error(404, "")
        self._send_bytes(data, sha256(data))

    def _send_bytes(self, data: bytes, etag: str) -> None:
        fake = self.fake
        if fake.corrupt:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        start, status = 0, 200
        requested = self.headers.get("Range")
        if requested and not fake.ignore_range:
            match = re.fullmatch(r"bytes=(\d+)-", requested.strip())
            if match is None:
                return self._error(400, "")
            start = int(match.group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 206
        body = data[start:]
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{etag}"')
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if self.head:
            return
        drop = fake._take("drop_after")
        sent = 0
        for i in range(0, len(body), fake.chunk_size):
            if fake._stopping.is_set():
                return
            piece = body[i : i + fake.chunk_size]
            if drop is not None and sent + len(piece) > int(drop):  # type: ignore[call-overload]
                # Send up to the limit, then hang up (HTTP/1.0: the connection
                # closes when the handler returns), short of Content-Length.
                self.wfile.write(piece[: int(drop) - sent])  # type: ignore[call-overload]
                self.close_connection = True
                return
            self.wfile.write(piece)
            sent += len(piece)
            if fake.chunk_delay:
                time.sleep(fake.chunk_delay)
