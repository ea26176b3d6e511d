"""Story continuation: word counts and fitting a long draft into the model's context."""

import random
import re

import pytest

from app.core.generation import ChatMessage
from app.core.writing import (
    INSTRUCT_SYSTEM,
    LENGTHS,
    build_continuation,
    count_words,
)

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
WORDS = "the a lantern harbour quiet she he walked remembered salt wind door night old letter".split()


class Counting:
    """A fake tokenizer that remembers how often it was asked."""

    def __init__(self, tokens):
        self.tokens = tokens
        self.calls = 0

    def __call__(self, text: str) -> int:
        self.calls += 1
        return self.tokens(text)


def quarter(text: str) -> int:
    return len(text) // 4


def cjk_tokens(text: str) -> int:
    """One token per CJK character, four characters per token for everything else."""
    cjk = len(CJK.findall(text))
    return cjk + (len(text) - cjk) // 4


def english_draft(words: int = 20_000, sentences_per_paragraph: tuple[int, int] = (3, 8)) -> str:
    rng = random.Random(7)
    paragraphs, total = [], 0
    while total < words:
        sentences = []
        for _ in range(rng.randint(*sentences_per_paragraph)):
            length = rng.randint(5, 15)
            sentence = " ".join(rng.choice(WORDS) for _ in range(length))
            sentences.append(sentence.capitalize() + rng.choice(".!?"))
            total += length
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def chinese_draft(sentences: int = 3000) -> str:
    """One huge paragraph of Chinese sentences, no spaces anywhere."""
    rng = random.Random(3)
    chars = "她走向海边的灯塔风很大夜色沉沉旧信在口袋里"
    return "".join("".join(rng.choice(chars) for _ in range(rng.randint(6, 20))) + "。" for _ in range(sentences))


# --- count_words --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, world", 2),
        ("  The quick brown fox.\n\nJumps!  ", 5),
        ("我爱写作", 4),
        ("我爱写作。你呢？", 6),
        ("I love 写作!", 4),
        ("こんにちは、カタカナ", 9),
        ("東京タワー", 5),
        ("한국어 공부", 5),
        ("don't stop", 2),
        ("a well-known author’s tale", 4),
        ("3.14 apples, 1,000 pears", 4),
        ("naïve café", 2),
        ("na\u0308ive", 1),  # decomposed accent
        ("हिन्दी भाषा", 2),
        ("... -- !!! ？。、 — “” ___", 0),
        ("😀 🎉 👍🏽", 0),
        ("", 0),
    ],
)
def test_count_words(text, expected):
    assert count_words(text) == expected


def test_lengths():
    assert LENGTHS == {"short": 40, "paragraph": 120, "long": 300}


# --- layout -------------------------------------------------------------------------------


def test_plain_layout_puts_memory_first_and_note_before_the_last_paragraphs():
    result = build_continuation(
        "One.\n\nTwo.\n\nThree.\n\nFour.",
        budget_tokens=1000,
        count_tokens=quarter,
        memory="  Mara keeps the lighthouse.\n",
        authors_note=" Storm coming. ",
    )
    assert result.prompt == (
        "Mara keeps the lighthouse.\n\nOne.\n\n[Author's note: Storm coming.]\n\nTwo.\n\nThree.\n\nFour."
    )
    assert result.messages == ()
    assert (result.visible_start, result.memory_included, result.note_included) == (0, True, True)


def test_note_follows_single_line_paragraphs_and_its_depth():
    result = build_continuation(
        "A\nB\n\n  \nC\nD", budget_tokens=100, count_tokens=quarter, authors_note="x", note_depth=2
    )
    assert result.prompt == "A\nB\n\n  \n[Author's note: x]\n\nC\nD"
    result = build_continuation("A\nB\nC\nD", budget_tokens=100, count_tokens=quarter, authors_note="x", note_depth=1)
    assert result.prompt == "A\nB\nC\n[Author's note: x]\nD"


