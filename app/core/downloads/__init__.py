"""Download GGUF models from the Hugging Face Hub into Inkwell's models folder.

What a person gets: the list of a repository's models (``.gguf`` files, the
parts of a split model counted as one) with their size and quantization, a
download that fetches every part, reports bytes, speed and time left over all
of them, can be cancelled, resumes each part where it stopped (after a cancel,
a dropped connection or an app restart), and checks each part against the
Hub's SHA-256 before the model is offered. Every failure is a
:class:`DownloadError` whose message says what happened and what to do.

- :mod:`.hub`: the Hub's address, the token, HTTP requests, failures as messages;
- :mod:`.references`: repository names and addresses, quantization in file names;
- :mod:`.listing`: a repository's GGUF files and models;
- :mod:`.transfer`: the download itself, resumed and verified.

This is the core layer: no Qt, no llama_cpp. Calls block; the UI runs them on
a worker thread and cancels through a :class:`threading.Event`.
"""

from app.core.downloads.hub import DEFAULT_ENDPOINT, DownloadCancelled, DownloadError, hub_endpoint, hub_token
from app.core.downloads.listing import RemoteFile, RemoteModel, list_gguf_files, list_gguf_models, remote_models
from app.core.downloads.references import parse_repo_ref, quant_of
from app.core.downloads.transfer import Download, ModelDownload, Progress

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
