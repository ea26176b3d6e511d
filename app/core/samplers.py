"""Sampler presets: named sets of sampling parameters (temperature, top-p, penalties, ...).

Defaults ship in resources/presets/samplers.json; the user's own are kept in the config folder
as ``samplers.json``. As with personas and styles (see presets.py), a user's preset named like
a default (in any case) replaces it in place and new ones come after the defaults; a user file
that cannot be read is kept aside so that a later save does not overwrite it.

The shipped file is read strictly (every field, nothing unknown): a mistake in it is ours and
a test should catch it. The user's file is read leniently: a missing field takes its default
(a file from an older Inkwell) and an unknown one is ignored but kept on save (a newer one).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, NamedTuple

from app.core.generation import SamplerSettings
from app.core.presets import builtin_name, keep_aside, read_config, write_json_atomically
from app.core.resources import read_resource_text
from app.core.settings import SettingsError
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable, joined, message_of

USER_FILE = "samplers.json"


@dataclass(frozen=True)
class SamplerPreset:
    """The defaults are those of "Chat (balanced)", so a preset built in code from a few fields
    behaves like the everyday one for the rest."""

    name: str
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40  # 0: off
    min_p: float = 0.05
    repeat_penalty: float = 1.1  # 1: off
    repeat_last_n: int = 64  # tokens looked back at; 0: off, -1: the whole context
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    # DRY ("don't repeat yourself") penalises repeating longer sequences; multiplier 0: off.
    dry_multiplier: float = 0.0
    dry_base: float = 1.75
    dry_allowed_length: int = 2
    dry_penalty_last_n: int = -1  # 0: off, -1: the whole context
    seed: int | None = None  # None: a new random seed for every request
    max_tokens: int = 512
    stop: tuple[str, ...] = ()
    builtin: bool = False

    def to_sampler(self) -> SamplerSettings:
        """What the engine samples with. ``repeat_last_n`` is fixed when llama-cpp-python
        creates the model (64 tokens), so it is not applied per request."""
        return SamplerSettings(
            temperature=self.temperature, top_p=self.top_p, top_k=self.top_k, min_p=self.min_p,
            repeat_penalty=self.repeat_penalty, presence_penalty=self.presence_penalty,
            frequency_penalty=self.frequency_penalty, dry_multiplier=self.dry_multiplier,
            dry_base=self.dry_base, dry_allowed_length=self.dry_allowed_length,
            dry_penalty_last_n=self.dry_penalty_last_n, seed=self.seed,
        )

    def validate(self) -> None:
        """SettingsError naming the preset and every field out of range, in a person's words."""
        problems = [problem for f in fields(self) if (problem := _field_problem(f.name, getattr(self, f.name)))]
        if not problems:
            return
        if isinstance(self.name, str) and self.name.strip():
            raise SettingsError(QT_TRANSLATE_NOOP("Presets", 'In the preset "{name}": {problems}.').format(
                name=self.name, problems=joined(problems, "; ")))
        raise SettingsError(QT_TRANSLATE_NOOP("Presets", "In this preset: {problems}.").format(
            problems=joined(problems, "; ")))

    def as_json(self) -> dict[str, Any]:
        """What the user's file holds for this preset (``builtin`` is where it came from, not data)."""
        data = asdict(self)
        del data["builtin"]
        data["stop"] = list(self.stop)
        return data


_WHOLE_CONTEXT_OR_OFF = QT_TRANSLATE_NOOP("Presets", " (-1: the whole context, 0: off)")