def test_note_goes_first_when_the_draft_has_few_paragraphs():
    result = build_continuation("Only one.", budget_tokens=100, count_tokens=quarter, memory="M", authors_note="x")
    assert result.prompt == "M\n\n[Author's note: x]\n\nOnly one."
    exact = build_continuation("A\n\nB\n\nC", budget_tokens=100, count_tokens=quarter, authors_note="x")
    assert exact.prompt == "[Author's note: x]\n\nA\n\nB\n\nC"
    empty = build_continuation("", budget_tokens=100, count_tokens=quarter, authors_note="x")
    assert empty.prompt == "[Author's note: x]\n\n"
    assert (empty.memory_included, empty.note_included) == (False, True)


@pytest.mark.parametrize("ending", ["He opened the door ", "He opened the door.\n", "他推开了门，\n\n"])
@pytest.mark.parametrize("mode", ["plain", "instruct"])
def test_draft_end_is_kept_exactly(ending, mode):
    for draft in (ending, english_draft(3000) + "\n\n" + ending):
        result = build_continuation(draft, budget_tokens=300, count_tokens=quarter, memory="M", mode=mode)
        text = result.prompt if mode == "plain" else result.messages[-1].content
        assert text.endswith(draft[result.visible_start :])
        assert text.endswith(ending)


def test_instruct_messages():
    result = build_continuation(
        "The tide rose. ",
        budget_tokens=1000,
        count_tokens=quarter,
        memory="Mara keeps the lighthouse.",
        authors_note="Storm coming.",
        mode="instruct",
    )
    assert result.prompt is None
    assert result.messages == (
        ChatMessage("system", INSTRUCT_SYSTEM),
        ChatMessage(
            "user",
            "Memory:\nMara keeps the lighthouse.\n\nAuthor's note:\nStorm coming.\n\nStory so far:\nThe tide rose. ",
        ),
    )
    bare = build_continuation("它", budget_tokens=1000, count_tokens=quarter, mode="instruct")
    assert bare.messages[1] == ChatMessage("user", "Story so far:\n它")
    assert "Chinese" in INSTRUCT_SYSTEM and "continuation" in INSTRUCT_SYSTEM


# --- fitting ------------------------------------------------------------------------------


def test_everything_fits_untouched():
    draft = english_draft(200)
    counter = Counting(quarter)
    result = build_continuation(draft, budget_tokens=4096, count_tokens=counter, memory="M")
    assert result.prompt == "M\n\n" + draft
    assert result.visible_start == 0
    assert counter.calls == 1


def test_long_draft_keeps_its_end_from_a_paragraph_start():
    draft = english_draft()
    assert count_words(draft) >= 20_000
    memory, note = "Mara keeps the lighthouse.", "The storm breaks tonight."
    counter = Counting(quarter)
    result = build_continuation(draft, budget_tokens=2048, count_tokens=counter, memory=memory, authors_note=note)
    start = result.visible_start
    assert quarter(result.prompt) <= 2048
    assert start > 0 and draft[start - 2 : start] == "\n\n" and not draft[start].isspace()
    assert (result.memory_included, result.note_included) == (True, True)
    note_block = f"[Author's note: {note}]\n\n"
    assert result.prompt.count(note_block) == 1
    assert result.prompt.replace(note_block, "") == f"{memory}\n\n{draft[start:]}"
    # The note sits before the last three paragraphs.
    assert result.prompt.split(note_block)[1].count("\n\n") == 2
    # It is the longest tail that fits: one paragraph more would not.
    previous = draft.rindex("\n\n", 0, start - 2) + 2
    assert quarter(f"{memory}\n\n{note_block}{draft[previous:]}") > 2048
    assert counter.calls <= 40


def test_long_instruct_draft_fits_the_message_contents():
    draft = english_draft()
    counter = Counting(cjk_tokens)
    result = build_continuation(draft, budget_tokens=1500, count_tokens=counter, memory="M", mode="instruct")
    assert sum(cjk_tokens(m.content) for m in result.messages) <= 1500
    user = result.messages[1].content
    assert user.startswith("Memory:\nM\n\nStory so far (its beginning is left out):\n")
    assert user.endswith("\n" + draft[result.visible_start :])
    assert draft[result.visible_start - 2 : result.visible_start] == "\n\n"
    assert counter.calls <= 40


