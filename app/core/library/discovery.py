"""The GGUF models already on this computer.

In Inkwell's own models folder, folders the person added, and the caches of
other local-LLM apps (Hugging Face, LM Studio, GPT4All): reusing a model
another app already downloaded saves gigabytes, so those folders are searched
too, but only Inkwell's own files may be deleted from the page.

Discovery reads each file's header only (:func:`app.core.gguf.read_gguf`),
never the weights, and never raises for a bad file: a truncated download or a
text file named ``.gguf`` is listed with its ``problem``, so a person sees why
it cannot be used instead of wondering where it went. The Hugging Face cache
is found by huggingface_hub itself (``huggingface_hub.constants.HF_HUB_CACHE``),
as every Hugging Face tool finds it.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from app.core.gguf import GGUFError, GGUFInfo, read_gguf
from app.core.library.split_models import model_name, split_part
from app.core.translatable import QT_TRANSLATE_NOOP, message_of

if TYPE_CHECKING:
    # Only for the annotation: app.core.paths imports platformdirs, and this
    # module needs nothing from it but ``models_dir``.
    from app.core.paths import AppPaths

# Where a model was found. "starter" is the model shipped with Inkwell.
SOURCES: Final = ("starter", "inkwell", "added", "huggingface", "lmstudio", "gpt4all")


@dataclass(frozen=True)
class ModelFile:
    """A GGUF model found on this computer.

    ``path`` is what to hand llama.cpp: the file, or the first part of a
    split model (llama.cpp finds the other parts beside it). In the Hugging
    Face cache it is the snapshot's symlink, not the blob it points to: the
    link has the file's real name, and a split model's parts are found by
    name. ``parts`` lists the parts present, sorted; ``size_bytes`` is their
    total. ``info`` is the first part's header, None when unreadable.
    ``problem`` says, for a person, why the model cannot be used (an
    unreadable or incomplete file, missing parts, not a model); None when
    it looks fine.
    """

    path: Path
    parts: tuple[Path, ...]
    source: str
    size_bytes: int
    info: GGUFInfo | None
    problem: str | None

    @property
    def name(self) -> str:
        """The file name without ``.gguf`` and without a ``-00001-of-00003`` suffix."""
        return model_name(self.path.name)

    @property
    def deletable(self) -> bool:
        """Only files in Inkwell's own models folder: the other folders belong
        to other apps (deleting from their caches would break them), and the
        starter model belongs to its package."""
        return self.source == "inkwell"

    @property
    def usable(self) -> bool:
        return self.problem is None and self.info is not None


def _expand(value: str, home: Path) -> Path:
    """An environment value as a path, with "~" meaning ``home`` (not the real one)."""
    if value == "~" or value.startswith(("~/", "~\\")):
        return home / value[2:] if len(value) > 1 else home
    return Path(value)


def huggingface_cache() -> Path:
    """The Hugging Face hub cache, from huggingface_hub (``HF_HUB_CACHE``, ``HF_HOME``,
    ``XDG_CACHE_HOME`` or ``~/.cache/huggingface/hub``, as it reads them when imported)."""
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def _gpt4all_folder(home: Path, env: Mapping[str, str], system: str) -> Path:
    """GPT4All's model folder: Qt's app-local data folder for "nomic.ai/GPT4All"."""
    if system == "Windows":
        local = _expand(env["LOCALAPPDATA"], home) if env.get("LOCALAPPDATA") else None
        return (local or home / "AppData" / "Local") / "nomic.ai" / "GPT4All"
    if system == "Darwin":
        return home / "Library" / "Application Support" / "nomic.ai" / "GPT4All"
    data = _expand(env["XDG_DATA_HOME"], home) if env.get("XDG_DATA_HOME") else None
    return (data or home / ".local" / "share") / "nomic.ai" / "GPT4All"


def default_search_folders(
    paths: AppPaths,
    extra: Sequence[Path] = (),
    *,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
    system: str | None = None,
    hf_cache: Path | None = None,
) -> list[tuple[str, Path]]:
    """The folders to look for models in, as (source, folder), existing ones only.

    In order: Inkwell's models folder ("inkwell"), the folders the person
    added ("added"), the Hugging Face hub cache ("huggingface"), LM Studio's
    folders ("lmstudio"), GPT4All's ("gpt4all"). A folder reached twice
    (an added folder that is Inkwell's own) is listed once, with its first
    source. ``home``, ``env``, ``system`` (as platform.system() names it)
    and ``hf_cache`` (:func:`huggingface_cache`) default to this computer's;
    tests pass fake ones.
    """
    home = Path.home() if home is None else home
    env = os.environ if env is None else env
    system = platform.system() if system is None else system
    hf_cache = huggingface_cache() if hf_cache is None else Path(hf_cache)

    candidates: list[tuple[str, Path]] = [("inkwell", paths.models_dir)]
    candidates += [("added", Path(folder)) for folder in extra]
    candidates.append(("huggingface", hf_cache))
    candidates += [
        ("lmstudio", home / ".lmstudio" / "models"),
        ("lmstudio", home / ".cache" / "lm-studio" / "models"),  # older LM Studio versions
    ]
    candidates.append(("gpt4all", _gpt4all_folder(home, env, system)))

    folders: list[tuple[str, Path]] = []
    seen: set[str] = set()
    for source, folder in candidates:
        try:
            if not folder.is_dir():
                continue
        except OSError:  # e.g. a path too long, or on a drive that is gone
            continue
        key = os.path.normcase(os.path.realpath(folder))
        if key not in seen:
            seen.add(key)
            folders.append((source, folder))
    return folders


def _gguf_files(root: Path, max_depth: int, cancelled: Callable[[], bool] = lambda: False) -> Iterator[Path]:
    """The .gguf files under ``root``, at most ``max_depth`` folders down, sorted.

    Symlinks are followed (the Hugging Face cache is made of them; people
    link model folders), with each real folder visited once so that a link
    loop ends. Hidden entries are skipped: ".locks" and ".no_exist" in the
    Hugging Face cache, and macOS's "._name.gguf" resource-fork files on
    external drives, which look like GGUFs by name only. Unreadable folders
    are skipped silently.
    """
    visited: set[tuple[int, int]] = set()

    def visit(folder: Path, depth: int) -> Iterator[Path]:
        try:
            st = os.stat(folder)
            # Windows may report no inode on some file systems; then rely on depth.
            if st.st_ino:
                key = (st.st_dev, st.st_ino)
                if key in visited:
                    return
                visited.add(key)
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if cancelled():  # a folder of a million entries must not hold up a newer scan
                return
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()  # follows symlinks
            except OSError:  # a link loop, say: a bad file, to list with its problem
                is_dir = False
            if is_dir:
                if depth < max_depth:
                    yield from visit(Path(entry.path), depth + 1)
            elif entry.name.lower().endswith(".gguf"):
                # Includes broken links (a Hugging Face blob deleted by
                # hand): listed with a "not found" problem.
                yield Path(entry.path)

    yield from visit(root, 0)


def _file_size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _identity(path: Path) -> str:
    """What a path really is, for noticing one file reached two ways
    (two snapshots linking one blob, the starter inside a searched folder).
    os.path.realpath never raises, even for a link loop."""
    return os.path.normcase(os.path.realpath(path))


@dataclass(frozen=True)
class _Found:
    """A model file, or a split model's parts, before its header is read."""

    source: str
    path: Path  # the first part, even when that part is missing
    parts: tuple[Path, ...]
    missing: tuple[int, ...] = ()
    count: int = 1


def _group(source: str, files: Iterator[Path]) -> Iterator[_Found]:
    """Single files as they come; split parts grouped per folder and name."""
    groups: dict[tuple[Path, str, int], dict[int, Path]] = {}
    for path in files:
        split = split_part(path.name)
        if split is None:  # also "-00004-of-00003": not a real part name
            yield _Found(source, path, (path,))
            continue
        stem, index, count = split
        groups.setdefault((path.parent, stem, count), {})[index] = path
    for (folder, stem, count), by_index in groups.items():
        parts = tuple(by_index[i] for i in sorted(by_index))
        suffix = parts[0].name[-5:]  # ".gguf" as spelled on disk
        first = by_index.get(1, folder / f"{stem}-00001-of-{count:05d}{suffix}")
        missing = tuple(i for i in range(1, count + 1) if i not in by_index)
        yield _Found(source, first, parts, missing, count)


def _not_a_model(info: GGUFInfo, file_name: str) -> str | None:
    """Why a readable GGUF is still no model to chat with, or None.

    Vision models come with a projector GGUF ("mmproj-...gguf") and LoRA
    adapters are GGUFs too; other apps' folders hold both, and llama.cpp
    cannot load either as a model.
    """
    kind = info.metadata.get("general.type")
    if info.architecture == "clip" or kind == "mmproj":
        return QT_TRANSLATE_NOOP(
            "Library", "'{name}' is the image part (projector) of a vision model, not a model to chat with."
        ).format(name=file_name)
    if kind == "adapter":
        return QT_TRANSLATE_NOOP(
            "Library", "'{name}' is a LoRA adapter for another model, not a model on its own.").format(name=file_name)
    return None


def _is_split_part(info: GGUFInfo) -> bool:
    """A part of a model split with gguf-split: its first part may hold only
    the metadata (``--no-tensor-first-split``), the weights being in the others."""
    count = info.metadata.get("split.count")
    return isinstance(count, int) and not isinstance(count, bool) and count > 1


def model_problem(info: GGUFInfo, file_name: str) -> str | None:
    """Why a readable GGUF is no model to chat with (a projector, an adapter,
    a file without weights), or None."""
    problem = _not_a_model(info, file_name)
    if problem is None and info.tensor_count == 0 and not _is_split_part(info):
        # A vocabulary-only GGUF (llama.cpp ships some for its tests), or a
        # file made to look like a model: llama.cpp has nothing to load.
        problem = QT_TRANSLATE_NOOP(
            "Library", "'{name}' holds no weights (it has no tensors), so it is not a model to chat with."
        ).format(name=file_name)
    return problem


def _missing_message(found: _Found) -> str:
    numbers = ", ".join(str(i) for i in found.missing)
    if len(found.missing) == 1:
        missing = QT_TRANSLATE_NOOP("Library", "missing part {numbers} of {count}")
    else:
        missing = QT_TRANSLATE_NOOP("Library", "missing parts {numbers} of {count}")
    return QT_TRANSLATE_NOOP(
        "Library", "'{name}' is incomplete: {missing}. A model split into {count} files needs all of "
        "them in one folder; download the missing ones."
    ).format(name=model_name(found.path.name), missing=missing.format(numbers=numbers, count=found.count),
             count=found.count)


def _inspect(found: _Found) -> ModelFile:
    """Read the first part's header and describe the model; never raises."""
    info: GGUFInfo | None = None
    problem: str | None = None
    if 1 not in found.missing:
        try:
            info = read_gguf(found.path)
        except GGUFError as exc:
            problem = message_of(exc)
        else:
            problem = _not_a_model(info, found.path.name) if found.count > 1 else model_problem(info, found.path.name)
    if found.missing:
        # The first part alone may read fine; the model still cannot load.
        problem = _missing_message(found)
    return ModelFile(
        path=found.path,
        parts=found.parts,
        source=found.source,
        size_bytes=sum(_file_size(part) for part in found.parts),
        info=info,
        problem=problem,
    )


def discover(
    folders: Sequence[tuple[str, Path]],
    starter: Path | None = None,
    max_depth: int = 6,
    cancelled: Callable[[], bool] | None = None,
) -> list[ModelFile]:
    """Every GGUF model in ``folders`` (from :func:`default_search_folders`).

    Walks each folder up to ``max_depth`` levels down (the Hugging Face
    cache needs 3: models--org--name/snapshots/<revision>/file.gguf), groups
    the parts of split models, and reads each model's first-part header.
    A file reached twice (several snapshots linking one blob, a folder
    listed twice, the starter inside a searched folder) is listed once,
    with the first source: ``starter``, then the folders' order. Bad files
    are listed with a ``problem``, never raised; unreadable folders and
    non-.gguf files are skipped. Sorted: the starter first, then by name.

    This reads from disk (headers, possibly on slow drives): call it off the
    GUI thread. Each header costs well under a second whatever the file holds
    (read_gguf's limits); ``cancelled`` is asked between files and between
    folder entries, and once it says True, discover returns what it has found
    so far (the caller, having cancelled, does not use it).
    """
    stop = cancelled or (lambda: False)
    candidates: list[_Found] = []
    if starter is not None:
        candidates.append(_Found("starter", Path(starter), (Path(starter),)))
    for source, folder in folders:
        candidates.extend(_group(source, _gguf_files(Path(folder), max_depth, stop)))

    models: list[ModelFile] = []
    seen: set[str] = set()
    for found in candidates:
        if stop():
            break
        key = _identity(found.path)
        if key in seen:
            continue
        seen.add(key)
        models.append(_inspect(found))
    models.sort(key=lambda m: (m.source != "starter", m.name.casefold(), str(m.path)))
    return models
