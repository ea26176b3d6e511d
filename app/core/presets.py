"""Named presets (personas, styles): defaults shipped in resources/presets, and the user's own
in a JSON file in the config folder. A user's preset named like a default (in any case)
replaces it in place; new ones come after the defaults."""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path
from typing import Final, TypeVar

from app.core.resources import read_resource_text
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable, message_of

NamedText = tuple[str, str]  # (name, text)

# The names of the presets shipped in resources/presets, listed for pyside6-lupdate, which reads
# Python but not JSON (tests/test_translations.py keeps this list and the files in step).
BUILTIN_NAMES: Final = (
    QT_TRANSLATE_NOOP("Presets", "Assistant"),
    QT_TRANSLATE_NOOP("Presets", "Think step by step"),
    QT_TRANSLATE_NOOP("Presets", "Concise"),
    QT_TRANSLATE_NOOP("Presets", "Writing coach"),
    QT_TRANSLATE_NOOP("Presets", "Translator (English ↔ 中文)"),
    QT_TRANSLATE_NOOP("Presets", "中文助手"),
    QT_TRANSLATE_NOOP("Presets", "Formal"),
    QT_TRANSLATE_NOOP("Presets", "Casual"),
    QT_TRANSLATE_NOOP("Presets", "Vivid"),
    QT_TRANSLATE_NOOP("Presets", "Simpler"),
    QT_TRANSLATE_NOOP("Presets", "Academic"),
    QT_TRANSLATE_NOOP("Presets", "Persuasive"),
    QT_TRANSLATE_NOOP("Presets", "Fix grammar only"),
    QT_TRANSLATE_NOOP("Presets", "Chat (balanced)"),
    QT_TRANSLATE_NOOP("Presets", "Creative writing"),
    QT_TRANSLATE_NOOP("Presets", "Precise / rewrite"),
)


# "Your personas file…": the kinds as the interface says them.
_KINDS_TEXT: Final = {"persona": QT_TRANSLATE_NOOP("Presets", "personas"), "style": QT_TRANSLATE_NOOP("Presets", "styles")}
_KIND_TEXT: Final = {"persona": QT_TRANSLATE_NOOP("Presets", "persona"), "style": QT_TRANSLATE_NOOP("Presets", "style")}


def builtin_name(name: str) -> Translatable:
    """A shipped preset's name: the interface shows it translated, a user's stays as typed."""
    return Translatable("Presets", name)


def parse_presets(text: str, text_key: str, kind: str) -> list[NamedText]:
    """``kind`` names one preset in messages ("persona", "style")."""
    return _presets_from(json.loads(text), text_key, kind)


def _presets_from(data: object, text_key: str, kind: str) -> list[NamedText]:
    kind_text, kinds_text = _KIND_TEXT.get(kind, kind), _KINDS_TEXT.get(kind, f"{kind}s")
    if not isinstance(data, list):
        raise ValueError(QT_TRANSLATE_NOOP("Presets", "expected a list of {kinds}").format(kinds=kinds_text))
    presets = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ValueError(QT_TRANSLATE_NOOP("Presets", "every {kind} needs a name").format(kind=kind_text))
        if not isinstance(item.get(text_key), str):
            raise ValueError(QT_TRANSLATE_NOOP("Presets", "the {kind} {name} needs a text in {key}").format(
                kind=kind_text, name=repr(item["name"].strip()), key=repr(text_key)))
        presets.append((item["name"].strip(), item[text_key].strip()))
    return presets


def builtin_presets(file_name: str, text_key: str, kind: str) -> list[NamedText]:
    return [(builtin_name(name), text) for name, text in parse_presets(read_resource_text("presets", file_name), text_key, kind)]


def user_presets(path: Path, text_key: str, kind: str) -> tuple[list[NamedText], str | None]:
    """The user's presets, and a message when their file could not be read (it is then kept
    aside, so a later save does not overwrite what the user wrote)."""
    if not path.exists():
        return [], None
    try:
        return read_config(path, lambda data: _presets_from(data, text_key, kind)), None
    except (OSError, ValueError) as error:
        return [], QT_TRANSLATE_NOOP("Presets", "Your {kinds} file could not be read ({error}); it was kept as {file}.").format(
            kinds=_KINDS_TEXT.get(kind, f"{kind}s"), error=message_of(error), file=keep_aside(path).name)


