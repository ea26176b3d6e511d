import json
import re

import pytest

from app.core.samplers import builtin_presets
from app.core.settings import FILE_NAME, OPTIONS, Settings, SettingsError, option, reload_labels


def test_every_option_is_declared_once_with_a_valid_default():
    keys = [opt.key for opt in OPTIONS]
    assert len(keys) == len(set(keys))
    for opt in OPTIONS:
        assert opt.type in (int, float, bool, str)
        assert opt.coerce(opt.default) == opt.default, opt.key
        assert opt.help and opt.label


def test_defaults():
    settings = Settings()
    assert settings.get("engine.context_length") == 0
    assert settings.get("engine.threads") == 0
    assert settings.get("engine.batch_size") == 512
    assert settings.get("engine.flash_attention") == "auto"
    assert settings.get("engine.kv_cache_type") == "f16"
    assert settings.get("engine.mmap") is True
    assert settings.get("engine.gpu_offload") == "auto"
    assert settings.get("ui.language") == "system"
    assert settings.get("ui.theme") == "system"
    assert settings.get("sampler.chat") == "Chat (balanced)"
    assert settings.get("sampler.writing") == "Creative writing"
    assert settings.get("sampler.rewrite") == "Precise / rewrite"
    assert list(settings.as_dict()) == [opt.key for opt in OPTIONS]


def test_default_sampler_settings_name_shipped_presets():
    names = {preset.name for preset in builtin_presets()}
    for key in ("sampler.chat", "sampler.writing", "sampler.rewrite"):
        assert option(key).default in names


def test_engine_options_need_a_reload_and_the_others_do_not():
    assert option("engine.context_length").needs_reload
    assert option("engine.gpu_offload").needs_reload
    assert not option("ui.theme").needs_reload
    assert not option("sampler.chat").needs_reload


def test_unknown_key_is_a_clear_key_error():
    with pytest.raises(KeyError, match="no setting named 'engine.nope'"):
        option("engine.nope")
    with pytest.raises(KeyError):
        Settings().get("engine.nope")
    with pytest.raises(KeyError):
        Settings().set("engine.nope", 1)


def test_missing_file_gives_defaults_without_a_message(tmp_path):
    settings, message = Settings.load(tmp_path / FILE_NAME)
    assert settings == Settings()
    assert message is None
    assert not (tmp_path / FILE_NAME).exists()  # loading never writes


def test_round_trip(tmp_path):
    path = tmp_path / "config" / FILE_NAME
    settings = Settings()
    settings.set("engine.context_length", 16384)
    settings.set("engine.mmap", False)
    settings.set("engine.gpu_offload", "20")
    settings.set("ui.theme", "dark")
    settings.set("sampler.chat", "My chat")
    settings.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert set(data) == {"version"} | {opt.key for opt in OPTIONS}  # all values, defaults too
    loaded, message = Settings.load(path)
    assert message is None
    assert loaded == settings
    assert loaded.get("engine.context_length") == 16384 and loaded.get("engine.mmap") is False
    assert not list(path.parent.glob("*.tmp"))


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '"text"', b"\xff\xfe\x00bad"])
def test_unreadable_file_is_kept_aside_and_defaults_used(tmp_path, content):
    path = tmp_path / FILE_NAME
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    settings, message = Settings.load(path)
    assert settings == Settings()
    assert message and "could not be read" in message
    backups = list(tmp_path.glob(FILE_NAME + ".broken-*"))
    assert len(backups) == 1
    assert re.fullmatch(re.escape(FILE_NAME) + r"\.broken-\d{8}-\d{6}", backups[0].name)
    assert backups[0].name in message
    assert backups[0].read_bytes() == (content if isinstance(content, bytes) else content.encode())
    assert not path.exists()


