"""What a person types or pastes to name a model on the Hub, and what a file name says.

A repository as ``owner/name`` or any of the Hub's addresses for it or for one
of its files (:func:`parse_repo_ref`); the quantization in a GGUF file's name
(:func:`quant_of`).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Final
from urllib.parse import unquote, urlsplit

from app.core.downloads.hub import HUB_HOSTS, hub_endpoint
from app.core.translatable import QT_TRANSLATE_NOOP

# The Hub's rules for an owner or a repository name.
_NAME_RE: Final = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?")
_REPO_EXAMPLE: Final = "bartowski/Llama-3.2-1B-Instruct-GGUF"


def check_repo_id(repo_id: str) -> None:
    """Raises :class:`ValueError`, with a message for a person, unless ``repo_id`` is owner/name."""
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
        check_repo_id(repo_id)
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
