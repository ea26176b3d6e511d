"""Personas: a name and a system prompt. Defaults ship in resources/presets/personas.json;
the user's own are kept in the config folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.presets import builtin_presets, merge_presets, save_user_preset, user_presets
from app.core.translatable import QT_TRANSLATE_NOOP

USER_FILE = "personas.json"
_KEY, _KIND = "system_prompt", "persona"


@dataclass(frozen=True)
class Persona:
    name: str
    system_prompt: str
    builtin: bool = False


def builtin_personas() -> list[Persona]:
    return [Persona(name, text, True) for name, text in builtin_presets(USER_FILE, _KEY, _KIND)]


def all_personas(config_dir: Path) -> tuple[list[Persona], str | None]:
    mine, problem = user_presets(config_dir / USER_FILE, _KEY, _KIND)
    builtin = builtin_presets(USER_FILE, _KEY, _KIND)
    return [Persona(name, text, is_builtin) for (name, text), is_builtin in merge_presets(builtin, mine)], problem


def save_user_persona(config_dir: Path, name: str, system_prompt: str) -> Persona:
    name = name.strip()
    if not name:
        raise ValueError(QT_TRANSLATE_NOOP("Presets", "A persona needs a name."))
    save_user_preset(config_dir / USER_FILE, _KEY, _KIND, name, system_prompt)
    return Persona(name, system_prompt)