def test_a_second_broken_file_does_not_overwrite_the_first_backup(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_text("{first")
    Settings.load(path)
    path.write_text("{second")
    Settings.load(path)
    backups = sorted(p.read_text() for p in tmp_path.glob(FILE_NAME + ".broken-*"))
    assert backups == ["{first", "{second"]


def test_invalid_values_are_replaced_by_defaults_and_listed(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_text(json.dumps({
        "version": 1,
        "engine.batch_size": 5,  # below 32
        "ui.theme": "purple",
        "engine.threads": 8,
        "ui.language": "zh_CN",
    }))
    settings, message = Settings.load(path)
    assert settings.get("engine.batch_size") == 512
    assert settings.get("ui.theme") == "system"
    assert settings.get("engine.threads") == 8  # the valid ones are kept
    assert settings.get("ui.language") == "zh_CN"
    assert message is not None
    assert "engine.batch_size" in message and "ui.theme" in message
    assert "engine.threads" not in message and "ui.language" not in message
    assert path.exists()  # a bad value is not a broken file


def test_unknown_keys_are_kept_on_save_but_ignored(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_text(json.dumps({"version": 1, "future.option": {"a": [1, 2]}, "ui.theme": "light"}))
    settings, message = Settings.load(path)
    assert message is None
    assert "future.option" not in settings.as_dict()
    assert settings.unknown == {"future.option": {"a": [1, 2]}}
    with pytest.raises(KeyError):
        settings.get("future.option")
    settings.set("ui.theme", "dark")
    settings.save(path)
    data = json.loads(path.read_text())
    assert data["future.option"] == {"a": [1, 2]}
    assert data["ui.theme"] == "dark"


@pytest.mark.parametrize(("key", "raw", "expected"), [
    ("engine.threads", "12", 12),
    ("engine.threads", " 8 ", 8),
    ("engine.batch_size", 1024.0, 1024),
    ("engine.context_length", "0", 0),
    ("engine.context_length", "256", 256),
    ("engine.context_length", 1_048_576, 1_048_576),
    ("engine.mmap", "false", False),
    ("engine.mmap", "True", True),
    ("engine.mmap", False, False),
    ("engine.gpu_offload", "12", "12"),
    ("engine.gpu_offload", "012", "12"),
    ("engine.gpu_offload", 0, "0"),
    ("engine.gpu_offload", " All ", "all"),
    ("engine.gpu_offload", "off", "off"),
    ("ui.theme", "Dark", "dark"),
    ("ui.language", "zh_cn", "zh_CN"),
    ("sampler.writing", "  My story  ", "My story"),
])
def test_set_coerces_what_a_dialog_sends(key, raw, expected):
    settings = Settings()
    settings.set(key, raw)
    assert settings.get(key) == expected
    assert type(settings.get(key)) is type(expected)


@pytest.mark.parametrize(("key", "raw", "allowed"), [
    ("engine.batch_size", "16", "from 32 to 8192"),
    ("engine.batch_size", 9000, "from 32 to 8192"),
    ("engine.threads", -1, "from 0 to 512"),
    ("engine.threads", "twelve", "from 0 to 512"),
    ("engine.threads", 3.5, "a whole number"),
    ("engine.threads", True, "a whole number"),
    ("engine.context_length", 100, "0 (automatic) or a whole number from 256 to 1048576"),
    ("engine.context_length", 2_000_000, "from 256 to 1048576"),
    ("engine.flash_attention", "maybe", '"auto", "on", "off"'),
    ("engine.kv_cache_type", "q5_1", '"f16", "q8_0", "q4_0"'),
    ("engine.mmap", "perhaps", "true or false"),
    ("engine.mmap", 1, "true or false"),
    ("engine.gpu_offload", "abc", "a number of layers"),
    ("engine.gpu_offload", "-1", "a number of layers"),
    ("engine.gpu_offload", "1.5", "a number of layers"),
    ("engine.gpu_offload", "", "a number of layers"),
    ("ui.language", "fr", '"system", "en", "zh_CN"'),
    ("engine.batch_size", 8, "from 32 to 8192"),
    ("engine.batch_size", "nan", "from 32 to 8192"),
    ("sampler.chat", "   ", "name of a sampler preset"),
    ("sampler.chat", 3, "name of a sampler preset"),
])
def test_set_refuses_with_a_message_naming_the_option_and_what_it_allows(key, raw, allowed):
    settings = Settings()
    before = settings.get(key)
    with pytest.raises(SettingsError) as caught:
        settings.set(key, raw)
    message = str(caught.value)
    assert key in message and option(key).label in message
    assert allowed in message
    assert settings.get(key) == before  # nothing stored
    assert isinstance(caught.value, ValueError)


def test_changed_needing_reload(tmp_path):
    current = Settings()
    edited = current.copy()
    edited.set("ui.theme", "dark")
    edited.set("sampler.chat", "Creative writing")
    assert edited.changed_needing_reload(current) == []
    edited.set("engine.gpu_offload", "all")
    edited.set("engine.context_length", 8192)
    assert edited.changed_needing_reload(current) == ["engine.context_length", "engine.gpu_offload"]
    assert current.changed_needing_reload(edited) == ["engine.context_length", "engine.gpu_offload"]
    assert reload_labels(edited.changed_needing_reload(current)) == ["Context length", "GPU offload"]
    assert current.get("engine.gpu_offload") == "auto"  # copy() is independent


def test_as_dict_is_a_copy():
    settings = Settings()
    values = settings.as_dict()
    values["ui.theme"] = "dark"
    assert settings.get("ui.theme") == "system"
