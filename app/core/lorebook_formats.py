"""Lorebooks from other writing tools, and out to SillyTavern.

Reads SillyTavern World Info (``{"entries": {"0": {...}}}``, also the lorebook inside a
character card), Kobold Lite's world info (the ``worldinfo`` list of a saved story, or the
list it exports alone) and NovelAI's ``.lorebook`` (``lorebookVersion``). Writes SillyTavern
World Info, which SillyTavern and Kobold Lite both import; Inkwell's own settings travel in
its ``extensions.inkwell``, so a book exported and read back is the same book.

Importing never stops at a field it does not know: what is left out is said in the notes
returned with the book (a field of another tool's own, a setting Inkwell does not have). A
file that is not JSON, cut short, or not a lorebook raises :class:`LorebookFormatError`.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Final, Literal

from app.core.lorebook import (
    DEFAULT_PRIORITY,
    MAX_RECURSION_DEPTH,
    SCAN_CHARS_RANGE,
    LoreEntry,
    Lorebook,
    LorebookError,
    Position,
    SecondaryLogic,
    parse_keys,
)
from app.core.presets import write_json_atomically
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable

Format = Literal["sillytavern", "kobold", "novelai"]
FORMAT_NAMES: Final[dict[str, str]] = {
    "sillytavern": "SillyTavern World Info",
    "kobold": "Kobold Lite world info",
    "novelai": "NovelAI lorebook",
}

# Saved Kobold Lite stories carry their pictures inline; a lorebook is a few hundred kB.
MAX_LOREBOOK_BYTES: Final = 64 * 1024 * 1024

# A key written /like this/i is a regular expression in SillyTavern and NovelAI.
_REGEX_KEY = re.compile(r"^/.+/[a-z]*$", re.DOTALL)


class LorebookFormatError(LorebookError):
    """A file that cannot be read as a lorebook; the message (a Translatable) names the file
    and says what is wrong."""


# --- Notes --------------------------------------------------------------------------------


class _Notes:
    """What an import left out or changed, counted per kind so that a book of 300 entries
    gives one note per kind, not 300."""

    def __init__(self) -> None:
        self.entry_fields: Counter[str] = Counter()
        self.book_fields: list[str] = []
        self.counted: Counter[Translatable] = Counter()  # templates with a {count}
        self.other: list[Translatable] = []
        self.entries = 0

    def count(self, template: Translatable) -> None:
        self.counted[template] += 1

    def ignored_entry_field(self, name: str) -> None:
        self.entry_fields[name] += 1

    def ignored_book_field(self, name: str) -> None:
        self.book_fields.append(name)

    def result(self) -> list[Translatable]:
        notes = list(self.other)
        notes += [template.format(count=count) for template, count in self.counted.items()]
        notes += [QT_TRANSLATE_NOOP("Lorebook", "ignored the book's field “{field}”: Inkwell does not use it").format(field=name)
                  for name in self.book_fields]
        notes += [QT_TRANSLATE_NOOP("Lorebook", "ignored the field “{field}” in {count} of {total} entries: Inkwell does not use it").format(
                  field=name, count=count, total=self.entries) for name, count in sorted(self.entry_fields.items())]
        return notes


class _BadShape(Exception):
    """Raised by a reader for data of the right format but the wrong shape; the caller names
    the file and the format."""


_ANY: Final = object()  # a field whose value never matters to Inkwell


def _check_fields(item: dict, used: set[str], defaults: dict[str, tuple], ignored: Callable[[str], None], prefix: str = "") -> None:
    """Reports each field of ``item`` that Inkwell does not read: known ones only when they
    hold something other than their tool's default (so a plain file gives no notes), unknown
    ones always."""
    for name, value in item.items():
        if name in used:
            continue
        allowed = defaults.get(name)
        if allowed is not None and (_ANY in allowed or any(value == default and type(value) is type(default)
                                                           for default in allowed)):
            continue
        ignored(prefix + name)


# --- Values as other tools write them ------------------------------------------------------


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: object) -> int | None:
    """A whole number from JSON: ints, finite floats and numeric strings; not booleans."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return round(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,18}\s*", value):
        return int(value)
    return None


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def _key_list(value: object, notes: _Notes) -> list[str] | None:
    """Keys from a list (SillyTavern, NovelAI) or a comma-separated line (Kobold Lite);
    regular-expression keys are left out, with a note."""
    if isinstance(value, str):
        keys = list(parse_keys(value))
    elif isinstance(value, list):
        keys = [key for key in value if isinstance(key, str)]
        if len(keys) < len(value):
            notes.count(QT_TRANSLATE_NOOP("Lorebook", "keys that were not text, left out: {count}"))
    else:
        return None
    plain = []
    for key in keys:
        if _REGEX_KEY.match(key.strip()):
            notes.count(QT_TRANSLATE_NOOP("Lorebook", "keys written as regular expressions, left out because Inkwell matches words and names: {count}"))
        else:
            plain.append(key)
    return plain