def merge_presets(builtin: list[NamedText], mine: list[NamedText]) -> list[tuple[NamedText, bool]]:
    """Each preset with whether it is a default."""
    overrides = {name.casefold(): (name, text) for name, text in mine}
    merged = [(overrides.pop(name.casefold()), False) if name.casefold() in overrides else ((name, text), True)
              for name, text in builtin]
    return merged + [(preset, False) for preset in overrides.values()]


def save_user_preset(path: Path, text_key: str, kind: str, name: str, text: str) -> None:
    """Adds or replaces (whatever the case of its name) one of the user's presets."""
    mine, _ = user_presets(path, text_key, kind)
    mine = [(n, t) for n, t in mine if n.casefold() != name.casefold()] + [(name, text)]
    write_json_atomically(path, [{"name": n, text_key: t} for n, t in mine])


def keep_aside(path: Path, suffix: str = ".unreadable") -> Path:
    """Moves a file that could not be read out of the way, so that the next save does not
    destroy what the user wrote in it. Returns where it now is (``path`` if it could not move)."""
    backup = path.with_name(path.name + suffix)
    for n in range(2, 100):  # a second failure must not overwrite the first backup
        if not backup.exists():
            break
        backup = path.with_name(f"{path.name}{suffix}-{n}")
    try:
        os.replace(path, backup)
    except OSError:
        return path
    return backup


# The user's JSON files (settings, personas, styles, sampler presets, remote engines) are a few
# kilobytes; anything this big was not written by Inkwell or by a person, and reading it whole
# would let a damaged or hostile file take the memory.
MAX_CONFIG_BYTES: Final = 4 * 1024 * 1024
# Deeper than this is damage (our files nest three levels). It also keeps far below the
# depth where json's decoder, or json.dump when unknown keys are written back, would recurse
# out of the stack.
MAX_CONFIG_NESTING: Final = 64
# A JSON string (or an unterminated one, to the end), matched in linear time whatever the
# text: the decoder sees brackets only outside strings.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP: Final = {"[": 1, "{": 1, "]": -1, "}": -1}

_T = TypeVar("_T")


def read_config(path: Path, parse: Callable[[object], _T] = lambda data: data) -> _T:
    """The JSON data of one of the user's files, turned into what the caller wants by ``parse``
    (which raises ValueError for data it cannot use).

    The one way every config file is read, so that whatever a file holds it ends in OSError
    (the file could not be read) or ValueError (its content is damaged, with the reason in
    English) and nothing else: not RecursionError for nesting 200,000 deep, nor MemoryError for
    a gigantic file, nor OverflowError or TypeError from a value ``parse`` did not expect. The
    caller keeps the file aside (:func:`keep_aside`), uses defaults and says so."""
    try:
        # Non-blocking, so that a FIFO put in the file's place cannot hang the start; for a
        # regular file the flag changes nothing.
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)), "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise ValueError("it is not a regular file")
            raw = file.read(MAX_CONFIG_BYTES + 1)  # a file that grows while read is still bounded
        if len(raw) > MAX_CONFIG_BYTES:
            raise ValueError(f"it is larger than {MAX_CONFIG_BYTES // (1024 * 1024)} MB, far more than such a file holds")
        text = raw.decode("utf-8-sig")  # Notepad's byte order mark is no damage
        del raw
        depth = _nesting(text)
        if depth > MAX_CONFIG_NESTING:
            raise ValueError(f"it is nested {depth:,} levels deep")
        return parse(json.loads(text))
    except (OSError, ValueError):  # UnicodeDecodeError and json's JSONDecodeError are ValueErrors
        raise
    except RecursionError:
        raise ValueError("it is nested too deeply to read (recursion)") from None
    except MemoryError:
        raise ValueError("there is not enough memory to read it") from None
    except (OverflowError, TypeError, ArithmeticError) as error:
        raise ValueError(f"it holds a value that cannot be used ({error})") from None


def _nesting(text: str) -> int:
    """How deep the lists and objects of a JSON text nest, counted without recursion and
    without decoding anything (brackets inside strings do not count)."""
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def write_json_atomically(path: Path, data: object) -> None:
    """Write a temporary file, fsync it, then rename: a crash leaves the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, ensure_ascii=False, indent=2)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
