"""`inkwell continue --lorebook FILE`: a story bible from any import format enters the prompt
the way the writing desk puts it there (the starter model, run as a person runs it)."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import inkwell

FIXTURES = Path(__file__).with_name("fixtures") / "lorebooks"
MARA = "Mara keeps the lighthouse on Gull Rock."


def continue_with(tmp_path: Path, draft: str, lorebook: Path, *more: str):
    file = tmp_path / "draft.txt"
    file.write_text(draft, encoding="utf-8")
    return inkwell("--data-dir", str(tmp_path), "continue", "--lorebook", str(lorebook), "--max-tokens", "8",
                   "--seed", "3", *more, str(file))


def test_entries_the_draft_mentions_are_sent_and_said(tmp_path):
    result = continue_with(tmp_path, "The fog came in. Mara climbed the stairs and", FIXTURES / "sillytavern.json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    report = result.stderr
    assert "+ Mara: “Mara” in the draft" in report
    assert "+ Style: always on" in report
    assert "玛拉（中文）" not in report  # its keys are not in the draft
    # What SillyTavern has and Inkwell does not is said, never a failure.
    assert "sillytavern.json:" in report and "Traceback" not in report


def test_a_chinese_key_fires_on_traditional_text_from_a_kobold_story(tmp_path):
    result = continue_with(tmp_path, "海上起了雾。她走向燈塔，", FIXTURES / "kobold_story.json")
    assert result.returncode == 0, result.stderr
    assert "+ 灯塔: “灯塔” in the draft" in result.stderr


def test_the_prompt_sent_holds_the_entry(tmp_path, monkeypatch):
    """In-process, so the prompt the engine tokenizes can be read."""
    from app.cli.main import main
    from app.engine.backend import LlamaBackend

    sent: list[str] = []
    tokenize = LlamaBackend.tokenize_prompt

    def recording(self, text: str) -> list[int]:
        sent.append(text)
        return tokenize(self, text)

    monkeypatch.setattr(LlamaBackend, "tokenize_prompt", recording)
    draft = tmp_path / "draft.txt"
    for text, expected in (("Mara climbed the stairs and", True), ("Nobody climbed the stairs and", False)):
        draft.write_text(text, encoding="utf-8")
        sent.clear()
        code = main(["--data-dir", str(tmp_path), "continue", "--lorebook", str(FIXTURES / "sillytavern.json"),
                     "--max-tokens", "4", "--seed", "1", str(draft)])
        assert code == 0
        (prompt,) = sent
        assert prompt.endswith(text)
        assert (MARA in prompt) is expected
        assert "The story is told in the past tense" in prompt  # always on


def test_a_file_that_is_not_a_lorebook_is_refused_clearly(tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text('{"title": "my notes"}', encoding="utf-8")
    result = continue_with(tmp_path, "Mara climbed", bad)
    assert result.returncode == 2
    assert "notes.json" in result.stderr and "Traceback" not in result.stderr
    missing = continue_with(tmp_path, "Mara climbed", tmp_path / "nope.json")
    assert missing.returncode == 2 and "could not be read" in missing.stderr
