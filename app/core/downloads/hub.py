"""The Hugging Face Hub as Inkwell talks to it: its address, the token, plain
HTTP requests, and what each failure means for a person.

What huggingface_hub already does is left to it: the file list
(``HfApi.model_info(files_metadata=True)``: one request, with a timeout and no
retry loop, so an offline computer hears so at once), a file's metadata on
the Hub and where its bytes are (``get_hf_file_metadata``: the ``resolve``
request, its redirect, ``X-Linked-Etag`` / ``X-Linked-Size``), the Hub's
errors (``hf_raise_for_status`` and ``huggingface_hub.errors``: gated,
missing repository or file, refused token; turned into messages for a person
here), the token (``get_token``: ``HF_TOKEN``, then ``hf auth login``'s).
``HF_ENDPOINT`` (a mirror) is read when a request is made.
"""

from __future__ import annotations

import http.client
import os
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from app import __version__
from app.core.translatable import QT_TRANSLATE_NOOP

DEFAULT_ENDPOINT: Final = "https://huggingface.co"
# Inkwell lists and downloads the default branch only; a URL naming another
# revision still gives its repository and file name (see parse_repo_ref).
REVISION: Final = "main"
USER_AGENT: Final = f"inkwell/{__version__}"

# Host names that are the Hub whatever HF_ENDPOINT says (pasted addresses).
HUB_HOSTS: Final = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})

_MAX_REDIRECTS: Final = 10


class DownloadError(Exception):
    """A listing or download that failed; the message is meant for a person.

    It says what went wrong and what to do, e.g. "Could not reach
    huggingface.co: check the network connection." Where a partial file was
    kept, the message says that the download will resume.
    """


class DownloadCancelled(DownloadError):
    """The download was cancelled; the partial file is kept for resuming."""


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


def origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def http_get(
    url: str, *, token: str | None, timeout: float, headers: Mapping[str, str] | None = None
) -> http.client.HTTPResponse:
    """GET ``url`` following redirects; the token goes to ``url``'s origin only.

    Returns the final (non-redirect) response, whatever its status. Raises
    :class:`DownloadError` when the server cannot be reached.
    """
    first_origin = origin(url)
    for _ in range(_MAX_REDIRECTS + 1):
        request = urllib.request.Request(url, method="GET")
        request.add_header("User-Agent", USER_AGENT)
        # A compressed body would make byte offsets (Range, Content-Length) meaningless.
        request.add_header("Accept-Encoding", "identity")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        if token and origin(url) == first_origin:
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


def transfer_refused(status: int) -> DownloadError:
    """A failed answer from the server that sends a file's bytes (the Hub's CDN, mostly)."""
    if status >= 500 or status == 429:
        return DownloadError(QT_TRANSLATE_NOOP(
            "Downloads", "The download server is busy (HTTP {status}): try again in a few minutes."
        ).format(status=status))
    return DownloadError(QT_TRANSLATE_NOOP(
        "Downloads", "The download server refused the file (HTTP {status}): try again; "
        "if it keeps failing, the file may have changed on the Hub."
    ).format(status=status))


def hub_failure(
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


def hf_api(endpoint: str, token: str | None) -> Any:
    from huggingface_hub import HfApi

    # token=False: none at all (None would make huggingface_hub look for one again).
    return HfApi(endpoint=endpoint, token=token or False, library_name="inkwell", library_version=__version__)
