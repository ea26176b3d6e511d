import dataclasses
import json

import pytest

from app.core.samplers import (
    USER_FILE,
    SamplerPreset,
    all_presets,
    builtin_presets,
    delete_user_preset,
    field_limits,
    find_preset,
    save_user_preset,
)
from app.core.settings import SettingsError


def test_builtin_presets_load_with_their_values():
    presets = builtin_presets()
    assert [p.name for p in presets] == ["Chat (balanced)", "Creative writing", "Precise / rewrite"]
    assert all(p.builtin for p in presets)
    chat, creative, precise = presets
    assert (chat.temperature, chat.top_p, chat.top_k, chat.min_p) == (0.7, 0.95, 40, 0.05)
    assert (chat.repeat_penalty, chat.repeat_last_n, chat.dry_multiplier) == (1.1, 64, 0.0)
    assert (creative.temperature, creative.top_k, creative.repeat_penalty) == (0.9, 60, 1.05)
    assert (creative.dry_multiplier, creative.dry_base, creative.dry_allowed_length) == (0.8, 1.75, 2)
    assert (creative.dry_penalty_last_n, creative.max_tokens) == (512, 300)
    assert (precise.temperature, precise.top_p, precise.repeat_penalty, precise.dry_multiplier) == (0.3, 0.9, 1.05, 0.0)
    for preset in presets:
        preset.validate()
        assert preset.seed is None and preset.stop == ()


def test_dataclass_defaults_are_those_of_the_chat_preset():
    chat = builtin_presets()[0]
    assert dataclasses.replace(SamplerPreset("Chat (balanced)"), builtin=True) == chat


@pytest.mark.parametrize(("field", "value", "words"), [
    ("temperature", 5.5, "Temperature must be a number from 0 to 5"),
    ("temperature", -0.1, "Temperature"),
    ("temperature", float("nan"), "Temperature"),
    ("top_p", 1.2, "Top-p must be a number from 0 to 1"),
    ("top_k", 1001, "Top-k must be a whole number from 0 to 1000"),
    ("top_k", 40.5, "Top-k must be a whole number"),
    ("min_p", -0.5, "Min-p"),
    ("repeat_penalty", 0.4, "Repeat penalty must be a number from 0.5 to 3"),
    ("repeat_last_n", -2, "Repeat penalty range"),
    ("presence_penalty", 2.5, "Presence penalty must be a number from -2 to 2"),
    ("frequency_penalty", -3, "Frequency penalty"),
    ("dry_multiplier", 6, "DRY multiplier must be a number from 0 to 5"),
    ("dry_base", 0.9, "DRY base must be a number from 1 to 4"),
    ("dry_allowed_length", -1, "DRY allowed length"),
    ("dry_penalty_last_n", -5, "DRY range"),
    ("seed", -1, "Seed"),
    ("seed", True, "Seed"),
    ("max_tokens", 0, "Longest reply must be a whole number from 1 to 32768"),
    ("max_tokens", 40000, "Longest reply"),
    ("stop", ("ok", ""), "stop sequences"),
    ("stop", "\n", "stop sequences"),
    ("name", "  ", "name must not be empty"),
])
def test_validate_refuses_out_of_range_values(field, value, words):
    preset = dataclasses.replace(SamplerPreset("Mine"), **{field: value})
    with pytest.raises(SettingsError) as caught:
        preset.validate()
    assert words in str(caught.value)
    if field != "name":
        assert '"Mine"' in str(caught.value)


def test_validate_accepts_the_ends_of_the_ranges_and_lists_every_problem():
    SamplerPreset("Edges", temperature=0, top_p=1, top_k=0, repeat_penalty=3, repeat_last_n=-1,
                  presence_penalty=-2, seed=0, max_tokens=32768, stop=("\n\n",)).validate()
    with pytest.raises(SettingsError) as caught:
        SamplerPreset("Two", temperature=9, top_p=2).validate()
    assert "Temperature" in str(caught.value) and "Top-p" in str(caught.value)


