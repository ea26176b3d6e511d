"""Hostile config files: whatever a file in the config folder holds (nested 200,000 deep,
numbers beyond any float, gigantic), Inkwell starts with its defaults, keeps the file aside
and says so. Nothing here may raise, and nothing may be lost."""

from __future__ import annotations

import json
import math
import os

import pytest

from app.core import presets
from app.core.personas import all_personas
from app.core.presets import MAX_CONFIG_BYTES, read_config, user_presets
from app.core.remote import ENGINES_FILE, EngineList
from app.core.rewrite import all_styles
from app.core.samplers import all_presets
from app.core.settings import FILE_NAME, Settings

DEEP = "[" * 200_000
DEEP_OBJECTS = '{"a":' * 200_000


def _kept(folder, name):
    """The files that hold what was in ``name`` now that it was moved aside."""
    return [p for p in folder.iterdir() if p.name.startswith(name) and p.name != name]


def _load_settings(folder):
    return Settings.load(folder / FILE_NAME)


def _load_personas(folder):
    return all_personas(folder)


def _load_styles(folder):
    return all_styles(folder)


def _load_samplers(folder):
    return all_presets(folder)


def _load_engines(folder):
    return EngineList(folder).load()


LOADERS = [
    (FILE_NAME, _load_settings),
    ("personas.json", _load_personas),
    ("styles.json", _load_styles),
    ("samplers.json", _load_samplers),
    (ENGINES_FILE, _load_engines),
]


@pytest.mark.parametrize("content", [DEEP, DEEP_OBJECTS, "[" * 5000 + "]" * 5000], ids=["lists", "objects", "closed"])
@pytest.mark.parametrize(("name", "load"), LOADERS, ids=[name for name, _ in LOADERS])
def test_deeply_nested_file_is_kept_aside_with_a_message(tmp_path, name, load, content):
    (tmp_path / name).write_text(content, encoding="utf-8")
    _, problem = load(tmp_path)
    assert problem and "could not be read" in problem
    assert not (tmp_path / name).exists()
    kept = _kept(tmp_path, name)
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == content
    assert kept[0].name in problem
    # The next start is a normal one.
    assert load(tmp_path)[1] is None


@pytest.mark.parametrize(("name", "load"), LOADERS, ids=[name for name, _ in LOADERS])
def test_oversized_file_is_kept_aside_without_being_read(tmp_path, name, load):
    path = tmp_path / name
    with path.open("w", encoding="utf-8") as file:
        file.write('["')
        file.write("x" * (MAX_CONFIG_BYTES + 10))
        file.write('"]')
    _, problem = load(tmp_path)
    assert problem and "could not be read" in problem and "MB" in problem
    assert len(_kept(tmp_path, name)) == 1


@pytest.mark.parametrize(("name", "load"), LOADERS, ids=[name for name, _ in LOADERS])
def test_file_that_is_not_utf8_is_kept_aside(tmp_path, name, load):
    (tmp_path / name).write_bytes(b'["\xff\xfe"]')
    _, problem = load(tmp_path)
    assert problem and "could not be read" in problem
    assert len(_kept(tmp_path, name)) == 1


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity", "1" + "0" * 400, "1" + "0" * 5000])
def test_remote_engine_with_absurd_timeout_is_kept_aside(tmp_path, number):
    path = tmp_path / ENGINES_FILE
    path.write_text('[{"name": "box", "base_url": "http://localhost:8080", "timeout_s": %s}]' % number)
    engines, problem = EngineList(tmp_path).load()
    assert engines == []
    assert problem and "could not be read" in problem
    assert len(_kept(tmp_path, ENGINES_FILE)) == 1


@pytest.mark.parametrize("number", ["1e999", "NaN", "1" + "0" * 400])
def test_remote_engine_with_absurd_context_length_is_kept_aside(tmp_path, number):
    (tmp_path / ENGINES_FILE).write_text(
        '[{"name": "box", "base_url": "http://localhost:8080", "context_length": %s}]' % number)
    engines, problem = EngineList(tmp_path).load()
    assert engines == [] and problem and "could not be read" in problem


def test_remote_engine_with_sensible_numbers_still_loads(tmp_path):
    (tmp_path / ENGINES_FILE).write_text(
        '[{"name": "box", "base_url": "http://localhost:8080", "timeout_s": 600.0, "context_length": 131072}]')
    engines, problem = EngineList(tmp_path).load()
    assert problem is None
    assert engines[0].timeout_s == 600 and engines[0].context_length == 131072


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity", "1" + "0" * 400])
@pytest.mark.parametrize("key", ["engine.threads", "engine.batch_size", "engine.context_length", "engine.gpu_offload"])
def test_absurd_numbers_in_settings_cost_only_that_setting(tmp_path, key, number):
    path = tmp_path / FILE_NAME
    path.write_text('{"version": 1, "ui.theme": "dark", "%s": %s}' % (key, number))
    settings, problem = Settings.load(path)
    assert settings.get("ui.theme") == "dark"
    assert problem and key in problem
    assert settings.get(key) == Settings().get(key)


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity", "1" + "0" * 400])
@pytest.mark.parametrize("field", ["temperature", "top_k", "seed", "max_tokens", "repeat_last_n"])
def test_absurd_numbers_in_sampler_presets_are_refused(tmp_path, field, number):
    (tmp_path / "samplers.json").write_text('[{"name": "Mine", "%s": %s}]' % (field, number))
    merged, problem = all_presets(tmp_path)
    assert problem and "could not be read" in problem
    assert all(preset.builtin for preset in merged)
    assert all(math.isfinite(preset.temperature) for preset in merged)


def test_unknown_settings_keys_cannot_smuggle_in_what_the_next_save_cannot_write(tmp_path):
    # Kept unknown keys are written back on save: a value nested deeper than the reader
    # allows would make that save fail, so the reader refuses it.
    path = tmp_path / FILE_NAME
    path.write_text('{"version": 1, "future.option": ' + "[" * 500 + "]" * 500 + "}")
    settings, problem = Settings.load(path)
    assert problem and "could not be read" in problem
    settings.save(path)
    assert json.loads(path.read_text())["version"] == 1


def test_a_file_that_reads_fine_is_unchanged_by_the_checks(tmp_path):
    path = tmp_path / "personas.json"
    path.write_text(json.dumps([{"name": "Mine", "system_prompt": "x" * 100_000, "extra": [[[[1.5, 2]]]]}]))
    mine, problem = user_presets(path, "system_prompt", "persona")
    assert problem is None and mine == [("Mine", "x" * 100_000)]


def test_a_byte_order_mark_is_not_damage(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_bytes('{"ui.theme": "dark"}'.encode("utf-8-sig"))
    settings, problem = Settings.load(path)
    assert problem is None and settings.get("ui.theme") == "dark"


def test_read_config_raises_only_value_or_os_errors(tmp_path):
    path = tmp_path / "x.json"
    for content in (DEEP, DEEP_OBJECTS, '"' + "\\" * 10, "[" * 65 + "]" * 65, "x" * 100):
        path.write_text(content)
        with pytest.raises(ValueError):
            read_config(path)
    path.write_text("[1]")

    def recurse(data):
        raise RecursionError("maximum recursion depth exceeded")

    def overflow(data):
        return int(float("inf"))

    with pytest.raises(ValueError, match="recursion"):
        read_config(path, recurse)
    with pytest.raises(ValueError, match="cannot be used"):
        read_config(path, overflow)
    assert read_config(path) == [1]
    with pytest.raises((OSError, ValueError)):
        read_config(tmp_path)  # a folder is not a file
    with pytest.raises(OSError):
        read_config(tmp_path / "missing.json")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_place_of_the_settings_does_not_hang_the_start(tmp_path):
    path = tmp_path / FILE_NAME
    os.mkfifo(path)
    settings, problem = Settings.load(path)  # opening a FIFO for reading blocks without a writer
    assert settings == Settings()
    assert problem and "could not be read" in problem and "regular file" in problem
    assert not path.exists()


def test_the_size_limit_leaves_room_for_real_files():
    assert presets.MAX_CONFIG_BYTES >= 1 << 20