class _EntryReader:
    """Reads one entry's fields, noting each that has the wrong type."""

    def __init__(self, item: dict, notes: _Notes) -> None:
        self.item, self.notes = item, notes

    def get(self, names: tuple[str, ...], convert: Callable[[object], object], default: object) -> object:
        for name in names:
            if name in self.item and self.item[name] is not None:
                value = convert(self.item[name])
                if value is None:
                    self.notes.count(QT_TRANSLATE_NOOP("Lorebook", "entry fields with a value of the wrong type, ignored: {count}"))
                    return default
                return value
        return default

    def keys(self, *names: str) -> tuple[str, ...]:
        return tuple(self.get(names, lambda value: _key_list(value, self.notes), []))


def _scan_chars(chars: int, notes: _Notes) -> int:
    low, high = SCAN_CHARS_RANGE
    used = min(max(chars, low), high)
    if used != chars:
        notes.other.append(QT_TRANSLATE_NOOP("Lorebook", "the scan range of {chars} characters became {used}, the nearest Inkwell allows").format(
            chars=f"{chars:,}", used=f"{used:,}"))
    return used


# --- SillyTavern --------------------------------------------------------------------------

_ST_POSITIONS: Final[dict[object, Position]] = {0: "before_memory", 1: "after_memory", 2: "authors_note", 3: "authors_note",
                                               "before_char": "before_memory", "after_char": "after_memory"}
_ST_POSITION_CODES: Final[dict[Position, int]] = {"before_memory": 0, "after_memory": 1, "authors_note": 2}
_ST_LOGICS: Final[dict[int, SecondaryLogic]] = {0: "and_any", 1: "not_all", 2: "not_any", 3: "and_all"}
_ST_LOGIC_CODES: Final[dict[SecondaryLogic, int]] = {logic: code for code, logic in _ST_LOGICS.items()}
_ST_AT_DEPTH, _ST_EXAMPLES = 4, (5, 6)

_ST_USED: Final = {"key", "keys", "keysecondary", "secondary_keys", "comment", "name", "content", "constant", "disable",
                   "enabled", "order", "insertion_order", "position", "selective", "selectiveLogic"}
# SillyTavern's own fields with their defaults (newWorldInfoEntryDefinition in its
# world-info.js), and the character-card spelling of a few.
_ST_DEFAULTS: Final[dict[str, tuple]] = {
    "uid": (_ANY,), "id": (_ANY,), "displayIndex": (_ANY,), "addMemo": (_ANY,), "automationId": (_ANY,),
    "depth": (_ANY,),  # read with position 4 only
    "vectorized": (False,), "excludeRecursion": (False,), "preventRecursion": (False,),
    "delayUntilRecursion": (False, 0), "probability": (100,), "useProbability": (True, False), "group": ("",),
    "groupOverride": (False,), "groupWeight": (100,), "scanDepth": (None,), "caseSensitive": (None, False),
    "case_sensitive": (None, False), "matchWholeWords": (None, True), "useGroupScoring": (None, False), "role": (None, 0),
    "sticky": (None, 0), "cooldown": (None, 0), "delay": (None, 0), "extensions": ({},), "ignoreBudget": (False,),
    "characterFilter": ({"isExclude": False, "names": [], "tags": []}, None), "triggers": ([],), "outletName": ("",),
    "matchPersonaDescription": (False,), "matchCharacterDescription": (False,), "matchCharacterPersonality": (False,),
    "matchCharacterDepthPrompt": (False,), "matchScenario": (False,), "matchCreatorNotes": (False,),
    "priority": (None,),
}
_ST_BOOK_USED: Final = {"entries", "name", "extensions", "recursive_scanning"}
_ST_BOOK_DEFAULTS: Final[dict[str, tuple]] = {"originalData": (_ANY,), "description": (_ANY,), "scan_depth": (None,),
                                             "token_budget": (None,)}


