"""The prompt of the next continuation with the story bible's entries (app/core/writing.py
continuation_context): what the context inspector shows and what the engine is sent are one.

Pure core code: no Qt, no model (a fake tokenizer counts four characters a token).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.core.generation import TEMPLATE_ALLOWANCE, ModelInfo, prompt_budget
from app.core.lorebook import LoreEntry, Lorebook
from app.core.writing import (
    INSTRUCT_SYSTEM,
    ContinuationInput,
    build_continuation,
    continuation_budget,
    continuation_context,
    model_token_counter,
    prepare_continuation,
)
from tests.test_writing import english_draft, quarter

MARA = LoreEntry(name="Mara", keys="玛拉, Mara, the keeper", content="Mara keeps the lighthouse on Gull Rock.")
STORM = LoreEntry(name="Storm", keys="storm", content="Storms come from the west.", position="authors_note")
STYLE = LoreEntry(name="Style", content="Told in the past tense.", always_on=True, position="before_memory")
BOOK = Lorebook(entries=(MARA, STORM, STYLE))
DRAFT = "The tide rose.\n\nMara climbed the stairs.\n\nThe lamp was cold.\n\nShe waited"


def context(draft=DRAFT, lorebook=BOOK, budget=1000, context_tokens=2048, **given):
    return continuation_context(draft, lorebook=lorebook, count_tokens=quarter, context_tokens=context_tokens,
                                budget_tokens=budget, **given)


def engine_prompt(ctx, budget=1000):
    """What the engine builds from the request's continuation (backend._continuation_tokens)."""
    source = ctx.source()
    return build_continuation(source.draft, budget_tokens=budget, count_tokens=quarter, memory=source.memory,
                              authors_note=source.authors_note, mode=source.mode)


def test_without_a_bible_the_prompt_is_the_plain_continuation():
    ctx = context(lorebook=None, memory="A quiet story.", authors_note="Be brief.")
    plain = build_continuation(DRAFT, budget_tokens=1000, count_tokens=quarter, memory="A quiet story.", authors_note="Be brief.")
    assert ctx.text == ctx.prompt.prompt == plain.prompt
    assert [span.kind for span in ctx.spans if span.kind != "frame"] == ["memory", "draft", "authors_note", "draft"]


def test_an_entry_the_draft_mentions_goes_before_the_draft_labelled_with_its_key():
    ctx = context(memory="A quiet story.", authors_note="Build up to the storm.")
    assert ctx.text == ctx.prompt.prompt == engine_prompt(ctx).prompt  # the inspector's text is what is sent
    kinds = [(span.kind, span.text) for span in ctx.spans if span.kind != "frame"]
    assert kinds[:3] == [("entry", STYLE.content), ("memory", "A quiet story."), ("entry", MARA.content)]
    labels = {span.text: span.label for span in ctx.spans}
    assert labels[MARA.content] == "Mara: “Mara” in the draft"
    assert labels[STORM.content] == "Storm: “storm” in the author's note"
    assert labels[STYLE.content] == "Style: always on"
    # The entries placed at the note travel with it, inside its brackets.
    assert f"[Author's note: {STORM.content}\n\nBuild up to the storm.]" in ctx.text
    assert ctx.text.index(MARA.content) < ctx.text.index("The tide rose.")
    for span in ctx.spans:
        assert span.tokens == (None if span.kind == "frame" else quarter(span.text))
    assert ctx.total_tokens == quarter(ctx.text)
    assert (ctx.budget_tokens, ctx.context_tokens, ctx.lore_budget_tokens) == (1000, 2048, 512)


def test_an_entry_the_draft_does_not_mention_is_left_out():
    ctx = context(draft="The tide rose. Nobody came.")
    assert MARA.content not in ctx.text and STORM.content not in ctx.text
    assert STYLE.content in ctx.text  # always on
    assert [activation.entry.name for activation in ctx.lore.activations] == ["Style"]


def test_a_chinese_key_fires_on_traditional_text():
    book = Lorebook(entries=(MARA,))
    ctx = context(draft="夜里，瑪拉爬上了灯塔。", lorebook=book)
    assert ctx.text.startswith(MARA.content)
    (span,) = [span for span in ctx.spans if span.kind == "entry"]
    assert span.label == "Mara: “玛拉” in the draft"
    assert context(draft="夜里，她爬上了灯塔。", lorebook=book).text == "夜里，她爬上了灯塔。"


def test_entries_over_the_bibles_budget_are_left_out_with_the_reason():
    big = replace(MARA, content="Mara " * 200, priority=50)  # 250 tokens
    book = Lorebook(entries=(big, replace(STYLE, priority=200)), budget_fraction=0.1)
    ctx = context(lorebook=book)
    assert [activation.entry.name for activation in ctx.lore.kept] == ["Style"]
    (left,) = ctx.lore.left_out
    assert left.activation.entry.name == "Mara"
    assert "longer than the story bible's whole budget of 204 tokens" in left.reason
    assert big.content.strip() not in ctx.text


def test_a_context_too_small_cuts_the_memory_from_its_start_and_says_what_was_dropped():
    memory = "Memory. " * 60  # 120 tokens
    ctx = context(draft=english_draft(400), memory=memory, authors_note="Calm.", budget=200)
    assert ctx.text == engine_prompt(ctx, budget=200).prompt
    # The note goes first, then the memory's start: here the entry placed before it.
    assert [part.label for part in ctx.dropped] == ["Style: always on", "Author's note"]
    assert "Calm." not in ctx.text and STYLE.content not in ctx.text
    (shown,) = [span for span in ctx.spans if span.kind in ("memory", "entry")]
    assert shown.kind == "memory" and shown.cut and memory.strip().endswith(shown.text)
    assert ctx.text.startswith(shown.text + "\n\n")


def test_instruct_layout_shows_the_system_message_and_the_sections():
    ctx = context(memory="A quiet story.", authors_note="Build up to the storm.", mode="instruct")
    system, user = ctx.prompt.messages
    assert system.content == INSTRUCT_SYSTEM
    assert ctx.text == f"{INSTRUCT_SYSTEM}\n\n{user.content}"
    assert user.content.startswith(f"Memory:\n{STYLE.content}\n\nA quiet story.\n\n{MARA.content}\n\nAuthor's note:\n{STORM.content}")
    assert engine_prompt(ctx).messages == ctx.prompt.messages


def test_the_budget_is_the_engines():
    assert continuation_budget(2048, 120, instruct=False) == prompt_budget(2048, 120)
    assert continuation_budget(2048, 120, instruct=True) == prompt_budget(2048, 120) - TEMPLATE_ALLOWANCE


class Remote:
    _completions_supported = False

    def count_tokens(self, text: str) -> int:
        return len(text)


class Local:
    class llm:  # noqa: N801 - stands for llama_cpp.Llama
        @staticmethod
        def tokenize(data: bytes, add_bos: bool, special: bool) -> list[int]:
            assert (add_bos, special) == (False, False)  # as the engine counts a continuation
            return list(data)


def model(has_template=True) -> ModelInfo:
    return ModelInfo(path="m.gguf", name="m", architecture="llama", n_ctx=1024, n_ctx_train=1024,
                     has_chat_template=has_template, gpu_layers=0, total_layers=1, gpu_offload_supported=False)


def test_the_models_own_count_and_layout_are_used():
    assert model_token_counter(Local())("玛拉") == len("玛拉".encode())
    assert model_token_counter(Remote())("abc") == 3
    with pytest.raises(ValueError, match="No model is loaded"):
        model_token_counter(type("Unloaded", (), {"llm": None})())

    given = ContinuationInput(DRAFT, lorebook=BOOK, mode="instruct", max_tokens=120)
    assert prepare_continuation(given, Local(), model()).mode == "instruct"
    assert prepare_continuation(given, Local(), model(has_template=False)).mode == "plain"
    plain = prepare_continuation(replace(given, mode="plain"), Local(), model())
    assert (plain.mode, plain.budget_tokens) == ("plain", prompt_budget(1024, 120))
    remote = prepare_continuation(replace(given, mode="plain"), Remote(), model())
    assert remote.mode == "instruct"  # a server that cannot continue plain text is asked
    assert remote.budget_tokens == prompt_budget(1024, 120) - TEMPLATE_ALLOWANCE
    assert MARA.content in remote.text and remote.source().memory.endswith(MARA.content)
