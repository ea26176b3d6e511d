"""The model library: models to download, models on this computer, and whether they fit.

The Models page needs three things, all answered here without Qt or llama.cpp:

* the curated catalog of models Inkwell offers to download
  (``models/catalog.toml``, :func:`load_catalog`);
* the GGUF files already on this computer, in Inkwell's own models folder,
  folders the person added, and the caches of other local-LLM apps
  (Hugging Face, LM Studio, GPT4All) — :func:`default_search_folders` and
  :func:`discover`. Reusing a model another app already downloaded saves
  gigabytes, so those folders are searched too, but only Inkwell's own files
  may be deleted from the page;
* whether a model fits in this computer's memory, in words
  (:func:`fit_label`, :func:`model_fit`, :func:`catalog_fit`).

Discovery reads each file's header only (:func:`app.core.gguf.read_gguf`),
never the weights, and never raises for a bad file: a truncated download or a
text file named ``.gguf`` is listed with its ``problem``, so a person sees why
it cannot be used instead of wondering where it went.

This is the core layer: no Qt, no llama.cpp. The Hugging Face cache is found by
huggingface_hub itself (``huggingface_hub.constants.HF_HUB_CACHE``), as every Hugging Face
tool finds it.
"""

from __future__ import annotations

import os
import platform
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Final

from app.core.gguf import GGUFError, GGUFInfo, read_gguf
from app.core.offload import KV_BYTES_PER_ELEMENT, memory_needed
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable, message_of

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10, where tomli is a dependency
    import tomli as tomllib  # type: ignore[no-redef]

if TYPE_CHECKING:
    # Only for the annotation: app.core.paths imports platformdirs, and this
    # module needs nothing from it but ``models_dir``.
    from app.core.paths import AppPaths

__all__ = [
    "CATALOG_SIZE_FACTOR",
    "CatalogEntry",
    "FIT_FRACTION",
    "Fit",
    "KV_BYTES_PER_TOKEN_PER_BILLION",
    "ModelFile",
    "SOURCES",
    "catalog_fit",
    "default_catalog_path",
    "default_search_folders",
    "discover",
    "fit_label",
    "format_size",
    "huggingface_cache",
    "load_catalog",
    "model_fit",
    "model_problem",
    "split_part",
]

_PACKAGE_DIR: Final = Path(__file__).resolve().parent.parent  # .../app

# Where a model was found. "starter" is the model shipped with Inkwell.
SOURCES: Final = ("starter", "inkwell", "added", "huggingface", "lmstudio", "gpt4all")

# "name-00001-of-00003.gguf": llama.cpp's gguf-split naming (llama_split_path).
# llama.cpp loads a split model from its first part and finds the others by
# this name in the same folder.
_SPLIT_RE: Final = re.compile(
    r"^(?P<stem>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE
)


def split_part(file_name: str) -> tuple[str, int, int] | None:
    """``(stem, index, count)`` for a part of a split model ("name-00002-of-00003.gguf"
    gives ("name", 2, 3)), None for any other name (also "-00004-of-00003", no real part).
    A folder in front of the name is ignored."""
    match = _SPLIT_RE.match(posixpath.basename(file_name.replace("\\", "/")))
    if match is None:
        return None
    index, count = int(match["index"]), int(match["count"])
    return (match["stem"], index, count) if 1 <= index <= count else None


# ==========================================================================
# Catalog
# ==========================================================================


# The context the fit labels assume: the app's automatic context length.
FIT_CONTEXT = 8192


# The catalog's "good for" phrases, listed for pyside6-lupdate, which reads Python but not TOML
# (tests/test_translations.py keeps this list and models/catalog.toml in step).
CATALOG_GOOD_FOR: Final = (
    QT_TRANSLATE_NOOP("Catalog", "very fast chat on any computer; simple tasks"),
    QT_TRANSLATE_NOOP("Catalog", "everyday chat, many languages, Chinese"),
    QT_TRANSLATE_NOOP("Catalog", "chat and writing, many languages, Chinese; research licence"),
    QT_TRANSLATE_NOOP("Catalog", "best quality here: writing, reasoning, coding, Chinese; needs 8 GB+"),
    QT_TRANSLATE_NOOP("Catalog", "fast everyday chat, summaries"),
    QT_TRANSLATE_NOOP("Catalog", "chat and writing, following instructions"),
    QT_TRANSLATE_NOOP("Catalog", "natural English writing and chat"),
    QT_TRANSLATE_NOOP("Catalog", "reasoning, maths and code; long documents (large KV cache)"),
    QT_TRANSLATE_NOOP("Catalog", "writing and chat in English and European languages; needs 8 GB+"),
    QT_TRANSLATE_NOOP("Catalog", "light English chat on older laptops"),
)