def _from_sillytavern(data: dict, name: str, notes: _Notes) -> Lorebook:
    raw_entries = data["entries"]
    if isinstance(raw_entries, dict):
        items = list(raw_entries.values())
    elif isinstance(raw_entries, list):
        items = raw_entries
    else:
        raise _BadShape(QT_TRANSLATE_NOOP("Lorebook", "“entries” must be an object or a list"))
    entries = [_st_entry(item, notes) for item in _entry_objects(items, notes)]
    # SillyTavern shows its entries by displayIndex; files keep them by uid.
    order = [(_number(item.get("displayIndex")) if isinstance(item, dict) else None) for item in items if isinstance(item, dict)]
    if all(index is not None for index in order):
        entries = [entry for _, entry in sorted(zip(order, entries), key=lambda pair: pair[0])]
    _check_fields(data, _ST_BOOK_USED, _ST_BOOK_DEFAULTS, notes.ignored_book_field)
    settings = _inkwell_settings(data, notes)
    if "recursion_depth" not in settings and _flag(data.get("recursive_scanning")):
        settings["recursion_depth"] = MAX_RECURSION_DEPTH  # SillyTavern recurses without a limit by default
    return Lorebook(name=_text(data.get("name")) or name, entries=tuple(entries), **settings)


def _st_entry(item: dict, notes: _Notes) -> LoreEntry:
    read = _EntryReader(item, notes)
    _check_fields(item, _ST_USED, _ST_DEFAULTS, notes.ignored_entry_field)
    position_code = item.get("position", 0)
    position_code = position_code if isinstance(position_code, str) else _number(position_code)
    position = _ST_POSITIONS.get(position_code)
    if position is None:
        if position_code == _ST_AT_DEPTH:
            notes.count(QT_TRANSLATE_NOOP("Lorebook", "entries placed at a depth in the chat, placed with the author's note instead: {count}"))
            position = "authors_note"
        elif position_code in _ST_EXAMPLES:
            notes.count(QT_TRANSLATE_NOOP("Lorebook", "entries placed around example messages, placed after the memory instead: {count}"))
            position = "after_memory"
        else:
            notes.count(QT_TRANSLATE_NOOP("Lorebook", "entries with a position Inkwell does not know, placed after the memory: {count}"))
            position = "after_memory"
    enabled = read.get(("enabled",), _flag, True) and not read.get(("disable",), _flag, False)
    return LoreEntry(
        name=read.get(("comment", "name"), _text, ""),
        keys=read.keys("key", "keys"),
        content=read.get(("content",), _text, ""),
        enabled=enabled,
        always_on=read.get(("constant",), _flag, False),
        priority=read.get(("order", "insertion_order"), _number, DEFAULT_PRIORITY),
        position=position,
        # SillyTavern uses secondary keys whenever there are some ("all entries are selective now").
        secondary_keys=read.keys("keysecondary", "secondary_keys"),
        secondary_logic=_ST_LOGICS.get(read.get(("selectiveLogic",), _number, 0), "and_any"),
    )


def _inkwell_settings(data: dict, notes: _Notes) -> dict[str, object]:
    """The book settings Inkwell writes into ``extensions.inkwell`` of its exports."""
    extensions = data.get("extensions")
    if not isinstance(extensions, dict):
        return {}
    _check_fields(extensions, {"inkwell"}, {}, notes.ignored_book_field, prefix="extensions.")
    own = extensions.get("inkwell")
    if not isinstance(own, dict):
        return {}
    _check_fields(own, {"scan_chars", "recursion_depth", "budget_fraction"}, {}, notes.ignored_book_field, prefix="extensions.inkwell.")
    settings: dict[str, object] = {}
    if (chars := _number(own.get("scan_chars"))) is not None:
        settings["scan_chars"] = _scan_chars(chars, notes)
    if (depth := _number(own.get("recursion_depth"))) is not None:
        settings["recursion_depth"] = min(max(depth, 0), MAX_RECURSION_DEPTH)
    fraction = own.get("budget_fraction")
    if isinstance(fraction, (int, float)) and not isinstance(fraction, bool) and 0 < fraction <= 1:
        settings["budget_fraction"] = float(fraction)
    return settings


