"""The curated catalog of models Inkwell offers to download (``models/catalog.toml``)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from app.core.library.split_models import split_part
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10, where tomli is a dependency
    import tomli as tomllib  # type: ignore[no-redef]

_PACKAGE_DIR: Final = Path(__file__).resolve().parent.parent.parent  # .../app

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
    ``chinese`` marks the models that write Chinese well (the Models page
    says "good for Chinese").
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
    chinese: bool = False

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
_OPTIONAL_FLAGS: Final = ("chinese",)
_KNOWN_FIELDS: Final = frozenset(
    (*_TEXT_FIELDS, *_INT_FIELDS, *_OPTIONAL_FIELDS, *_OPTIONAL_FLAGS, "languages", "chat_template")
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
    missing = sorted(_KNOWN_FIELDS - set(_OPTIONAL_FIELDS) - set(_OPTIONAL_FLAGS) - set(table))
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
    for key in ("chat_template", *_OPTIONAL_FLAGS):
        if key in table and not isinstance(table[key], bool):
            raise fail(f"{key} must be true or false, not {table[key]!r}")

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
        chinese=table.get("chinese", False),
    )