# field: (label, whole number?, minimum, maximum, what the ends mean where they are special)
_LIMITS: dict[str, tuple[str, bool, float, float, str]] = {
    "temperature": (QT_TRANSLATE_NOOP("Presets", "Temperature"), False, 0, 5, ""),
    "top_p": (QT_TRANSLATE_NOOP("Presets", "Top-p"), False, 0, 1, ""),
    "top_k": (QT_TRANSLATE_NOOP("Presets", "Top-k"), True, 0, 1000, QT_TRANSLATE_NOOP("Presets", " (0 turns it off)")),
    "min_p": (QT_TRANSLATE_NOOP("Presets", "Min-p"), False, 0, 1, ""),
    "repeat_penalty": (QT_TRANSLATE_NOOP("Presets", "Repeat penalty"), False, 0.5, 3, ""),
    "repeat_last_n": (QT_TRANSLATE_NOOP("Presets", "Repeat penalty range"), True, -1, 1_048_576, _WHOLE_CONTEXT_OR_OFF),
    "presence_penalty": (QT_TRANSLATE_NOOP("Presets", "Presence penalty"), False, -2, 2, ""),
    "frequency_penalty": (QT_TRANSLATE_NOOP("Presets", "Frequency penalty"), False, -2, 2, ""),
    "dry_multiplier": (QT_TRANSLATE_NOOP("Presets", "DRY multiplier"), False, 0, 5, QT_TRANSLATE_NOOP("Presets", " (0 turns DRY off)")),
    "dry_base": (QT_TRANSLATE_NOOP("Presets", "DRY base"), False, 1, 4, ""),
    "dry_allowed_length": (QT_TRANSLATE_NOOP("Presets", "DRY allowed length"), True, 0, 100, ""),
    "dry_penalty_last_n": (QT_TRANSLATE_NOOP("Presets", "DRY range"), True, -1, 1_048_576, _WHOLE_CONTEXT_OR_OFF),
    "seed": (QT_TRANSLATE_NOOP("Presets", "Seed"), True, 0, 2**32 - 1, QT_TRANSLATE_NOOP("Presets", " (or empty for a random seed)")),
    "max_tokens": (QT_TRANSLATE_NOOP("Presets", "Longest reply"), True, 1, 32768, ""),
}
_MAX_STOPS = 16


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _field_problem(name: str, value: object) -> Translatable | None:
    if name == "name":
        return None if isinstance(value, str) and value.strip() else QT_TRANSLATE_NOOP("Presets", "the name must not be empty")
    if name == "builtin":
        return None
    if name == "stop":
        if not isinstance(value, tuple) or not all(isinstance(s, str) and s for s in value):
            return QT_TRANSLATE_NOOP("Presets", "stop sequences must be a list of non-empty texts")
        if len(value) > _MAX_STOPS:
            return QT_TRANSLATE_NOOP("Presets", "there can be at most {count} stop sequences").format(count=_MAX_STOPS)
        return None
    if name == "seed" and value is None:
        return None
    label, whole, low, high, note = _LIMITS[name]
    template = (QT_TRANSLATE_NOOP("Presets", "{label} must be a whole number from {low} to {high}{note}, not {value}") if whole
                else QT_TRANSLATE_NOOP("Presets", "{label} must be a number from {low} to {high}{note}, not {value}"))
    allowed = template.format(label=label, low=_num(low), high=_num(high), note=note, value=repr(value))
    # bool is an int in Python, but True is never a meant temperature.
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
        return allowed
    # Range first: math.isfinite() of a 400-digit int raises OverflowError; nan fails both.
    if not low <= value <= high or not math.isfinite(value):
        return allowed
    return None


_FIELD_NAMES = tuple(f.name for f in fields(SamplerPreset) if f.name != "builtin")


class FieldLimit(NamedTuple):
    """What a numeric field is called, whether it is a whole number, the range ``validate``
    allows, and what its special ends mean ("" when none)."""

    label: Translatable
    whole: bool
    minimum: float
    maximum: float
    note: str


def field_limits() -> dict[str, FieldLimit]:
    """The numeric fields of a preset, in the order of SamplerPreset, with their limits: what an
    editor needs so that it offers exactly what ``validate`` accepts."""
    return {name: FieldLimit(*_LIMITS[name]) for name in _FIELD_NAMES if name in _LIMITS}