def to_sillytavern(lorebook: Lorebook) -> dict:
    """The book as SillyTavern World Info, every entry with SillyTavern's full set of fields."""
    entries = {}
    for uid, entry in enumerate(lorebook.entries):
        entries[str(uid)] = {
            "uid": uid,
            "key": list(entry.keys),
            "keysecondary": list(entry.secondary_keys),
            "comment": entry.name,
            "content": entry.content,
            "constant": entry.always_on,
            "vectorized": False,
            "selective": True,
            "selectiveLogic": _ST_LOGIC_CODES[entry.secondary_logic],
            "addMemo": True,
            "order": entry.priority,
            "position": _ST_POSITION_CODES[entry.position],
            "disable": not entry.enabled,
            "excludeRecursion": False,
            "preventRecursion": False,
            "delayUntilRecursion": 0,
            "probability": 100,
            "useProbability": True,
            "depth": 4,
            "group": "",
            "groupOverride": False,
            "groupWeight": 100,
            "scanDepth": None,
            "caseSensitive": None,
            "matchWholeWords": None,
            "useGroupScoring": None,
            "automationId": "",
            "role": 0,
            "sticky": None,
            "cooldown": None,
            "delay": None,
            "displayIndex": uid,
        }
    return {
        "name": lorebook.name,
        "entries": entries,
        "extensions": {"inkwell": {
            "scan_chars": lorebook.scan_chars,
            "recursion_depth": lorebook.recursion_depth,
            "budget_fraction": lorebook.budget_fraction,
        }},
    }


def dumps_sillytavern(lorebook: Lorebook) -> str:
    return json.dumps(to_sillytavern(lorebook), ensure_ascii=False, indent=2)


def save_sillytavern(lorebook: Lorebook, path: Path) -> None:
    """Writes the book as SillyTavern World Info (a crash leaves the old file or the new one)."""
    write_json_atomically(Path(path), to_sillytavern(lorebook))


# --- Kobold Lite --------------------------------------------------------------------------

_KOBOLD_USED: Final = {"key", "keysecondary", "keyanti", "content", "comment", "selective", "constant", "widisabled"}
# Kobold Lite's defaults (add_wi in its index.html) and the KoboldAI client's bookkeeping.
_KOBOLD_DEFAULTS: Final[dict[str, tuple]] = {"folder": (None,), "probability": (100,), "wigroup": ("", None),
                                            "uid": (_ANY,), "num": (_ANY,), "init": (_ANY,)}
# A saved story holds the story itself beside its world info; Inkwell takes the world info.
_KOBOLD_STORY_TEXT: Final = ("prompt", "memory", "authorsnote", "actions")


def _from_kobold(data: dict | list, name: str, notes: _Notes) -> Lorebook:
    settings: dict[str, object] = {}
    position: Position = "after_memory"
    if isinstance(data, dict):
        items = data.get("worldinfo")
        if not isinstance(items, list):
            raise _BadShape(QT_TRANSLATE_NOOP("Lorebook", "“worldinfo” must be a list"))
        if any(data.get(field) for field in _KOBOLD_STORY_TEXT):
            notes.other.append(QT_TRANSLATE_NOOP("Lorebook", "only the world info was imported, not the story, its memory or its author's note"))
        depth = _number(data.get("wisearchdepth"))
        if depth:  # 0 is Kobold Lite's "search the whole context"
            settings["scan_chars"] = _scan_chars(depth, notes)
        if _number(data.get("wiinsertlocation")) == 1:  # "Before A/N"
            position = "authors_note"
    else:
        items = data
    entries = []
    for item in _entry_objects(items, notes):
        read = _EntryReader(item, notes)
        _check_fields(item, _KOBOLD_USED, _KOBOLD_DEFAULTS, notes.ignored_entry_field)
        secondary, anti = read.keys("keysecondary"), read.keys("keyanti")
        selective = read.get(("selective",), _flag, False)
        logic: SecondaryLogic = "and_any"
        if not selective:
            secondary = ()
        elif not secondary and anti:
            secondary, logic = anti, "not_any"
        elif secondary and anti:
            notes.count(QT_TRANSLATE_NOOP("Lorebook", "entries with both secondary keys and anti-keys, whose anti-keys were left out: {count}"))
        entries.append(LoreEntry(
            name=read.get(("comment",), _text, ""),
            keys=read.keys("key"),
            content=read.get(("content",), _text, ""),
            enabled=not read.get(("widisabled",), _flag, False),
            always_on=read.get(("constant",), _flag, False),
            position=position,
            secondary_keys=secondary,
            secondary_logic=logic,
        ))
    return Lorebook(name=name, entries=tuple(entries), **settings)


