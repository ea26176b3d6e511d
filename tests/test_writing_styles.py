"""Measuring the prompt styles (packaging/measure_writing_styles.py) and the one default that
the writing desk and `inkwell continue` share."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.cli.main import build_parser
from app.core.writing import DEFAULT_MODE, MODES, VERDICTS, _mostly_cjk, judge_continuation, talks_about_story

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "packaging"))

import measure_writing_styles as measuring  # noqa: E402 (packaging/measure_writing_styles.py)


def test_the_drafts_we_measure_on():
    drafts = measuring.load_drafts()
    assert len({d["name"] for d in drafts}) == len(drafts) == 10
    assert sorted(_mostly_cjk(d["text"]) for d in drafts) == [False] * 6 + [True] * 4
    for draft in drafts:
        # A draft that used the words of talk about a text would blind that check.
        assert not talks_about_story("", draft["text"]), draft["name"]
        assert judge_continuation(draft["text"], draft["text"]) == "repeats"


def test_counts_per_style():
    rows = [
        {"style": "plain", "verdict": "continues"},
        {"style": "plain", "verdict": "continues"},
        {"style": "instruct", "verdict": "about"},
        {"style": "instruct", "verdict": "repeats"},
    ]
    counts = measuring.tally(rows)
    assert counts["plain"] == {**dict.fromkeys(VERDICTS, 0), "continues": 2}
    assert counts["instruct"] == {**dict.fromkeys(VERDICTS, 0), "about": 1, "repeats": 1}
    lines = measuring.format_table(counts).splitlines()
    assert lines[0].split() == ["style", *VERDICTS, "total"]
    assert lines[1].split() == ["plain", "2", "0", "0", "0", "0", "2"]


def test_continue_on_the_command_line_defaults_to_the_desks_style(tmp_path):
    parser = build_parser()
    assert parser.parse_args(["continue", "draft.txt"]).style == DEFAULT_MODE
    assert parser.parse_args(["continue", "--instruct", "draft.txt"]).style == "instruct"
    for style in MODES:
        assert parser.parse_args(["continue", "--style", style, "draft.txt"]).style == style
    with pytest.raises(SystemExit):
        parser.parse_args(["continue", "--style", "poem", "draft.txt"])


def test_measuring_with_the_starter_model(starter_model):
    from app.core.generation import LoadParams
    from app.engine.headless import HeadlessEngine

    drafts = measuring.load_drafts()
    chosen = [drafts[0], next(d for d in drafts if _mostly_cjk(d["text"]))]
    engine = HeadlessEngine()
    try:
        engine.load(str(starter_model), LoadParams(n_ctx=1024))
        rows = measuring.measure(engine, chosen, seeds=[1], max_tokens=8)
    finally:
        engine.close()
    assert [(row["style"], row["draft"]) for row in rows] == [
        (style, draft["name"]) for style in MODES for draft in chosen
    ]
    for row in rows:
        draft = next(d["text"] for d in chosen if d["name"] == row["draft"])
        assert row["continuation"]
        assert row["verdict"] == judge_continuation(draft, row["continuation"])
    assert sum(sum(counts.values()) for counts in measuring.tally(rows).values()) == 4