def _from_json(item: object, builtin: bool) -> SamplerPreset:
    """One preset from its JSON object; ValueError with a message for a person otherwise."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
        raise ValueError(QT_TRANSLATE_NOOP("Presets", "every sampler preset needs a name"))
    name = builtin_name(item["name"].strip()) if builtin else item["name"].strip()
    if builtin:  # our own file: be strict, so that a typo in a field name cannot go unnoticed
        missing = [key for key in _FIELD_NAMES if key not in item]
        extra = [key for key in item if key not in _FIELD_NAMES]
        if missing:
            raise ValueError(f"the sampler preset {name!r} lacks {', '.join(missing)}")
        if extra:
            raise ValueError(f"the sampler preset {name!r} has unknown fields: {', '.join(extra)}")
    values: dict[str, Any] = {"name": name, "builtin": builtin}
    for key in _FIELD_NAMES[1:]:
        if key not in item:
            continue
        value = item[key]
        if key == "stop" and isinstance(value, list):
            value = tuple(value)
        elif key in _LIMITS and _LIMITS[key][1] and isinstance(value, float) and value.is_integer():
            value = int(value)  # 40.0 from a hand-edited file means 40
        elif (key in _LIMITS and not _LIMITS[key][1] and isinstance(value, int) and not isinstance(value, bool)
              and abs(value) < 2**53):  # a bigger one is out of range anyway (and float() may overflow)
            value = float(value)  # keep floats floats: 1 and 1.0 should compare and print alike
        values[key] = value
    preset = SamplerPreset(**values)
    try:
        preset.validate()
    except SettingsError as error:
        raise ValueError(message_of(error)) from None
    return preset


def _parse(text: str, builtin: bool) -> tuple[list[dict[str, Any]], list[SamplerPreset]]:
    return _from_data(json.loads(text), builtin)


def _from_data(data: object, builtin: bool) -> tuple[list[dict[str, Any]], list[SamplerPreset]]:
    if not isinstance(data, list):
        raise ValueError(QT_TRANSLATE_NOOP("Presets", "expected a list of sampler presets"))
    return data, [_from_json(item, builtin) for item in data]


def builtin_presets() -> list[SamplerPreset]:
    return _parse(read_resource_text("presets", USER_FILE), builtin=True)[1]


def _read_user(path: Path) -> tuple[list[dict[str, Any]], list[SamplerPreset], str | None]:
    """The user's file as raw objects (to write back what this version does not know) and as
    presets, and a message when it could not be read (it is then kept aside, as presets.py does)."""
    if not path.exists():
        return [], [], None
    try:
        raw, presets = read_config(path, lambda data: _from_data(data, builtin=False))
        return raw, presets, None
    except (OSError, ValueError) as error:
        return [], [], QT_TRANSLATE_NOOP(
            "Presets", "Your sampler presets file could not be read ({error}); it was kept as {file}."
        ).format(error=message_of(error), file=keep_aside(path).name)


def all_presets(config_dir: Path) -> tuple[list[SamplerPreset], str | None]:
    """The defaults, each replaced in place by the user's preset of the same name, then the
    user's other presets; and a message when the user's file could not be read."""
    _, mine, problem = _read_user(config_dir / USER_FILE)
    overrides = {preset.name.casefold(): preset for preset in mine}
    merged = [overrides.pop(preset.name.casefold(), preset) for preset in builtin_presets()]
    return merged + list(overrides.values()), problem


def save_user_preset(config_dir: Path, preset: SamplerPreset) -> None:
    """Adds the preset to the user's file, or replaces theirs of the same name (in any case);
    SettingsError when a value is out of range."""
    preset.validate()
    path = config_dir / USER_FILE
    raw, _, _ = _read_user(path)
    key = preset.name.strip().casefold()
    kept = [item for item in raw if str(item.get("name", "")).strip().casefold() != key]
    entry = preset.as_json()
    entry["name"] = preset.name.strip()
    write_json_atomically(path, kept + [entry])


def delete_user_preset(config_dir: Path, name: str) -> bool:
    """Removes the user's preset ``name``; for a default they had replaced, the default comes
    back. False when they had none of that name."""
    path = config_dir / USER_FILE
    raw, _, _ = _read_user(path)
    key = name.strip().casefold()
    kept = [item for item in raw if str(item.get("name", "")).strip().casefold() != key]
    if len(kept) == len(raw):
        return False
    write_json_atomically(path, kept)
    return True


def find_preset(presets: list[SamplerPreset], name: str) -> SamplerPreset | None:
    key = name.strip().casefold()
    return next((preset for preset in presets if preset.name.casefold() == key), None)