@dataclass(frozen=True)
class CatalogEntry:
    """A model Inkwell offers to download (one ``[[model]]`` of the catalog).

    ``size_bytes`` is approximate (for display and the fit estimate); the
    download checks the real size. ``kv_bytes_per_token`` is the f16 KV
    cache per token of context over all layers, when the catalog gives it.
    """

    id: str
    name: str
    repo: str
    file: str
    quant: str
    size_bytes: int
    parameters: str
    context_length: int
    license: str
    languages: tuple[str, ...]
    good_for: str
    chat_template: bool
    kv_bytes_per_token: int | None = None

    @property
    def parameter_billions(self) -> float:
        """``parameters`` as a number of billions: "1.5B" -> 1.5, "500M" -> 0.5."""
        match = _PARAMETERS_RE.match(self.parameters)
        if match is None:  # load_catalog rejects these; hand-built entries may not
            return 0.0
        value = float(match["value"])
        return value / 1000 if match["unit"].upper() == "M" else value

    @property
    def files(self) -> tuple[str, ...]:
        """Every file to download: ``file``, or all parts of a split model."""
        folder, name = posixpath.split(self.file)
        split = split_part(name)
        if split is None:
            return (self.file,)
        stem, _, count = split
        extension = name[-5:]  # ".gguf" as the catalog spells it
        return tuple(
            posixpath.join(folder, f"{stem}-{i:05d}-of-{count:05d}{extension}")
            for i in range(1, count + 1)
        )

    @property
    def urls(self) -> tuple[str, ...]:
        """Hugging Face download URLs of :attr:`files`."""
        return tuple(f"https://huggingface.co/{self.repo}/resolve/main/{f}" for f in self.files)


_PARAMETERS_RE: Final = re.compile(r"^(?P<value>\d+(?:\.\d+)?)(?P<unit>[MB])$", re.IGNORECASE)
_ID_RE: Final = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_REPO_RE: Final = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_LANGUAGE_RE: Final = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)?$")

_TEXT_FIELDS: Final = ("id", "name", "repo", "file", "quant", "parameters", "license", "good_for")
_INT_FIELDS: Final = ("size_bytes", "context_length")
_OPTIONAL_FIELDS: Final = ("kv_bytes_per_token",)
_KNOWN_FIELDS: Final = frozenset(
    (*_TEXT_FIELDS, *_INT_FIELDS, *_OPTIONAL_FIELDS, "languages", "chat_template")
)


def default_catalog_path() -> Path:
    """The catalog shipped with Inkwell.

    Installed (wheel, bundle), ``models/`` is mapped into the package as
    ``app/models``; a source checkout has it beside ``app/`` — the same
    arrangement as :mod:`app.core.resources`.
    """
    for candidate in (
        _PACKAGE_DIR / "models" / "catalog.toml",
        _PACKAGE_DIR.parent / "models" / "catalog.toml",
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        "Inkwell's model catalog (models/catalog.toml) is missing; reinstall Inkwell."
    )