def test_field_limits_name_every_numeric_field_and_are_those_validate_applies():
    limits = field_limits()
    numeric = [f.name for f in dataclasses.fields(SamplerPreset) if f.name not in {"name", "stop", "builtin"}]
    assert list(limits) == numeric
    for name, limit in limits.items():
        assert limit.label and limit.minimum < limit.maximum
        default = getattr(SamplerPreset("x"), name)
        assert limit.whole == isinstance(0 if default is None else default, int)  # seed: None or whole
        step = 1 if limit.whole else 0.01
        for value in (limit.minimum, limit.maximum):
            value = int(value) if limit.whole else float(value)
            dataclasses.replace(SamplerPreset("Edge"), **{name: value}).validate()
        for value in (limit.minimum - step, limit.maximum + step):
            value = int(value) if limit.whole else float(value)
            with pytest.raises(SettingsError, match=limit.label):
                dataclasses.replace(SamplerPreset("Past"), **{name: value}).validate()
    assert "random" in limits["seed"].note and limits["temperature"].note == ""


def test_user_preset_is_saved_and_listed_after_defaults(tmp_path):
    save_user_preset(tmp_path, SamplerPreset("Wild", temperature=1.4, seed=42, stop=("THE END",)))
    presets, problem = all_presets(tmp_path)
    assert problem is None
    assert [p.name for p in presets][:3] == [p.name for p in builtin_presets()]
    wild = presets[-1]
    assert wild == SamplerPreset("Wild", temperature=1.4, seed=42, stop=("THE END",))
    assert not wild.builtin
    assert not list(tmp_path.glob("*.tmp"))


def test_user_preset_overrides_a_default_in_place_and_delete_brings_it_back(tmp_path):
    save_user_preset(tmp_path, SamplerPreset("creative WRITING", temperature=1.2))
    presets, _ = all_presets(tmp_path)
    assert len(presets) == 3
    assert presets[1].name == "creative WRITING" and presets[1].temperature == 1.2 and not presets[1].builtin
    assert find_preset(presets, "Creative writing") is presets[1]
    save_user_preset(tmp_path, SamplerPreset("Creative writing", temperature=1.3))
    assert len(json.loads((tmp_path / USER_FILE).read_text())) == 1  # replaced, not added
    assert delete_user_preset(tmp_path, "creative writing")
    assert not delete_user_preset(tmp_path, "creative writing")
    assert all_presets(tmp_path)[0] == builtin_presets()


def test_saving_an_invalid_preset_is_refused_and_writes_nothing(tmp_path):
    with pytest.raises(SettingsError):
        save_user_preset(tmp_path, SamplerPreset("Hot", temperature=50))
    assert not (tmp_path / USER_FILE).exists()


def test_unreadable_user_file_is_kept_aside(tmp_path):
    (tmp_path / USER_FILE).write_text("{not json")
    presets, problem = all_presets(tmp_path)
    assert problem and "could not be read" in problem and "samplers.json.unreadable" in problem
    assert (tmp_path / "samplers.json.unreadable").read_text() == "{not json"
    assert presets == builtin_presets()


def test_out_of_range_user_preset_makes_the_file_unreadable_with_a_reason(tmp_path):
    (tmp_path / USER_FILE).write_text(json.dumps([{"name": "Hot", "temperature": 50}]))
    presets, problem = all_presets(tmp_path)
    assert problem and "Temperature" in problem
    assert presets == builtin_presets()
    # Saving afterwards does not overwrite what the user wrote: it was kept aside.
    save_user_preset(tmp_path, SamplerPreset("Cool", temperature=0.2))
    assert json.loads((tmp_path / "samplers.json.unreadable").read_text())[0]["temperature"] == 50


def test_user_file_is_read_leniently_and_unknown_fields_survive_a_save(tmp_path):
    (tmp_path / USER_FILE).write_text(json.dumps([
        {"name": "Old", "temperature": 1, "top_k": 50.0, "mirostat": 2},
    ]))
    presets, problem = all_presets(tmp_path)
    assert problem is None
    old = find_preset(presets, "old")
    assert old == SamplerPreset("Old", temperature=1.0, top_k=50)
    assert isinstance(old.temperature, float) and isinstance(old.top_k, int)
    save_user_preset(tmp_path, SamplerPreset("New"))
    saved = json.loads((tmp_path / USER_FILE).read_text())
    assert [item["name"] for item in saved] == ["Old", "New"]
    assert saved[0]["mirostat"] == 2
    assert saved[1]["stop"] == [] and saved[1]["seed"] is None and "builtin" not in saved[1]


def test_find_preset():
    presets = builtin_presets()
    assert find_preset(presets, " precise / REWRITE ") is presets[2]
    assert find_preset(presets, "Nope") is None