# --- NovelAI ------------------------------------------------------------------------------

_NOVELAI_USED: Final = {"displayName", "keys", "text", "enabled", "forceActivation", "contextConfig", "searchRange"}
_NOVELAI_DEFAULTS: Final[dict[str, tuple]] = {
    "id": (_ANY,), "lastUpdatedAt": (_ANY,), "category": ("", None), "keyRelative": (False,),
    "nonStoryActivatable": (False,), "loreBiasGroups": (_ANY,),  # checked below: only phrases matter
}
# How NovelAI lays out its own context; Inkwell places entries its own way.
_NOVELAI_CONTEXT_USED: Final = {"budgetPriority"}
_NOVELAI_CONTEXT_DEFAULTS: Final[dict[str, tuple]] = {
    "prefix": ("",), "suffix": ("\n", ""), "tokenBudget": (_ANY,), "reservedTokens": (_ANY,), "trimDirection": (_ANY,),
    "insertionType": (_ANY,), "maximumTrimType": (_ANY,), "insertionPosition": (_ANY,),
}
_NOVELAI_BOOK_USED: Final = {"lorebookVersion", "entries", "name"}
_NOVELAI_BOOK_DEFAULTS: Final[dict[str, tuple]] = {"settings": (_ANY,), "categories": ([],)}
_NOVELAI_SEARCH_RANGE = 1000  # its default, in characters


def _from_novelai(data: dict, name: str, notes: _Notes) -> Lorebook:
    items = data.get("entries")
    if not isinstance(items, list):
        raise _BadShape(QT_TRANSLATE_NOOP("Lorebook", "“entries” must be a list"))
    _check_fields(data, _NOVELAI_BOOK_USED, _NOVELAI_BOOK_DEFAULTS, notes.ignored_book_field)
    entries, ranges = [], []
    for item in _entry_objects(items, notes):
        read = _EntryReader(item, notes)
        _check_fields(item, _NOVELAI_USED, _NOVELAI_DEFAULTS, notes.ignored_entry_field)
        if any(isinstance(group, dict) and group.get("phrases") for group in item.get("loreBiasGroups") or ()):
            notes.ignored_entry_field("loreBiasGroups")
        config = item.get("contextConfig")
        priority = DEFAULT_PRIORITY
        if isinstance(config, dict):
            _check_fields(config, _NOVELAI_CONTEXT_USED, _NOVELAI_CONTEXT_DEFAULTS, notes.ignored_entry_field, prefix="contextConfig.")
            priority = _EntryReader(config, notes).get(("budgetPriority",), _number, DEFAULT_PRIORITY)
        ranges.append(read.get(("searchRange",), _number, _NOVELAI_SEARCH_RANGE))
        entries.append(LoreEntry(
            name=read.get(("displayName",), _text, ""),
            keys=read.keys("keys"),
            content=read.get(("text",), _text, ""),
            enabled=read.get(("enabled",), _flag, True),
            always_on=read.get(("forceActivation",), _flag, False),
            priority=priority,
        ))
    settings: dict[str, object] = {}
    if ranges:
        # NovelAI sets the range per entry, Inkwell per book: the widest, so that nothing
        # NovelAI would have found is missed.
        settings["scan_chars"] = _scan_chars(max(ranges), notes)
        if len(set(ranges)) > 1:
            notes.other.append(QT_TRANSLATE_NOOP("Lorebook", "the entries searched {low} to {high} characters back; Inkwell searches {used} for all of them").format(
                low=f"{min(ranges):,}", high=f"{max(ranges):,}", used=f"{settings['scan_chars']:,}"))
    return Lorebook(name=_text(data.get("name")) or name, entries=tuple(entries), **settings)


# --- Reading a file -----------------------------------------------------------------------


def _entry_objects(items: list, notes: _Notes) -> list[dict]:
    objects = [item for item in items if isinstance(item, dict)]
    notes.entries += len(objects)
    if len(objects) < len(items):
        notes.other.append(QT_TRANSLATE_NOOP("Lorebook", "items that were not entries, skipped: {count}").format(
            count=len(items) - len(objects)))
    return objects