def load_catalog(path: Path | None = None) -> list[CatalogEntry]:
    """The models of the catalog at ``path`` (default: Inkwell's own), in file order.

    Raises FileNotFoundError when the file is missing and ValueError, naming
    the file and the entry, when it is not valid TOML or an entry is wrong
    (missing or unknown field, wrong type, bad repo or file name, duplicate id).
    """
    catalog = default_catalog_path() if path is None else Path(path)
    try:
        data = tomllib.loads(catalog.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{catalog.name}: not UTF-8 text ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{catalog.name}: not valid TOML ({exc})") from None

    unknown = sorted(set(data) - {"model"})
    if unknown:
        raise ValueError(f"{catalog.name}: unknown top-level key(s) {', '.join(unknown)}")
    tables = data.get("model")
    if not isinstance(tables, list) or not tables:
        raise ValueError(f"{catalog.name}: no [[model]] entries")

    entries: list[CatalogEntry] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        entry = _parse_entry(table, number, catalog.name)
        if entry.id in seen:
            raise ValueError(f"{catalog.name}: model #{number} ('{entry.id}'): duplicate id")
        seen.add(entry.id)
        entries.append(entry)
    return entries


def _parse_entry(table: object, number: int, file_name: str) -> CatalogEntry:
    """One ``[[model]]`` table, checked field by field."""
    label = f"model #{number}"
    if isinstance(table, dict) and isinstance(table.get("id"), str) and table["id"]:
        label += f" ('{table['id']}')"

    def fail(message: str) -> ValueError:
        return ValueError(f"{file_name}: {label}: {message}")

    if not isinstance(table, dict):
        raise fail("is not a table")
    unknown = sorted(set(table) - _KNOWN_FIELDS)
    if unknown:
        raise fail(f"unknown field(s) {', '.join(unknown)}")
    missing = sorted(_KNOWN_FIELDS - set(_OPTIONAL_FIELDS) - set(table))
    if missing:
        raise fail(f"missing field(s) {', '.join(missing)}")

    for key in _TEXT_FIELDS:
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{key} must be a non-empty string, not {value!r}")
    for key in (*_INT_FIELDS, *_OPTIONAL_FIELDS):
        value = table.get(key)
        if key in _OPTIONAL_FIELDS and value is None:
            continue
        # bool is an int subclass; `size_bytes = true` is still a mistake.
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise fail(f"{key} must be a positive integer, not {value!r}")
    if not isinstance(table["chat_template"], bool):
        raise fail(f"chat_template must be true or false, not {table['chat_template']!r}")

    if not _ID_RE.match(table["id"]):
        raise fail("id must be lowercase letters, digits, '.', '_' or '-'")
    if not _REPO_RE.match(table["repo"]):
        raise fail(f"repo must be a Hugging Face repository 'owner/name', not {table['repo']!r}")
    file = table["file"]
    parts = file.split("/")
    if (
        not file.lower().endswith(".gguf")
        or "\\" in file
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise fail(f"file must be a .gguf file name in the repository, not {file!r}")
    if not _PARAMETERS_RE.match(table["parameters"]):
        raise fail(f"parameters must look like '1.5B' or '500M', not {table['parameters']!r}")
    languages = table["languages"]
    if (
        not isinstance(languages, list)
        or not languages
        or not all(isinstance(code, str) and _LANGUAGE_RE.match(code) for code in languages)
    ):
        raise fail(f"languages must be a non-empty list of language codes, not {languages!r}")

    return CatalogEntry(
        id=table["id"],
        name=table["name"].strip(),
        repo=table["repo"],
        file=file,
        quant=table["quant"].strip(),
        size_bytes=table["size_bytes"],
        parameters=table["parameters"],
        context_length=table["context_length"],
        license=table["license"].strip(),
        languages=tuple(languages),
        good_for=Translatable("Catalog", table["good_for"].strip()),  # the Models page shows it translated
        chat_template=table["chat_template"],
        kv_bytes_per_token=table.get("kv_bytes_per_token"),
    )


# ==========================================================================
# Models on this computer
# ==========================================================================


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
        return _model_name(self.path.name)

    @property
    def deletable(self) -> bool:
        """Only files in Inkwell's own models folder: the other folders belong
        to other apps (deleting from their caches would break them), and the
        starter model belongs to its package."""
        return self.source == "inkwell"

    @property
    def usable(self) -> bool:
        return self.problem is None and self.info is not None


def _model_name(file_name: str) -> str:
    match = _SPLIT_RE.match(file_name)
    if match is not None:  # even "-00004-of-00003": the name people know it by
        return match["stem"]
    if file_name.lower().endswith(".gguf") and len(file_name) > 5:
        return file_name[:-5]
    return file_name


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
    ).format(name=_model_name(found.path.name), missing=missing.format(numbers=numbers, count=found.count),
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


# ==========================================================================
# Does it fit?
# ==========================================================================


class Fit(str, Enum):
    """How a model fits in memory. A str, so it compares equal to its text."""

    FITS = "fits"
    TIGHT = "tight"
    WONT_FIT = "won't fit"
    UNKNOWN = "unknown"

    def __str__(self) -> str:  # not "Fit.FITS", which (str, Enum) gives by default
        return self.value


# A model "fits" when it needs at most this share of the free memory: the
# rest is for the OS, the app and the estimate's error. Above it, up to all
# of the free memory, it is "tight": it may load but push other programs out.
FIT_FRACTION: Final = 0.8

# A catalog model has no header to read yet: its memory is estimated as the
# download size times this factor, which stands in for llama.cpp's compute
# buffers (offload.memory_needed counts 5% + 64 MiB) and a little more, plus
# the KV cache below.
CATALOG_SIZE_FACTOR: Final = 1.1

# f16 KV cache per token of context, per billion parameters, for catalog
# entries without kv_bytes_per_token. Real models spread widely around it:
# with grouped-query attention (Qwen2.5, Llama 3, Mistral) they need 12-40
# KiB per billion, with classic multi-head attention (Phi-3.5, SmolLM2)
# about 110. 64 KiB is a middle that is off by at most about 2x for the
# second kind; the catalog gives the exact figure for every model it lists.
KV_BYTES_PER_TOKEN_PER_BILLION: Final = 64 * 1024


# The labels in the interface's words (a Fit's value is also what the CLI prints).
FIT_TEXT: Final = {
    Fit.FITS: QT_TRANSLATE_NOOP("Library", "fits"),
    Fit.TIGHT: QT_TRANSLATE_NOOP("Library", "tight"),
    Fit.WONT_FIT: QT_TRANSLATE_NOOP("Library", "won't fit"),
    Fit.UNKNOWN: QT_TRANSLATE_NOOP("Library", "unknown"),
}


def _judge(
    needed: int, n_ctx: int, available_ram: int | None, free_vram: int | None
) -> tuple[Fit, str]:
    """The label and its explanation for ``needed`` bytes against free memory."""
    if n_ctx > 0:
        need = QT_TRANSLATE_NOOP("Library", "needs about {size} at {context} tokens of context").format(
            size=format_size(needed), context=f"{n_ctx:,}")
    else:
        need = QT_TRANSLATE_NOOP("Library", "needs about {size}").format(size=format_size(needed))
    if available_ram is None and free_vram is None:
        return Fit.UNKNOWN, QT_TRANSLATE_NOOP(
            "Library", "{need}; Inkwell could not read this computer's free memory").format(need=need)

    ram = max(available_ram or 0, 0)
    vram = max(free_vram or 0, 0)
    free = ram + vram
    if available_ram is not None and free_vram is not None:
        free_text = QT_TRANSLATE_NOOP("Library", "{free} free ({ram} RAM + {vram} GPU)").format(
            free=format_size(free), ram=format_size(ram), vram=format_size(vram))
    elif free_vram is not None:
        free_text = QT_TRANSLATE_NOOP("Library", "{free} free on the GPU").format(free=format_size(free))
    else:
        free_text = QT_TRANSLATE_NOOP("Library", "{free} free").format(free=format_size(free))

    if needed <= FIT_FRACTION * free:
        return Fit.FITS, QT_TRANSLATE_NOOP("Library", "{need}; {free}").format(need=need, free=free_text)
    if needed <= free:
        return Fit.TIGHT, QT_TRANSLATE_NOOP(
            "Library", "{need}, close to the {free}; close other programs or use a shorter context"
        ).format(need=need, free=free_text)
    if available_ram is None:
        # Only the GPU's memory is known; the model may still fit in RAM.
        return Fit.UNKNOWN, QT_TRANSLATE_NOOP(
            "Library", "{need}; {free}, and Inkwell could not read the free RAM").format(need=need, free=free_text)
    return Fit.WONT_FIT, QT_TRANSLATE_NOOP("Library", "{need}, but only {free}").format(need=need, free=free_text)


def fit_label(
    info: GGUFInfo,
    n_ctx: int,
    available_ram: int | None,
    free_vram: int | None,
    kv_type: str = "f16",
    *,
    total_bytes: int | None = None,
) -> tuple[Fit, str]:
    """Whether the model of ``info`` fits at ``n_ctx`` tokens, with a sentence why.

    Memory as :func:`app.core.offload.memory_needed` estimates it (weights,
    KV cache, compute buffers), against RAM available plus free GPU memory:
    "fits" up to 80% of that, "tight" up to 100%, "won't fit" beyond.
    "unknown" when the free memory could not be read. ``n_ctx`` <= 0 means
    the model's trained context. On unified memory (Apple Silicon) pass
    ``free_vram=None``: the GPU's memory is the RAM, and adding both would
    count it twice.

    ``total_bytes`` is for split models, whose first part's header
    describes only the tensors in that part: the weights are then taken as
    all parts' size and the layer count from the metadata (use
    :func:`model_fit`, which does this).
    """
    if total_bytes is not None and total_bytes > info.file_size:
        # Without per-tensor sizes offload falls back to data_end - data_offset
        # for the weights and to {arch}.block_count for the layers; point
        # those at the whole model.
        info = replace(info, layer_bytes=(), other_bytes=0, data_offset=0, data_end=total_bytes)
    needed = memory_needed(info, n_ctx, kv_type)
    ctx = n_ctx if n_ctx > 0 else (info.context_length or 0)
    return _judge(needed, ctx, available_ram, free_vram)


def model_fit(
    model: ModelFile,
    n_ctx: int,
    available_ram: int | None,
    free_vram: int | None,
    kv_type: str = "f16",
) -> tuple[Fit, str]:
    """:func:`fit_label` for a discovered model; "unknown" with the problem
    when its header could not be read or it cannot be used (a file without
    weights "fits" anywhere, and means nothing by it)."""
    if model.info is None or model.problem:
        return Fit.UNKNOWN, model.problem or QT_TRANSLATE_NOOP("Library", "the model file could not be read")
    total = model.size_bytes if len(model.parts) > 1 else None
    return fit_label(model.info, n_ctx, available_ram, free_vram, kv_type, total_bytes=total)


def _catalog_kv_bytes(entry: CatalogEntry, n_ctx: int, kv_type: str) -> int:
    per_element = KV_BYTES_PER_ELEMENT.get(kv_type.strip().lower())
    if per_element is None:
        known = ", ".join(KV_BYTES_PER_ELEMENT)
        raise ValueError(f"unknown KV cache type {kv_type!r} (known: {known})")
    per_token_f16 = entry.kv_bytes_per_token or int(
        entry.parameter_billions * KV_BYTES_PER_TOKEN_PER_BILLION
    )
    return int(per_token_f16 * n_ctx * per_element / KV_BYTES_PER_ELEMENT["f16"])


def catalog_fit(
    entry: CatalogEntry,
    n_ctx: int,
    available_ram: int | None,
    free_vram: int | None,
    kv_type: str = "f16",
) -> tuple[Fit, str]:
    """Whether a catalog model would fit, before downloading it.

    A rough estimate, with the same thresholds as :func:`fit_label`:
    ``size_bytes`` x 1.1 (weights and compute buffers) + KV cache, the
    cache being ``kv_bytes_per_token`` x ``n_ctx`` (scaled from f16 to
    ``kv_type``), or, without that figure, 64 KiB x billions of parameters
    x ``n_ctx`` (see KV_BYTES_PER_TOKEN_PER_BILLION). ``n_ctx`` <= 0 means
    the model's trained context.
    """
    ctx = n_ctx if n_ctx > 0 else entry.context_length
    needed = int(entry.size_bytes * CATALOG_SIZE_FACTOR) + _catalog_kv_bytes(entry, ctx, kv_type)
    return _judge(needed, ctx, available_ram, free_vram)


# ==========================================================================
# Sizes
# ==========================================================================

_UNITS: Final = ("KB", "MB", "GB", "TB")


def format_size(n: int) -> str:
    """A byte count for people, in decimal units as disks and Hugging Face
    show them: "512 bytes", "98 MB", "1.4 GB", "11.2 GB".

    KB and MB are whole numbers (a tenth of a megabyte means nothing to
    anyone choosing a model); GB and TB have one decimal.
    """
    n = max(int(n), 0)
    if n < 1000:
        return "1 byte" if n == 1 else f"{n} bytes"
    value = float(n)
    for index, unit in enumerate(_UNITS):
        value /= 1000
        decimals = 1 if unit in ("GB", "TB") else 0
        text = f"{value:,.{decimals}f}"
        # Rounding can reach the next unit (999,600 bytes -> "1000 KB"): move on.
        if float(text.replace(",", "")) < 1000 or index == len(_UNITS) - 1:
            return f"{text} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover
