from app.core.personas import all_personas, builtin_personas, save_user_persona


def test_builtin_personas_include_think_step_by_step():
    names = [p.name for p in builtin_personas()]
    assert "Think step by step" in names and "Assistant" in names
    think = next(p for p in builtin_personas() if p.name == "Think step by step")
    assert "step by step" in think.system_prompt


def test_user_persona_is_saved_and_listed_after_defaults(tmp_path):
    save_user_persona(tmp_path, "Pirate", "Talk like a pirate.")
    save_user_persona(tmp_path, "Pirate", "Talk like a polite pirate.")
    personas, problem = all_personas(tmp_path)
    assert problem is None
    assert personas[-1].name == "Pirate" and personas[-1].system_prompt == "Talk like a polite pirate."
    assert sum(p.name == "Pirate" for p in personas) == 1
    assert not list(tmp_path.glob("*.tmp"))


def test_unreadable_personas_file_is_kept_aside(tmp_path):
    (tmp_path / "personas.json").write_text("{not json")
    personas, problem = all_personas(tmp_path)
    assert problem and "could not be read" in problem
    assert (tmp_path / "personas.json.unreadable").read_text() == "{not json"
    assert personas == builtin_personas()