def detect_format(data: object) -> Format | None:
    """Which tool wrote this JSON data, or None."""
    if isinstance(data, dict):
        if "lorebookVersion" in data:
            return "novelai"
        if "worldinfo" in data:
            return "kobold"
        if "entries" in data:
            return "sillytavern"
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data) \
            and any("content" in item and "key" in item for item in data):
        return "kobold"  # Kobold Lite's world info exported alone
    return None


_READERS: Final = {"sillytavern": _from_sillytavern, "kobold": _from_kobold, "novelai": _from_novelai}


def parse_lorebook(text: str | bytes, name: str = "", *, file: str | None = None) -> tuple[Lorebook, list[Translatable]]:
    """A lorebook from a file's text (its format recognised by :func:`detect_format`), and the
    notes on what was left out. ``name`` names the book when the file does not; ``file``
    (else ``name``) names the file in messages."""
    shown = file if file is not None else name
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LorebookFormatError(QT_TRANSLATE_NOOP("Lorebook", "{file} is not a lorebook: it is not UTF-8 text").format(file=shown)) from None
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        if not text[error.pos:].strip():
            message = QT_TRANSLATE_NOOP("Lorebook", "{file} is cut short: its JSON ends at line {line} before it is complete")
        else:
            message = QT_TRANSLATE_NOOP("Lorebook", "{file} is not valid JSON (line {line}, column {column}): it may be damaged")
        raise LorebookFormatError(message.format(file=shown, line=error.lineno, column=error.colno)) from None
    except RecursionError:
        raise LorebookFormatError(QT_TRANSLATE_NOOP("Lorebook", "{file} is not a lorebook: it is nested too deeply").format(file=shown)) from None
    except MemoryError:
        raise LorebookFormatError(QT_TRANSLATE_NOOP("Lorebook", "{file} could not be read: there is not enough memory").format(file=shown)) from None
    except ValueError:  # e.g. a number with more digits than Python converts
        raise LorebookFormatError(QT_TRANSLATE_NOOP("Lorebook", "{file} is not a lorebook: it holds a value that cannot be read").format(file=shown)) from None
    format = detect_format(data)
    if format is None:
        raise LorebookFormatError(QT_TRANSLATE_NOOP(
            "Lorebook", "{file} is not a lorebook Inkwell can read: it has none of SillyTavern's “entries”, "
            "Kobold Lite's “worldinfo” or NovelAI's “lorebookVersion”").format(file=shown))
    notes = _Notes()
    try:
        lorebook = _READERS[format](data, name, notes)
    except _BadShape as error:
        problem = error.args[0]
    except (LorebookError, TypeError, ValueError, AttributeError) as error:  # a shape no reader expects
        problem = QT_TRANSLATE_NOOP("Lorebook", "an unexpected value ({detail})").format(detail=str(error))
    else:
        return lorebook, notes.result()
    raise LorebookFormatError(QT_TRANSLATE_NOOP("Lorebook", "{file} is not a readable {format}: {problem}").format(
        file=shown, format=FORMAT_NAMES[format], problem=problem))


def load_lorebook(path: Path | str) -> tuple[Lorebook, list[Translatable]]:
    """Reads a SillyTavern, Kobold Lite or NovelAI lorebook file (the format is recognised by
    its content). The book is named after the file unless the file names it. Raises
    :class:`LorebookFormatError` for anything that cannot be read."""
    path = Path(path)
    try:
        # Non-blocking, so that a FIFO in the file's place cannot hang; a regular file is unaffected.
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)), "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise LorebookFormatError(QT_TRANSLATE_NOOP("Lorebook", "{file} is not a file").format(file=path.name))
            raw = file.read(MAX_LOREBOOK_BYTES + 1)
    except OSError as error:
        raise LorebookFormatError(QT_TRANSLATE_NOOP("Lorebook", "{file} could not be read: {reason}").format(
            file=path.name, reason=error.strerror or str(error))) from None
    if len(raw) > MAX_LOREBOOK_BYTES:
        raise LorebookFormatError(QT_TRANSLATE_NOOP("Lorebook", "{file} is larger than {limit} MB, far more than a lorebook holds").format(
            file=path.name, limit=MAX_LOREBOOK_BYTES // (1024 * 1024)))
    return parse_lorebook(raw, path.stem, file=path.name)
