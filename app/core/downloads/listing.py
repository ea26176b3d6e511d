"""The GGUF models of a Hub repository: its ``.gguf`` files, with the parts of a
split model counted as one, each with its size and quantization."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Final

from app.core.downloads.hub import REVISION, hf_api, hub_endpoint, hub_failure, hub_token
from app.core.downloads.references import check_repo_id, quant_of
from app.core.library import split_part

# The Hub's SHA-256 of an LFS file, as it lists it (and as its etag).
SHA256_RE: Final = re.compile(r"[0-9a-f]{64}")


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


def list_gguf_files(
    repo_id: str, *, endpoint: str | None = None, token: str | None = None, timeout: float = 15
) -> list[RemoteFile]:
    """The ``.gguf`` files of a model repository (all folders), sorted by path.

    Asks ``HfApi.model_info(files_metadata=True)``: every file with its size,
    and the SHA-256 of LFS files. ``token`` defaults to :func:`hub_token`
    (``""``: none). Raises :class:`DownloadError`; :class:`ValueError` for a
    malformed ``repo_id``.
    """
    check_repo_id(repo_id)
    base = (endpoint or hub_endpoint()).rstrip("/")
    token = token if token is not None else hub_token()
    try:
        info = hf_api(base, token).model_info(repo_id, revision=REVISION, files_metadata=True, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - every failure becomes a message (hub_failure)
        raise hub_failure(error, endpoint=base, repo_id=repo_id, file=None, token=token) from error
    files = []
    for sibling in info.siblings or ():
        path, size = sibling.rfilename, sibling.size
        if not isinstance(path, str) or not path.lower().endswith(".gguf"):
            continue
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            continue
        oid = sibling.lfs.sha256 if sibling.lfs is not None else None
        sha256 = oid.lower() if isinstance(oid, str) and SHA256_RE.fullmatch(oid.lower()) else None
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
