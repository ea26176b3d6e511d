"""Personas: a name and a system prompt. Defaults ship in resources/presets; the user's own are
kept in the config folder and listed after them."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.core.resources import read_resource_text

USER_FILE = "personas.json"


@dataclass(frozen=True)
class Persona:
    name: str
    system_prompt: str
    builtin: bool = False


def _parse(text: str, builtin: bool) -> list[Persona]:
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError("expected a list of personas")
    personas = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ValueError("every persona needs a name")
        personas.append(Persona(item["name"].strip(), str(item.get("system_prompt", "")), builtin))
    return personas


def builtin_personas() -> list[Persona]:
    return _parse(read_resource_text("presets", "personas.json"), builtin=True)


def user_personas(config_dir: Path) -> tuple[list[Persona], str | None]:
    """The user's personas, and a message when their file could not be read (it is then kept
    aside, so a later save does not overwrite what the user wrote)."""
    path = config_dir / USER_FILE
    if not path.exists():
        return [], None
    try:
        return _parse(path.read_text(encoding="utf-8"), builtin=False), None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        backup = path.with_name(path.name + ".unreadable")
        try:
            os.replace(path, backup)
        except OSError:
            backup = path
        return [], f"Your personas file could not be read ({error}); it was kept as {backup.name}."


def all_personas(config_dir: Path) -> tuple[list[Persona], str | None]:
    mine, problem = user_personas(config_dir)
    builtin = builtin_personas()
    taken = {p.name for p in mine}
    return [p for p in builtin if p.name not in taken] + mine, problem


def save_user_persona(config_dir: Path, name: str, system_prompt: str) -> Persona:
    """Adds or replaces one of the user's personas; written atomically."""
    name = name.strip()
    if not name:
        raise ValueError("A persona needs a name.")
    mine, _ = user_personas(config_dir)
    persona = Persona(name, system_prompt)
    mine = [p for p in mine if p.name != name] + [persona]
    write_json_atomically(config_dir / USER_FILE, [{"name": p.name, "system_prompt": p.system_prompt} for p in mine])
    return persona


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