def test_huge_paragraphs_are_cut_at_a_sentence():
    draft = english_draft(sentences_per_paragraph=(2000, 2000))  # a single paragraph
    assert "\n" not in draft
    counter = Counting(quarter)
    result = build_continuation(draft, budget_tokens=1000, count_tokens=counter, memory="M")
    start = result.visible_start
    assert quarter(result.prompt) <= 1000
    assert draft[start - 2] in ".!?" and draft[start - 1] == " " and draft[start].isupper()
    assert result.prompt == "M\n\n" + draft[start:]
    assert quarter(result.prompt) > 1000 - 30  # not much more than a sentence is lost
    assert counter.calls <= 40


def test_chinese_draft_is_cut_after_a_full_stop():
    draft = chinese_draft()
    counter = Counting(cjk_tokens)
    result = build_continuation(draft, budget_tokens=800, count_tokens=counter, memory="她是守塔人。")
    start = result.visible_start
    assert cjk_tokens(result.prompt) <= 800
    assert start > 0 and draft[start - 1] == "。"
    assert result.prompt == "她是守塔人。\n\n" + draft[start:]
    previous = draft.rindex("。", 0, start - 1) + 1
    assert cjk_tokens("她是守塔人。\n\n" + draft[previous:]) > 800
    assert counter.calls <= 40


def test_text_without_sentences_is_cut_at_a_space_then_anywhere():
    words = " ".join(["lantern"] * 20_000)
    result = build_continuation(words, budget_tokens=500, count_tokens=quarter)
    assert quarter(result.prompt) <= 500 and result.prompt == words[result.visible_start :]
    assert words[result.visible_start - 1] == " "
    blob = "x" * 100_000
    counter = Counting(quarter)
    result = build_continuation(blob, budget_tokens=500, count_tokens=counter)
    assert result.prompt == "x" * 2003  # 2003 // 4 == 500
    assert counter.calls <= 40


def test_tiny_budget_drops_the_note_before_the_memory():
    draft = english_draft(2000)
    memory = "Mara keeps the lighthouse."
    note = "Write slowly, with dread, and keep every sentence short and plain." * 2
    result = build_continuation(draft, budget_tokens=16, count_tokens=quarter, memory=memory, authors_note=note)
    assert quarter(result.prompt) <= 16
    assert (result.memory_included, result.note_included) == (True, False)
    assert "Author's note" not in result.prompt
    assert result.prompt.startswith(memory + "\n\n") and result.prompt.endswith(draft[-20:])


def test_huge_memory_is_cut_from_its_start():
    draft = english_draft(2000)
    memory = english_draft(5000)
    counter = Counting(quarter)
    result = build_continuation(draft, budget_tokens=1000, count_tokens=counter, memory=memory, authors_note="Dread.")
    assert quarter(result.prompt) <= 1000
    assert (result.memory_included, result.note_included) == (False, False)
    kept_memory, story = result.prompt.split("\n\n[", 1)[0], draft[result.visible_start :]
    assert result.prompt.endswith(story) and len(story) >= 1800  # about half the budget
    assert memory.endswith(result.prompt[: -len(story) - 2])
    assert kept_memory[0].isupper()  # the memory's tail starts at a paragraph or sentence
    assert counter.calls <= 40


def test_huge_memory_gives_way_to_a_short_draft():
    draft = "The tide rose.\n\nShe waited. "
    result = build_continuation(draft, budget_tokens=100, count_tokens=quarter, memory=english_draft(1000))
    assert result.visible_start == 0 and not result.memory_included
    assert quarter(result.prompt) <= 100 and result.prompt.endswith("\n\n" + draft)


def test_uneven_tokenizer_still_fits_in_few_calls():
    # Tokens far from proportional to characters: the search must not rely on the estimate.
    draft = english_draft() + "\n\n" + chinese_draft(500)
    counter = Counting(lambda text: cjk_tokens(text) + 3 * text.count("lantern"))
    result = build_continuation(draft, budget_tokens=3000, count_tokens=counter, authors_note="Calm.")
    assert counter.tokens(result.prompt) <= 3000 and result.note_included
    assert result.visible_start > 0 and draft[result.visible_start - 1] in "。\n"
    assert counter.calls <= 40


def test_budget_below_sixteen_is_rejected():
    with pytest.raises(ValueError):
        build_continuation("Once", budget_tokens=15, count_tokens=quarter)
    assert build_continuation("Once", budget_tokens=16, count_tokens=quarter).prompt == "Once"
